//! Tag immutability: overwrites and deletes of a protected tag are refused with the
//! spec's error (skopeo and the API both), first pushes still work, and turning it
//! off allows them again.

use crate::fixtures::Layout;
use crate::helpers::{ADMIN_PASSWORD, TestBerth};
use crate::oci_helpers::*;
use reqwest::Method;
use serde_json::{Value, json};
use std::process::Command;

#[tokio::test]
async fn immutable_tags_refuse_overwrites_and_deletes_until_turned_off() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    let first = registry.push_image("apps/api", "v1", "first").await;

    let (status, detail) =
        berth.admin_api(Method::PATCH, "/registries/apps/repositories/api", Some(json!({ "immutable_tags": true }))).await;
    assert_eq!((status, detail["immutable_tags"].as_bool()), (200, Some(true)));

    let second = registry.push_image("apps/api", "v2", "second").await; // a new tag is fine
    let overwrite = registry.put_manifest("apps/api", "v1", OCI_MANIFEST, &second).await;
    assert_eq!(overwrite.status(), 400);
    let body: Value = overwrite.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], "TAG_INVALID");
    assert!(body["errors"][0]["message"].as_str().unwrap().contains("'v1' is immutable"), "{body}");
    assert_eq!(registry.put_manifest("apps/api", "v1", OCI_MANIFEST, &first).await.status(), 201, "the same content again is fine");

    let delete_tag = registry.request(Method::DELETE, "/v2/apps/api/manifests/v1").send().await.unwrap();
    assert_eq!(error_code(delete_tag).await, "TAG_INVALID");
    let delete_digest = registry.request(Method::DELETE, &format!("/v2/apps/api/manifests/{}", sha256(&first))).send().await.unwrap();
    assert_eq!(error_code(delete_digest).await, "TAG_INVALID");
    let (status, error) = berth.admin_api(Method::DELETE, "/registries/apps/repositories/api/tags/v1", None).await;
    assert_eq!((status, error["error"]["code"].as_str()), (409, Some("TAG_IMMUTABLE")));

    berth.admin_api(Method::PATCH, "/registries/apps/repositories/api", Some(json!({ "immutable_tags": false }))).await;
    assert_eq!(registry.put_manifest("apps/api", "v1", OCI_MANIFEST, &second).await.status(), 201);
    let (status, _) = berth.admin_api(Method::DELETE, "/registries/apps/repositories/api/tags/v1", None).await;
    assert_eq!(status, 204);

    // The registry-wide default covers repositories that do not say otherwise.
    let (status, _) = berth.admin_api(Method::PATCH, "/registries/pub", Some(json!({ "immutable_tags_default": true }))).await;
    assert_eq!(status, 200);
    registry.push_image("pub/tool", "v1", "tool").await;
    let other = registry.push_image("pub/tool", "v2", "other").await;
    assert_eq!(registry.put_manifest("pub/tool", "v1", OCI_MANIFEST, &other).await.status(), 400);
    let (_, detail) = berth.admin_api(Method::GET, "/registries/pub/repositories/tool", None).await;
    assert_eq!(detail["immutable_tags"], true);
}

#[tokio::test]
async fn skopeo_is_told_the_tag_is_immutable() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let work = tempfile::tempdir().unwrap();
    let mut layout = Layout::new(work.path());
    let one = layout.image("one", 1, "amd64");
    layout.tag(one, "one");
    let two = layout.image("two", 1, "amd64");
    layout.tag(two, "two");
    let host = berth.base.trim_start_matches("http://").to_string();
    let copy = |tag: &str| {
        Command::new("skopeo")
            .args(["copy", "--preserve-digests", "--dest-tls-verify=false", "--dest-creds", &format!("admin:{ADMIN_PASSWORD}")])
            .arg(format!("oci:{}:{tag}", work.path().display()))
            .arg(format!("docker://{host}/apps/web:latest"))
            .output()
            .unwrap()
    };
    assert!(copy("one").status.success());
    berth.admin_api(Method::PATCH, "/registries/apps/repositories/web", Some(json!({ "immutable_tags": true }))).await;
    let refused = copy("two");
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("immutable"), "skopeo shows why: {stderr}");
}
