//! The repository page lists tags, the registry list registries and the registry
//! page repositories, a page at a time, found by keyset on the server in each sort
//! order: walking forward and backward visits every row exactly once, in order, and
//! a page's HTML holds one page, not the whole list. The API's lists page by name
//! with `?n=&last=` and a `Link` to the next page.

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

/// Follows `Link: <…>; rel="next"` from `path` to the end; gives every page's names.
async fn api_pages(berth: &TestBerth, path: &str) -> Vec<Vec<String>> {
    let mut pages = Vec::new();
    let mut next = Some(path.to_string());
    while let Some(url) = next.take() {
        let response = berth.script().get(berth.url(&url)).basic_auth("admin", Some(crate::helpers::ADMIN_PASSWORD)).send().await.unwrap();
        assert_eq!(response.status(), 200, "{url}");
        next = response.headers().get("link").map(|link| {
            let link = link.to_str().unwrap();
            assert!(link.ends_with(">; rel=\"next\""), "{link}");
            link.trim_start_matches('<').split('>').next().unwrap().to_string()
        });
        let rows: Value = response.json().await.unwrap();
        pages.push(rows.as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_string()).collect());
    }
    pages
}

#[tokio::test]
async fn api_lists_page_by_name_with_n_last_and_a_link_to_the_next_page() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    let image = registry.push_image("apps/a-first", "v1", "one image").await;
    for n in 0..6 {
        registry.push_image(&format!("apps/svc{n}"), "v1", &format!("image {n}")).await;
        assert_eq!(registry.put_manifest("apps/a-first", &format!("t{n}"), OCI_MANIFEST, &image).await.status(), 201);
    }
    let repositories = api_pages(&berth, "/api/v1/registries/apps/repositories?n=3").await;
    let expected = ["a-first", "svc0", "svc1", "svc2", "svc3", "svc4", "svc5"];
    assert_eq!(repositories.iter().map(Vec::len).collect::<Vec<_>>(), [3, 3, 1]);
    assert_eq!(repositories.concat(), expected);
    let tags = api_pages(&berth, "/api/v1/registries/apps/repositories/a-first/tags?n=4").await;
    assert_eq!(tags.concat(), ["t0", "t1", "t2", "t3", "t4", "t5", "v1"]);
    let registries = api_pages(&berth, "/api/v1/workspaces/acme/registries?n=1").await;
    assert_eq!(registries, [vec!["apps".to_string()], vec!["pub".to_string()]]);
    // The whole list in one page when it fits the default; `last` starts after a name.
    assert_eq!(api_pages(&berth, "/api/v1/registries/apps/repositories").await, [expected.map(String::from).to_vec()]);
    assert_eq!(api_pages(&berth, "/api/v1/registries/apps/repositories?last=svc3").await.concat(), ["svc4", "svc5"]);
    for bad in ["n=0", "n=1001", "n=ten", "n=2&n=3"] {
        let (status, body) = berth.admin_api(reqwest::Method::GET, &format!("/registries/apps/repositories?{bad}"), None).await;
        assert_eq!(status, 400, "{bad}: {body}");
        assert_eq!(body["error"]["code"], "INVALID_INPUT", "{bad}");
    }
}

#[tokio::test]
async fn the_registry_page_pages_and_filters_repositories_on_the_server() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    for n in 0..30 {
        registry.push_image(&format!("apps/svc{n:02}"), "v1", &format!("image {n}")).await;
    }
    let client = berth.admin_browser().await;
    let html = client.get(berth.url("/r/apps")).send().await.unwrap().text().await.unwrap();
    assert_eq!(html.matches("data-repository=").count(), 25, "one page of repositories in the HTML");
    assert!(html.contains("Page 1 of 2 · 30 repositories"), "{html}");
    let page = |form: Vec<(&'static str, String)>| {
        let client = client.clone();
        let url = berth.url("/console/fn/list_repository_page");
        async move {
            let response = client.post(url).form(&form).send().await.unwrap();
            assert_eq!(response.status(), 200);
            response.json::<Value>().await.unwrap()
        }
    };
    let names =
        |page: &Value| page["repositories"].as_array().unwrap().iter().map(|r| r["name"].as_str().unwrap().to_string()).collect::<Vec<_>>();
    let first = page(vec![("registry", "apps".into()), ("filter", "".into())]).await;
    let second = page(vec![("registry", "apps".into()), ("filter", "".into()), ("after", first["next"].as_str().unwrap().into())]).await;
    assert_eq!(names(&second), (25..30).map(|n| format!("svc{n:02}")).collect::<Vec<_>>());
    assert!(second["next"].is_null());
    let back =
        page(vec![("registry", "apps".into()), ("filter", "".into()), ("before", second["previous"].as_str().unwrap().into())]).await;
    assert_eq!(names(&back), names(&first));
    let filtered = page(vec![("registry", "apps".into()), ("filter", "SVC1".into())]).await;
    assert_eq!(names(&filtered), (10..20).map(|n| format!("svc{n:02}")).collect::<Vec<_>>());
    assert_eq!((filtered["matching"].as_i64(), filtered["total"].as_i64()), (Some(10), Some(30)));
}
