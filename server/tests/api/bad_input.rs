use crate::helpers::{ADMIN_PASSWORD, TestBerth, api_error_code};
use serde_json::json;

#[tokio::test]
async fn malformed_and_overlong_sign_in_forms_get_a_message_not_a_500() {
    let berth = TestBerth::start().await;
    let client = berth.browser();
    let cases: Vec<(Vec<u8>, &str)> = vec![
        (b"\xff\xfe\x00garbage".to_vec(), "error=missing"),
        (b"username=admin".to_vec(), "error=missing"),
        (format!("username={}&password=x", "a".repeat(2000)).into_bytes(), "error=too_long"),
        (format!("username=admin&password={}", "p".repeat(5000)).into_bytes(), "error=too_long"),
    ];
    for (body, expected) in cases {
        let response =
            client.post(berth.url("/login")).header("content-type", "application/x-www-form-urlencoded").body(body).send().await.unwrap();
        assert_eq!(response.status(), 303);
        let target = response.headers()["location"].to_str().unwrap().to_string();
        assert!(target.contains(expected), "{target}");
        let page = client.get(berth.url(&target)).send().await.unwrap();
        assert_eq!(page.status(), 200);
    }
    let huge = client.post(berth.url("/login")).body(vec![b'a'; 200 * 1024]).send().await.unwrap();
    assert_eq!(huge.status(), 413);
}

#[tokio::test]
async fn api_user_creation_names_the_broken_field() {
    let berth = TestBerth::start().await;
    let post = |body: serde_json::Value| {
        berth.script().post(berth.url("/api/v1/users")).basic_auth("admin", Some(ADMIN_PASSWORD)).json(&body).send()
    };

    let cases = [
        (json!({ "username": "Bad Name", "password": "long enough pw" }), 400, "username"),
        (json!({ "username": "x".repeat(300), "password": "long enough pw" }), 400, "username"),
        (json!({ "username": "fine", "password": "short" }), 400, "password"),
        (json!({ "username": "fine", "password": "p".repeat(2000) }), 400, "password"),
        (json!({ "username": "fine", "password": "long enough pw", "email": "nope" }), 400, "email"),
        (json!({ "password": "long enough pw" }), 400, "username"),
        (json!({ "username": "fine", "password": "long enough pw", "is_admin": "yes" }), 400, "is_admin"),
    ];
    for (body, status, field) in cases {
        let response = post(body.clone()).await.unwrap();
        assert_eq!(response.status(), status, "{body}");
        let error: serde_json::Value = response.json().await.unwrap();
        assert_eq!(error["error"]["code"], "INVALID_INPUT", "{body}");
        assert!(error["error"]["message"].as_str().unwrap().contains(field), "{body}: {error}");
    }

    assert_eq!(post(json!({ "username": "fine", "password": "long enough pw" })).await.unwrap().status(), 201);
    let duplicate = post(json!({ "username": "fine", "password": "long enough pw" })).await.unwrap();
    assert_eq!(duplicate.status(), 409);
    assert_eq!(api_error_code(duplicate).await, "CONFLICT");

    let not_json = berth
        .script()
        .post(berth.url("/api/v1/users"))
        .basic_auth("admin", Some(ADMIN_PASSWORD))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), 400);
    let no_type =
        berth.script().post(berth.url("/api/v1/users")).basic_auth("admin", Some(ADMIN_PASSWORD)).body("{}").send().await.unwrap();
    assert_eq!(no_type.status(), 415);
}

#[tokio::test]
async fn console_functions_refuse_bad_arguments_and_non_admins() {
    let berth = TestBerth::start().await;
    let admin = berth.admin_browser().await;
    let missing = admin.post(berth.url("/console/fn/create_user")).form(&[("username", "x")]).send().await.unwrap();
    assert_eq!(missing.status(), 400, "missing arguments are a client error");

    let invalid = admin
        .post(berth.url("/console/fn/create_user"))
        .form(&[("username", "UPPER"), ("password", "long enough pw")])
        .send()
        .await
        .unwrap();
    assert_eq!(invalid.status(), 400);
    let body: serde_json::Value = invalid.json().await.unwrap();
    assert!(body["message"].as_str().unwrap().starts_with("username:"), "{body}");

    let own =
        admin.post(berth.url("/console/fn/set_user_disabled")).form(&[("username", "admin"), ("disabled", "true")]).send().await.unwrap();
    assert_eq!(own.status(), 400, "an admin cannot lock themselves out");
    let unknown =
        admin.post(berth.url("/console/fn/set_user_disabled")).form(&[("username", "ghost"), ("disabled", "true")]).send().await.unwrap();
    assert_eq!(unknown.status(), 404);

    berth.create_user("vic", "vic-password-1", false).await;
    let vic = berth.browser();
    berth.sign_in(&vic, "vic", "vic-password-1").await;
    let refused = vic.post(berth.url("/console/fn/list_users")).send().await.unwrap();
    assert_eq!(refused.status(), 403);
    let api =
        vic.post(berth.url("/api/v1/users")).json(&json!({ "username": "sneaky", "password": "long enough pw" })).send().await.unwrap();
    assert_eq!(api.status(), 403);
    let page = vic.get(berth.url("/admin/users")).send().await.unwrap();
    let html = page.text().await.unwrap();
    assert!(!html.contains("data-username"), "a non-admin sees no user list");
    assert!(html.contains("Only an instance administrator"), "and is told why");
}

#[tokio::test]
async fn unknown_routes_are_404_in_the_surface_s_own_format() {
    let berth = TestBerth::start().await;
    let admin = berth.admin_browser().await;
    let page = admin.get(berth.url("/no/such/page")).send().await.unwrap();
    assert_eq!(page.status(), 404);
    assert!(page.text().await.unwrap().contains("Page not found"));

    let api = admin.get(berth.url("/api/v1/no-such-thing")).send().await.unwrap();
    assert_eq!(api.status(), 404);
    assert_eq!(api_error_code(api).await, "NOT_FOUND");

    let method = admin.delete(berth.url("/api/v1/health")).send().await.unwrap();
    assert_eq!(method.status(), 405);
    assert_eq!(api_error_code(method).await, "METHOD_NOT_ALLOWED");
}
