//! The distribution API, endpoint by endpoint, written from the OCI Distribution
//! Spec: the happy paths and the errors a client's bad input must get.

use crate::helpers::TestBerth;
use crate::oci_helpers::*;
use reqwest::Method;
use serde_json::{Value, json};

#[tokio::test]
async fn the_base_endpoint_challenges_anonymous_callers() {
    let berth = TestBerth::start().await;
    let anonymous = Registry::anonymous(&berth).request(Method::GET, "/v2/").send().await.unwrap();
    assert_eq!(anonymous.status(), 401);
    let challenge = anonymous.headers()["www-authenticate"].to_str().unwrap().to_string();
    assert!(challenge.starts_with(&format!("Bearer realm=\"{}/auth/token\"", berth.base)), "{challenge}");
    assert_eq!(anonymous.headers()["docker-distribution-api-version"], "registry/2.0");
    assert_eq!(error_code(anonymous).await, "UNAUTHORIZED");

    let admin = Registry::admin(&berth).request(Method::GET, "/v2/").send().await.unwrap();
    assert_eq!(admin.status(), 200);
}

#[tokio::test]
async fn blobs_upload_every_way_and_are_verified() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    let name = "apps/team/api";

    // Monolithic: POST with ?digest= and the body.
    let data = b"monolithic blob".to_vec();
    let response = registry
        .request(Method::POST, &format!("/v2/{name}/blobs/uploads/?digest={}", sha256(&data)))
        .header("content-type", "application/octet-stream")
        .body(data.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["location"], format!("/v2/{name}/blobs/{}", sha256(&data)));
    assert_eq!(response.headers()["docker-content-digest"], sha256(&data).as_str());

    // POST then PUT.
    let data2 = vec![7u8; 300_000];
    assert_eq!(registry.push_blob(name, &data2).await.status(), 201);
    let head = registry.request(Method::HEAD, &format!("/v2/{name}/blobs/{}", sha256(&data2))).send().await.unwrap();
    assert_eq!(head.status(), 200);
    assert_eq!(head.headers()["content-length"], "300000");
    assert_eq!(head.headers()["docker-content-digest"], sha256(&data2).as_str());
    let body = registry.request(Method::GET, &format!("/v2/{name}/blobs/{}", sha256(&data2))).send().await.unwrap();
    assert_eq!(body.bytes().await.unwrap().to_vec(), data2);

    // Chunked, with status checks and an out-of-order chunk.
    let data3: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    let start = registry.request(Method::POST, &format!("/v2/{name}/blobs/uploads/")).send().await.unwrap();
    assert_eq!(start.status(), 202);
    assert_eq!(start.headers()["range"], "0-0");
    let location = start.headers()["location"].to_str().unwrap().to_string();
    let patch = |range: &str, chunk: &[u8]| {
        registry
            .request(Method::PATCH, &location)
            .header("content-type", "application/octet-stream")
            .header("content-range", range)
            .body(chunk.to_vec())
            .send()
    };
    let first = patch("0-39999", &data3[..40_000]).await.unwrap();
    assert_eq!(first.status(), 202);
    assert_eq!(first.headers()["range"], "0-39999");
    let gap = patch("50000-59999", &data3[50_000..60_000]).await.unwrap();
    assert_eq!(gap.status(), 416, "a gap is refused");
    let overlap = patch("30000-49999", &data3[30_000..50_000]).await.unwrap();
    assert_eq!(overlap.status(), 416, "an overlap is refused");
    let status = registry.request(Method::GET, &location).send().await.unwrap();
    assert_eq!(status.status(), 204);
    assert_eq!(status.headers()["range"], "0-39999");
    assert!(status.headers().contains_key("location"));
    assert_eq!(patch("40000-79999", &data3[40_000..80_000]).await.unwrap().status(), 202);
    // The closing PUT may carry the last chunk; it must start where the upload stands too.
    let closing_put = |range: &'static str, chunk: &[u8]| {
        registry
            .request(Method::PUT, &format!("{location}?digest={}", sha256(&data3)))
            .header("content-type", "application/octet-stream")
            .header("content-range", range)
            .body(chunk.to_vec())
            .send()
    };
    let out_of_order = closing_put("0-19999", &data3[..20_000]).await.unwrap();
    assert_eq!(out_of_order.status(), 416, "a closing chunk that does not continue the upload is refused");
    let status = registry.request(Method::GET, &location).send().await.unwrap();
    assert_eq!(status.headers()["range"], "0-79999", "the refused chunk changed nothing");
    let done = closing_put("80000-99999", &data3[80_000..]).await.unwrap();
    assert_eq!(done.status(), 201);
    let pulled = registry.request(Method::GET, &format!("/v2/{name}/blobs/{}", sha256(&data3))).send().await.unwrap();
    assert_eq!(pulled.bytes().await.unwrap().to_vec(), data3);

    // Range requests.
    let partial =
        registry.request(Method::GET, &format!("/v2/{name}/blobs/{}", sha256(&data3))).header("range", "bytes=10-19").send().await.unwrap();
    assert_eq!(partial.status(), 206);
    assert_eq!(partial.headers()["content-range"], "bytes 10-19/100000");
    assert_eq!(partial.bytes().await.unwrap().to_vec(), data3[10..20].to_vec());
    let beyond = registry
        .request(Method::GET, &format!("/v2/{name}/blobs/{}", sha256(&data3)))
        .header("range", "bytes=200000-")
        .send()
        .await
        .unwrap();
    assert_eq!(beyond.status(), 416);
}

#[tokio::test]
async fn bad_uploads_get_the_spec_s_errors_and_leave_nothing_behind() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    let name = "apps/api";

    let start = registry.request(Method::POST, &format!("/v2/{name}/blobs/uploads/")).send().await.unwrap();
    let location = start.headers()["location"].to_str().unwrap().to_string();
    let wrong = sha256(b"something else");
    let put = registry.request(Method::PUT, &format!("{location}?digest={wrong}")).body(b"actual".to_vec()).send().await.unwrap();
    assert_eq!(put.status(), 400);
    assert_eq!(error_code(put).await, "DIGEST_INVALID");
    let head = registry.request(Method::HEAD, &format!("/v2/{name}/blobs/{wrong}")).send().await.unwrap();
    assert_eq!(head.status(), 404, "no blob appears under the wrong digest");

    let malformed = registry.request(Method::POST, &format!("/v2/{name}/blobs/uploads/?digest=sha256:zzz")).body("x").send().await.unwrap();
    assert_eq!(malformed.status(), 400);
    assert_eq!(error_code(malformed).await, "DIGEST_INVALID");

    let start = registry.request(Method::POST, &format!("/v2/{name}/blobs/uploads/")).send().await.unwrap();
    let location = start.headers()["location"].to_str().unwrap().to_string();
    let no_digest = registry.request(Method::PUT, &location).send().await.unwrap();
    assert_eq!(no_digest.status(), 400);
    assert_eq!(registry.request(Method::DELETE, &location).send().await.unwrap().status(), 204);
    let gone = registry.request(Method::GET, &location).send().await.unwrap();
    assert_eq!(gone.status(), 404);
    assert_eq!(error_code(gone).await, "BLOB_UPLOAD_UNKNOWN");

    // An upload id is only valid in the repository that started it.
    let start = registry.request(Method::POST, &format!("/v2/{name}/blobs/uploads/")).send().await.unwrap();
    let id = start.headers()["docker-upload-uuid"].to_str().unwrap().to_string();
    let elsewhere = registry.request(Method::GET, &format!("/v2/apps/other/blobs/uploads/{id}")).send().await.unwrap();
    assert_eq!(elsewhere.status(), 404);

    let unknown_blob = registry.request(Method::GET, &format!("/v2/{name}/blobs/{}", sha256(b"never pushed"))).send().await.unwrap();
    assert_eq!(unknown_blob.status(), 404);
    assert_eq!(error_code(unknown_blob).await, "BLOB_UNKNOWN");
    let bad_name = registry.request(Method::GET, "/v2/apps/UPPER/tags/list").send().await.unwrap();
    assert_eq!(error_code(bad_name).await, "NAME_INVALID");
    let no_registry = registry.request(Method::POST, "/v2/nosuch/api/blobs/uploads/").send().await.unwrap();
    assert_eq!(no_registry.status(), 404, "pushing never creates a registry");
    assert_eq!(error_code(no_registry).await, "NAME_UNKNOWN");
    let bad_range = registry
        .request(Method::PATCH, &format!("/v2/{name}/blobs/uploads/{id}"))
        .header("content-range", "banana")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(bad_range.status(), 416);

    // A closing PUT whose body is not the length its Content-Range announced changes nothing.
    let short = registry
        .request(Method::PUT, &format!("/v2/{name}/blobs/uploads/{id}?digest={}", sha256(b"12345")))
        .header("content-range", "0-9")
        .body("12345")
        .send()
        .await
        .unwrap();
    assert_eq!(short.status(), 400);
    assert_eq!(error_code(short).await, "SIZE_INVALID");
    let status = registry.request(Method::GET, &format!("/v2/{name}/blobs/uploads/{id}")).send().await.unwrap();
    assert_eq!(status.status(), 204, "the upload is still there");
    let done = registry
        .request(Method::PUT, &format!("/v2/{name}/blobs/uploads/{id}?digest={}", sha256(b"12345")))
        .header("content-range", "0-4")
        .body("12345")
        .send()
        .await
        .unwrap();
    assert_eq!(done.status(), 201);
}

#[tokio::test]
async fn blobs_mount_across_repositories_the_caller_may_read() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    let data = b"shared base layer".to_vec();
    assert_eq!(registry.push_blob("apps/base", &data).await.status(), 201);

    let mounted = registry
        .request(Method::POST, &format!("/v2/apps/web/blobs/uploads/?mount={}&from=apps/base", sha256(&data)))
        .send()
        .await
        .unwrap();
    assert_eq!(mounted.status(), 201);
    assert_eq!(mounted.headers()["location"], format!("/v2/apps/web/blobs/{}", sha256(&data)));
    let head = registry.request(Method::HEAD, &format!("/v2/apps/web/blobs/{}", sha256(&data))).send().await.unwrap();
    assert_eq!(head.status(), 200);

    let without_from =
        registry.request(Method::POST, &format!("/v2/apps/api/blobs/uploads/?mount={}", sha256(&data))).send().await.unwrap();
    assert_eq!(without_from.status(), 201, "a blob already in the registry is mounted");

    let unknown = registry
        .request(Method::POST, &format!("/v2/apps/api/blobs/uploads/?mount={}&from=apps/base", sha256(b"nope")))
        .send()
        .await
        .unwrap();
    assert_eq!(unknown.status(), 202, "an unknown blob falls back to an ordinary upload");
    assert!(unknown.headers().contains_key("location"));
}

#[tokio::test]
async fn manifests_push_pull_and_delete_by_tag_and_digest() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    let name = "apps/api";
    let manifest = registry.push_image(name, "v1", "one").await;
    let digest = sha256(&manifest);

    for reference in ["v1", digest.as_str()] {
        let got = registry.request(Method::GET, &format!("/v2/{name}/manifests/{reference}")).send().await.unwrap();
        assert_eq!(got.status(), 200);
        assert_eq!(got.headers()["content-type"], OCI_MANIFEST);
        assert_eq!(got.headers()["docker-content-digest"], digest.as_str());
        assert_eq!(got.bytes().await.unwrap().to_vec(), manifest, "byte-identical");
        let head = registry.request(Method::HEAD, &format!("/v2/{name}/manifests/{reference}")).send().await.unwrap();
        assert_eq!(head.status(), 200);
        assert_eq!(head.headers()["content-length"], manifest.len().to_string().as_str());
    }

    // The same manifest pushed by digest, and with a sha512 digest.
    let by_digest = registry.put_manifest(name, &digest, OCI_MANIFEST, &manifest).await;
    assert_eq!(by_digest.status(), 201);
    let sha512 = format!("sha512:{}", hex::encode(<sha2::Sha512 as sha2::Digest>::digest(&manifest)));
    let response = registry.put_manifest(name, &sha512, OCI_MANIFEST, &manifest).await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["docker-content-digest"], sha512.as_str());

    // An index of manifests already pushed.
    let index = serde_json::to_vec(&json!({
        "schemaVersion": 2,
        "mediaType": OCI_INDEX,
        "manifests": [{ "mediaType": OCI_MANIFEST, "digest": digest, "size": manifest.len(),
                         "platform": { "architecture": "amd64", "os": "linux" } }]
    }))
    .unwrap();
    assert_eq!(registry.put_manifest(name, "multi", OCI_INDEX, &index).await.status(), 201);

    // Tags are deleted alone; a digest deletes the manifest and its tags.
    assert_eq!(registry.request(Method::DELETE, &format!("/v2/{name}/manifests/multi")).send().await.unwrap().status(), 202);
    let gone = registry.request(Method::GET, &format!("/v2/{name}/manifests/multi")).send().await.unwrap();
    assert_eq!(gone.status(), 404);
    assert_eq!(error_code(gone).await, "MANIFEST_UNKNOWN");
    assert_eq!(registry.request(Method::DELETE, &format!("/v2/{name}/manifests/{digest}")).send().await.unwrap().status(), 202);
    assert_eq!(registry.request(Method::GET, &format!("/v2/{name}/manifests/v1")).send().await.unwrap().status(), 404);
    assert_eq!(registry.request(Method::DELETE, &format!("/v2/{name}/manifests/{digest}")).send().await.unwrap().status(), 404);

    // A name that could never be a tag names no manifest: 404 to a reader, as in
    // Distribution (the official suite asks for it), but only after the access check.
    for method in [Method::GET, Method::HEAD] {
        let never = registry.request(method.clone(), &format!("/v2/{name}/manifests/.INVALID_MANIFEST_NAME")).send().await.unwrap();
        assert_eq!(never.status(), 404);
        if method == Method::GET {
            assert_eq!(error_code(never).await, "MANIFEST_UNKNOWN");
        }
        let anonymous = Registry::anonymous(&berth);
        let challenged = anonymous.request(method, &format!("/v2/{name}/manifests/.INVALID_MANIFEST_NAME")).send().await.unwrap();
        assert_eq!(challenged.status(), 401);
    }
    let push_invalid = registry.put_manifest(name, ".INVALID_MANIFEST_NAME", OCI_MANIFEST, &manifest).await;
    assert_eq!(push_invalid.status(), 400, "pushing to such a name is still refused");
}

#[tokio::test]
async fn bad_manifests_are_refused_with_the_reason() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    let name = "apps/api";
    let config = b"{}".to_vec();
    assert_eq!(registry.push_blob(name, &config).await.status(), 201);

    let missing_layer = image_manifest(&config, &[b"never pushed"], None);
    let response = registry.put_manifest(name, "v1", OCI_MANIFEST, &missing_layer).await;
    assert_eq!(response.status(), 400);
    assert_eq!(error_code(response).await, "MANIFEST_BLOB_UNKNOWN");

    let cases: Vec<(String, Vec<u8>, &str, u16, &str)> = vec![
        ("v1".into(), b"{not json".to_vec(), OCI_MANIFEST, 400, "MANIFEST_INVALID"),
        ("v1".into(), b"{\"schemaVersion\":2}".to_vec(), OCI_MANIFEST, 400, "MANIFEST_INVALID"),
        ("bad:tag".into(), image_manifest(&config, &[], None), OCI_MANIFEST, 400, "DIGEST_INVALID"),
        ("-bad".into(), image_manifest(&config, &[], None), OCI_MANIFEST, 400, "TAG_INVALID"),
        (sha256(b"other"), image_manifest(&config, &[], None), OCI_MANIFEST, 400, "DIGEST_INVALID"),
        ("v1".into(), image_manifest(&config, &[], None), OCI_INDEX, 400, "MANIFEST_INVALID"),
    ];
    for (reference, body, content_type, status, code) in cases {
        let response = registry.put_manifest(name, &reference, content_type, &body).await;
        assert_eq!(response.status(), status, "{reference}");
        assert_eq!(error_code(response).await, code, "{reference}");
    }
    let index = json!({ "schemaVersion": 2, "mediaType": OCI_INDEX,
                        "manifests": [{ "mediaType": OCI_MANIFEST, "digest": sha256(b"absent"), "size": 1 }] });
    let response = registry.put_manifest(name, "idx", OCI_INDEX, index.to_string().as_bytes()).await;
    assert_eq!(error_code(response).await, "MANIFEST_BLOB_UNKNOWN");

    let huge = vec![b' '; 5 * 1024 * 1024];
    let response = registry.put_manifest(name, "huge", OCI_MANIFEST, &huge).await;
    assert_eq!(response.status(), 413);
}

#[tokio::test]
async fn referrers_are_listed_and_filtered_by_artifact_type() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    let name = "apps/api";
    let image = registry.push_image(name, "v1", "img").await;

    let empty = b"{}".to_vec();
    assert_eq!(registry.push_blob(name, &empty).await.status(), 201);
    let signature_blob = b"signature".to_vec();
    assert_eq!(registry.push_blob(name, &signature_blob).await.status(), 201);
    let mut signature: Value = serde_json::from_slice(&image_manifest(&empty, &[&signature_blob], Some(&image))).unwrap();
    signature["artifactType"] = json!("application/vnd.example.signature");
    signature["annotations"] = json!({ "org.example.signer": "ci" });
    let signature = serde_json::to_vec(&signature).unwrap();
    let response = registry.put_manifest(name, &sha256(&signature), OCI_MANIFEST, &signature).await;
    assert_eq!(response.status(), 201);
    assert_eq!(response.headers()["oci-subject"], sha256(&image).as_str());

    let list = registry.request(Method::GET, &format!("/v2/{name}/referrers/{}", sha256(&image))).send().await.unwrap();
    assert_eq!(list.status(), 200);
    assert_eq!(list.headers()["content-type"], OCI_INDEX);
    let index: Value = list.json().await.unwrap();
    assert_eq!(index["manifests"][0]["digest"], sha256(&signature));
    assert_eq!(index["manifests"][0]["artifactType"], "application/vnd.example.signature");
    assert_eq!(index["manifests"][0]["annotations"]["org.example.signer"], "ci");

    let filtered = registry
        .request(Method::GET, &format!("/v2/{name}/referrers/{}?artifactType=application/vnd.example.sbom", sha256(&image)))
        .send()
        .await
        .unwrap();
    assert_eq!(filtered.headers()["oci-filters-applied"], "artifactType");
    let index: Value = filtered.json().await.unwrap();
    assert_eq!(index["manifests"], json!([]));

    let none = registry.request(Method::GET, &format!("/v2/{name}/referrers/{}", sha256(b"nothing"))).send().await.unwrap();
    assert_eq!(none.status(), 200);
}

#[tokio::test]
async fn tags_and_the_catalog_page_with_link_headers() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    let manifest = registry.push_image("apps/api", "a", "x").await;
    for tag in ["b", "c", "d", "e"] {
        assert_eq!(registry.put_manifest("apps/api", tag, OCI_MANIFEST, &manifest).await.status(), 201);
    }
    let all: Value = registry.request(Method::GET, "/v2/apps/api/tags/list").send().await.unwrap().json().await.unwrap();
    assert_eq!(all, json!({ "name": "apps/api", "tags": ["a", "b", "c", "d", "e"] }));

    let mut url = "/v2/apps/api/tags/list?n=2".to_string();
    let mut pages = Vec::new();
    loop {
        let response = registry.request(Method::GET, &url).send().await.unwrap();
        let link = response.headers().get("link").map(|l| l.to_str().unwrap().to_string());
        let body: Value = response.json().await.unwrap();
        pages.push(body["tags"].clone());
        match link {
            Some(link) => url = link.trim_start_matches('<').split('>').next().unwrap().to_string(),
            None => break,
        }
    }
    assert_eq!(pages, [json!(["a", "b"]), json!(["c", "d"]), json!(["e"])]);
    let bad_n = registry.request(Method::GET, "/v2/apps/api/tags/list?n=-1").send().await.unwrap();
    assert_eq!(bad_n.status(), 400);

    registry.push_image("apps/web", "v1", "y").await;
    registry.push_image("pub/tool", "v1", "z").await;
    let catalog: Value = registry.request(Method::GET, "/v2/_catalog?n=2").send().await.unwrap().json().await.unwrap();
    assert_eq!(catalog["repositories"], json!(["apps/api", "apps/web"]));
    let anonymous: Value = Registry::anonymous(&berth).request(Method::GET, "/v2/_catalog").send().await.unwrap().json().await.unwrap();
    assert_eq!(anonymous["repositories"], json!(["pub/tool"]), "anonymous callers see public registries only");
}

#[tokio::test]
async fn deleted_blobs_are_gone_from_the_repository() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    let data = b"to delete".to_vec();
    registry.push_blob("apps/api", &data).await;
    let path = format!("/v2/apps/api/blobs/{}", sha256(&data));
    assert_eq!(registry.request(Method::DELETE, &path).send().await.unwrap().status(), 202);
    assert_eq!(registry.request(Method::HEAD, &path).send().await.unwrap().status(), 404);
    assert_eq!(registry.request(Method::DELETE, &path).send().await.unwrap().status(), 404);
}

#[tokio::test]
async fn manifest_pulls_are_counted() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    registry.push_image("apps/api", "v1", "x").await;
    for _ in 0..3 {
        registry.request(Method::GET, "/v2/apps/api/manifests/v1").send().await.unwrap();
    }
    registry.request(Method::HEAD, "/v2/apps/api/manifests/v1").send().await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let repositories: Value = berth
        .script()
        .get(berth.url("/api/v1/registries/apps/repositories"))
        .basic_auth("admin", Some(crate::helpers::ADMIN_PASSWORD))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(repositories[0]["name"], "api");
    assert_eq!(repositories[0]["pulls"], 3, "GETs count, HEADs do not: {repositories}");
}

/// Repeated pulls are answered from a short-lived cache; every change made through
/// this instance must still show on the very next request.
#[tokio::test]
async fn repeated_pulls_see_every_change_at_once() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    let anonymous = Registry::anonymous(&berth);
    let digest_of = |response: reqwest::Response| response.headers()["docker-content-digest"].to_str().unwrap().to_string();
    let first = registry.push_image("pub/web", "latest", "first").await;
    for _ in 0..3 {
        let pulled = anonymous.request(Method::GET, "/v2/pub/web/manifests/latest").send().await.unwrap();
        assert_eq!(digest_of(pulled), sha256(&first));
    }
    // The tag moves: the next pull gets the new image.
    let second = registry.push_image("pub/web", "latest", "second").await;
    let pulled = anonymous.request(Method::GET, "/v2/pub/web/manifests/latest").send().await.unwrap();
    assert_eq!(digest_of(pulled), sha256(&second));
    // The registry turns private: anonymous pulls stop at once.
    let (status, _) = berth.admin_api(Method::PATCH, "/registries/pub", Some(json!({ "visibility": "private" }))).await;
    assert_eq!(status, 200);
    let refused = anonymous.request(Method::HEAD, "/v2/pub/web/manifests/latest").send().await.unwrap();
    assert_eq!(refused.status(), 401);
    // The tag is deleted: gone at once, by tag and (its image with it) by digest.
    assert_eq!(registry.request(Method::GET, "/v2/pub/web/manifests/latest").send().await.unwrap().status(), 200);
    let (status, _) = berth.admin_api(Method::DELETE, "/registries/pub/repositories/web/tags/latest", None).await;
    assert_eq!(status, 204);
    assert_eq!(registry.request(Method::GET, "/v2/pub/web/manifests/latest").send().await.unwrap().status(), 404);
    let by_digest = registry.request(Method::GET, &format!("/v2/pub/web/manifests/{}", sha256(&second))).send().await.unwrap();
    assert_eq!(by_digest.status(), 404);
}
