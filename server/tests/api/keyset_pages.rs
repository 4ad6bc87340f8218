//! The repository page lists tags, and the registry list registries, a page at a
//! time, found by keyset on the server in each sort order: walking forward and
//! backward visits every row exactly once, in order, and a page's HTML holds one
//! page, not the whole list.

use crate::helpers::TestBerth;
use crate::oci_helpers::{OCI_MANIFEST, Registry, standard_registries};
use serde_json::Value;

const TAGS: usize = 120;
const PAGE: usize = 50;

async fn page(berth: &TestBerth, client: &reqwest::Client, sort: &str, cursor: Option<(&str, &str)>) -> Value {
    let mut form = vec![("repository", "apps/web".to_string()), ("sort", sort.to_string())];
    if let Some((direction, cursor)) = cursor {
        form.push((direction, cursor.to_string()));
    }
    let response = client.post(berth.url("/console/fn/list_tag_page")).form(&form).send().await.unwrap();
    assert_eq!(response.status(), 200);
    response.json().await.unwrap()
}

fn names(page: &Value) -> Vec<String> {
    page["tags"].as_array().unwrap().iter().map(|t| t["name"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn every_sort_order_pages_through_every_tag_once_both_ways() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    // Three images of different sizes, tagged 120 times in all (ties are broken by name).
    let mut manifests = Vec::new();
    for seed in ["small", "medium sized", "the largest of the three"] {
        manifests.push(registry.push_image("apps/web", &format!("seed-{}", seed.len()), seed).await);
    }
    for n in 0..TAGS - manifests.len() {
        let response = registry.put_manifest("apps/web", &format!("t{n:03}"), OCI_MANIFEST, &manifests[n % 3]).await;
        assert_eq!(response.status(), 201);
    }
    let admin = berth.admin_browser().await;
    for sort in ["name", "pushed", "size", "pulls"] {
        let mut forward = Vec::new();
        let mut current = page(&berth, &admin, sort, None).await;
        assert_eq!(current["total"], TAGS);
        assert!(current["previous"].is_null(), "{sort}: the first page has no previous page");
        let mut pages = vec![names(&current)];
        while let Some(next) = current["next"].as_str().map(str::to_string) {
            current = page(&berth, &admin, sort, Some(("after", &next))).await;
            pages.push(names(&current));
        }
        for (i, names) in pages.iter().enumerate() {
            assert!(names.len() == PAGE || i == pages.len() - 1, "{sort}: page {i} holds {}", names.len());
            forward.extend(names.iter().cloned());
        }
        let mut unique = forward.clone();
        unique.sort();
        unique.dedup();
        assert_eq!((forward.len(), unique.len()), (TAGS, TAGS), "{sort}: every tag once");
        if sort == "name" {
            assert_eq!(forward, unique, "by name, in name order");
        }

        // Back from the last page to the first, by `previous`.
        let mut backward = names(&current);
        while let Some(previous) = current["previous"].as_str().map(str::to_string) {
            current = page(&berth, &admin, sort, Some(("before", &previous))).await;
            let mut earlier = names(&current);
            earlier.extend(backward);
            backward = earlier;
        }
        assert_eq!(backward, forward, "{sort}: the same order walking back");
    }

    let bad = admin
        .post(berth.url("/console/fn/list_tag_page"))
        .form(&[("repository", "apps/web"), ("sort", "pushed"), ("after", "not-a-cursor")])
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), 400, "a malformed cursor is the caller's mistake");

    let html = admin.get(berth.url("/r/apps/repo/web")).send().await.unwrap().text().await.unwrap();
    assert_eq!(html.matches("<tr data-tag=").count(), PAGE, "the page shows one page of tags");
    assert!(html.contains("Tags (120)") && html.contains("Page 1 of 3"), "with the total");
}

#[tokio::test]
async fn the_registry_list_pages_filters_and_sorts_on_the_server() {
    let berth = TestBerth::start().await;
    let admin_api = |body: Value| berth.admin_api(reqwest::Method::POST, "/workspaces/acme/registries", Some(body));
    assert_eq!(berth.admin_api(reqwest::Method::POST, "/workspaces", Some(serde_json::json!({ "name": "acme" }))).await.0, 201);
    for n in 0..60 {
        let body = serde_json::json!({ "name": format!("reg{n:02}"), "visibility": "private" });
        assert_eq!(admin_api(body).await.0, 201);
    }
    let registry = Registry::admin(&berth);
    registry.push_image("reg07/app", "v1", "the only image").await;
    let admin = berth.admin_browser().await;
    let page = |sort: &'static str, filter: &'static str, cursor: Option<(&'static str, String)>| {
        let admin = admin.clone();
        let url = berth.url("/console/fn/list_registry_page");
        async move {
            let mut form = vec![("workspace", "acme".to_string()), ("sort", sort.to_string()), ("filter", filter.to_string())];
            if let Some((direction, cursor)) = cursor {
                form.push((direction, cursor));
            }
            let response = admin.post(url).form(&form).send().await.unwrap();
            assert_eq!(response.status(), 200);
            response.json::<Value>().await.unwrap()
        }
    };
    let registry_names = |page: &Value| -> Vec<String> {
        page["registries"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_string()).collect()
    };
    for sort in ["name", "created", "size", "last_push"] {
        let mut current = page(sort, "", None).await;
        assert_eq!((current["total"].as_i64(), current["matching"].as_i64()), (Some(60), Some(60)));
        let mut seen = registry_names(&current);
        while let Some(next) = current["next"].as_str().map(str::to_string) {
            current = page(sort, "", Some(("after", next))).await;
            seen.extend(registry_names(&current));
        }
        let mut unique = seen.clone();
        unique.sort();
        unique.dedup();
        assert_eq!((seen.len(), unique.len()), (60, 60), "{sort}: every registry once");
        if sort == "size" || sort == "last_push" {
            assert_eq!(seen[0], "reg07", "{sort}: the one with an image comes first");
        }
        let mut backward = registry_names(&current);
        while let Some(previous) = current["previous"].as_str().map(str::to_string) {
            current = page(sort, "", Some(("before", previous))).await;
            let mut earlier = registry_names(&current);
            earlier.extend(backward);
            backward = earlier;
        }
        assert_eq!(backward, seen, "{sort}: the same order walking back");
    }
    let filtered = page("name", "g1", None).await;
    assert_eq!(filtered["matching"], 10, "reg10 to reg19");
    assert_eq!(registry_names(&filtered).first().map(String::as_str), Some("reg10"));
    let literal = page("name", "%", None).await;
    assert_eq!(literal["matching"], 0, "a % in the filter is a character, not a wildcard");

    let html = admin.get(berth.url("/w/acme/registries")).send().await.unwrap().text().await.unwrap();
    assert_eq!(html.matches("<tr data-registry=").count(), 25, "the page shows one page of registries");
    assert!(html.contains("Page 1 of 3 · 60 registries"));
}
