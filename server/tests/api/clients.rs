//! Real registry clients against a running Berth: skopeo, podman, oras, docker and ctr.
//! Round trips must be byte-identical.

use crate::fixtures::{Layout, blob_names, sha256_hex};
use crate::helpers::{ADMIN_PASSWORD, TestBerth};
use crate::oci_helpers::standard_registries;
use std::process::Command;

fn run(command: &mut Command) -> String {
    let output = command.output().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "{command:?} failed:\n{text}");
    text
}

fn host(berth: &TestBerth) -> String {
    berth.base.trim_start_matches("http://").to_string()
}

fn creds() -> String {
    format!("admin:{ADMIN_PASSWORD}")
}

#[tokio::test]
async fn skopeo_copies_multi_layer_and_multi_platform_images_in_and_out_unchanged() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let work = tempfile::tempdir().unwrap();
    let source = work.path().join("source");
    let mut layout = Layout::new(&source);
    let image = layout.image("web", 3, "amd64");
    layout.tag(image, "v1");
    let amd64 = layout.image("multi-amd64", 2, "amd64");
    let arm64 = layout.image("multi-arm64", 2, "arm64");
    let index = layout.platform_index(vec![amd64, arm64]);
    layout.tag(index.clone(), "multi");

    let host = host(&berth);
    for (tag, extra) in [("v1", vec![]), ("multi", vec!["--all"])] {
        run(Command::new("skopeo")
            .args(["copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", &creds()])
            .args(&extra)
            .arg(format!("oci:{}:{tag}", source.display()))
            .arg(format!("docker://{host}/apps/team/web:{tag}")));
    }

    let back = work.path().join("back");
    for (tag, extra) in [("v1", vec![]), ("multi", vec!["--all"])] {
        run(Command::new("skopeo")
            .args(["copy", "--preserve-digests", "--src-tls-verify=false", "--src-creds", &creds()])
            .args(&extra)
            .arg(format!("docker://{host}/apps/team/web:{tag}"))
            .arg(format!("oci:{}:{tag}", back.display())));
    }
    assert_eq!(blob_names(&back), blob_names(&source), "every blob and manifest came back byte for byte");

    let raw = run(Command::new("skopeo")
        .args(["inspect", "--raw", "--tls-verify=false", "--creds", &creds()])
        .arg(format!("docker://{host}/apps/team/web:multi")));
    assert_eq!(format!("sha256:{}", sha256_hex(raw.trim_end().as_bytes())), index["digest"].as_str().unwrap());
}

#[tokio::test]
async fn podman_pushes_and_pulls() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    // podman names images after the layout's path, which must be lowercase.
    let work = tempfile::Builder::new().prefix("berth-podman-").tempdir().unwrap();
    let lowercase = std::env::temp_dir().join(format!("berth-podman-{:016x}", server::db::new_id()));
    let source = lowercase.join("source");
    let mut layout = Layout::new(&source);
    let image = layout.image("podman", 2, "amd64");
    let config_digest = image["digest"].clone();
    layout.tag(image, "v1");

    let podman = |args: &[&str]| {
        let mut command = Command::new("podman");
        command
            .arg("--root")
            .arg(work.path().join("storage"))
            .arg("--runroot")
            .arg(work.path().join("run"))
            .args(["--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "none"])
            .args(args)
            .env("XDG_RUNTIME_DIR", work.path());
        run(&mut command)
    };
    let host = host(&berth);
    podman(&["pull", &format!("oci:{}:v1", source.display())]);
    let local = podman(&["images", "--format", "{{.ID}}"]).lines().next().unwrap().to_string();
    podman(&["tag", &local, &format!("{host}/apps/podman:v1")]);
    podman(&["push", "--tls-verify=false", "--creds", &creds(), &format!("{host}/apps/podman:v1")]);
    podman(&["rmi", "--all", "--force"]);
    podman(&["pull", "--tls-verify=false", "--creds", &creds(), &format!("{host}/apps/podman:v1")]);
    let pulled = podman(&["images", "--format", "{{.ID}}"]);
    assert!(pulled.contains(&local), "the same image came back: {pulled} vs {local}");
    let _ = config_digest;
    let _ = std::fs::remove_dir_all(&lowercase);
}

#[tokio::test]
async fn oras_pushes_and_pulls_an_artifact_with_a_referrer() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("artifact.txt"), "hello from oras\n").unwrap();
    std::fs::write(work.path().join("sbom.json"), r#"{"sbom":true}"#).unwrap();
    let script = r#"
import sys, os, json, oras.client, oras.oci
host, password, work = sys.argv[1], sys.argv[2], sys.argv[3]
os.chdir(work)
client = oras.client.OrasClient(hostname=host, insecure=True)
client.login(username="admin", password=password, hostname=host, tls_verify=False)
target = f"{host}/apps/artifacts:v1"
client.push(target=target, files=["artifact.txt"])
resp = client.do_request(f"http://{host}/v2/apps/artifacts/manifests/v1", "HEAD", headers={"Accept": "application/vnd.oci.image.manifest.v1+json"})
subject_digest = resp.headers["Docker-Content-Digest"]
subject = oras.oci.Subject(mediaType="application/vnd.oci.image.manifest.v1+json", digest=subject_digest, size=int(resp.headers["Content-Length"]))
client.push(target=f"{host}/apps/artifacts:sbom", files=["sbom.json"], subject=subject)
os.makedirs("out", exist_ok=True)
files = client.pull(target=target, outdir="out")
print(json.dumps({"subject": subject_digest, "files": [os.path.basename(f) for f in files]}))
"#;
    let output = run(Command::new("python3").args(["-c", script, &host(&berth), ADMIN_PASSWORD]).arg(work.path()));
    let result: serde_json::Value = serde_json::from_str(output.lines().last().unwrap()).unwrap_or_else(|_| panic!("{output}"));
    assert_eq!(std::fs::read_to_string(work.path().join("out/artifact.txt")).unwrap(), "hello from oras\n");

    let referrers: serde_json::Value = berth
        .script()
        .get(berth.url(&format!("/v2/apps/artifacts/referrers/{}", result["subject"].as_str().unwrap())))
        .basic_auth("admin", Some(ADMIN_PASSWORD))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(referrers["manifests"].as_array().unwrap().len(), 1, "the SBOM refers to the artifact: {referrers}");
}

#[tokio::test]
async fn the_oci_client_crate_pushes_and_pulls_byte_identical_images() {
    use oci_client::client::{ClientConfig, ClientProtocol, Config, ImageLayer};
    use oci_client::secrets::RegistryAuth;
    use oci_client::{Client, Reference};

    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let client = Client::new(ClientConfig { protocol: ClientProtocol::Http, ..Default::default() });
    let reference: Reference = format!("{}/apps/rust/client:v1", host(&berth)).parse().unwrap();
    let auth = RegistryAuth::Basic("admin".to_string(), ADMIN_PASSWORD.to_string());
    let layer: Vec<u8> = (0..300_000u32).map(|i| (i % 253) as u8).collect();
    let config = br#"{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#.to_vec();
    let layers = [ImageLayer::new(layer.clone(), "application/vnd.oci.image.layer.v1.tar".to_string(), None)];
    client
        .push(&reference, &layers, Config::new(config.clone(), "application/vnd.oci.image.config.v1+json".to_string(), None), &auth, None)
        .await
        .expect("oci-client pushes");

    let fresh = Client::new(ClientConfig { protocol: ClientProtocol::Http, ..Default::default() });
    let image = fresh.pull(&reference, &auth, vec!["application/vnd.oci.image.layer.v1.tar"]).await.expect("oci-client pulls");
    assert_eq!(image.layers[0].data.to_vec(), layer);
    assert_eq!(image.config.data.to_vec(), config);
    let tags = fresh.list_tags(&reference, &auth, None, None).await.unwrap();
    assert_eq!(tags.tags, ["v1"]);
    // A new client: the first one caches the token it was given.
    let anonymous = Client::new(ClientConfig { protocol: ClientProtocol::Http, ..Default::default() });
    let refused = anonymous.pull(&reference, &RegistryAuth::Anonymous, vec!["application/vnd.oci.image.layer.v1.tar"]).await;
    assert!(refused.is_err(), "anonymous pulls of a private registry are refused");
}

/// A Docker daemon of the test's own (its containerd serves `ctr` too), trusting the
/// given registry over plain HTTP; stopped when dropped.
struct DockerDaemon {
    child: std::process::Child,
    dir: tempfile::TempDir,
}

impl DockerDaemon {
    async fn start(insecure_registry: &str) -> Self {
        let dir = tempfile::Builder::new().prefix("dk").tempdir_in("/tmp").unwrap();
        let path = dir.path();
        let child = Command::new("dockerd")
            .arg("--data-root")
            .arg(path.join("data"))
            .arg("--exec-root")
            .arg(path.join("x"))
            .arg("--pidfile")
            .arg(path.join("docker.pid"))
            .arg("--host")
            .arg(format!("unix://{}", path.join("docker.sock").display()))
            .args(["--bridge=none", "--iptables=false", "--ip6tables=false", "--storage-driver=vfs"])
            .args(["--insecure-registry", insecure_registry])
            .stdout(std::fs::File::create(path.join("dockerd.log")).unwrap())
            .stderr(std::fs::File::create(path.join("dockerd.err")).unwrap())
            .spawn()
            .expect("start dockerd");
        let daemon = DockerDaemon { child, dir };
        for _ in 0..120 {
            if daemon.docker().arg("info").output().is_ok_and(|o| o.status.success()) {
                return daemon;
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        panic!("dockerd did not start: {}", std::fs::read_to_string(daemon.dir.path().join("dockerd.err")).unwrap_or_default());
    }

    fn docker(&self) -> Command {
        let mut command = Command::new("/usr/bin/docker");
        command.env("DOCKER_HOST", format!("unix://{}", self.dir.path().join("docker.sock").display()));
        command.arg("--config").arg(self.dir.path().join("client"));
        command
    }

    fn ctr(&self) -> Command {
        let mut command = Command::new("ctr");
        command.arg("--address").arg(self.dir.path().join("x/containerd/containerd.sock")).args(["--namespace", "berth-test"]);
        command
    }
}

impl Drop for DockerDaemon {
    fn drop(&mut self) {
        let _ = Command::new("kill").arg(self.child.id().to_string()).status();
        let _ = self.child.wait();
    }
}

/// Docker and containerd ask for registry tokens scope by scope (docker adds the
/// source repository's pull scope to mount a layer across repositories); a robot's
/// scoped tokens must carry both through a pull, a push and a pull back.
#[tokio::test]
async fn docker_and_ctr_push_and_pull_with_scoped_robot_tokens() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let (_, robot) = berth
        .admin_api(reqwest::Method::POST, "/registries/apps/robots", Some(serde_json::json!({ "name": "ci", "permission": "push" })))
        .await;
    let (user, secret) = (robot["username"].as_str().unwrap().to_string(), robot["secret"].as_str().unwrap().to_string());
    let host = host(&berth);
    let work = tempfile::tempdir().unwrap();
    let source = work.path().join("source");
    let mut layout = Layout::new(&source);
    let image = layout.image("docker", 2, "amd64");
    layout.tag(image, "v1");
    run(Command::new("skopeo")
        .args(["copy", "--dest-tls-verify=false", "--dest-creds", &creds()])
        .arg(format!("oci:{}:v1", source.display()))
        .arg(format!("docker://{host}/apps/base:v1")));

    let daemon = DockerDaemon::start(&host).await;
    let mut login = daemon.docker();
    login.args(["login", "--username", &user, "--password", &secret, &host]);
    run(&mut login);
    run(daemon.docker().args(["pull", &format!("{host}/apps/base:v1")]));
    run(daemon.docker().args(["tag", &format!("{host}/apps/base:v1"), &format!("{host}/apps/copy:v1")]));
    let pushed = run(daemon.docker().args(["push", &format!("{host}/apps/copy:v1")]));
    assert!(pushed.contains("Mounted from apps/base"), "docker mounts the layers across repositories: {pushed}");
    let id = run(daemon.docker().args(["image", "inspect", "--format", "{{.Id}}", &format!("{host}/apps/copy:v1")]));
    run(daemon.docker().args(["rmi", &format!("{host}/apps/base:v1"), &format!("{host}/apps/copy:v1")]));
    run(daemon.docker().args(["pull", &format!("{host}/apps/copy:v1")]));
    let again = run(daemon.docker().args(["image", "inspect", "--format", "{{.Id}}", &format!("{host}/apps/copy:v1")]));
    assert_eq!(id, again, "docker pulls back the image it pushed");

    let credentials = format!("{user}:{secret}");
    run(daemon.ctr().args([
        "images",
        "pull",
        "--plain-http",
        "--snapshotter",
        "native",
        "--user",
        &credentials,
        &format!("{host}/apps/copy:v1"),
    ]));
    run(daemon.ctr().args(["images", "tag", &format!("{host}/apps/copy:v1"), &format!("{host}/apps/ctr:v1")]));
    run(daemon.ctr().args(["images", "push", "--plain-http", "--user", &credentials, &format!("{host}/apps/ctr:v1")]));
    let digest = |repository: &str| {
        run(Command::new("skopeo")
            .args(["inspect", "--tls-verify=false", "--creds", &creds(), "--format", "{{.Digest}}"])
            .arg(format!("docker://{host}/apps/{repository}:v1")))
    };
    assert_eq!(digest("ctr"), digest("copy"), "ctr pushed the same manifest it pulled");
}
