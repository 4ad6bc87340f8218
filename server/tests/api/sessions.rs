use crate::helpers::{Launch, TestBerth};

#[tokio::test]
async fn a_session_survives_a_server_restart() {
    let berth = TestBerth::start().await;
    let client = berth.admin_browser().await;
    assert_eq!(client.get(berth.url("/api/v1/me")).send().await.unwrap().status(), 200);

    let data_dir = berth.data_dir.clone();
    let (code, temp) = berth.stop().await;
    assert_eq!(code, Some(0), "SIGTERM shuts down cleanly");

    // Same data directory, new process, new port: cookies are per host, not port.
    let restarted = TestBerth::launch_in(&data_dir, Launch::default()).await;
    let me = client.get(restarted.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(me.status(), 200, "the session is stored in the database");
    restarted.stop().await;
    drop(temp);
}

#[tokio::test]
async fn a_forged_session_cookie_is_anonymous() {
    let berth = TestBerth::start().await;
    let response =
        berth.script().get(berth.url("/api/v1/me")).header("cookie", "berth_session=AAAAAAAAAAAAAAAAAAAAAA").send().await.unwrap();
    assert_eq!(response.status(), 401);
}
