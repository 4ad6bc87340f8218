//! Console pages are rendered on the server with their data: the HTML a browser
//! receives, before any JavaScript runs, already shows it.

use crate::helpers::TestBerth;
use crate::oci_helpers::{Registry, standard_registries};

#[tokio::test]
async fn every_page_s_html_contains_its_data_before_hydration() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    Registry::admin(&berth).push_image("apps/team/api", "v1", "ssr").await;
    assert_eq!(berth.admin_api(reqwest::Method::POST, "/admin/gc", None).await.0, 200);
    let admin = berth.admin_browser().await;
    let endpoint = format!("{}/apps", berth.base.trim_start_matches("http://"));
    let pages = [
        ("/", vec!["Welcome, admin", "acme"]),
        ("/workspaces", vec!["data-workspace=\"acme\""]),
        ("/w/acme", vec!["Registries", "Members"]),
        ("/w/acme/members", vec!["data-member=\"admin\""]),
        ("/w/acme/registries", vec!["data-registry=\"apps\"", "data-registry=\"pub\"", "Public"]),
        ("/w/acme/audit", vec!["registry.create"]),
        ("/r/apps", vec![endpoint.as_str(), "data-repository=\"team/api\"", "View Push Commands"]),
        ("/admin/users", vec!["data-username=\"admin\""]),
        ("/admin/gc", vec!["data-testid=\"gc-runs\"", "manual"]),
        ("/r/apps/cleanup", vec!["Clean up old tags", "Retention policy", "Not scheduled (off).", "No runs yet."]),
        ("/r/apps/repo/team/api", vec!["data-tag=\"v1\"", "Delete repository"]),
        ("/r/apps/tag/team/api:v1", vec!["sha256:", "Layers (1)", "application/vnd.oci.image.manifest.v1+json"]),
    ];
    for (path, expected) in pages {
        let response = admin.get(berth.url(path)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{path}");
        let html = response.text().await.unwrap();
        for needle in expected {
            assert!(html.contains(needle), "{path} lacks {needle}");
        }
    }
    let missing = admin.get(berth.url("/r/no-such-registry")).send().await.unwrap();
    assert!(missing.text().await.unwrap().contains("does not exist"), "a missing registry says so");
}

#[tokio::test]
async fn repository_descriptions_render_markdown_inert() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    Registry::admin(&berth).push_image("apps/api", "v1", "md").await;
    let patch = |body: serde_json::Value| {
        berth
            .script()
            .patch(berth.url("/api/v1/registries/apps/repositories/api"))
            .basic_auth("admin", Some(crate::helpers::ADMIN_PASSWORD))
            .json(&body)
            .send()
    };
    let too_long = patch(serde_json::json!({ "short_description": "x".repeat(101) })).await.unwrap();
    assert_eq!(too_long.status(), 400);
    assert!(too_long.text().await.unwrap().contains("short_description"));

    let markdown = "## Usage\n\nRun **it**.\n\n<script>alert('xss')</script>\n\n<img src=x onerror=alert(1)>\n\n[bad](javascript:alert(1)) [good](https://example.com)";
    let response = patch(serde_json::json!({ "short_description": "The API service", "description": markdown })).await.unwrap();
    assert_eq!(response.status(), 200);
    let detail: serde_json::Value = response.json().await.unwrap();
    assert_eq!(detail["short_description"], "The API service");
    assert_eq!(detail["description"], markdown, "the source is kept as written");

    let html = berth.admin_browser().await.get(berth.url("/r/apps/repo/api")).send().await.unwrap().text().await.unwrap();
    assert!(html.contains("<h2>Usage</h2>") && html.contains("<strong>it</strong>"), "markdown is rendered");
    assert!(html.contains("The API service"));
    assert!(!html.contains("<script>alert"), "no script element");
    assert!(!html.contains("<img src=\"x\""), "no event-handler image");
    assert!(!html.contains("href=\"javascript:"), "no javascript: link");
    assert!(html.contains("&lt;script&gt;"), "the text is shown, escaped");
    assert!(html.contains("href=\"https://example.com\""));
}
