//! Usage counts a blob shared by images once per registry and matches a recount from
//! what was pushed; a quota refuses the push that would pass it, and failed pushes do
//! not count.

use crate::helpers::TestBerth;
use crate::oci_helpers::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashMap;

#[tokio::test]
async fn usage_matches_a_recount_after_pushes_deletes_and_mounts() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    let shared = vec![1u8; 10_000];
    // (repository → blobs its image references), to recount from.
    let mut images: HashMap<String, Vec<Vec<u8>>> = HashMap::new();
    for i in 0..6 {
        let name = format!("apps/img{i}");
        let config = format!("{{\"n\":{i}}}").into_bytes();
        let own = vec![i as u8 + 10; 1_000 * (i + 1)];
        for blob in [&config, &shared, &own] {
            assert_eq!(registry.push_blob(&name, blob).await.status(), 201);
        }
        let manifest = image_manifest(&config, &[&shared, &own], None);
        assert_eq!(registry.put_manifest(&name, "v1", OCI_MANIFEST, &manifest).await.status(), 201);
        images.insert(format!("img{i}"), vec![config, shared.clone(), own]);
    }
    // A mount adds no bytes; deleting repositories removes theirs.
    let mount = registry
        .request(Method::POST, &format!("/v2/apps/img9/blobs/uploads/?mount={}&from=apps/img0", sha256(&shared)))
        .send()
        .await
        .unwrap();
    assert_eq!(mount.status(), 201);
    for gone in ["img1", "img4"] {
        assert_eq!(berth.admin_api(Method::DELETE, &format!("/registries/apps/repositories/{gone}"), None).await.0, 204);
        images.remove(gone);
    }

    let mut distinct: HashMap<String, usize> = HashMap::new();
    for blobs in images.values() {
        for blob in blobs {
            distinct.insert(sha256(blob), blob.len());
        }
    }
    let expected: usize = distinct.values().sum();
    let (status, usage) = berth.admin_api(Method::GET, "/workspaces/acme/usage", None).await;
    assert_eq!(status, 200);
    let apps = usage["registries"].as_array().unwrap().iter().find(|r| r["name"] == "apps").unwrap().clone();
    assert_eq!(apps["size_bytes"], expected as i64, "the shared layer counts once: {usage}");
    assert_eq!(usage["size_bytes"], expected as i64);
    let (_, repositories) = berth.admin_api(Method::GET, "/registries/apps/repositories", None).await;
    let img0 = repositories.as_array().unwrap().iter().find(|r| r["name"] == "img0").unwrap();
    assert_eq!(img0["size_bytes"], images["img0"].iter().map(|b| b.len()).sum::<usize>() as i64);
}

/// A small deterministic generator, so a failing sequence can be replayed from its seed.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// What the test believes each repository holds: live manifests (digest → blobs it
/// references) and tags (tag → manifest digest).
#[derive(Default)]
struct ModelRepository {
    manifests: HashMap<String, Vec<Vec<u8>>>,
    tags: HashMap<String, String>,
}

fn distinct_bytes<'a>(manifests: impl Iterator<Item = &'a Vec<Vec<u8>>>) -> i64 {
    let mut distinct: HashMap<String, usize> = HashMap::new();
    for blobs in manifests {
        for blob in blobs {
            distinct.insert(sha256(blob), blob.len());
        }
    }
    distinct.values().sum::<usize>() as i64
}

#[tokio::test]
async fn usage_matches_a_recount_after_a_random_sequence_of_operations() {
    let seed = std::env::var("USAGE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64 | 1);
    let mut rng = Rng(seed);
    let launch = crate::helpers::Launch { env: vec![("BERTH_GC_GRACE_SECONDS".into(), "0".into())], ..Default::default() };
    let berth = TestBerth::launch(launch).await;
    standard_registries(&berth).await;
    let client = Registry::admin(&berth);
    let layers: Vec<Vec<u8>> = (0..6).map(|i| vec![i as u8 + 1; 1_000 * (i + 1) + 7 * i]).collect();
    // (registry, repository) → model
    let mut model: HashMap<(String, String), ModelRepository> = HashMap::new();
    let mut log = Vec::new();
    let mut pushes = 0;

    for step in 0..60 {
        let registry = ["apps", "pub"][rng.below(2)].to_string();
        let repository = format!("r{}", rng.below(3));
        let key = (registry.clone(), repository.clone());
        let full = format!("{registry}/{repository}");
        match rng.below(10) {
            // Push a new image under a tag (moving the tag if it exists), or by digest only.
            0..=3 => {
                pushes += 1;
                let config = format!("{{\"push\":{pushes}}}").into_bytes();
                let mut blobs = vec![config.clone()];
                for _ in 0..1 + rng.below(3) {
                    blobs.push(layers[rng.below(layers.len())].clone());
                }
                for blob in &blobs {
                    assert_eq!(client.push_blob(&full, blob).await.status(), 201);
                }
                let layer_refs: Vec<&[u8]> = blobs[1..].iter().map(Vec::as_slice).collect();
                let manifest = image_manifest(&config, &layer_refs, None);
                let digest = sha256(&manifest);
                let by_digest = rng.below(4) == 0;
                let tag = format!("t{}", rng.below(4));
                let reference = if by_digest { digest.clone() } else { tag.clone() };
                assert_eq!(client.put_manifest(&full, &reference, OCI_MANIFEST, &manifest).await.status(), 201);
                let repo = model.entry(key).or_default();
                repo.manifests.insert(digest.clone(), blobs);
                if !by_digest {
                    // A moved tag leaves its old image untagged; it stays until deleted.
                    repo.tags.insert(tag.clone(), digest);
                }
                log.push(format!("{step}: push {full}:{reference}"));
            }
            // Tag an existing image again.
            4 => {
                let Some(repo) = model.get_mut(&key) else { continue };
                let Some(digest) = repo.tags.values().next().cloned() else { continue };
                let tag = format!("t{}", rng.below(4));
                let manifest =
                    client.request(Method::GET, &format!("/v2/{full}/manifests/{digest}")).send().await.unwrap().bytes().await.unwrap();
                assert_eq!(client.put_manifest(&full, &tag, OCI_MANIFEST, &manifest).await.status(), 201);
                repo.tags.insert(tag.clone(), digest);
                log.push(format!("{step}: retag {full}:{tag}"));
            }
            // Delete a tag: its image goes when no other tag names it and it was tagged.
            5 | 6 => {
                let Some(repo) = model.get_mut(&key) else { continue };
                let Some(tag) = repo.tags.keys().next().cloned() else { continue };
                let (status, _) =
                    berth.admin_api(Method::DELETE, &format!("/registries/{registry}/repositories/{repository}/tags/{tag}"), None).await;
                assert_eq!(status, 204, "seed {seed}");
                let digest = repo.tags.remove(&tag).unwrap();
                if !repo.tags.values().any(|d| *d == digest) {
                    repo.manifests.remove(&digest);
                }
                log.push(format!("{step}: delete tag {full}:{tag}"));
            }
            // Mount a layer into another repository: links it, adds no usage.
            7 => {
                let from = format!("{registry}/r{}", rng.below(3));
                let layer = &layers[rng.below(layers.len())];
                let _ = client
                    .request(Method::POST, &format!("/v2/{full}/blobs/uploads/?mount={}&from={from}", sha256(layer)))
                    .send()
                    .await
                    .unwrap();
                log.push(format!("{step}: mount into {full} from {from}"));
            }
            // Delete a whole repository.
            8 => {
                if model.remove(&key).is_none() {
                    continue;
                }
                let (status, _) = berth.admin_api(Method::DELETE, &format!("/registries/{registry}/repositories/{repository}"), None).await;
                assert_eq!(status, 204, "seed {seed}");
                log.push(format!("{step}: delete repository {full}"));
            }
            // Collect garbage (grace 0): usage must not change.
            _ => {
                assert_eq!(berth.admin_api(Method::POST, "/admin/gc", None).await.0, 200);
                log.push(format!("{step}: gc"));
            }
        }

        if step % 10 != 9 {
            continue;
        }
        let (_, usage) = berth.admin_api(Method::GET, "/workspaces/acme/usage", None).await;
        let mut workspace_total = 0;
        for registry in ["apps", "pub"] {
            let expected = distinct_bytes(model.iter().filter(|((r, _), _)| r == registry).flat_map(|(_, m)| m.manifests.values()));
            let reported = usage["registries"].as_array().unwrap().iter().find(|r| r["name"] == registry).unwrap()["size_bytes"].clone();
            assert_eq!(reported, expected, "registry {registry} after {log:#?} (seed {seed})");
            workspace_total += expected;
            let (_, repositories) = berth.admin_api(Method::GET, &format!("/registries/{registry}/repositories"), None).await;
            for listed in repositories.as_array().unwrap() {
                let name = listed["name"].as_str().unwrap().to_string();
                let expected = model.get(&(registry.to_string(), name.clone())).map(|m| distinct_bytes(m.manifests.values())).unwrap_or(0);
                assert_eq!(listed["size_bytes"], expected, "repository {registry}/{name} after {log:#?} (seed {seed})");
            }
        }
        assert_eq!(usage["size_bytes"], workspace_total, "workspace after {log:#?} (seed {seed})");
    }
}

#[tokio::test]
async fn a_quota_refuses_the_push_that_would_pass_it() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let (status, patched) = berth.admin_api(Method::PATCH, "/registries/apps", Some(json!({ "quota_bytes": 50_000 }))).await;
    assert_eq!((status, patched["quota_bytes"].as_i64()), (200, Some(50_000)));
    let (status, _) = berth.admin_api(Method::PATCH, "/registries/apps", Some(json!({ "quota_bytes": -1 }))).await;
    assert_eq!(status, 400);

    let registry = Registry::admin(&berth);
    let config = b"{}".to_vec();
    let small = vec![3u8; 20_000];
    let big = vec![4u8; 40_000];
    for blob in [&config, &small] {
        assert_eq!(registry.push_blob("apps/api", blob).await.status(), 201);
    }
    assert_eq!(registry.put_manifest("apps/api", "small", OCI_MANIFEST, &image_manifest(&config, &[&small], None)).await.status(), 201);
    // Blobs count from their upload: the big layer would pass the quota already.
    let refused = registry.push_blob("apps/api", &big).await;
    assert_eq!(refused.status(), 403);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "DENIED");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("quota"), "{body}");
    let refused = registry.put_manifest("apps/api", "big", OCI_MANIFEST, &image_manifest(&config, &[&big], None)).await;
    assert_eq!(refused.status(), 400, "the image cannot be stored without its layer");

    // The refused push did not count; the same layers again add nothing and pass.
    let (_, usage) = berth.admin_api(Method::GET, "/workspaces/acme/usage", None).await;
    assert_eq!(usage["registries"][0]["size_bytes"], (config.len() + small.len()) as i64);
    let page = berth.admin_browser().await.get(berth.url("/r/apps")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("20.0 kB of 50.0 kB used"), "the registry page shows the quota");
    assert_eq!(registry.put_manifest("apps/api", "again", OCI_MANIFEST, &image_manifest(&config, &[&small], None)).await.status(), 201);
    let (status, _) = berth.admin_api(Method::PATCH, "/registries/apps", Some(json!({ "quota_bytes": null }))).await;
    assert_eq!(status, 200);
    assert_eq!(registry.push_blob("apps/api", &big).await.status(), 201);
    assert_eq!(registry.put_manifest("apps/api", "big", OCI_MANIFEST, &image_manifest(&config, &[&big], None)).await.status(), 201);
}

fn now_ms() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_millis() as i64
}

#[tokio::test]
async fn a_repository_shows_when_it_was_last_pushed_to_within_a_second() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    let last_push = || async {
        let (_, repositories) = berth.admin_api(Method::GET, "/registries/apps/repositories", None).await;
        let clock = repositories.as_array().unwrap().iter().find(|r| r["name"] == "clock").unwrap().clone();
        app::domain::time::parse_rfc3339(clock["last_push_at"].as_str().unwrap()).unwrap()
    };
    let started = now_ms();
    registry.push_image("apps/clock", "v1", "one").await;
    let first = last_push().await;
    assert!((started..=now_ms()).contains(&first), "the first push is recorded");

    // Pushes in quick succession move it at most once a second; it never lags more.
    let started = now_ms();
    registry.push_image("apps/clock", "v2", "two").await;
    assert!(last_push().await >= started - 1000);
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    let started = now_ms();
    registry.push_image("apps/clock", "v3", "three").await;
    let third = last_push().await;
    assert!((started..=now_ms()).contains(&third), "a push a second later is recorded");
}
