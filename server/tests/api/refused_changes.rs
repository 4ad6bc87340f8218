//! A refused request changes nothing: every PATCH and PUT of the API, with each field
//! invalid in turn beside a valid change to another field, leaves the resource, the
//! audit log and the database exactly as they were.

use crate::helpers::TestBerth;
use crate::oci_helpers::{Registry, standard_registries};
use reqwest::Method;
use serde_json::{Value, json};
use sqlx::{Connection, Row};

async fn audit_len(berth: &TestBerth) -> usize {
    let (status, page) = berth.admin_api(Method::GET, "/workspaces/acme/audit?per_page=200", None).await;
    assert_eq!(status, 200);
    page["entries"].as_array().map(Vec::len).unwrap_or_else(|| panic!("audit page: {page}"))
}

/// The rows behind the resources these requests touch, straight from the database.
async fn database_rows(berth: &TestBerth) -> Vec<String> {
    let url = format!("sqlite://{}?mode=ro", berth.data_dir.join("berth.db").display());
    let mut conn = sqlx::SqliteConnection::connect(&url).await.unwrap();
    let mut rows = Vec::new();
    for sql in [
        "SELECT name || '|' || display_name FROM workspaces",
        "SELECT name || '|' || visibility || '|' || description || '|' || COALESCE(quota_bytes, -1) || '|' || immutable_tags_default FROM registries",
        "SELECT name || '|' || short_description || '|' || description || '|' || COALESCE(immutable_tags, -1) FROM repositories",
        "SELECT user_id || '|' || role FROM workspace_members",
        "SELECT COUNT(*) || '' FROM retention_policies",
    ] {
        for row in sqlx::query(sql).fetch_all(&mut conn).await.unwrap() {
            rows.push(row.try_get::<String, _>(0).unwrap());
        }
    }
    rows.sort();
    rows
}

async fn expect_refused(berth: &TestBerth, method: Method, path: &str, get: &str, body: Value) {
    let before = (berth.admin_api(Method::GET, get, None).await.1, audit_len(berth).await, database_rows(berth).await);
    let (status, answer) = berth.admin_api(method.clone(), path, Some(body.clone())).await;
    assert_eq!(status, 400, "{method} {path} {body}: {answer}");
    assert_eq!(answer["error"]["code"], "INVALID_INPUT", "{body}");
    let after = (berth.admin_api(Method::GET, get, None).await.1, audit_len(berth).await, database_rows(berth).await);
    assert_eq!(before.0, after.0, "{method} {path} {body} changed the resource");
    assert_eq!(before.1, after.1, "{method} {path} {body} wrote an audit entry");
    assert_eq!(before.2, after.2, "{method} {path} {body} changed the database");
}

#[tokio::test]
async fn every_refused_patch_and_put_changes_nothing() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    Registry::admin(&berth).push_image("apps/api", "v1", "refused").await;
    berth.create_user("member1", "member1-password", false).await;
    assert_eq!(berth.admin_api(Method::PUT, "/workspaces/acme/members/member1", Some(json!({ "role": "viewer" }))).await.0, 200);

    let too_long = "x".repeat(5000);
    let registry_cases = [
        json!({ "visibility": "public", "quota_bytes": -1 }),
        json!({ "visibility": "secret", "description": "new" }),
        json!({ "description": too_long, "visibility": "public" }),
        json!({ "immutable_tags_default": "yes", "visibility": "public" }),
        json!({ "quota_bytes": "lots", "description": "new" }),
        json!(["public"]),
    ];
    for body in registry_cases {
        expect_refused(&berth, Method::PATCH, "/registries/apps", "/registries/apps", body).await;
    }

    let repository = "/registries/apps/repositories/api";
    for body in [
        json!({ "short_description": "x".repeat(101), "immutable_tags": true }),
        json!({ "description": "y".repeat(25_001), "short_description": "fine" }),
        json!({ "immutable_tags": "on", "short_description": "fine" }),
    ] {
        expect_refused(&berth, Method::PATCH, repository, repository, body).await;
    }

    for body in [json!({ "display_name": "" }), json!({ "display_name": too_long }), json!({ "display_name": 7 })] {
        expect_refused(&berth, Method::PATCH, "/workspaces/acme", "/workspaces/acme", body).await;
    }

    for body in [json!({ "role": "admin" }), json!({}), json!(["owner"])] {
        expect_refused(&berth, Method::PUT, "/workspaces/acme/members/member1", "/workspaces/acme/members", body).await;
    }

    let retention = "/registries/apps/retention";
    for body in [
        json!({ "enabled": true, "schedule": "yearly", "rule": { "keep_latest": 3 } }),
        json!({ "enabled": true, "schedule": "daily", "rule": {} }),
        json!({ "enabled": "yes", "schedule": "daily", "rule": { "keep_latest": 3 } }),
        json!({ "enabled": true, "schedule": "daily", "rule": { "keep_latest": 3, "tag_pattern": "" } }),
    ] {
        expect_refused(&berth, Method::PUT, retention, retention, body).await;
    }
}
