//! Console pages are rendered on the server with their data: the HTML a browser
//! receives, before any JavaScript runs, already shows it.

use crate::helpers::TestBerth;
use crate::oci_helpers::{Registry, standard_registries};

#[tokio::test]
async fn every_page_s_html_contains_its_data_before_hydration() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    Registry::admin(&berth).push_image("apps/team/api", "v1", "ssr").await;
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
