//! A refused request changes nothing: every PATCH and PUT of the API, with each field
//! invalid in turn beside a valid change to another field, leaves the resource, the
//! audit log and the database exactly as they were: over HTTP against the real binary,
//! and through the service functions themselves with the in-process fixture.

use crate::helpers::TestBerth;
use crate::in_process::InProcess;
use crate::oci_helpers::{Registry, standard_registries};
use app::domain::Error;
use app::domain::cleanup::CleanupRule;
use app::domain::digest::Digest;
use app::domain::model::{Role, Visibility};
use app::domain::names::RepositoryName;
use app::dto::{NewRegistry, NewWorkspace, RegistryPatch, RepositoryPatch, RetentionPolicy};
use reqwest::Method;
use serde_json::{Value, json};
use server::services::distribution::manifests::Reference;
use server::storage::ByteStream;
use sqlx::{Connection, Row};

async fn audit_len(berth: &TestBerth) -> usize {
    let (status, page) = berth.admin_api(Method::GET, "/workspaces/acme/audit?per_page=200", None).await;
    assert_eq!(status, 200);
    page["entries"].as_array().map(Vec::len).unwrap_or_else(|| panic!("audit page: {page}"))
}

/// The rows behind the resources these requests touch, straight from the database.
async fn database_rows(data_dir: &std::path::Path) -> Vec<String> {
    let url = format!("sqlite://{}?mode=ro", data_dir.join("berth.db").display());
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
    let before = (berth.admin_api(Method::GET, get, None).await.1, audit_len(berth).await, database_rows(&berth.data_dir).await);
    let (status, answer) = berth.admin_api(method.clone(), path, Some(body.clone())).await;
    assert_eq!(status, 400, "{method} {path} {body}: {answer}");
    assert_eq!(answer["error"]["code"], "INVALID_INPUT", "{body}");
    let after = (berth.admin_api(Method::GET, get, None).await.1, audit_len(berth).await, database_rows(&berth.data_dir).await);
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

/// What a refused service call must leave alone: every resource the cases touch, the
/// audit log's length and the rows behind them.
async fn service_state(berth: &InProcess) -> String {
    let (services, admin) = (berth.services(), &berth.admin);
    let repository = RepositoryName::parse("apps/api").unwrap();
    format!(
        "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{}\n{:?}",
        services.get_registry(admin, "apps").await,
        services.get_repository(admin, &repository).await,
        services.get_workspace(admin, "acme").await,
        services.list_members(admin, "acme").await,
        services.retention_policy(admin, "apps").await,
        services.list_audit(admin, "acme", 1, 200).await.unwrap().total,
        database_rows(&berth.data_dir).await,
    )
}

async fn expect_refused_by_service<T: std::fmt::Debug>(
    berth: &InProcess,
    case: &str,
    call: impl std::future::Future<Output = Result<T, Error>>,
) {
    let before = service_state(berth).await;
    let result = call.await;
    assert!(matches!(result, Err(Error::Invalid { .. }) | Err(Error::Conflict(_))), "{case}: {result:?}");
    assert_eq!(before, service_state(berth).await, "{case} changed something");
}

#[tokio::test]
async fn every_refused_service_update_changes_nothing() {
    let berth = InProcess::start().await;
    let (services, admin) = (berth.services(), &berth.admin);
    services.create_workspace(admin, NewWorkspace { name: "acme".into(), display_name: None }).await.unwrap();
    let new = NewRegistry { name: "apps".into(), visibility: Visibility::Private, description: None };
    services.create_registry(admin, "acme", new).await.unwrap();
    let repository = RepositoryName::parse("apps/api").unwrap();
    let config = br#"{"architecture":"amd64","os":"linux"}"#.to_vec();
    let digest = Digest::parse(&format!("sha256:{}", sha256_hex(&config))).unwrap();
    let body: ByteStream = Box::pin(futures_util::stream::iter([Ok(bytes::Bytes::from(config.clone()))]));
    services.monolithic_upload(admin, &repository, &digest, body).await.unwrap();
    let manifest = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": "application/vnd.oci.image.manifest.v1+json",
        "config": { "mediaType": "application/vnd.oci.image.config.v1+json", "digest": digest.to_string(), "size": config.len() },
        "layers": [],
    }))
    .unwrap();
    let media_type = Some("application/vnd.oci.image.manifest.v1+json");
    services.put_manifest(admin, &repository, &Reference::Tag("v1".into()), media_type, &manifest).await.unwrap();
    let too_long = "x".repeat(5000);

    let registry_cases = [
        RegistryPatch { visibility: Some(Visibility::Public), quota_bytes: Some(Some(-1)), ..Default::default() },
        RegistryPatch { description: Some(too_long.clone()), visibility: Some(Visibility::Public), ..Default::default() },
        RegistryPatch { description: Some(too_long.clone()), immutable_tags_default: Some(true), ..Default::default() },
    ];
    for patch in registry_cases {
        let case = format!("update_registry {patch:?}");
        expect_refused_by_service(&berth, &case, services.update_registry(admin, "apps", patch.clone())).await;
    }
    let repository_cases = [
        RepositoryPatch { short_description: Some("x".repeat(101)), immutable_tags: Some(true), ..Default::default() },
        RepositoryPatch { description: Some("y".repeat(25_001)), short_description: Some("fine".into()), ..Default::default() },
    ];
    for patch in repository_cases {
        let case = format!("update_repository {patch:?}");
        expect_refused_by_service(&berth, &case, services.update_repository(admin, &repository, patch.clone())).await;
    }
    for name in ["", too_long.as_str()] {
        expect_refused_by_service(&berth, "update_workspace", services.update_workspace(admin, "acme", name)).await;
    }
    // The only owner cannot step down: the workspace would have nobody to manage it.
    expect_refused_by_service(&berth, "set_member_role", services.set_member_role(admin, "acme", "admin", Role::Viewer)).await;
    let keep_three = CleanupRule { keep_latest: Some(3), ..Default::default() };
    let retention_cases = [
        RetentionPolicy { enabled: true, schedule: "yearly".into(), rule: keep_three.clone(), dry_run: false, next_run_at: None },
        RetentionPolicy { enabled: true, schedule: "daily".into(), rule: CleanupRule::default(), dry_run: false, next_run_at: None },
        RetentionPolicy {
            enabled: true,
            schedule: "daily".into(),
            rule: CleanupRule { tag_pattern: Some(String::new()), ..keep_three },
            dry_run: false,
            next_run_at: None,
        },
    ];
    for policy in retention_cases {
        let case = format!("save_retention_policy {policy:?}");
        expect_refused_by_service(&berth, &case, services.save_retention_policy(admin, "apps", policy.clone())).await;
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    crate::oci_helpers::sha256(bytes).trim_start_matches("sha256:").to_string()
}
