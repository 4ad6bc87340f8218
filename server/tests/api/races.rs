//! Races against the real binary: many clients at once where the rules (immutable
//! tags, quotas) must hold whatever the interleaving, and deletes that free on disk
//! exactly what usage says they free. `RACE_SEED=N` replays a run's contents.

use crate::helpers::{ADMIN_PASSWORD, Launch, TestBerth};
use crate::oci_helpers::*;
use futures_util::StreamExt;
use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};
use std::path::Path;

fn seed() -> u64 {
    let seed = std::env::var("RACE_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_nanos() as u64);
    eprintln!("RACE_SEED={seed}");
    seed
}

/// `len` bytes that differ for every (seed, n).
fn content(seed: u64, n: u64, len: usize) -> Vec<u8> {
    let mut state = seed ^ n.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect()
}

/// Uploads a config and one layer for image `n`; returns the manifest (not pushed).
async fn stage_image(registry: &Registry<'_>, name: &str, seed: u64, n: u64, layer_len: usize) -> Vec<u8> {
    let config = json!({ "architecture": "amd64", "os": "linux", "n": n, "seed": seed }).to_string().into_bytes();
    let layer = content(seed, n, layer_len);
    assert_eq!(registry.push_blob(name, &config).await.status(), 201);
    assert_eq!(registry.push_blob(name, &layer).await.status(), 201);
    image_manifest(&config, &[&layer], None)
}

async fn admin_api(berth: &TestBerth, method: Method, path: &str, body: Option<Value>) -> Value {
    let (status, body) = berth.admin_api(method, path, body).await;
    assert!((200..300).contains(&status), "{path}: {status} {body}");
    body
}

#[tokio::test]
async fn concurrent_first_pushes_to_an_immutable_tag_have_exactly_one_winner() {
    let seed = seed();
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    admin_api(&berth, Method::PATCH, "/registries/apps", Some(json!({ "immutable_tags_default": true }))).await;
    let registry = Registry::admin(&berth);
    let mut manifests = Vec::new();
    for n in 0..12 {
        manifests.push(stage_image(&registry, "apps/api", seed, n, 256).await);
    }
    let pushes = manifests.iter().map(|m| registry.put_manifest("apps/api", "release", OCI_MANIFEST, m));
    let responses = join_all(pushes).await;
    let mut winners = Vec::new();
    for (manifest, response) in manifests.iter().zip(responses) {
        match response.status().as_u16() {
            201 => winners.push(sha256(manifest)),
            400 => assert_eq!(error_code(response).await, "TAG_INVALID"),
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(winners.len(), 1, "exactly one first push wins: {winners:?}");
    let head = registry.request(Method::HEAD, "/v2/apps/api/manifests/release").send().await.unwrap();
    assert_eq!(head.headers()["docker-content-digest"].to_str().unwrap(), winners[0], "the tag names the winner");
}

#[tokio::test]
async fn concurrent_pushes_never_take_a_registry_past_its_quota() {
    let seed = seed();
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    let mut manifests = Vec::new();
    for n in 0..10 {
        manifests.push(stage_image(&registry, &format!("apps/img{n}"), seed, n, 10_000).await);
    }
    // Room for about three of the ten images; their blobs are already uploaded.
    let quota = 35_000;
    admin_api(&berth, Method::PATCH, "/registries/apps", Some(json!({ "quota_bytes": quota }))).await;
    let pushes = manifests.iter().enumerate().map(|(n, m)| {
        let name = format!("apps/img{n}");
        let registry = &registry;
        async move { registry.put_manifest(&name, "v1", OCI_MANIFEST, m).await.status().as_u16() }
    });
    let statuses = join_all(pushes).await;
    let stored = statuses.iter().filter(|s| **s == 201).count();
    assert!(statuses.iter().all(|s| *s == 201 || *s == 403), "{statuses:?}");
    let usage = admin_api(&berth, Method::GET, "/workspaces/acme/usage", None).await;
    let apps = usage["registries"].as_array().unwrap().iter().find(|r| r["name"] == "apps").unwrap().clone();
    let used = apps["size_bytes"].as_i64().unwrap();
    assert!(used <= quota, "stored {used} bytes against a {quota}-byte quota");
    assert_eq!(stored, 3, "as many as fit: {statuses:?}");
}

fn bytes_on_disk(data_dir: &Path) -> u64 {
    let mut total = 0;
    if let Ok(prefixes) = std::fs::read_dir(data_dir.join("blobs/sha256")) {
        for prefix in prefixes {
            for file in std::fs::read_dir(prefix.unwrap().path()).unwrap() {
                total += file.unwrap().metadata().unwrap().len();
            }
        }
    }
    total
}

async fn registry_usage(berth: &TestBerth) -> u64 {
    let usage = admin_api(berth, Method::GET, "/workspaces/acme/usage", None).await;
    usage["registries"].as_array().unwrap().iter().map(|r| r["size_bytes"].as_u64().unwrap()).sum()
}

async fn collect_garbage(berth: &TestBerth) -> Value {
    admin_api(berth, Method::POST, "/admin/gc", None).await
}

/// Waits until `count` passes started by deletions have finished (each delete answers
/// before its pass runs).
async fn wait_for_deletion_passes(berth: &TestBerth, count: usize) {
    for _ in 0..200 {
        let runs = admin_api(berth, Method::GET, "/admin/gc", None).await;
        let done = runs.as_array().unwrap().iter().filter(|r| r["started_by"] == "deletion").count();
        if done >= count {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{count} deletion passes never finished");
}

#[tokio::test]
async fn deleting_tags_frees_on_disk_what_usage_says_it_frees() {
    let seed = seed();
    let launch = Launch { env: vec![("BERTH_GC_GRACE_SECONDS".into(), "0".into())], ..Launch::default() };
    let berth = TestBerth::launch(launch).await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    for (n, tag) in ["one", "two", "three"].iter().enumerate() {
        let manifest = stage_image(&registry, "apps/api", seed, n as u64, 20_000).await;
        assert_eq!(registry.put_manifest("apps/api", tag, OCI_MANIFEST, &manifest).await.status(), 201);
    }
    // A blob pushed with no manifest, and an upload never finished.
    assert_eq!(registry.push_blob("apps/api", &content(seed, 99, 5_000)).await.status(), 201);
    collect_garbage(&berth).await;
    assert_eq!(bytes_on_disk(&berth.data_dir), registry_usage(&berth).await, "the unreferenced blob is collected");

    let deleted = berth.admin_api(Method::DELETE, "/registries/apps/repositories/api/tags/one", None).await;
    assert_eq!(deleted.0, 204, "{deleted:?}");
    // (The delete starts a pass of its own; this one makes sure it has finished.)
    collect_garbage(&berth).await;
    assert_eq!(bytes_on_disk(&berth.data_dir), registry_usage(&berth).await, "after deleting a tag");

    // Concurrent tag deletes and pushes, then a recount.
    let mut manifests = Vec::new();
    for n in 10..16 {
        manifests.push(stage_image(&registry, "apps/api", seed, n, 3_000).await);
    }
    let pushes = manifests.iter().enumerate().map(|(i, m)| {
        let registry = &registry;
        async move { registry.put_manifest("apps/api", &format!("c{i}"), OCI_MANIFEST, m).await }
    });
    let deletes = ["two", "three"].map(|tag| {
        let berth = &berth;
        async move { berth.admin_api(Method::DELETE, &format!("/registries/apps/repositories/api/tags/{tag}"), None).await }
    });
    let (pushed, deleted) = tokio::join!(join_all(pushes), join_all(deletes));
    assert!(deleted.iter().all(|(s, _)| *s == 204), "{deleted:?}");
    // Each delete starts a pass with a zero grace period, which may take blobs staged
    // for a push that has not stored its manifest yet: that push is refused as the
    // spec says (its blobs are unknown), never stored half. Every accepted push is
    // whole; a refused one goes through once its blobs are uploaded again.
    let mut refused = Vec::new();
    for (i, response) in pushed.into_iter().enumerate() {
        match response.status().as_u16() {
            201 => {}
            400 => {
                assert_eq!(error_code(response).await, "MANIFEST_BLOB_UNKNOWN");
                refused.push(i);
            }
            other => panic!("push c{i}: unexpected {other}"),
        }
    }
    wait_for_deletion_passes(&berth, 3).await;
    for &i in &refused {
        let manifest = stage_image(&registry, "apps/api", seed, 10 + i as u64, 3_000).await;
        assert_eq!(manifest, manifests[i]);
        assert_eq!(registry.put_manifest("apps/api", &format!("c{i}"), OCI_MANIFEST, &manifest).await.status(), 201);
    }
    collect_garbage(&berth).await;
    assert_eq!(bytes_on_disk(&berth.data_dir), registry_usage(&berth).await, "after concurrent deletes and pushes");
    for (i, manifest) in manifests.iter().enumerate() {
        let pulled = registry.request(Method::GET, &format!("/v2/apps/api/manifests/c{i}")).send().await.unwrap();
        assert_eq!(pulled.bytes().await.unwrap().to_vec(), *manifest);
        let parsed: Value = serde_json::from_slice(manifest).unwrap();
        let layers = parsed["layers"].as_array().unwrap().iter();
        for descriptor in std::iter::once(&parsed["config"]).chain(layers) {
            let digest = descriptor["digest"].as_str().unwrap();
            let blob = registry.request(Method::GET, &format!("/v2/apps/api/blobs/{digest}")).send().await.unwrap();
            assert_eq!(blob.status(), 200, "c{i}: blob {digest}");
            assert_eq!(sha256(&blob.bytes().await.unwrap()), digest);
        }
    }
}

/// Many browsers loading console pages at once: every page renders whole. A page's
/// render used to hang until the render deadline (answered 500 after 30 s) when two
/// of its Suspense boundaries were resolved on two threads at the same moment; see
/// `console/render_threads.rs`. The order of the requests is seeded.
#[tokio::test]
async fn console_pages_render_whole_under_many_concurrent_readers() {
    let seed = seed();
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    for n in 0..4 {
        registry.push_image(&format!("apps/r{n}"), "v1", &format!("image{n}")).await;
    }
    let pages = ["/", "/workspaces", "/w/acme", "/w/acme/registries", "/r/apps", "/r/apps/repo/r0", "/r/apps/tag/r1:v1", "/admin/gc"];
    let order: Vec<&str> = content(seed, 0, 480).into_iter().map(|b| pages[b as usize % pages.len()]).collect();
    let client = berth.script();
    let answers = futures_util::stream::iter(order.iter().map(|path| {
        let (client, berth) = (&client, &berth);
        async move {
            let response = client.get(berth.url(path)).basic_auth("admin", Some(ADMIN_PASSWORD)).send().await.unwrap();
            (*path, response.status().as_u16(), response.text().await.unwrap_or_default())
        }
    }))
    .buffer_unordered(16)
    .collect::<Vec<_>>()
    .await;
    for (path, status, body) in &answers {
        assert_eq!(*status, 200, "{path}: {body}");
        assert!(body.contains("</html>"), "{path}: the whole page");
    }
    let output = berth.output();
    assert!(!output.contains("panicked"), "a render panicked:\n{output}");
}
