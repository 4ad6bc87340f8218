//! Defences against someone trying to run script in Berth's origin, to guess
//! passwords faster than the limits allow, to exhaust the server, or to keep using a
//! credential after it was taken away (SECURITY.md).

use crate::helpers::{ADMIN_PASSWORD, Launch, TestBerth};
use crate::oci_helpers::*;
use futures_util::future::join_all;
use reqwest::Method;
use serde_json::{Value, json};

/// Breaks out of a `<title>`, a `<script>` and an attribute, in turn.
const HOSTILE: &str = "</title></script>\"'><script>alert('x')</script><img src=x onerror=alert(1)>";

fn assert_inert(path: &str, html: &str) {
    assert!(!html.contains("<script>alert"), "{path}: an injected script element");
    assert!(!html.contains("<img src=x"), "{path}: an injected image element");
    assert!(!html.contains("</title></script>"), "{path}: an unescaped closing tag from data");
}

async fn api(berth: &TestBerth, method: Method, path: &str, body: Value) -> (u16, Value) {
    berth.admin_api(method, path, Some(body)).await
}

#[tokio::test]
async fn a_hostile_name_in_a_url_is_escaped_in_the_title() {
    let berth = TestBerth::start().await;
    let admin = berth.admin_browser().await;
    let hostile = "%3C%2Ftitle%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E";
    for path in [format!("/r/{hostile}/cleanup"), format!("/r/{hostile}"), format!("/w/{hostile}"), format!("/r/x/repo/{hostile}")] {
        let html = admin.get(berth.url(&path)).send().await.unwrap().text().await.unwrap();
        assert!(!html.contains("<script>alert(1)"), "{path}: {html}");
        if path.ends_with("/cleanup") {
            assert!(html.contains("<title>Clean up · &lt;/title&gt;&lt;script&gt;"), "the name is shown, escaped");
        }
    }
}

#[tokio::test]
async fn every_page_shows_hostile_values_as_text() {
    let berth = TestBerth::start().await;
    assert_eq!(api(&berth, Method::POST, "/workspaces", json!({ "name": "acme", "display_name": HOSTILE })).await.0, 201);
    let registry = json!({ "name": "apps", "visibility": "private", "description": HOSTILE });
    assert_eq!(api(&berth, Method::POST, "/workspaces/acme/registries", registry).await.0, 201);
    Registry::admin(&berth).push_image("apps/team/api", "v1", "hostile").await;
    let descriptions = json!({ "short_description": HOSTILE, "description": HOSTILE });
    assert_eq!(api(&berth, Method::PATCH, "/registries/apps/repositories/team/api", descriptions).await.0, 200);
    let robot = json!({ "name": "ci", "permission": "push" });
    assert_eq!(api(&berth, Method::POST, "/registries/apps/robots", robot).await.0, 201);

    let admin = berth.admin_browser().await;
    for path in [
        "/",
        "/workspaces",
        "/w/acme",
        "/w/acme/members",
        "/w/acme/registries",
        "/w/acme/audit",
        "/w/acme/settings",
        "/r/apps",
        "/r/apps/cleanup",
        "/r/apps/repo/team/api",
        "/r/apps/tag/team/api:v1",
        "/admin/users",
        "/admin/gc",
    ] {
        let response = admin.get(berth.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        assert_inert(path, &response.text().await.unwrap());
    }
}

#[tokio::test]
async fn nothing_served_from_v2_can_run_as_a_page() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let admin = Registry::admin(&berth);
    let page = br#"{"mediaType":"text/html","schemaVersion":2,"x":"<script>alert(1)</script>"}"#;
    let pushed = admin.put_manifest("pub/page", "v1", "text/html", page).await;
    assert_eq!(pushed.status(), 201, "stored as a document");

    let served = Registry::anonymous(&berth).request(Method::GET, "/v2/pub/page/manifests/v1").send().await.unwrap();
    assert_eq!(served.status(), 200);
    let headers = served.headers();
    assert_eq!(headers["content-type"], "application/octet-stream", "never text/html");
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["content-security-policy"], "sandbox; default-src 'none'");

    admin.push_image("pub/api", "v1", "headers").await;
    let manifest = admin.request(Method::GET, "/v2/pub/api/manifests/v1").send().await.unwrap();
    assert_eq!(manifest.headers()["content-type"], OCI_MANIFEST, "real manifests keep their type");
    for path in ["/v2/", "/v2/pub/api/tags/list", "/v2/nothing/here/blobs/sha256:00"] {
        let response = admin.request(Method::GET, path).send().await.unwrap();
        assert_eq!(response.headers()["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(response.headers()["content-security-policy"], "sandbox; default-src 'none'", "{path}");
    }
}

#[tokio::test]
async fn console_pages_allow_only_their_own_scripts_and_nothing_may_frame_them() {
    let berth = TestBerth::start().await;
    let admin = berth.admin_browser().await;
    let page = admin.get(berth.url("/")).send().await.unwrap();
    let policy = page.headers()["content-security-policy"].to_str().unwrap().to_string();
    assert_eq!(page.headers()["x-frame-options"], "DENY");
    assert_eq!(page.headers()["x-content-type-options"], "nosniff");
    assert_eq!(page.headers()["referrer-policy"], "same-origin");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    let nonce = policy.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a script nonce").to_string();
    let html = page.text().await.unwrap();
    let scripts = html.matches("<script").count();
    assert!(scripts > 0);
    assert_eq!(html.matches(&format!("nonce=\"{nonce}\"")).count(), html.matches("<script").count(), "every script carries the nonce");

    let other = admin.get(berth.url("/")).send().await.unwrap();
    assert!(!other.headers()["content-security-policy"].to_str().unwrap().contains(&nonce), "a fresh nonce per page");

    for path in ["/api/v1/me", "/healthz", "/pkg/berth.css"] {
        let response = admin.get(berth.url(path)).send().await.unwrap();
        assert_eq!(response.headers()["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(response.headers()["x-frame-options"], "DENY", "{path}");
        assert!(response.headers()["content-security-policy"].to_str().unwrap().starts_with("default-src 'none'"), "{path}");
    }
}

/// Sends `count` password attempts at once; gives how many were checked (answered
/// 401 or let in) and how many were turned away by the throttle (429).
async fn concurrent_sign_ins(berth: &TestBerth, attempts: Vec<(String, String)>) -> (usize, usize, usize) {
    let requests = attempts.into_iter().map(|(user, password)| {
        let client = berth.script();
        let url = berth.url("/api/v1/me");
        async move { client.get(url).basic_auth(user, Some(password)).send().await.unwrap().status().as_u16() }
    });
    let statuses = join_all(requests).await;
    let count = |s: u16| statuses.iter().filter(|x| **x == s).count();
    assert_eq!(count(200) + count(401) + count(429), statuses.len(), "{statuses:?}");
    (count(200), count(401), count(429))
}

#[tokio::test]
async fn concurrent_guesses_get_no_more_checks_than_the_limits_allow() {
    let berth = TestBerth::start().await;
    berth.create_user("victim", "the-right-password", false).await;
    let mut guesses: Vec<(String, String)> = (0..24).map(|i| ("victim".to_string(), format!("wrong guess {i}"))).collect();
    guesses.insert(12, ("victim".to_string(), "the-right-password".to_string()));
    let (signed_in, refused, throttled) = concurrent_sign_ins(&berth, guesses).await;
    assert!(signed_in + refused <= 5, "only five attempts per username are checked: {signed_in} in, {refused} refused");
    assert!(throttled >= 20);

    let berth = TestBerth::start().await;
    let guesses = (0..60).map(|i| (format!("someone{i}"), "wrong password".to_string())).collect();
    let (_, refused, throttled) = concurrent_sign_ins(&berth, guesses).await;
    assert!(refused <= 30, "only thirty attempts per address are checked: {refused}");
    assert_eq!(refused + throttled, 60);
}

#[tokio::test]
async fn strangers_cannot_lock_a_robot_out() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let (_, robot) = api(&berth, Method::POST, "/registries/apps/robots", json!({ "name": "ci", "permission": "push" })).await;
    let username = robot["username"].as_str().unwrap();
    for _ in 0..8 {
        let wrong = berth.script().get(berth.url("/v2/")).basic_auth(username, Some("not the secret")).send().await.unwrap();
        assert_eq!(wrong.status(), 401);
    }
    let right = berth.script().get(berth.url("/v2/")).basic_auth(username, Some(robot["secret"].as_str().unwrap())).send().await.unwrap();
    assert_eq!(right.status(), 200, "the robot still signs in after strangers guessed at its name");
}

/// The server's peak resident memory so far, in MiB (VmHWM).
fn peak_rss_mib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse::<u64>().unwrap() / 1024
}

async fn registry_token(berth: &TestBerth, credentials: Option<(&str, &str)>, scope: &str) -> String {
    let mut request = berth.script().get(berth.url(&format!("/auth/token?service=berth&scope={scope}")));
    if let Some((user, secret)) = credentials {
        request = request.basic_auth(user, Some(secret));
    }
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json::<Value>().await.unwrap()["token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn a_flood_of_password_guesses_keeps_memory_bounded_and_pulls_answering() {
    // Every guess from its own address, so the throttle does not stop them first.
    let launch = Launch { env: vec![("BERTH_TRUST_PROXY_HEADERS".into(), "true".into())], ..Launch::default() };
    let berth = TestBerth::launch(launch).await;
    standard_registries(&berth).await;
    Registry::admin(&berth).push_image("pub/api", "v1", "flood").await;
    let token = registry_token(&berth, None, "repository:pub/api:pull").await;
    let before = peak_rss_mib(berth.pid());

    let guesses = (0..200).map(|i| {
        let client = berth.script();
        let url = berth.url("/auth/token?service=berth");
        async move {
            let response = client
                .post(url)
                .header("x-forwarded-for", format!("10.9.{}.{}", i / 250, i % 250 + 1))
                .form(&[("grant_type", "password"), ("username", &format!("guess{i}")), ("password", "wrong password")])
                .send()
                .await
                .unwrap();
            (response.status().as_u16(), response.headers().contains_key("retry-after"))
        }
    });
    let pull = async {
        // Pulls with a token during the flood.
        let mut answered = 0;
        for _ in 0..20 {
            let response = berth.script().get(berth.url("/v2/pub/api/manifests/v1")).bearer_auth(&token).send().await.unwrap();
            assert_eq!(response.status(), 200);
            answered += 1;
        }
        answered
    };
    let (results, pulls) = tokio::join!(join_all(guesses), pull);
    assert_eq!(pulls, 20);
    let busy: Vec<_> = results.iter().filter(|(status, _)| *status == 429).collect();
    assert!(results.iter().all(|(status, _)| *status == 401 || *status == 429), "{results:?}");
    assert!(!busy.is_empty(), "more guesses than can wait are turned away");
    assert!(busy.iter().all(|(_, retry_after)| *retry_after), "with Retry-After");
    let after = peak_rss_mib(berth.pid());
    assert!(after < before + 200, "peak memory grew from {before} MiB to {after} MiB");
}

#[tokio::test]
async fn a_registry_token_dies_with_its_robot_and_its_user() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    Registry::admin(&berth).push_image("apps/api", "v1", "revoked").await;
    let (_, robot) = api(&berth, Method::POST, "/registries/apps/robots", json!({ "name": "ci", "permission": "push" })).await;
    let robot_token = registry_token(
        &berth,
        Some((robot["username"].as_str().unwrap(), robot["secret"].as_str().unwrap())),
        "repository:apps/api:pull,push",
    )
    .await;
    berth.create_user("dev1", "dev1-password-long", false).await;
    assert_eq!(api(&berth, Method::PUT, "/workspaces/acme/members/dev1", json!({ "role": "manager" })).await.0, 200);
    let user_token = registry_token(&berth, Some(("dev1", "dev1-password-long")), "repository:apps/api:pull,push").await;
    let pull = |token: String| {
        let client = berth.script();
        let url = berth.url("/v2/apps/api/manifests/v1");
        async move { client.get(url).bearer_auth(token).send().await.unwrap().status().as_u16() }
    };
    assert_eq!(pull(robot_token.clone()).await, 200);
    assert_eq!(pull(user_token.clone()).await, 200);

    let id = robot["id"].as_str().map(str::to_string).unwrap_or_else(|| robot["id"].to_string());
    let revoked = berth
        .script()
        .delete(berth.url(&format!("/api/v1/registries/apps/robots/{id}")))
        .basic_auth("admin", Some(ADMIN_PASSWORD))
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 204);
    assert_eq!(pull(robot_token.clone()).await, 401, "the revoked robot's token no longer pulls");
    let push = berth.script().post(berth.url("/v2/apps/api/blobs/uploads/")).bearer_auth(&robot_token).send().await.unwrap();
    assert_eq!(push.status(), 401, "nor pushes");

    let admin = berth.admin_browser().await;
    let disabled =
        admin.post(berth.url("/console/fn/set_user_disabled")).form(&[("username", "dev1"), ("disabled", "true")]).send().await.unwrap();
    assert_eq!(disabled.status(), 200);
    assert_eq!(pull(user_token.clone()).await, 401, "the disabled user's token no longer pulls");
    let catalog = berth.script().get(berth.url("/v2/_catalog")).bearer_auth(&user_token).send().await.unwrap();
    assert_eq!(catalog.status(), 401);
}

#[tokio::test]
async fn a_registry_token_is_no_wider_than_its_scope() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let admin = Registry::admin(&berth);
    let manifest = admin.push_image("apps/api", "v1", "scoped").await;
    admin.push_image("apps/other", "v1", "scoped").await;
    let pull_only = registry_token(&berth, Some(("admin", ADMIN_PASSWORD)), "repository:apps/api:pull").await;
    let call =
        |method: Method, path: &str, token: &str| berth.script().request(method, berth.url(path)).bearer_auth(token.to_string()).send();
    assert_eq!(call(Method::GET, "/v2/apps/api/manifests/v1", &pull_only).await.unwrap().status(), 200);
    let push = call(Method::PUT, "/v2/apps/api/manifests/v2", &pull_only).await.unwrap();
    assert_eq!(push.status(), 403, "a pull token does not push");
    let challenge = push.headers()["www-authenticate"].to_str().unwrap().to_string();
    assert!(challenge.contains("scope=\"repository:apps/api:pull,push\""), "{challenge}");
    assert!(challenge.contains("error=\"insufficient_scope\""), "{challenge}");
    let delete = call(Method::DELETE, &format!("/v2/apps/api/manifests/{}", sha256(&manifest)), &pull_only).await.unwrap();
    assert_eq!(delete.status(), 403, "nor deletes");
    assert_eq!(call(Method::POST, "/v2/apps/api/blobs/uploads/", &pull_only).await.unwrap().status(), 403);
    assert_eq!(call(Method::GET, "/v2/apps/other/manifests/v1", &pull_only).await.unwrap().status(), 401, "nor reads elsewhere");
    assert_eq!(call(Method::GET, "/v2/_catalog", &pull_only).await.unwrap().status(), 401);
    let still_there = admin.request(Method::GET, "/v2/apps/api/manifests/v1").send().await.unwrap();
    assert_eq!(still_there.status(), 200);

    // Within the scope, the policy still decides: a viewer asking for push gets pull only.
    berth.create_user("viewer1", "viewer1-password", false).await;
    assert_eq!(api(&berth, Method::PUT, "/workspaces/acme/members/viewer1", json!({ "role": "viewer" })).await.0, 200);
    let viewer = registry_token(&berth, Some(("viewer1", "viewer1-password")), "repository:apps/api:pull,push").await;
    assert_eq!(call(Method::GET, "/v2/apps/api/manifests/v1", &viewer).await.unwrap().status(), 200);
    assert_eq!(call(Method::POST, "/v2/apps/api/blobs/uploads/", &viewer).await.unwrap().status(), 403);

    // A mount from a repository the token cannot read starts an ordinary upload.
    let pusher = registry_token(&berth, Some(("admin", ADMIN_PASSWORD)), "repository:apps/new:pull,push").await;
    let layer = b"layer of scoped".to_vec();
    let mount = call(Method::POST, &format!("/v2/apps/new/blobs/uploads/?mount={}&from=apps/api", sha256(&layer)), &pusher).await.unwrap();
    assert_eq!(mount.status(), 202, "not mounted without pull on the source");
}

#[tokio::test]
async fn anonymous_callers_cannot_send_large_bodies_or_overflow_ranges() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let big = vec![b'a'; 1024 * 1024];
    let token = berth
        .script()
        .post(berth.url("/auth/token"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(big.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(token.status(), 413, "the token endpoint reads small bodies only");

    let admin = berth.admin_browser().await;
    let form = berth.url("/console/fn/create_workspace");
    let call = admin.post(form).header("content-type", "application/x-www-form-urlencoded").body(big).send().await.unwrap();
    assert_eq!(call.status(), 413, "a console call over 64 KiB");
    let body: Value = call.json().await.unwrap();
    assert_eq!(body["code"], "TOO_LARGE");

    let registry = Registry::admin(&berth);
    let start = registry.request(Method::POST, "/v2/apps/api/blobs/uploads/").send().await.unwrap();
    let location = start.headers()["location"].to_str().unwrap().to_string();
    for range in ["0-18446744073709551615", "5-2", "x-y"] {
        let patch = registry.request(Method::PATCH, &location).header("content-range", range).body("abc").send().await.unwrap();
        assert_eq!(patch.status(), 416, "{range}");
    }
    let status = registry.request(Method::GET, &location).send().await.unwrap();
    assert_eq!(status.status(), 204, "the upload is still there and untouched");
}

#[tokio::test]
async fn refused_requests_change_nothing() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let (status, _) = api(&berth, Method::PATCH, "/registries/apps", json!(["public"])).await;
    assert_eq!(status, 400, "an array is not an object");
    let (status, _) = berth.admin_api(Method::PATCH, "/registries/apps", Some(json!("public"))).await;
    assert_eq!(status, 400);
    let (_, registry) = berth.admin_api(Method::GET, "/registries/apps", None).await;
    assert_eq!(registry["visibility"], "private");

    // Deleting several registries where one is missing deletes none of them.
    let admin = berth.admin_browser().await;
    let response = admin
        .post(berth.url("/console/fn/delete_registries"))
        .form(&[("names[0]", "apps"), ("names[1]", "no-such-registry")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 404);
    assert_eq!(berth.admin_api(Method::GET, "/registries/apps", None).await.0, 200, "apps is still there");
    let response =
        admin.post(berth.url("/console/fn/delete_registries")).form(&[("names[0]", "apps"), ("names[1]", "pub")]).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(berth.admin_api(Method::GET, "/registries/apps", None).await.0, 404);
    assert_eq!(berth.admin_api(Method::GET, "/registries/pub", None).await.0, 404);
}

#[tokio::test]
async fn one_credential_cannot_open_unlimited_uploads() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let (_, robot) = api(&berth, Method::POST, "/registries/apps/robots", json!({ "name": "ci", "permission": "push" })).await;
    let registry = Registry {
        berth: &berth,
        credentials: Some((robot["username"].as_str().unwrap().into(), robot["secret"].as_str().unwrap().into())),
    };
    for i in 0..100 {
        let start = registry.request(Method::POST, "/v2/apps/api/blobs/uploads/").send().await.unwrap();
        assert_eq!(start.status(), 202, "upload {i}");
    }
    let refused = registry.request(Method::POST, "/v2/apps/api/blobs/uploads/").send().await.unwrap();
    assert_eq!(refused.status(), 403);
    assert_eq!(error_code(refused).await, "DENIED");
    let others = Registry::admin(&berth).request(Method::POST, "/v2/apps/api/blobs/uploads/").send().await.unwrap();
    assert_eq!(others.status(), 202, "the limit is per credential");
}

#[tokio::test]
async fn blobs_no_image_uses_count_against_the_quota() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    assert_eq!(api(&berth, Method::PATCH, "/registries/apps", json!({ "quota_bytes": 10_000 })).await.0, 200);
    let registry = Registry::admin(&berth);
    let first: Vec<u8> = (0..6_000u32).map(|i| (i % 251) as u8).collect();
    assert_eq!(registry.push_blob("apps/api", &first).await.status(), 201, "within the quota");
    let second: Vec<u8> = (0..6_000u32).map(|i| (i % 241) as u8).collect();
    let refused = registry.push_blob("apps/api", &second).await;
    assert_eq!(refused.status(), 403, "the unreferenced first blob counts");
    assert_eq!(error_code(refused).await, "DENIED");
    let head = registry.request(Method::HEAD, &format!("/v2/apps/api/blobs/{}", sha256(&second))).send().await.unwrap();
    assert_eq!(head.status(), 404, "the refused blob is not stored");
}
