use crate::helpers::{ADMIN_PASSWORD, TestBerth, api_error_code};

/// A signed-in session whose requests carry no Origin, so each test sets its own.
async fn admin_session_without_origin(berth: &TestBerth) -> reqwest::Client {
    let client = reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let response = client
        .post(berth.url("/login"))
        .header("origin", &berth.base)
        .form(&[("username", "admin"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 303);
    client
}

#[tokio::test]
async fn cross_site_state_changes_are_refused() {
    let berth = TestBerth::start().await;
    let client = admin_session_without_origin(&berth).await;
    let form = [("username", "mallory"), ("password", "mallory-password"), ("email", "")];

    for origin in [Some("http://evil.example"), None] {
        let mut request = client.post(berth.url("/console/fn/create_user")).form(&form);
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), 403, "origin {origin:?}");
        let body: serde_json::Value = response.json().await.unwrap();
        assert_eq!(body["code"], "CSRF_REJECTED");
    }

    let api = client
        .post(berth.url("/api/v1/users"))
        .header("origin", "http://evil.example")
        .json(&serde_json::json!({ "username": "mallory", "password": "mallory-password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(api.status(), 403);
    assert_eq!(api_error_code(api).await, "CSRF_REJECTED");

    let sign_out = client.post(berth.url("/logout")).header("sec-fetch-site", "cross-site").send().await.unwrap();
    assert_eq!(sign_out.status(), 403);
    assert_eq!(client.get(berth.url("/api/v1/me")).send().await.unwrap().status(), 200, "still signed in");

    // Nothing was created by the refused requests.
    let users: serde_json::Value = client.get(berth.url("/api/v1/users")).send().await.unwrap().json().await.unwrap();
    assert!(!users.to_string().contains("mallory"), "{users}");

    // The same request from Berth's own page goes through.
    let response = client.post(berth.url("/console/fn/create_user")).header("origin", &berth.base).form(&form).send().await.unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
}

#[tokio::test]
async fn a_cross_site_sign_in_is_refused() {
    let berth = TestBerth::start().await;
    let response = berth
        .script()
        .post(berth.url("/login"))
        .header("origin", "http://evil.example")
        .form(&[("username", "admin"), ("password", ADMIN_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 403);
}

#[tokio::test]
async fn explicit_credentials_need_no_origin() {
    let berth = TestBerth::start().await;
    let response = berth
        .script()
        .post(berth.url("/api/v1/users"))
        .basic_auth("admin", Some(ADMIN_PASSWORD))
        .json(&serde_json::json!({ "username": "ci-user", "password": "ci-user-password" }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
}
