//! Who may pull, push and delete through `/v2/`, with Basic credentials and with
//! registry tokens from `/auth/token`.

use crate::helpers::{ADMIN_PASSWORD, TestBerth};
use crate::oci_helpers::*;
use reqwest::Method;
use serde_json::{Value, json};

const PASSWORD: &str = "member-password-1";

async fn api(berth: &TestBerth, method: Method, path: &str, body: Value) -> Value {
    let response = berth
        .script()
        .request(method, berth.url(&format!("/api/v1{path}")))
        .basic_auth("admin", Some(ADMIN_PASSWORD))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert!(response.status().is_success(), "{path}: {}", response.status());
    response.json().await.unwrap_or(Value::Null)
}

struct Callers {
    list: Vec<(&'static str, Option<(String, String)>)>,
}

async fn setup(berth: &TestBerth) -> Callers {
    standard_registries(berth).await;
    for user in ["viewer1", "manager1", "outsider1"] {
        berth.create_user(user, PASSWORD, false).await;
    }
    api(berth, Method::PUT, "/workspaces/acme/members/viewer1", json!({ "role": "viewer" })).await;
    api(berth, Method::PUT, "/workspaces/acme/members/manager1", json!({ "role": "manager" })).await;
    let pull = api(berth, Method::POST, "/registries/apps/robots", json!({ "name": "puller", "permission": "pull" })).await;
    let push = api(berth, Method::POST, "/registries/apps/robots", json!({ "name": "pusher", "permission": "push" })).await;
    let robot = |v: &Value| Some((v["username"].as_str().unwrap().to_string(), v["secret"].as_str().unwrap().to_string()));
    let user = |name: &str| Some((name.to_string(), PASSWORD.to_string()));
    Callers {
        list: vec![
            ("anonymous", None),
            ("viewer", user("viewer1")),
            ("manager", user("manager1")),
            ("robot-pull", robot(&pull)),
            ("robot-push", robot(&push)),
            ("outsider", user("outsider1")),
        ],
    }
}

#[tokio::test]
async fn pull_push_and_delete_by_every_kind_of_caller() {
    let berth = TestBerth::start().await;
    let callers = setup(&berth).await;
    let admin = Registry::admin(&berth);
    admin.push_image("apps/api", "v1", "private").await;
    admin.push_image("pub/api", "v1", "public").await;

    //                       anon  viewer manager rpull rpush outsider
    let pull_private = [401, 200, 200, 200, 200, 404];
    let pull_public = [200, 200, 200, 200, 200, 200];
    let push_private = [401, 403, 202, 403, 202, 404];
    let push_public = [401, 403, 202, 403, 403, 403];
    let delete_private = [401, 403, 202, 403, 403, 404];
    let delete_public = [401, 403, 202, 403, 403, 403];

    let mut failures = Vec::new();
    for (i, (who, credentials)) in callers.list.iter().enumerate() {
        let client = Registry { berth: &berth, credentials: credentials.clone() };
        for (registry, pull, push, delete) in
            [("apps", pull_private, push_private, delete_private), ("pub", pull_public, push_public, delete_public)]
        {
            let got = client.request(Method::GET, &format!("/v2/{registry}/api/manifests/v1")).send().await.unwrap().status();
            if got != pull[i] {
                failures.push(format!("{who} pull {registry}: {got}, expected {}", pull[i]));
            }
            let got = client.request(Method::POST, &format!("/v2/{registry}/api/blobs/uploads/")).send().await.unwrap().status();
            if got != push[i] {
                failures.push(format!("{who} push {registry}: {got}, expected {}", push[i]));
            }
            // Each caller deletes a blob of its own, so earlier deletions do not interfere.
            let blob = format!("{who} {registry}").into_bytes();
            assert_eq!(admin.push_blob(&format!("{registry}/api"), &blob).await.status(), 201);
            let got = client.request(Method::DELETE, &format!("/v2/{registry}/api/blobs/{}", sha256(&blob))).send().await.unwrap().status();
            if got != delete[i] {
                failures.push(format!("{who} delete {registry}: {got}, expected {}", delete[i]));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

async fn token(berth: &TestBerth, credentials: Option<(&str, &str)>, scope: &str) -> (u16, Value) {
    let mut request = berth.script().get(berth.url("/auth/token")).query(&[("service", "berth"), ("scope", scope)]);
    if let Some((user, secret)) = credentials {
        request = request.basic_auth(user, Some(secret));
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap_or(Value::Null))
}

fn granted(token: &Value) -> Value {
    use base64::Engine;
    let jwt = token["token"].as_str().unwrap();
    let payload = jwt.split('.').nth(1).unwrap();
    let claims: Value = serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(payload).unwrap()).unwrap();
    claims["access"].clone()
}

#[tokio::test]
async fn tokens_grant_only_what_the_policy_allows() {
    let berth = TestBerth::start().await;
    setup(&berth).await;
    let admin = Registry::admin(&berth);
    admin.push_image("apps/api", "v1", "private").await;

    let (status, viewer) = token(&berth, Some(("viewer1", PASSWORD)), "repository:apps/api:pull,push").await;
    assert_eq!(status, 200);
    assert_eq!(granted(&viewer), json!([{ "type": "repository", "name": "apps/api", "actions": ["pull"] }]));
    assert_eq!(viewer["access_token"], viewer["token"]);
    assert!(viewer["expires_in"].as_i64().unwrap() > 0);

    let (_, anonymous) = token(&berth, None, "repository:apps/api:pull").await;
    assert_eq!(granted(&anonymous), json!([]), "nothing private for anonymous callers");
    let (_, anonymous_public) = token(&berth, None, "repository:pub/api:pull,push").await;
    assert_eq!(granted(&anonymous_public), json!([{ "type": "repository", "name": "pub/api", "actions": ["pull"] }]));
    let (status, _) = token(&berth, Some(("viewer1", "wrong")), "repository:apps/api:pull").await;
    assert_eq!(status, 401);
    let (_, nowhere) = token(&berth, Some(("manager1", PASSWORD)), "repository:nosuch/api:push").await;
    assert_eq!(granted(&nowhere), json!([]), "no registry, no grant: pushes never create registries");

    // The viewer's token pulls; a push with it is refused outright (403, not a loop of 401s).
    let bearer = viewer["token"].as_str().unwrap();
    let pull = berth.script().get(berth.url("/v2/apps/api/manifests/v1")).bearer_auth(bearer).send().await.unwrap();
    assert_eq!(pull.status(), 200);
    let push = berth.script().post(berth.url("/v2/apps/api/blobs/uploads/")).bearer_auth(bearer).send().await.unwrap();
    assert_eq!(push.status(), 403);

    // A token is an upper bound: a manager's pull token does not push (403 with a
    // challenge for the wider scope), though the manager may.
    let (_, manager_pull) = token(&berth, Some(("manager1", PASSWORD)), "repository:apps/api:pull").await;
    let push = berth
        .script()
        .post(berth.url("/v2/apps/api/blobs/uploads/"))
        .bearer_auth(manager_pull["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(push.status(), 403);
    assert!(push.headers()["www-authenticate"].to_str().unwrap().contains("scope=\"repository:apps/api:pull,push\""));
    let (_, manager_push) = token(&berth, Some(("manager1", PASSWORD)), "repository:apps/api:pull,push").await;
    let push = berth
        .script()
        .post(berth.url("/v2/apps/api/blobs/uploads/"))
        .bearer_auth(manager_push["token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(push.status(), 202);
    let anonymous = Registry::anonymous(&berth).request(Method::POST, "/v2/apps/api/blobs/uploads/").send().await.unwrap();
    let challenge = anonymous.headers()["www-authenticate"].to_str().unwrap();
    assert!(challenge.contains("scope=\"repository:apps/api:pull,push\""), "{challenge}");

    // The OAuth2 form works too.
    let form = berth
        .script()
        .post(berth.url("/auth/token"))
        .form(&[
            ("grant_type", "password"),
            ("username", "manager1"),
            ("password", PASSWORD),
            ("service", "berth"),
            ("scope", "repository:apps/api:pull,push"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), 200);
    let body: Value = form.json().await.unwrap();
    assert_eq!(granted(&body)[0]["actions"], json!(["pull", "push"]));
    let refused = berth.script().post(berth.url("/auth/token")).form(&[("grant_type", "refresh_token")]).send().await.unwrap();
    assert_eq!(refused.status(), 400);

    // A forged or expired token is not a credential.
    let forged = berth.script().get(berth.url("/v2/pub/api/tags/list")).bearer_auth("eyJhbGciOiJIUzI1NiJ9.e30.AAAA").send().await.unwrap();
    assert_eq!(forged.status(), 401);
}
