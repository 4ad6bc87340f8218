use crate::helpers::{ADMIN_PASSWORD, TestBerth};

#[tokio::test]
async fn five_wrong_passwords_lock_the_username_even_for_the_right_one() {
    let berth = TestBerth::start().await;
    let client = berth.browser();
    for attempt in 1..=5 {
        let target = berth.sign_in(&client, "admin", "wrong password").await;
        assert!(target.contains("error=invalid"), "attempt {attempt}: {target}");
    }
    let target = berth.sign_in(&client, "admin", ADMIN_PASSWORD).await;
    assert!(target.contains("error=throttled"), "{target}");
    assert!(target.contains("retry_minutes=15"), "{target}");

    let api = berth.script().get(berth.url("/api/v1/me")).basic_auth("admin", Some(ADMIN_PASSWORD)).send().await.unwrap();
    assert_eq!(api.status(), 429);
    assert!(api.headers().contains_key("retry-after"));

    let page = client.get(berth.url(&target)).send().await.unwrap().text().await.unwrap();
    assert!(page.contains("Too many failed sign-in attempts"), "readable message");
}

#[tokio::test]
async fn many_failures_from_one_address_lock_that_address_out() {
    let berth = TestBerth::start().await;
    let client = berth.browser();
    // Thirty different usernames: no single username reaches its own limit.
    for i in 0..30 {
        berth.sign_in(&client, &format!("guess{i}"), "wrong password").await;
    }
    let target = berth.sign_in(&client, "admin", ADMIN_PASSWORD).await;
    assert!(target.contains("error=throttled"), "{target}");
}
