//! Online garbage collection: unreferenced blobs go, referenced ones never do, even
//! while pushes run alongside.

use crate::helpers::{ADMIN_PASSWORD, Launch, TestBerth};
use crate::oci_helpers::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::collections::HashSet;
use std::path::Path;
use std::time::Duration;

fn blob_files(data_dir: &Path) -> HashSet<String> {
    let mut files = HashSet::new();
    if let Ok(prefixes) = std::fs::read_dir(data_dir.join("blobs/sha256")) {
        for prefix in prefixes {
            for file in std::fs::read_dir(prefix.unwrap().path()).unwrap() {
                files.insert(format!("sha256:{}", file.unwrap().file_name().to_string_lossy()));
            }
        }
    }
    files
}

async fn gc(berth: &TestBerth) -> Value {
    let response = berth.script().post(berth.url("/api/v1/admin/gc")).basic_auth("admin", Some(ADMIN_PASSWORD)).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn launch_with_grace(seconds: &str) -> Launch {
    Launch { env: vec![("BERTH_GC_GRACE_SECONDS".into(), seconds.into())], ..Launch::default() }
}

#[tokio::test]
async fn destroying_a_registry_reclaims_blobs_no_one_else_uses() {
    let berth = TestBerth::launch(launch_with_grace("0")).await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    let shared = b"shared base layer".to_vec();
    let config = b"{\"os\":\"linux\"}".to_vec();
    let only_apps = b"only in apps".to_vec();
    for (name, layer) in [("apps/web", &only_apps), ("pub/web", &shared)] {
        assert_eq!(registry.push_blob(name, &config).await.status(), 201);
        assert_eq!(registry.push_blob(name, &shared).await.status(), 201);
        assert_eq!(registry.push_blob(name, layer).await.status(), 201);
        let manifest = image_manifest(&config, &[&shared, layer], None);
        assert_eq!(registry.put_manifest(name, "v1", OCI_MANIFEST, &manifest).await.status(), 201);
    }
    assert!(blob_files(&berth.data_dir).contains(&sha256(&only_apps)));

    let dry: Value = berth
        .script()
        .post(berth.url("/api/v1/admin/gc"))
        .basic_auth("admin", Some(ADMIN_PASSWORD))
        .json(&json!({ "dry_run": true }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(dry["blobs_removed"], 0, "nothing is garbage yet");

    let deleted =
        berth.script().delete(berth.url("/api/v1/registries/apps")).basic_auth("admin", Some(ADMIN_PASSWORD)).send().await.unwrap();
    assert_eq!(deleted.status(), 204);
    tokio::time::sleep(Duration::from_millis(500)).await;
    let report = gc(&berth).await; // the background pass may already have done the work
    let files = blob_files(&berth.data_dir);
    assert!(!files.contains(&sha256(&only_apps)), "the blob only apps used is gone: {report}");
    assert!(files.contains(&sha256(&shared)) && files.contains(&sha256(&config)), "shared blobs stay");
    let pulled = registry.request(Method::GET, &format!("/v2/pub/web/blobs/{}", sha256(&shared))).send().await.unwrap();
    assert_eq!(pulled.bytes().await.unwrap().to_vec(), shared);

    // Every pass is recorded: the dry run, the one the deletion started, the manual one.
    let (status, runs) = berth.admin_api(Method::GET, "/admin/gc", None).await;
    assert_eq!(status, 200);
    let runs = runs.as_array().unwrap();
    assert!(runs.iter().any(|r| r["started_by"] == "manual" && r["dry_run"] == true), "{runs:?}");
    assert!(runs.iter().any(|r| r["started_by"] == "deletion"), "{runs:?}");
    let reclaimed: i64 = runs.iter().filter(|r| r["dry_run"] == false).map(|r| r["bytes_reclaimed"].as_i64().unwrap()).sum();
    assert_eq!(reclaimed, only_apps.len() as i64, "the one blob only apps used: {runs:?}");

    let viewer_gc = berth.script().post(berth.url("/api/v1/admin/gc")).send().await.unwrap();
    assert_eq!(viewer_gc.status(), 401);
    assert_eq!(berth.script().get(berth.url("/api/v1/admin/gc")).send().await.unwrap().status(), 401);
}

#[tokio::test]
async fn collection_during_concurrent_pushes_never_removes_a_needed_blob() {
    let berth = TestBerth::launch(launch_with_grace("1")).await;
    standard_registries(&berth).await;
    let base = vec![9u8; 200_000];
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));

    let collector = {
        let done = done.clone();
        let base_url = berth.base.clone();
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut passes = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                let response =
                    client.post(format!("{base_url}/api/v1/admin/gc")).basic_auth("admin", Some(ADMIN_PASSWORD)).send().await.unwrap();
                assert_eq!(response.status(), 200);
                passes += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            passes
        })
    };

    let pushers = (0..4).map(|worker| {
        let berth = &berth;
        let base = base.clone();
        async move {
            let registry = Registry::admin(berth);
            let mut kept = Vec::new();
            for round in 0..6 {
                let name = format!("apps/w{worker}-r{round}");
                let config = format!("{{\"worker\":{worker},\"round\":{round}}}").into_bytes();
                let own = format!("layer {worker} {round}").into_bytes();
                assert_eq!(registry.push_blob(&name, &config).await.status(), 201);
                assert_eq!(registry.push_blob(&name, &base).await.status(), 201);
                assert_eq!(registry.push_blob(&name, &own).await.status(), 201);
                let manifest = image_manifest(&config, &[&base, &own], None);
                let response = registry.put_manifest(&name, "v1", OCI_MANIFEST, &manifest).await;
                assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
                // Every other repository is deleted again, which makes garbage.
                if round % 2 == 1 {
                    let deleted = berth
                        .script()
                        .delete(berth.url(&format!("/api/v1/registries/{}/repositories/{}", "apps", &name[5..])))
                        .basic_auth("admin", Some(ADMIN_PASSWORD))
                        .send()
                        .await
                        .unwrap();
                    assert_eq!(deleted.status(), 204);
                } else {
                    kept.push((name, manifest, vec![config, base.clone(), own]));
                }
            }
            kept
        }
    });
    let kept: Vec<_> = futures_util::future::join_all(pushers).await.into_iter().flatten().collect();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    let passes = collector.await.unwrap();
    assert!(passes > 3, "collection ran alongside the pushes ({passes} passes)");

    // Every kept image pulls and verifies, blob by blob.
    let registry = Registry::admin(&berth);
    let mut needed = HashSet::new();
    for (name, manifest, blobs) in &kept {
        let got = registry.request(Method::GET, &format!("/v2/{name}/manifests/v1")).send().await.unwrap();
        assert_eq!(got.bytes().await.unwrap().to_vec(), *manifest, "{name}");
        for blob in blobs {
            let response = registry.request(Method::GET, &format!("/v2/{name}/blobs/{}", sha256(blob))).send().await.unwrap();
            assert_eq!(response.status(), 200, "{name} lost a blob");
            assert_eq!(sha256(&response.bytes().await.unwrap()), sha256(blob));
            needed.insert(sha256(blob));
        }
    }
    // After the grace period, exactly the needed blobs remain.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    gc(&berth).await;
    assert_eq!(blob_files(&berth.data_dir), needed, "unreferenced blobs are gone, referenced ones stay");
}
