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
    let mount = registry.request(Method::POST, &format!("/v2/apps/img9/blobs/uploads/?mount={}&from=apps/img0", sha256(&shared))).send().await.unwrap();
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
    for blob in [&config, &small, &big] {
        assert_eq!(registry.push_blob("apps/api", blob).await.status(), 201);
    }
    assert_eq!(registry.put_manifest("apps/api", "small", OCI_MANIFEST, &image_manifest(&config, &[&small], None)).await.status(), 201);
    let refused = registry.put_manifest("apps/api", "big", OCI_MANIFEST, &image_manifest(&config, &[&big], None)).await;
    assert_eq!(refused.status(), 403);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "DENIED");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("quota"), "{body}");

    // The refused push did not count; the same layers again add nothing and pass.
    let (_, usage) = berth.admin_api(Method::GET, "/workspaces/acme/usage", None).await;
    assert_eq!(usage["registries"][0]["size_bytes"], (config.len() + small.len()) as i64);
    let page = berth.admin_browser().await.get(berth.url("/r/apps")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("20.0 kB of 50.0 kB used"), "the registry page shows the quota");
    assert_eq!(registry.put_manifest("apps/api", "again", OCI_MANIFEST, &image_manifest(&config, &[&small], None)).await.status(), 201);
    let (status, _) = berth.admin_api(Method::PATCH, "/registries/apps", Some(json!({ "quota_bytes": null }))).await;
    assert_eq!(status, 200);
    assert_eq!(registry.put_manifest("apps/api", "big", OCI_MANIFEST, &image_manifest(&config, &[&big], None)).await.status(), 201);
}
