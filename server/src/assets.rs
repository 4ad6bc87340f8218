//! The console's static files (wasm, JS, CSS) under `/pkg/`. Release builds embed
//! them, so the `berth` binary needs nothing beside it; debug builds read them from
//! `target/site` as cargo-leptos writes them. Precompressed `.br`/`.gz` variants are
//! served to clients that accept them.

use axum::extract::Path;
use axum::http::header::{ACCEPT_ENCODING, CACHE_CONTROL, CONTENT_ENCODING, CONTENT_TYPE, ETAG, IF_NONE_MATCH, VARY};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

#[derive(rust_embed::Embed)]
#[folder = "../target/site/"]
#[allow_missing = true]
struct Site;

pub async fn serve_pkg(Path(path): Path<String>, headers: HeaderMap) -> Response {
    let name = format!("pkg/{path}");
    let accepts = headers.get(ACCEPT_ENCODING).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let variants = [("br", ".br"), ("gzip", ".gz"), ("", "")];
    let found = variants.iter().find_map(|(encoding, suffix)| {
        if !encoding.is_empty() && !accepts.split(',').any(|a| a.trim().split(';').next() == Some(encoding)) {
            return None;
        }
        Site::get(&format!("{name}{suffix}")).map(|file| (*encoding, file))
    });
    let Some((encoding, file)) = found else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };

    let etag = format!("\"{}{}\"", hex::encode(&file.metadata.sha256_hash()[..12]), encoding);
    let mut response_headers = HeaderMap::new();
    response_headers.insert(CONTENT_TYPE, HeaderValue::from_static(content_type(&path)));
    // Names carry no hash, so browsers revalidate (cheaply, by ETag) on every load.
    response_headers.insert(CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response_headers.insert(VARY, HeaderValue::from_static("accept-encoding"));
    if let Ok(value) = HeaderValue::from_str(&etag) {
        response_headers.insert(ETAG, value);
    }
    if !encoding.is_empty() {
        response_headers.insert(CONTENT_ENCODING, HeaderValue::from_static(encoding));
    }
    if headers.get(IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return (StatusCode::NOT_MODIFIED, response_headers).into_response();
    }
    (response_headers, file.data.into_owned()).into_response()
}

fn content_type(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "wasm" => "application/wasm",
        "css" => "text/css; charset=utf-8",
        "svg" => "image/svg+xml",
        "json" => "application/json",
        "png" => "image/png",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}
