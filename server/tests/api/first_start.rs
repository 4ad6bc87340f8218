use crate::helpers::{ADMIN_PASSWORD, Launch, TestBerth};

#[tokio::test]
async fn first_start_generates_an_admin_password_prints_it_once_and_it_works() {
    let berth = TestBerth::launch(Launch { admin_password: None, ..Launch::default() }).await;
    let output = berth.output();
    let lines: Vec<&str> = output.lines().collect();
    let banner = lines.iter().position(|l| l.contains("shown only this once")).expect("password banner");
    let password = lines[banner + 1..].iter().map(|l| l.trim()).find(|l| !l.is_empty()).unwrap().to_string();
    assert_eq!(password.len(), 24, "generated password: {password:?}");
    assert_eq!(output.matches(&password).count(), 1, "printed exactly once");

    let client = berth.browser();
    assert_eq!(berth.sign_in(&client, "admin", &password).await, "/");

    let data_dir = berth.data_dir.clone();
    let (_, temp) = berth.stop().await;
    let again = TestBerth::launch_in(&data_dir, Launch { admin_password: None, ..Launch::default() }).await;
    assert!(!again.output().contains("shown only this once"), "the admin is created only on first start");
    assert!(!again.output().contains(&password));
    again.stop().await;
    drop(temp);
}

#[tokio::test]
async fn a_configured_admin_password_is_used_and_never_printed() {
    let berth = TestBerth::start().await;
    let client = berth.browser();
    assert_eq!(berth.sign_in(&client, "admin", ADMIN_PASSWORD).await, "/");
    let me: serde_json::Value = client.get(berth.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    assert_eq!(me["username"], "admin");
    assert_eq!(me["is_admin"], true);
    assert!(!berth.output().contains(ADMIN_PASSWORD), "no secret in the log");
}

#[tokio::test]
async fn bad_configuration_stops_the_start_with_one_clear_line() {
    for (var, value) in [
        ("BERTH_LISTEN", "not-an-address"),
        ("BERTH_PUBLIC_URL", "registry.example.com"),
        ("DATABASE_URL", "mysql://localhost/berth"),
        ("BERTH_ADMIN_PASSWORD", "short"),
    ] {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_berth"))
            .env(var, value)
            .env("BERTH_DATA_DIR", std::env::temp_dir().join("berth-never-created"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{var}: {stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{var}: one line: {stderr}");
        assert!(stderr.contains(var), "{var}: names the variable: {stderr}");
    }
}
