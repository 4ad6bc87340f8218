//! The repository page lists tags a page at a time, found by keyset on the server in
//! each sort order: walking forward and backward visits every tag exactly once, in
//! order, and a page's HTML holds one page of tags, not the whole repository.

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
