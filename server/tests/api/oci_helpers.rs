//! A small OCI client for the engine tests: Basic credentials on every request,
//! helpers to push blobs and manifests and to build an image.

use crate::helpers::{ADMIN_PASSWORD, TestBerth};
use reqwest::{Method, RequestBuilder, Response};
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

pub const OCI_MANIFEST: &str = "application/vnd.oci.image.manifest.v1+json";
pub const OCI_INDEX: &str = "application/vnd.oci.image.index.v1+json";

pub fn sha256(data: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(data)))
}

pub struct Registry<'a> {
    pub berth: &'a TestBerth,
    pub credentials: Option<(String, String)>,
}

impl<'a> Registry<'a> {
    pub fn admin(berth: &'a TestBerth) -> Self {
        Registry { berth, credentials: Some(("admin".into(), ADMIN_PASSWORD.into())) }
    }

    pub fn anonymous(berth: &'a TestBerth) -> Self {
        Registry { berth, credentials: None }
    }

    pub fn request(&self, method: Method, path: &str) -> RequestBuilder {
        let url = if path.starts_with("http") { path.to_string() } else { self.berth.url(path) };
        let request = self.berth.script().request(method, url);
        match &self.credentials {
            Some((user, secret)) => request.basic_auth(user, Some(secret)),
            None => request,
        }
    }

    /// POST then PUT with the whole blob; returns the final response.
    pub async fn push_blob(&self, name: &str, data: &[u8]) -> Response {
        let start = self.request(Method::POST, &format!("/v2/{name}/blobs/uploads/")).send().await.unwrap();
        if start.status() != 202 {
            return start;
        }
        let location = start.headers()["location"].to_str().unwrap().to_string();
        let separator = if location.contains('?') { '&' } else { '?' };
        self.request(Method::PUT, &format!("{location}{separator}digest={}", sha256(data)))
            .header("content-type", "application/octet-stream")
            .body(data.to_vec())
            .send()
            .await
            .unwrap()
    }

    pub async fn put_manifest(&self, name: &str, reference: &str, media_type: &str, manifest: &[u8]) -> Response {
        self.request(Method::PUT, &format!("/v2/{name}/manifests/{reference}"))
            .header("content-type", media_type)
            .body(manifest.to_vec())
            .send()
            .await
            .unwrap()
    }

    /// Pushes a one-layer image and tags it; returns the manifest's bytes.
    pub async fn push_image(&self, name: &str, tag: &str, seed: &str) -> Vec<u8> {
        let config = json!({ "architecture": "amd64", "os": "linux", "seed": seed }).to_string().into_bytes();
        let layer = format!("layer of {seed}").into_bytes();
        assert_eq!(self.push_blob(name, &config).await.status(), 201);
        assert_eq!(self.push_blob(name, &layer).await.status(), 201);
        let manifest = image_manifest(&config, &[&layer], None);
        let response = self.put_manifest(name, tag, OCI_MANIFEST, &manifest).await;
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap());
        manifest
    }
}

pub fn descriptor(media_type: &str, data: &[u8]) -> Value {
    json!({ "mediaType": media_type, "digest": sha256(data), "size": data.len() })
}

pub fn image_manifest(config: &[u8], layers: &[&[u8]], subject: Option<&[u8]>) -> Vec<u8> {
    let mut manifest = json!({
        "schemaVersion": 2,
        "mediaType": OCI_MANIFEST,
        "config": descriptor("application/vnd.oci.image.config.v1+json", config),
        "layers": layers.iter().map(|l| descriptor("application/vnd.oci.image.layer.v1.tar", l)).collect::<Vec<_>>(),
    });
    if let Some(subject) = subject {
        manifest["subject"] = descriptor(OCI_MANIFEST, subject);
    }
    serde_json::to_vec(&manifest).unwrap()
}

/// Creates workspace `acme` with registries `apps` (private) and `pub` (public).
pub async fn standard_registries(berth: &TestBerth) {
    let admin = berth.script();
    let post = |path: &str, body: Value| {
        admin.post(berth.url(&format!("/api/v1{path}"))).basic_auth("admin", Some(ADMIN_PASSWORD)).json(&body).send()
    };
    assert_eq!(post("/workspaces", json!({ "name": "acme" })).await.unwrap().status(), 201);
    for (name, visibility) in [("apps", "private"), ("pub", "public")] {
        let response = post("/workspaces/acme/registries", json!({ "name": name, "visibility": visibility })).await.unwrap();
        assert_eq!(response.status(), 201);
    }
}

pub async fn error_code(response: Response) -> String {
    let body: Value = response.json().await.unwrap_or(Value::Null);
    body["errors"][0]["code"].as_str().unwrap_or_default().to_string()
}
