//! Every listing costs a fixed number of SQL statements, whatever the number of rows:
//! counted from the statements sqlx logs (`sqlx::query=debug`) while the real binary
//! answers each request.

use crate::helpers::{ADMIN_PASSWORD, Launch, TestBerth};
use crate::oci_helpers::{Registry, standard_registries};
use reqwest::Method;
use serde_json::json;
use std::time::Duration;

const LISTINGS: &[&str] = &[
    "/api/v1/workspaces/acme/registries",
    "/api/v1/workspaces/acme/usage",
    "/api/v1/registries/apps/repositories",
    "/api/v1/registries/apps/repositories/r0/tags",
    "/v2/_catalog",
    "/v2/apps/r0/tags/list",
    "/w/acme/registries",
    "/r/apps",
    "/r/apps/repo/r0",
];

/// The statements one request ran: the fewest over three tries, so a background job
/// that happens to run alongside does not count.
async fn statements(berth: &TestBerth, client: &reqwest::Client, path: &str) -> usize {
    let mut fewest = usize::MAX;
    for _ in 0..3 {
        let before = berth.output().lines().count();
        let response = client.get(berth.url(path)).basic_auth("admin", Some(ADMIN_PASSWORD)).send().await.unwrap();
        let status = response.status();
        if status != 200 {
            let errors: Vec<String> = berth
                .output()
                .lines()
                .filter(|l| l.contains("ERROR") || l.contains("WARN") || l.contains("panicked"))
                .map(str::to_string)
                .collect();
            panic!("{path}: {status}\n{}", errors.join("\n"));
        }
        let marker = format!("path={path} ");
        let mut lines = Vec::new();
        for _ in 0..100 {
            lines = berth.output().lines().skip(before).map(str::to_string).collect::<Vec<_>>();
            if lines.iter().any(|l| l.contains(&marker)) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let end = lines.iter().position(|l| l.contains(&marker)).expect("the request's log line");
        fewest = fewest.min(lines[..end].iter().filter(|l| l.contains("db.statement=")).count());
    }
    fewest
}

async fn counts(berth: &TestBerth) -> Vec<(String, usize)> {
    let client = berth.script();
    let mut out = Vec::new();
    for path in LISTINGS {
        out.push((path.to_string(), statements(berth, &client, path).await));
    }
    out
}

async fn add_content(berth: &TestBerth, from: usize, to: usize) {
    let registry = Registry::admin(berth);
    for n in from..to {
        let body = json!({ "name": format!("extra{n}"), "visibility": "private" });
        assert_eq!(berth.admin_api(Method::POST, "/workspaces/acme/registries", Some(body)).await.0, 201);
        registry.push_image(&format!("apps/r{n}"), "v1", &format!("repo{n}")).await;
        registry.push_image("apps/r0", &format!("t{n}"), &format!("tag{n}")).await;
    }
}

#[tokio::test]
async fn listings_cost_the_same_number_of_statements_for_few_rows_and_many() {
    let env = vec![
        ("BERTH_LOG".to_string(), "info,sqlx::query=debug".to_string()),
        ("BERTH_RETENTION_CHECK_SECONDS".to_string(), "3600".to_string()),
    ];
    let berth = TestBerth::launch(Launch { env, ..Launch::default() }).await;
    standard_registries(&berth).await;
    add_content(&berth, 0, 2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let few = counts(&berth).await;
    add_content(&berth, 2, 14).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let many = counts(&berth).await;
    for ((path, small), (_, large)) in few.iter().zip(&many) {
        assert!(*small > 0, "{path}: statements were counted");
        assert_eq!(small, large, "{path}: {small} statements with 2 of each, {large} with 14");
    }
}
