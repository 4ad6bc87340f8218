//! Workspaces, members, registries, tokens, robots and the audit log through the API:
//! validation, conflicts, last-owner rules, credential lifecycles.

use crate::helpers::{ADMIN_PASSWORD, TestBerth};
use reqwest::Method;
use serde_json::{Value, json};

async fn call(berth: &TestBerth, method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    call_as(berth, ("admin", ADMIN_PASSWORD), method, path, body).await
}

async fn call_as(berth: &TestBerth, (user, secret): (&str, &str), method: Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut request = berth.script().request(method, berth.url(&format!("/api/v1{path}"))).basic_auth(user, Some(secret));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn error_names(body: &Value, field: &str) -> bool {
    body["error"]["code"] == "INVALID_INPUT" && body["error"]["message"].as_str().unwrap_or_default().contains(field)
}

#[tokio::test]
async fn names_are_validated_duplicates_conflict_and_long_input_is_refused() {
    let berth = TestBerth::start().await;
    let cases = [
        ("/workspaces", json!({ "name": "Bad Name" }), "name"),
        ("/workspaces", json!({ "name": "a" }), "name"),
        ("/workspaces", json!({ "name": "x".repeat(64) }), "name"),
        ("/workspaces", json!({ "name": "ok-name", "display_name": "d".repeat(101) }), "display_name"),
        ("/workspaces", json!({ "display_name": "no name" }), "name"),
    ];
    for (path, body, field) in cases {
        let (status, error) = call(&berth, Method::POST, path, Some(body.clone())).await;
        assert_eq!(status, 400, "{body}");
        assert!(error_names(&error, field), "{body}: {error}");
    }
    assert_eq!(call(&berth, Method::POST, "/workspaces", Some(json!({ "name": "acme" }))).await.0, 201);
    let (status, error) = call(&berth, Method::POST, "/workspaces", Some(json!({ "name": "acme" }))).await;
    assert_eq!((status, error["error"]["code"].as_str()), (409, Some("CONFLICT")));

    let registry_cases = [
        (json!({ "name": "UPPER", "visibility": "private" }), "name"),
        (json!({ "name": "a--b-", "visibility": "private" }), "name"),
        (json!({ "name": "fine", "visibility": "secret" }), "visibility"),
        (json!({ "name": "fine", "visibility": "private", "description": "x".repeat(1001) }), "description"),
    ];
    for (body, field) in registry_cases {
        let (status, error) = call(&berth, Method::POST, "/workspaces/acme/registries", Some(body.clone())).await;
        assert_eq!(status, 400, "{body}");
        assert!(error_names(&error, field), "{body}: {error}");
    }
    let created = call(
        &berth,
        Method::POST,
        "/workspaces/acme/registries",
        Some(json!({ "name": "apps", "visibility": "public", "description": "Our apps" })),
    )
    .await;
    assert_eq!(created.0, 201);
    assert_eq!(created.1["visibility"], "public");
    assert!(created.1["endpoint"].as_str().unwrap().ends_with("/apps"), "{}", created.1);
    assert_eq!(created.1["workspace"], "acme");

    // Registry names are unique across the whole instance.
    assert_eq!(call(&berth, Method::POST, "/workspaces", Some(json!({ "name": "globex" }))).await.0, 201);
    let (status, _) =
        call(&berth, Method::POST, "/workspaces/globex/registries", Some(json!({ "name": "apps", "visibility": "private" }))).await;
    assert_eq!(status, 409);

    // Visibility changes are applied and a workspace with registries cannot be deleted.
    let (status, patched) = call(&berth, Method::PATCH, "/registries/apps", Some(json!({ "visibility": "private" }))).await;
    assert_eq!((status, patched["visibility"].as_str()), (200, Some("private")));
    assert_eq!(patched["description"], "Our apps", "unchanged fields stay");
    assert_eq!(call(&berth, Method::DELETE, "/workspaces/acme", None).await.0, 409);
    assert_eq!(call(&berth, Method::DELETE, "/registries/apps", None).await.0, 204);
    assert_eq!(call(&berth, Method::GET, "/registries/apps", None).await.0, 404);
    assert_eq!(call(&berth, Method::DELETE, "/workspaces/acme", None).await.0, 204);
    assert_eq!(call(&berth, Method::GET, "/workspaces/acme", None).await.0, 404);
}

#[tokio::test]
async fn a_workspace_always_keeps_an_owner() {
    let berth = TestBerth::start().await;
    berth.create_user("olga", "olga-password-1", false).await;
    berth.create_user("pete", "pete-password-1", false).await;
    assert_eq!(call(&berth, Method::POST, "/workspaces", Some(json!({ "name": "acme" }))).await.0, 201);
    // The creator (admin) is the owner; make olga owner and let the admin leave.
    assert_eq!(call(&berth, Method::PUT, "/workspaces/acme/members/olga", Some(json!({ "role": "owner" }))).await.0, 200);
    assert_eq!(call(&berth, Method::DELETE, "/workspaces/acme/members/admin", None).await.0, 204);

    let olga = ("olga", "olga-password-1");
    let (status, error) = call_as(&berth, olga, Method::PUT, "/workspaces/acme/members/olga", Some(json!({ "role": "viewer" }))).await;
    assert_eq!((status, error["error"]["code"].as_str()), (409, Some("CONFLICT")), "the last owner cannot be demoted");
    assert_eq!(call_as(&berth, olga, Method::DELETE, "/workspaces/acme/members/olga", None).await.0, 409, "nor leave");

    let (status, member) = call_as(&berth, olga, Method::PUT, "/workspaces/acme/members/pete", Some(json!({ "role": "manager" }))).await;
    assert_eq!((status, member["role"].as_str()), (200, Some("manager")));
    let (status, error) = call_as(&berth, olga, Method::PUT, "/workspaces/acme/members/nobody", Some(json!({ "role": "viewer" }))).await;
    assert_eq!(status, 400);
    assert!(error_names(&error, "username"), "{error}");
    let (status, error) = call_as(&berth, olga, Method::PUT, "/workspaces/acme/members/pete", Some(json!({ "role": "admin" }))).await;
    assert_eq!(status, 400);
    assert!(error_names(&error, "role"), "{error}");
    assert_eq!(call_as(&berth, olga, Method::DELETE, "/workspaces/acme/members/nobody", None).await.0, 404);

    let (_, members) = call_as(&berth, olga, Method::GET, "/workspaces/acme/members", None).await;
    let names: Vec<_> =
        members.as_array().unwrap().iter().map(|m| (m["username"].as_str().unwrap(), m["role"].as_str().unwrap())).collect();
    assert_eq!(names, [("olga", "owner"), ("pete", "manager")]);
}

#[tokio::test]
async fn personal_access_tokens_work_once_created_and_stop_when_revoked_or_expired() {
    let berth = TestBerth::start().await;
    let (status, created) = call(&berth, Method::POST, "/me/tokens", Some(json!({ "name": "laptop" }))).await;
    assert_eq!(status, 201);
    let token = created["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("berth_pat_"));

    let script = berth.script();
    let me = |request: reqwest::RequestBuilder| async move { request.send().await.unwrap().status().as_u16() };
    assert_eq!(me(script.get(berth.url("/api/v1/me")).bearer_auth(&token)).await, 200);
    assert_eq!(me(script.get(berth.url("/api/v1/me")).basic_auth("admin", Some(&token))).await, 200);
    berth.create_user("zed", "zed-password-1", false).await;
    assert_eq!(me(script.get(berth.url("/api/v1/me")).basic_auth("zed", Some(&token))).await, 401, "someone else's token");

    let (_, listed) = call(&berth, Method::GET, "/me/tokens", None).await;
    let listed = &listed.as_array().unwrap()[0];
    assert_eq!(listed["name"], "laptop");
    assert!(listed.get("token").is_none(), "the secret is never shown again");
    assert!(listed["last_used_at"].is_string(), "use is recorded: {listed}");

    let id = created["id"].as_str().unwrap();
    assert_eq!(call_as(&berth, ("zed", "zed-password-1"), Method::DELETE, &format!("/me/tokens/{id}"), None).await.0, 404);
    assert_eq!(call(&berth, Method::DELETE, &format!("/me/tokens/{id}"), None).await.0, 204);
    assert_eq!(me(script.get(berth.url("/api/v1/me")).bearer_auth(&token)).await, 401);

    let (status, error) =
        call(&berth, Method::POST, "/me/tokens", Some(json!({ "name": "old", "expires_at": "2020-01-01T00:00:00Z" }))).await;
    assert_eq!(status, 400);
    assert!(error_names(&error, "expires_at"), "{error}");
    let (status, error) = call(&berth, Method::POST, "/me/tokens", Some(json!({ "name": "x", "expires_at": "tomorrow" }))).await;
    assert_eq!(status, 400);
    assert!(error_names(&error, "expires_at"), "{error}");
    let (status, _) = call(&berth, Method::POST, "/me/tokens", Some(json!({ "name": "" }))).await;
    assert_eq!(status, 400);
}

#[tokio::test]
async fn robots_are_scoped_shown_once_and_revocable() {
    let berth = TestBerth::start().await;
    call(&berth, Method::POST, "/workspaces", Some(json!({ "name": "acme" }))).await;
    call(&berth, Method::POST, "/workspaces/acme/registries", Some(json!({ "name": "apps", "visibility": "private" }))).await;
    let (status, robot) = call(&berth, Method::POST, "/registries/apps/robots", Some(json!({ "name": "ci", "permission": "push" }))).await;
    assert_eq!(status, 201);
    assert_eq!(robot["username"], "robot$apps+ci");
    let secret = robot["secret"].as_str().unwrap().to_string();
    assert!(secret.len() >= 32);

    assert_eq!(call(&berth, Method::POST, "/registries/apps/robots", Some(json!({ "name": "ci", "permission": "pull" }))).await.0, 409);
    let (status, error) =
        call(&berth, Method::POST, "/registries/apps/robots", Some(json!({ "name": "ci2", "permission": "admin" }))).await;
    assert_eq!(status, 400);
    assert!(error_names(&error, "permission"), "{error}");

    let as_robot = ("robot$apps+ci", secret.as_str());
    assert_eq!(call_as(&berth, as_robot, Method::GET, "/registries/apps", None).await.0, 200);
    assert_eq!(call_as(&berth, ("robot$apps+ci", "wrong"), Method::GET, "/registries/apps", None).await.0, 401);

    let (_, robots) = call(&berth, Method::GET, "/registries/apps/robots", None).await;
    let listed = &robots.as_array().unwrap()[0];
    assert!(listed.get("secret").is_none());
    assert!(listed["last_used_at"].is_string(), "{listed}");

    let id = robot["id"].as_str().unwrap();
    assert_eq!(call(&berth, Method::DELETE, "/registries/apps/robots/not-an-id", None).await.0, 404);
    assert_eq!(call(&berth, Method::DELETE, &format!("/registries/apps/robots/{id}"), None).await.0, 204);
    assert_eq!(call_as(&berth, as_robot, Method::GET, "/registries/apps", None).await.0, 401);
}

#[tokio::test]
async fn the_audit_log_records_every_change_newest_first_in_pages() {
    let berth = TestBerth::start().await;
    berth.create_user("vera", "vera-password-1", false).await;
    call(&berth, Method::POST, "/workspaces", Some(json!({ "name": "acme" }))).await;
    call(&berth, Method::PUT, "/workspaces/acme/members/vera", Some(json!({ "role": "viewer" }))).await;
    call(&berth, Method::POST, "/workspaces/acme/registries", Some(json!({ "name": "apps", "visibility": "private" }))).await;
    call(&berth, Method::PATCH, "/registries/apps", Some(json!({ "visibility": "public" }))).await;

    let (status, page) = call(&berth, Method::GET, "/workspaces/acme/audit?per_page=2", None).await;
    assert_eq!(status, 200);
    assert_eq!(page["total"], 4);
    let actions: Vec<_> = page["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["registry.update", "registry.create"]);
    let first = &page["entries"][0];
    assert_eq!(first["actor"], "admin");
    assert_eq!(first["resource"], "apps");
    assert_eq!(first["detail"], "visibility private → public");
    assert_eq!(first["client_addr"], "127.0.0.1");

    let (_, page2) = call(&berth, Method::GET, "/workspaces/acme/audit?per_page=2&page=2", None).await;
    let actions: Vec<_> = page2["entries"].as_array().unwrap().iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, ["member.add", "workspace.create"]);

    for bad in ["?per_page=0", "?per_page=1000", "?page=0", "?page=abc"] {
        assert_eq!(call(&berth, Method::GET, &format!("/workspaces/acme/audit{bad}"), None).await.0, 400, "{bad}");
    }
    let vera = ("vera", "vera-password-1");
    assert_eq!(call_as(&berth, vera, Method::GET, "/workspaces/acme/audit", None).await.0, 403);
}

#[tokio::test]
async fn the_openapi_document_is_published() {
    let berth = TestBerth::start().await;
    let response = berth.script().get(berth.url("/api/v1/openapi.json")).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let document: Value = response.json().await.unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3.1"));
    for path in ["/workspaces/{ws}/members/{username}", "/registries/{reg}/robots", "/me/tokens"] {
        assert!(document["paths"].get(path).is_some(), "{path}");
    }
}

/// `_catalog` lists exactly what each kind of caller may pull: everything for an
/// administrator, the caller's workspaces' registries and public ones for a member,
/// a robot's own registry and public ones for a robot, public ones for anyone else.
#[tokio::test]
async fn the_catalog_lists_what_each_caller_may_pull() {
    use crate::oci_helpers::Registry;
    let berth = TestBerth::start().await;
    for workspace in ["acme", "other"] {
        assert_eq!(call(&berth, Method::POST, "/workspaces", Some(json!({ "name": workspace }))).await.0, 201);
    }
    for (workspace, registry, visibility) in
        [("acme", "apps", "private"), ("acme", "tools", "private"), ("acme", "pub", "public"), ("other", "secret", "private")]
    {
        let body = json!({ "name": registry, "visibility": visibility });
        assert_eq!(call(&berth, Method::POST, &format!("/workspaces/{workspace}/registries"), Some(body)).await.0, 201);
    }
    let admin = Registry::admin(&berth);
    for name in ["apps/api", "tools/lint", "pub/base", "secret/plans"] {
        admin.push_image(name, "v1", name).await;
    }
    berth.create_user("viewer1", "viewer1-password", false).await;
    let viewer = Some(json!({ "role": "viewer" }));
    assert_eq!(call(&berth, Method::PUT, "/workspaces/acme/members/viewer1", viewer).await.0, 200);
    berth.create_user("loner1", "loner1-password", false).await;
    let (_, robot) = call(&berth, Method::POST, "/registries/tools/robots", Some(json!({ "name": "ci", "permission": "pull" }))).await;

    let catalog = |credentials: Option<(String, String)>| {
        let client = Registry { berth: &berth, credentials };
        async move {
            let response = client.request(Method::GET, "/v2/_catalog?n=10").send().await.unwrap();
            assert_eq!(response.status(), 200);
            response.json::<Value>().await.unwrap()["repositories"].clone()
        }
    };
    let pair = |user: &str, secret: &str| Some((user.to_string(), secret.to_string()));
    let robot_credentials = pair(robot["username"].as_str().unwrap(), robot["secret"].as_str().unwrap());
    assert_eq!(catalog(pair("admin", ADMIN_PASSWORD)).await, json!(["apps/api", "pub/base", "secret/plans", "tools/lint"]));
    assert_eq!(catalog(pair("viewer1", "viewer1-password")).await, json!(["apps/api", "pub/base", "tools/lint"]));
    assert_eq!(catalog(pair("loner1", "loner1-password")).await, json!(["pub/base"]));
    assert_eq!(catalog(robot_credentials).await, json!(["pub/base", "tools/lint"]));
    assert_eq!(catalog(None).await, json!(["pub/base"]));

    let first: Value = admin.request(Method::GET, "/v2/_catalog?n=1&last=apps/api").send().await.unwrap().json().await.unwrap();
    assert_eq!(first["repositories"], json!(["pub/base"]), "paged after `last`, limited to `n`");
}
