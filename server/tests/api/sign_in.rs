use crate::helpers::{ADMIN_PASSWORD, TestBerth, api_error_code, location};

#[tokio::test]
async fn the_right_password_signs_in_with_a_safe_session_cookie() {
    let berth = TestBerth::start().await;
    let client = berth.browser();
    let response = client.post(berth.url("/login")).form(&[("username", "admin"), ("password", ADMIN_PASSWORD)]).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/");
    let cookie = response.headers().get("set-cookie").expect("session cookie").to_str().unwrap().to_string();
    assert!(cookie.starts_with("berth_session="), "{cookie}");
    assert!(cookie.contains("HttpOnly"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");

    let home = client.get(berth.url("/")).send().await.unwrap();
    assert_eq!(home.status(), 200);
    let html = home.text().await.unwrap();
    assert!(html.contains("Welcome, admin"), "home is rendered on the server for the signed-in user");

    let me: serde_json::Value = client.get(berth.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["username"], "admin");
    assert_eq!(me["workspaces"], serde_json::json!([]));
}

#[tokio::test]
async fn a_wrong_password_or_unknown_user_is_refused_without_a_session() {
    let berth = TestBerth::start().await;
    let client = berth.browser();
    for (username, password) in [("admin", "wrong password"), ("nobody", ADMIN_PASSWORD)] {
        let target = berth.sign_in(&client, username, password).await;
        assert!(target.starts_with("/login?error=invalid"), "{target}");
        let me = client.get(berth.url("/api/v1/me")).send().await.unwrap();
        assert_eq!(me.status(), 401);
        assert_eq!(api_error_code(me).await, "UNAUTHENTICATED");
    }
    let page = client.get(berth.url("/login?error=invalid")).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Wrong username or password."));
}

#[tokio::test]
async fn anonymous_visitors_are_sent_to_sign_in_and_brought_back() {
    let berth = TestBerth::start().await;
    let client = berth.browser();
    let response = client.get(berth.url("/admin/users")).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/login?next=%2Fadmin%2Fusers");

    let response = client
        .post(berth.url("/login"))
        .form(&[("username", "admin"), ("password", ADMIN_PASSWORD), ("next", "/admin/users")])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&response), "/admin/users");

    // A next that leaves the site is ignored.
    let other = berth.browser();
    let response = other
        .post(berth.url("/login"))
        .form(&[("username", "admin"), ("password", ADMIN_PASSWORD), ("next", "//evil.example/")])
        .send()
        .await
        .unwrap();
    assert_eq!(location(&response), "/");
}

#[tokio::test]
async fn sign_out_ends_the_session() {
    let berth = TestBerth::start().await;
    let client = berth.admin_browser().await;
    let response = client.post(berth.url("/logout")).send().await.unwrap();
    assert_eq!(response.status(), 303);
    assert_eq!(location(&response), "/login?signed_out=1");
    assert_eq!(client.get(berth.url("/api/v1/me")).send().await.unwrap().status(), 401);
    assert_eq!(client.get(berth.url("/")).send().await.unwrap().status(), 303);
}

#[tokio::test]
async fn basic_credentials_work_on_the_api_and_wrong_ones_are_401() {
    let berth = TestBerth::start().await;
    let script = berth.script();
    let ok = script.get(berth.url("/api/v1/me")).basic_auth("admin", Some(ADMIN_PASSWORD)).send().await.unwrap();
    assert_eq!(ok.status(), 200);
    let wrong = script.get(berth.url("/api/v1/me")).basic_auth("admin", Some("nope")).send().await.unwrap();
    assert_eq!(wrong.status(), 401);
    assert_eq!(api_error_code(wrong).await, "UNAUTHENTICATED");
    let bearer = script.get(berth.url("/api/v1/me")).bearer_auth("made-up").send().await.unwrap();
    assert_eq!(bearer.status(), 401);
}

#[tokio::test]
async fn a_disabled_user_cannot_sign_in_and_loses_open_sessions() {
    let berth = TestBerth::start().await;
    berth.create_user("dana", "dana-password-1", false).await;
    let dana = berth.browser();
    assert_eq!(berth.sign_in(&dana, "dana", "dana-password-1").await, "/");

    let admin = berth.admin_browser().await;
    let response =
        admin.post(berth.url("/console/fn/set_user_disabled")).form(&[("username", "dana"), ("disabled", "true")]).send().await.unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());

    assert_eq!(dana.get(berth.url("/api/v1/me")).send().await.unwrap().status(), 401, "session ended");
    let target = berth.sign_in(&berth.browser(), "dana", "dana-password-1").await;
    assert!(target.starts_with("/login?error=disabled"), "{target}");

    let response =
        admin.post(berth.url("/console/fn/set_user_disabled")).form(&[("username", "dana"), ("disabled", "false")]).send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(berth.sign_in(&berth.browser(), "dana", "dana-password-1").await, "/");
}

#[tokio::test]
async fn an_admin_reset_password_replaces_the_old_one() {
    let berth = TestBerth::start().await;
    berth.create_user("erin", "erin-password-1", false).await;
    let admin = berth.admin_browser().await;
    let response = admin
        .post(berth.url("/console/fn/reset_user_password"))
        .form(&[("username", "erin"), ("password", "erin-password-2")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "{}", response.text().await.unwrap());
    assert!(berth.sign_in(&berth.browser(), "erin", "erin-password-1").await.contains("error=invalid"));
    assert_eq!(berth.sign_in(&berth.browser(), "erin", "erin-password-2").await, "/");
}
