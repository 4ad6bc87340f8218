//! Every management action × every kind of caller, through the API, with the expected
//! allow / 401 / 403 / 404. Also: no leak of another workspace's private names.

use crate::helpers::{ADMIN_PASSWORD, TestBerth};
use reqwest::Method;
use serde_json::{Value, json};
use std::time::Duration;

const PASSWORD: &str = "member-password-1";

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    Viewer,
    Manager,
    Owner,
    Admin,
    Outsider,
    RobotPull,
    RobotPush,
    ExpiredRobot,
    RevokedToken,
    DisabledUser,
}

const EVERYONE: [Who; 11] = [
    Who::Anonymous,
    Who::Viewer,
    Who::Manager,
    Who::Owner,
    Who::Admin,
    Who::Outsider,
    Who::RobotPull,
    Who::RobotPush,
    Who::ExpiredRobot,
    Who::RevokedToken,
    Who::DisabledUser,
];

enum Auth {
    None,
    Basic(String, String),
    Bearer(String),
}

struct World {
    berth: TestBerth,
    auth: Vec<(Who, Auth)>,
}

impl World {
    fn auth(&self, who: Who) -> &Auth {
        &self.auth.iter().find(|(w, _)| *w == who).unwrap().1
    }

    async fn call(&self, who: Who, method: Method, path: &str, body: Option<Value>) -> (u16, String) {
        let mut request = self.berth.script().request(method, self.berth.url(&format!("/api/v1{path}")));
        request = match self.auth(who) {
            Auth::None => request,
            Auth::Basic(user, secret) => request.basic_auth(user, Some(secret)),
            Auth::Bearer(token) => request.bearer_auth(token),
        };
        if let Some(body) = body {
            request = request.json(&body);
        }
        let response = request.send().await.unwrap();
        (response.status().as_u16(), response.text().await.unwrap())
    }

    async fn admin(&self, method: Method, path: &str, body: Value) -> Value {
        let (status, text) = self.call(Who::Admin, method, path, Some(body)).await;
        assert!(status < 300, "{path}: {status} {text}");
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }
}

async fn world() -> World {
    let berth = TestBerth::start().await;
    for user in ["owner1", "manager1", "viewer1", "outsider1", "disabled1", "spare1"] {
        berth.create_user(user, PASSWORD, false).await;
    }
    let mut world = World { berth, auth: vec![(Who::Admin, Auth::Basic("admin".into(), ADMIN_PASSWORD.into()))] };
    world.admin(Method::POST, "/workspaces", json!({ "name": "acme", "display_name": "Acme" })).await;
    world.admin(Method::POST, "/workspaces", json!({ "name": "other" })).await;
    for (user, role) in [("owner1", "owner"), ("manager1", "manager"), ("viewer1", "viewer"), ("disabled1", "viewer")] {
        world.admin(Method::PUT, &format!("/workspaces/acme/members/{user}"), json!({ "role": role })).await;
    }
    world.admin(Method::PUT, "/workspaces/other/members/outsider1", json!({ "role": "owner" })).await;
    world.admin(Method::POST, "/workspaces/acme/registries", json!({ "name": "priv", "visibility": "private" })).await;
    world.admin(Method::POST, "/workspaces/acme/registries", json!({ "name": "pub", "visibility": "public" })).await;
    world.admin(Method::POST, "/workspaces/other/registries", json!({ "name": "secret-plans", "visibility": "private" })).await;
    for (i, _) in EVERYONE.iter().enumerate() {
        world.admin(Method::POST, "/workspaces/acme/registries", json!({ "name": format!("victim{i}"), "visibility": "private" })).await;
    }

    let robot =
        |name: &str, permission: &str, expires: Option<String>| json!({ "name": name, "permission": permission, "expires_at": expires });
    let pull = world.admin(Method::POST, "/registries/priv/robots", robot("ci-pull", "pull", None)).await;
    let push = world.admin(Method::POST, "/registries/priv/robots", robot("ci-push", "push", None)).await;
    let soon = app::domain::time::format_rfc3339(server::db::now_ms() + 1500);
    let expiring = world.admin(Method::POST, "/registries/priv/robots", robot("ci-old", "push", Some(soon))).await;

    let basic = |user: &str| Auth::Basic(user.to_string(), PASSWORD.to_string());
    let robot_auth =
        |created: &Value| Auth::Basic(created["username"].as_str().unwrap().to_string(), created["secret"].as_str().unwrap().to_string());
    world.auth.extend([
        (Who::Anonymous, Auth::None),
        (Who::Viewer, basic("viewer1")),
        (Who::Manager, basic("manager1")),
        (Who::Owner, basic("owner1")),
        (Who::Outsider, basic("outsider1")),
        (Who::DisabledUser, basic("disabled1")),
        (Who::RobotPull, robot_auth(&pull)),
        (Who::RobotPush, robot_auth(&push)),
        (Who::ExpiredRobot, robot_auth(&expiring)),
    ]);

    // A token that worked and was then revoked.
    let (status, created) = world.call(Who::Viewer, Method::POST, "/me/tokens", Some(json!({ "name": "laptop" }))).await;
    assert_eq!(status, 201, "{created}");
    let created: Value = serde_json::from_str(&created).unwrap();
    let token = created["token"].as_str().unwrap().to_string();
    world.auth.push((Who::RevokedToken, Auth::Bearer(token)));
    assert_eq!(world.call(Who::RevokedToken, Method::GET, "/me", None).await.0, 200, "the token works before revocation");
    let id = created["id"].as_str().unwrap();
    assert_eq!(world.call(Who::Viewer, Method::DELETE, &format!("/me/tokens/{id}"), None).await.0, 204);

    // A member who was then disabled.
    let admin = world.berth.admin_browser().await;
    let response = admin
        .post(world.berth.url("/console/fn/set_user_disabled"))
        .form(&[("username", "disabled1"), ("disabled", "true")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);

    tokio::time::sleep(Duration::from_millis(1600)).await; // ci-old expires
    world
}

/// Expected status for each caller, in the order of `EVERYONE`.
type Row = [u16; 11];
//                              anon vwr  mgr  own  adm  out  rpl  rps  exp  rev  dis
const READ_WORKSPACE: Row = [401, 200, 200, 200, 200, 404, 403, 403, 401, 401, 401];
const OWNER_ONLY: Row = [401, 403, 403, 200, 200, 404, 403, 403, 401, 401, 401];
const MANAGER_READ: Row = [401, 403, 200, 200, 200, 404, 403, 403, 401, 401, 401];
const MANAGER_CREATE: Row = [401, 403, 201, 201, 201, 404, 403, 403, 401, 401, 401];
const READ_PRIVATE_REG: Row = [401, 200, 200, 200, 200, 404, 200, 200, 401, 401, 401];
const READ_PUBLIC_REG: Row = [200, 200, 200, 200, 200, 200, 200, 200, 401, 401, 401];
const MANAGE_PRIVATE_REG: Row = [401, 403, 200, 200, 200, 404, 403, 403, 401, 401, 401];
const DELETE_OTHER_REG: Row = [401, 403, 204, 204, 204, 404, 404, 404, 401, 401, 401];
const CREATE_WORKSPACE: Row = [401, 403, 403, 403, 201, 403, 403, 403, 401, 401, 401];
const OWN_ACCOUNT: Row = [401, 200, 200, 200, 200, 200, 403, 403, 401, 401, 401];
const ADMIN_ONLY: Row = [401, 403, 403, 403, 200, 403, 403, 403, 401, 401, 401];
const OWN_TOKEN_CREATE: Row = [401, 201, 201, 201, 201, 201, 403, 403, 401, 401, 401];

#[tokio::test]
async fn every_action_by_every_kind_of_caller() {
    let world = world().await;
    let mut failures = Vec::new();

    for (i, who) in EVERYONE.iter().copied().enumerate() {
        let cases: Vec<(Method, String, Option<Value>, Row)> = vec![
            (Method::GET, "/workspaces/acme".into(), None, READ_WORKSPACE),
            (Method::GET, "/workspaces/acme/members".into(), None, READ_WORKSPACE),
            (Method::GET, "/workspaces/acme/registries".into(), None, READ_WORKSPACE),
            (Method::PUT, "/workspaces/acme/members/spare1".into(), Some(json!({ "role": "viewer" })), OWNER_ONLY),
            (Method::PATCH, "/workspaces/acme".into(), Some(json!({ "display_name": format!("Acme {i}") })), OWNER_ONLY),
            (Method::GET, "/workspaces/acme/audit".into(), None, MANAGER_READ),
            (
                Method::POST,
                "/workspaces/acme/registries".into(),
                Some(json!({ "name": format!("made-by-{i}"), "visibility": "private" })),
                MANAGER_CREATE,
            ),
            (Method::GET, "/registries/priv".into(), None, READ_PRIVATE_REG),
            (Method::GET, "/registries/pub".into(), None, READ_PUBLIC_REG),
            (Method::PATCH, "/registries/priv".into(), Some(json!({ "description": format!("by {i}") })), MANAGE_PRIVATE_REG),
            (Method::GET, "/registries/priv/robots".into(), None, MANAGE_PRIVATE_REG),
            (
                Method::POST,
                "/registries/priv/robots".into(),
                Some(json!({ "name": format!("bot{i}"), "permission": "pull" })),
                MANAGER_CREATE,
            ),
            (Method::POST, "/registries/priv/cleanup/preview".into(), Some(json!({ "keep_latest": 5 })), MANAGE_PRIVATE_REG),
            (Method::POST, "/registries/priv/cleanup".into(), Some(json!({ "keep_latest": 5 })), MANAGE_PRIVATE_REG),
            (Method::GET, "/registries/priv/retention".into(), None, MANAGE_PRIVATE_REG),
            (
                Method::PUT,
                "/registries/priv/retention".into(),
                Some(json!({ "enabled": false, "schedule": "daily", "rule": { "keep_latest": 5 } })),
                MANAGE_PRIVATE_REG,
            ),
            (Method::GET, "/registries/priv/retention/runs".into(), None, MANAGE_PRIVATE_REG),
            (Method::GET, "/admin/gc".into(), None, ADMIN_ONLY),
            (Method::DELETE, format!("/registries/victim{i}"), None, DELETE_OTHER_REG),
            (Method::POST, "/workspaces".into(), Some(json!({ "name": format!("new-ws-{i}") })), CREATE_WORKSPACE),
            (Method::GET, "/me".into(), None, OWN_ACCOUNT),
            (Method::GET, "/me/tokens".into(), None, OWN_ACCOUNT),
            (Method::POST, "/me/tokens".into(), Some(json!({ "name": "ci" })), OWN_TOKEN_CREATE),
        ];
        for (method, path, body, row) in cases {
            let expected = row[i];
            let (status, text) = world.call(who, method.clone(), &path, body).await;
            if status != expected {
                failures.push(format!("{who:?} {method} {path}: expected {expected}, got {status} {text}"));
            }
            if status >= 400 {
                let error: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
                if error["error"]["code"].as_str().is_none() {
                    failures.push(format!("{who:?} {method} {path}: error body is not the API error format: {text}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{} unexpected answers:\n{}", failures.len(), failures.join("\n"));

    // Refused deletions left their registries in place; allowed ones removed them.
    for (i, who) in EVERYONE.iter().enumerate() {
        let (status, _) = world.call(Who::Admin, Method::GET, &format!("/registries/victim{i}"), None).await;
        let expected = if DELETE_OTHER_REG[i] == 204 { 404 } else { 200 };
        assert_eq!(status, expected, "victim{i} after {who:?}");
    }
}

#[tokio::test]
async fn another_workspace_s_private_names_do_not_leak() {
    let world = world().await;
    let (status, list) = world.call(Who::Outsider, Method::GET, "/workspaces", None).await;
    assert_eq!(status, 200);
    assert!(list.contains("\"other\"") && !list.contains("acme"), "{list}");

    let (status, me) = world.call(Who::Outsider, Method::GET, "/me", None).await;
    assert_eq!(status, 200);
    assert!(!me.contains("acme"), "{me}");

    // A private registry that exists and one that does not answer identically.
    let hidden = world.call(Who::Outsider, Method::GET, "/registries/priv", None).await;
    let missing = world.call(Who::Outsider, Method::GET, "/registries/no-such-registry", None).await;
    assert_eq!(hidden.0, 404);
    assert_eq!(hidden.0, missing.0);
    assert_eq!(hidden.1.replace("priv", "X"), missing.1.replace("no-such-registry", "X"));
    assert!(!hidden.1.contains("priv"), "{}", hidden.1);

    let hidden_ws = world.call(Who::Outsider, Method::GET, "/workspaces/acme/registries", None).await;
    let missing_ws = world.call(Who::Outsider, Method::GET, "/workspaces/no-such-ws/registries", None).await;
    assert_eq!((hidden_ws.0, &hidden_ws.1), (missing_ws.0, &missing_ws.1));

    // Robots see their own registry and public ones only.
    let (status, _) = world.call(Who::RobotPush, Method::GET, "/registries/secret-plans", None).await;
    assert_eq!(status, 404);
    let (status, _) = world.call(Who::Anonymous, Method::GET, "/registries/secret-plans", None).await;
    assert_eq!(status, 401);
    let (status, _) = world.call(Who::Anonymous, Method::GET, "/registries/no-such-registry", None).await;
    assert_eq!(status, 401, "anonymous callers cannot tell missing from private either");
}

#[tokio::test]
async fn console_server_functions_apply_the_same_policy() {
    let world = world().await;
    let berth = &world.berth;
    let signed_in = |user: &'static str| async move {
        let client = berth.browser();
        assert_eq!(berth.sign_in(&client, user, PASSWORD).await, "/");
        client
    };
    let viewer = signed_in("viewer1").await;
    let outsider = signed_in("outsider1").await;
    let owner = signed_in("owner1").await;

    let call = |client: reqwest::Client, endpoint: &'static str, form: Vec<(&'static str, &'static str)>| async move {
        client.post(berth.url(&format!("/console/fn/{endpoint}"))).form(&form).send().await.unwrap().status().as_u16()
    };
    let add_spare = vec![("workspace", "acme"), ("username", "manager1"), ("role", "owner")];
    assert_eq!(call(viewer.clone(), "set_member_role", add_spare.clone()).await, 403);
    assert_eq!(call(outsider.clone(), "set_member_role", add_spare.clone()).await, 404);
    assert_eq!(call(berth.browser(), "set_member_role", add_spare.clone()).await, 401);
    assert_eq!(call(viewer.clone(), "list_members", vec![("workspace", "acme")]).await, 200);
    assert_eq!(call(outsider.clone(), "list_members", vec![("workspace", "acme")]).await, 404);
    assert_eq!(call(viewer.clone(), "list_audit", vec![("workspace", "acme"), ("page", "1")]).await, 403);
    assert_eq!(call(viewer, "create_workspace", vec![("name", "sneaky")]).await, 403);
    assert_eq!(call(owner.clone(), "list_audit", vec![("workspace", "acme"), ("page", "1")]).await, 200);
    assert_eq!(call(owner, "set_member_role", add_spare).await, 200);
}
