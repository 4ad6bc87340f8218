//! `GET /v2/<name>/tags/list`, `GET /v2/_catalog`, `GET /v2/<name>/referrers/<digest>`

use super::Request2;
use super::error::OciError;
use crate::services::manifest_format::OCI_INDEX;
use crate::services::paging::Listed;
use crate::state::AppState;
use app::domain::Error;
use app::domain::digest::Digest;
use app::domain::names::RepositoryName;
use axum::Json;
use axum::http::header::{CONTENT_TYPE, LINK};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// `n` (page size) and `last` (start after), as the spec defines them.
fn paging(request: &Request2) -> Result<(Option<i64>, Option<String>), OciError> {
    let n = match request.param("n") {
        None | Some("") => None,
        Some(raw) => Some(
            raw.parse::<i64>()
                .ok()
                .filter(|n| *n >= 0)
                .ok_or_else(|| OciError(Error::invalid("n", "must be a whole number, 0 or more")))?,
        ),
    };
    Ok((n, request.param("last").map(str::to_string)))
}

/// `Link: </v2/…?n=N&last=X>; rel="next"` when more entries follow.
fn with_link(mut response: Response, path: &str, n: Option<i64>, page: &Listed<String>) -> Response {
    if let (true, Some(n), Some(last)) = (page.more, n, page.items.last()) {
        let query = serde_urlencoded::to_string([("n", n.to_string()), ("last", last.clone())]).unwrap_or_default();
        if let Ok(value) = HeaderValue::from_str(&format!("<{path}?{query}>; rel=\"next\"")) {
            response.headers_mut().insert(LINK, value);
        }
    }
    response
}

pub async fn tags(state: &AppState, request: &Request2, name: &RepositoryName) -> Result<Response, OciError> {
    let (n, last) = paging(request)?;
    let page = state.services.list_tags(&request.caller, name, n, last.as_deref()).await?;
    let response = Json(json!({ "name": name.full(), "tags": page.items })).into_response();
    Ok(with_link(response, &format!("/v2/{}/tags/list", name.full()), n, &page))
}

pub async fn catalog(state: &AppState, request: &Request2) -> Result<Response, OciError> {
    let (n, last) = paging(request)?;
    let page = state.services.catalog(&request.caller, n, last.as_deref()).await?;
    let response = Json(json!({ "repositories": page.items })).into_response();
    Ok(with_link(response, "/v2/_catalog", n, &page))
}

pub async fn referrers(state: &AppState, request: &Request2, name: &RepositoryName, digest: &str) -> Result<Response, OciError> {
    let digest = Digest::parse(digest).ok_or_else(|| OciError(Error::DigestInvalid(format!("'{digest}' is not a valid digest"))))?;
    let artifact_type = request.param("artifactType").filter(|t| !t.is_empty());
    let index = state.services.referrers(&request.caller, name, &digest, artifact_type).await?;
    let mut response = (StatusCode::OK, [(CONTENT_TYPE, OCI_INDEX)], index.to_string()).into_response();
    if artifact_type.is_some() {
        response.headers_mut().insert("oci-filters-applied", HeaderValue::from_static("artifactType"));
    }
    Ok(response)
}
