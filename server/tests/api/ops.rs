use crate::helpers::TestBerth;

#[tokio::test]
async fn health_and_readiness_answer() {
    let berth = TestBerth::start().await;
    let script = berth.script();

    let healthz = script.get(berth.url("/healthz")).send().await.unwrap();
    assert_eq!(healthz.status(), 200);
    assert_eq!(healthz.text().await.unwrap(), "ok");

    let readyz = script.get(berth.url("/readyz")).send().await.unwrap();
    assert_eq!(readyz.status(), 200);
    let body: serde_json::Value = readyz.json().await.unwrap();
    assert_eq!(body["checks"]["database"], "ok");

    let health: serde_json::Value = script.get(berth.url("/api/v1/health")).send().await.unwrap().json().await.unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["version"], env!("CARGO_PKG_VERSION"));
}

#[tokio::test]
async fn every_request_is_logged_on_one_line_without_its_query() {
    let berth = TestBerth::start().await;
    let response = berth.script().get(berth.url("/healthz?secret=hunter2hunter2")).send().await.unwrap();
    assert!(response.headers().contains_key("x-request-id"));
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    let output = berth.output();
    let line = output.lines().find(|l| l.contains("path=/healthz")).expect("request line");
    assert!(line.contains("status=200"), "{line}");
    assert!(!output.contains("hunter2"), "query strings are not logged");
}

#[tokio::test]
async fn console_assets_are_served_with_validation() {
    let berth = TestBerth::start().await;
    let script = berth.script();
    let css = script.get(berth.url("/pkg/berth.css")).send().await.unwrap();
    assert_eq!(css.status(), 200);
    assert!(css.headers()["content-type"].to_str().unwrap().starts_with("text/css"));
    let etag = css.headers()["etag"].clone();
    let again = script.get(berth.url("/pkg/berth.css")).header("if-none-match", etag).send().await.unwrap();
    assert_eq!(again.status(), 304);
    assert_eq!(script.get(berth.url("/pkg/nope.js")).send().await.unwrap().status(), 404);
}
