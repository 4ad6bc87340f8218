//! Cleaning up old tags: a fixture of tags with known push dates; the preview lists
//! exactly the expected set with reasons and bytes; applying deletes exactly those
//! (with the images and referrers only they kept); immutable tags survive. Retention
//! policies run the same rule by hand and on a schedule, dry or for real, and log it.

use crate::helpers::{Launch, TestBerth};
use crate::oci_helpers::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;

const SHARED_BASE: &[u8] = &[7u8; 5_000];

/// Pushes an image made of a config, the shared base layer and its own layer of
/// `own_size` bytes; returns (manifest, bytes only this image holds).
async fn push_sized(registry: &Registry<'_>, name: &str, tag: &str, seed: &str, own_size: usize) -> (Vec<u8>, i64) {
    let config = json!({ "os": "linux", "architecture": "amd64", "seed": seed }).to_string().into_bytes();
    let own: Vec<u8> = seed.bytes().cycle().take(own_size).collect();
    for blob in [&config[..], SHARED_BASE, &own] {
        assert_eq!(registry.push_blob(name, blob).await.status(), 201);
    }
    let manifest = image_manifest(&config, &[SHARED_BASE, &own], None);
    let response = registry.put_manifest(name, tag, OCI_MANIFEST, &manifest).await;
    assert_eq!(response.status(), 201);
    (manifest, (config.len() + own.len()) as i64)
}

/// Sets when a tag was pushed, straight in Berth's SQLite file.
async fn set_pushed_at(berth: &TestBerth, repository: &str, tag: &str, date: &str) {
    let millis = chrono_free_millis(date);
    let db = database(berth).await;
    let updated =
        sqlx::query("UPDATE tags SET pushed_at = $1 WHERE name = $2 AND repository_id = (SELECT id FROM repositories WHERE name = $3)")
            .bind(millis)
            .bind(tag)
            .bind(repository)
            .execute(&db)
            .await
            .unwrap();
    assert_eq!(updated.rows_affected(), 1, "{repository}:{tag}");
    db.close().await;
}

async fn database(berth: &TestBerth) -> sqlx::AnyPool {
    sqlx::any::install_default_drivers();
    let url = format!("sqlite://{}", berth.data_dir.join("berth.db").display());
    sqlx::any::AnyPoolOptions::new().max_connections(1).connect(&url).await.unwrap()
}

/// `YYYY-MM-DD` → Unix milliseconds at midnight UTC.
fn chrono_free_millis(date: &str) -> i64 {
    app::domain::time::parse_rfc3339(&format!("{date}T00:00:00Z")).unwrap()
}

fn names(list: &Value, key: &str) -> Vec<String> {
    let mut names: Vec<String> = list[key]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| format!("{}:{}", c["repository"].as_str().unwrap(), c["tag"].as_str().unwrap()))
        .collect();
    names.sort();
    names
}

fn message(error: &Value) -> &str {
    error["error"]["message"].as_str().unwrap_or_default()
}

async fn tags_of(berth: &TestBerth, repository: &str) -> Vec<String> {
    let (status, tags) = berth.admin_api(Method::GET, &format!("/registries/apps/repositories/{repository}/tags"), None).await;
    assert_eq!(status, 200);
    tags.as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect()
}

async fn registry_size(berth: &TestBerth) -> i64 {
    let (_, usage) = berth.admin_api(Method::GET, "/workspaces/acme/usage", None).await;
    usage["registries"].as_array().unwrap().iter().find(|r| r["name"] == "apps").unwrap()["size_bytes"].as_i64().unwrap()
}

#[tokio::test]
async fn the_preview_lists_exactly_what_the_clean_up_deletes() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);

    let (web_v1, web_v1_own) = push_sized(&registry, "apps/web", "v1", "web-v1", 1_000).await;
    let (_, web_v2_own) = push_sized(&registry, "apps/web", "v2", "web-v2", 2_000).await;
    let (_, web_v3_own) = push_sized(&registry, "apps/web", "v3", "web-v3", 3_000).await;
    let (web_v4, _) = push_sized(&registry, "apps/web", "v4", "web-v4", 4_000).await;
    push_sized(&registry, "apps/web", "dev-1", "web-dev", 500).await;
    let (_, api_v1_own) = push_sized(&registry, "apps/api", "v1", "api-v1", 1_500).await;
    push_sized(&registry, "apps/api", "v2", "api-v2", 2_500).await;
    push_sized(&registry, "apps/locked", "v0", "locked-v0", 700).await;
    push_sized(&registry, "apps/locked", "v9", "locked-v9", 900).await;
    // `latest` names v4's image, `stable` v2's: deleting v2 frees nothing.
    assert_eq!(registry.put_manifest("apps/web", "latest", OCI_MANIFEST, &web_v4).await.status(), 201);
    let (status, tags) = berth.admin_api(Method::GET, "/registries/apps/repositories/web/tags/v2", None).await;
    assert_eq!(status, 200, "{tags}");
    let v2 = registry.request(Method::GET, &format!("/v2/apps/web/manifests/{}", tags["digest"].as_str().unwrap())).send().await.unwrap();
    let v2 = v2.bytes().await.unwrap().to_vec();
    assert_eq!(registry.put_manifest("apps/web", "stable", OCI_MANIFEST, &v2).await.status(), 201);
    // A signature of v1's image, pushed by digest: it goes with the image.
    let signature_config = b"{\"signature\":true}".to_vec();
    let signature_layer = b"signature payload of web v1".to_vec();
    assert_eq!(registry.push_blob("apps/web", &signature_config).await.status(), 201);
    assert_eq!(registry.push_blob("apps/web", &signature_layer).await.status(), 201);
    let signature = image_manifest(&signature_config, &[&signature_layer], Some(&web_v1));
    assert_eq!(registry.put_manifest("apps/web", &sha256(&signature), OCI_MANIFEST, &signature).await.status(), 201);
    let signature_bytes = (signature_config.len() + signature_layer.len()) as i64;

    for (repository, tag, date) in [
        ("web", "v1", "2026-01-01"),
        ("web", "v2", "2026-02-01"),
        ("web", "stable", "2026-02-01"),
        ("web", "v3", "2026-03-01"),
        ("web", "v4", "2026-04-01"),
        ("web", "latest", "2026-04-01"),
        ("web", "dev-1", "2026-01-15"),
        ("api", "v1", "2025-12-01"),
        ("api", "v2", "2026-05-01"),
        ("locked", "v0", "2025-06-01"),
        ("locked", "v9", "2026-05-01"),
    ] {
        set_pushed_at(&berth, repository, tag, date).await;
    }
    let (status, _) = berth.admin_api(Method::PATCH, "/registries/apps/repositories/locked", Some(json!({ "immutable_tags": true }))).await;
    assert_eq!(status, 200);

    let rule = json!({ "pushed_before": "2026-03-15T00:00:00Z", "tag_pattern": "v*", "keep_latest": 1 });
    let (status, preview) = berth.admin_api(Method::POST, "/registries/apps/cleanup/preview", Some(rule.clone())).await;
    assert_eq!(status, 200, "{preview}");
    assert_eq!(names(&preview, "candidates"), ["api:v1", "locked:v0", "web:v1", "web:v2", "web:v3"]);
    let candidate = |name: &str| {
        preview["candidates"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| format!("{}:{}", c["repository"].as_str().unwrap(), c["tag"].as_str().unwrap()) == name)
            .unwrap()
            .clone()
    };
    assert_eq!(candidate("locked:v0")["protected"], true);
    assert!(candidate("locked:v0")["reason"].as_str().unwrap().contains("immutable"));
    assert_eq!(candidate("web:v3")["protected"], false);
    assert!(candidate("web:v3")["reason"].as_str().unwrap().contains("pushed before 2026-03-15"), "{}", candidate("web:v3"));
    assert_eq!(candidate("web:v1")["size_bytes"], web_v1_own + signature_bytes, "v1 frees its own bytes and its signature's");
    assert_eq!(candidate("web:v2")["size_bytes"], 0, "stable keeps v2's image");
    assert_eq!(candidate("web:v3")["size_bytes"], web_v3_own);
    let expected_freed = web_v1_own + signature_bytes + web_v3_own + api_v1_own;
    assert_eq!(preview["bytes_freed"], expected_freed);
    let _ = web_v2_own;

    // A selection deletes only what was selected (and still matches the rule).
    let before = registry_size(&berth).await;
    let mut selected = rule.clone();
    selected["only"] = json!([{ "repository": "web", "tag": "v3" }, { "repository": "web", "tag": "latest" }]);
    let (status, report) = berth.admin_api(Method::POST, "/registries/apps/cleanup", Some(selected)).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(names(&report, "deleted"), ["web:v3"], "latest is not a candidate, so selecting it does nothing");
    assert_eq!(report["bytes_freed"], web_v3_own);

    let (status, report) = berth.admin_api(Method::POST, "/registries/apps/cleanup", Some(rule.clone())).await;
    assert_eq!(status, 200, "{report}");
    assert_eq!(names(&report, "deleted"), ["api:v1", "web:v1", "web:v2"]);
    assert_eq!(names(&report, "skipped_protected"), ["locked:v0"]);
    assert_eq!(report["bytes_freed"], expected_freed - web_v3_own);
    assert_eq!(registry_size(&berth).await, before - expected_freed, "usage drops by exactly what the preview promised");

    assert_eq!(tags_of(&berth, "web").await, ["dev-1", "latest", "stable", "v4"]);
    assert_eq!(tags_of(&berth, "api").await, ["v2"]);
    assert_eq!(tags_of(&berth, "locked").await, ["v0", "v9"], "immutable tags survive");
    for gone in [sha256(&web_v1), sha256(&signature)] {
        let response = registry.request(Method::GET, &format!("/v2/apps/web/manifests/{gone}")).send().await.unwrap();
        assert_eq!(response.status(), 404, "{gone} went with its tag");
    }
    let kept = registry.request(Method::GET, "/v2/apps/web/manifests/stable").send().await.unwrap();
    assert_eq!(kept.bytes().await.unwrap().to_vec(), v2, "v2's image stays under stable");
    let (status, preview) = berth.admin_api(Method::POST, "/registries/apps/cleanup/preview", Some(rule)).await;
    assert_eq!((status, names(&preview, "candidates")), (200, vec!["locked:v0".to_string()]));
}

#[tokio::test]
async fn bad_rules_and_callers_are_refused() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    for (rule, field) in [
        (json!({}), "rule"),
        (json!({ "tag_pattern": "*" }), "rule"),
        (json!({ "keep_latest": 1, "tag_pattern": "v[0-9]" }), "tag_pattern"),
        (json!({ "keep_latest": -1 }), "body"),
        (json!({ "pushed_before": "last tuesday" }), "body"),
        (json!({ "pushed_before": "2026-01-01T00:00:00Z", "older_than_days": 3 }), "older_than_days"),
    ] {
        let (status, error) = berth.admin_api(Method::POST, "/registries/apps/cleanup/preview", Some(rule.clone())).await;
        assert_eq!(status, 400, "{rule} → {error}");
        assert!(message(&error).starts_with(&format!("{field}:")), "{rule} → {error}");
    }
    let (status, _) = berth.admin_api(Method::POST, "/registries/nope/cleanup/preview", Some(json!({ "keep_latest": 1 }))).await;
    assert_eq!(status, 404);

    berth.create_user("vera", "vera-password-1", false).await;
    let (status, _) = berth.admin_api(Method::PUT, "/workspaces/acme/members/vera", Some(json!({ "role": "viewer" }))).await;
    assert_eq!(status, 200);
    let viewer = berth.script();
    for (method, path) in [
        (Method::POST, "/registries/apps/cleanup/preview"),
        (Method::POST, "/registries/apps/cleanup"),
        (Method::GET, "/registries/apps/retention"),
        (Method::POST, "/registries/apps/retention/runs"),
    ] {
        let response = viewer
            .request(method.clone(), berth.url(&format!("/api/v1{path}")))
            .basic_auth("vera", Some("vera-password-1"))
            .json(&json!({ "keep_latest": 0 }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 403, "{method} {path}");
    }
}

#[tokio::test]
async fn a_retention_policy_runs_dry_by_hand_and_for_real_on_its_schedule() {
    let launch = Launch { env: vec![("BERTH_RETENTION_CHECK_SECONDS".into(), "1".into())], ..Launch::default() };
    let berth = TestBerth::launch(launch).await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    for (tag, date) in [("a", "2026-01-01"), ("b", "2026-02-01"), ("c", "2026-03-01")] {
        push_sized(&registry, "apps/svc", tag, &format!("svc-{tag}"), 100).await;
        set_pushed_at(&berth, "svc", tag, date).await;
    }

    let (status, default) = berth.admin_api(Method::GET, "/registries/apps/retention", None).await;
    assert_eq!((status, &default["enabled"]), (200, &json!(false)), "{default}");
    let (status, none) = berth.admin_api(Method::POST, "/registries/apps/retention/runs", None).await;
    assert_eq!(status, 409, "nothing saved to run yet: {none}");
    for (bad, field) in [
        (json!({ "enabled": true, "schedule": "every minute", "rule": { "keep_latest": 1 } }), "schedule"),
        (json!({ "enabled": true, "schedule": "daily", "rule": {} }), "rule"),
    ] {
        let (status, error) = berth.admin_api(Method::PUT, "/registries/apps/retention", Some(bad)).await;
        assert_eq!(status, 400, "{error}");
        assert!(message(&error).starts_with(&format!("{field}:")), "{error}");
    }

    let policy = json!({ "enabled": true, "schedule": "daily", "rule": { "keep_latest": 1 }, "dry_run": true });
    let (status, saved) = berth.admin_api(Method::PUT, "/registries/apps/retention", Some(policy)).await;
    assert_eq!(status, 200, "{saved}");
    assert!(saved["next_run_at"].is_string(), "{saved}");
    let (status, run) = berth.admin_api(Method::POST, "/registries/apps/retention/runs", None).await;
    assert_eq!(status, 201, "{run}");
    assert_eq!((&run["dry_run"], &run["started_by"], &run["tags_deleted"]), (&json!(true), &json!("manual"), &json!(2)));
    assert_eq!(tags_of(&berth, "svc").await, ["a", "b", "c"], "a dry run deletes nothing");

    let policy = json!({ "enabled": true, "schedule": "hourly", "rule": { "keep_latest": 1 }, "dry_run": false });
    assert_eq!(berth.admin_api(Method::PUT, "/registries/apps/retention", Some(policy)).await.0, 200);
    // Make it due now; the scheduler (checking every second here) claims and runs it.
    let db = database(&berth).await;
    sqlx::query("UPDATE retention_policies SET next_run_at = 0").execute(&db).await.unwrap();
    db.close().await;
    let mut scheduled = Value::Null;
    for _ in 0..100 {
        let (_, runs) = berth.admin_api(Method::GET, "/registries/apps/retention/runs", None).await;
        if let Some(run) = runs.as_array().unwrap().iter().find(|r| r["started_by"] == "schedule") {
            scheduled = run.clone();
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(scheduled["dry_run"], false, "the scheduled run happened: {scheduled}");
    assert_eq!(scheduled["tags_deleted"], 2);
    let mut deleted: Vec<&str> = scheduled["tags"].as_array().unwrap().iter().map(|t| t["tag"].as_str().unwrap()).collect();
    deleted.sort();
    assert_eq!(deleted, ["a", "b"]);
    assert_eq!(tags_of(&berth, "svc").await, ["c"]);
    let (_, policy) = berth.admin_api(Method::GET, "/registries/apps/retention", None).await;
    let next = app::domain::time::parse_rfc3339(policy["next_run_at"].as_str().unwrap()).unwrap();
    assert!(next > chrono_free_millis("2026-01-01"), "the next run moved an interval ahead: {policy}");
    // One run per due time, not one per check.
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let (_, runs) = berth.admin_api(Method::GET, "/registries/apps/retention/runs", None).await;
    assert_eq!(runs.as_array().unwrap().iter().filter(|r| r["started_by"] == "schedule").count(), 1, "{runs}");
}

#[tokio::test]
async fn deleting_an_image_deletes_its_referrers_and_only_what_it_alone_kept() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    let manifest_status = |digest: String| {
        let registry = &registry;
        async move { registry.request(Method::GET, &format!("/v2/apps/web/manifests/{digest}")).send().await.unwrap().status().as_u16() }
    };

    // Deleting the last tag of an image deletes the image and its signature.
    let (image, _) = push_sized(&registry, "apps/web", "v1", "img-1", 300).await;
    let signature = image_manifest(b"{\"sig\":1}", &[b"sig layer"], Some(&image));
    for blob in [&b"{\"sig\":1}"[..], b"sig layer"] {
        assert_eq!(registry.push_blob("apps/web", blob).await.status(), 201);
    }
    assert_eq!(registry.put_manifest("apps/web", &sha256(&signature), OCI_MANIFEST, &signature).await.status(), 201);
    let (status, _) = berth.admin_api(Method::DELETE, "/registries/apps/repositories/web/tags/v1", None).await;
    assert_eq!(status, 204);
    assert_eq!(manifest_status(sha256(&image)).await, 404);
    assert_eq!(manifest_status(sha256(&signature)).await, 404, "the referrer went with its image");

    // An index: its children go with it, but a child alone cannot be deleted under it.
    let (amd64, _) = push_sized(&registry, "apps/web", "amd64-build", "amd", 200).await;
    let (arm64, _) = push_sized(&registry, "apps/web", "arm64-build", "arm", 200).await;
    let index = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [descriptor(OCI_MANIFEST, &amd64), descriptor(OCI_MANIFEST, &arm64)],
    }))
    .unwrap();
    assert_eq!(registry.put_manifest("apps/web", "multi", OCI_INDEX, &index).await.status(), 201);
    for tag in ["amd64-build", "arm64-build"] {
        assert_eq!(berth.admin_api(Method::DELETE, &format!("/registries/apps/repositories/web/tags/{tag}"), None).await.0, 204);
    }
    assert_eq!(manifest_status(sha256(&amd64)).await, 200, "the index still lists the platform images");
    let (status, error) =
        berth.admin_api(Method::DELETE, &format!("/registries/apps/repositories/web/manifests/{}", sha256(&amd64)), None).await;
    assert_eq!(status, 409, "{error}");
    assert!(message(&error).contains(&sha256(&index)), "{error}");
    let (status, deleted) =
        berth.admin_api(Method::DELETE, &format!("/registries/apps/repositories/web/manifests/{}", sha256(&index)), None).await;
    assert_eq!(status, 200, "{deleted}");
    assert_eq!(deleted["deleted"].as_array().unwrap().len(), 3, "{deleted}");
    for gone in [&index, &amd64, &arm64] {
        assert_eq!(manifest_status(sha256(gone)).await, 404);
    }
    assert!(tags_of(&berth, "web").await.is_empty());

    // Untagged images are deleted by digest; immutable tags protect theirs.
    let (loose, _) = push_sized(&registry, "apps/web", "tmp", "loose", 100).await;
    assert_eq!(berth.admin_api(Method::DELETE, "/registries/apps/repositories/web/tags/tmp", None).await.0, 204);
    let (kept, _) = push_sized(&registry, "apps/web", "keep", "kept", 100).await;
    assert_eq!(registry.put_manifest("apps/web", &sha256(&loose), OCI_MANIFEST, &loose).await.status(), 201);
    let (status, _) =
        berth.admin_api(Method::DELETE, &format!("/registries/apps/repositories/web/manifests/{}", sha256(&loose)), None).await;
    assert_eq!(status, 200);
    assert_eq!(manifest_status(sha256(&loose)).await, 404);
    assert_eq!(berth.admin_api(Method::PATCH, "/registries/apps/repositories/web", Some(json!({ "immutable_tags": true }))).await.0, 200);
    let (status, error) =
        berth.admin_api(Method::DELETE, &format!("/registries/apps/repositories/web/manifests/{}", sha256(&kept)), None).await;
    assert_eq!((status, error["error"]["code"].as_str()), (409, Some("TAG_IMMUTABLE")), "{error}");
    let (status, _) = berth.admin_api(Method::DELETE, "/registries/apps/repositories/web/manifests/sha256:0000", None).await;
    assert_eq!(status, 404);
}
