//! `GET`/`HEAD`/`PUT`/`DELETE /v2/<name>/manifests/<reference>`

use super::Request2;
use super::error::OciError;
use crate::services::distribution::manifests::Reference;
use crate::services::manifest_format::MAX_MANIFEST_BYTES;
use crate::state::AppState;
use app::domain::Error;
use app::domain::names::RepositoryName;
use axum::body::Body;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, LOCATION};
use axum::response::{IntoResponse, Response};

pub async fn get(
    state: &AppState,
    request: &Request2,
    name: &RepositoryName,
    reference: &str,
    with_body: bool,
) -> Result<Response, OciError> {
    let reference = Reference::parse_for_lookup(reference)?;
    let manifest = state.services.get_manifest(&request.caller, name, &reference, with_body).await?;
    let builder = Response::builder()
        .status(StatusCode::OK)
        .header(CONTENT_TYPE, served_media_type(&manifest.media_type))
        .header(CONTENT_LENGTH, manifest.size)
        .header("docker-content-digest", &manifest.digest);
    let body = if with_body { Body::from(manifest.content) } else { Body::empty() };
    Ok(builder.body(body).unwrap_or_else(|_| OciError(Error::Internal).into_response()))
}

pub async fn put(state: &AppState, request: &Request2, name: &RepositoryName, reference: &str, body: Body) -> Result<Response, OciError> {
    let reference = Reference::parse(reference)?;
    let content = axum::body::to_bytes(body, MAX_MANIFEST_BYTES)
        .await
        .map_err(|_| OciError(Error::TooLarge(format!("manifests are limited to {MAX_MANIFEST_BYTES} bytes"))))?;
    let content_type = request.headers.get(CONTENT_TYPE).and_then(|v| v.to_str().ok());
    let pushed = state.services.put_manifest(&request.caller, name, &reference, content_type, &content).await?;
    let mut response =
        (StatusCode::CREATED, [(LOCATION, format!("/v2/{}/manifests/{}", name.full(), pushed.digest)), (CONTENT_LENGTH, "0".to_string())])
            .into_response();
    let headers = response.headers_mut();
    if let Ok(value) = pushed.digest.to_string().parse() {
        headers.insert("docker-content-digest", value);
    }
    if let Some(subject) = pushed.subject.and_then(|s| s.parse().ok()) {
        headers.insert("oci-subject", subject);
    }
    Ok(response)
}

pub async fn delete(state: &AppState, request: &Request2, name: &RepositoryName, reference: &str) -> Result<Response, OciError> {
    let reference = Reference::parse(reference)?;
    state.services.delete_manifest(&request.caller, name, &reference).await?;
    Ok((StatusCode::ACCEPTED, [(CONTENT_LENGTH, "0")]).into_response())
}

/// The `Content-Type` a stored manifest is served with. Its own media type when that
/// is a JSON type (every manifest and artifact format is one), `application/octet-stream`
/// for anything else: a document pushed as `text/html` must never be handed to a
/// browser as a page from Berth's origin.
fn served_media_type(stored: &str) -> &str {
    let Some((kind, subtype)) = stored.split_once('/') else { return "application/octet-stream" };
    let token = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$&-^_.+".contains(&b));
    let json = subtype == "json" || subtype.ends_with("+json");
    if kind.eq_ignore_ascii_case("application") && token(subtype) && json { stored } else { "application/octet-stream" }
}

#[cfg(test)]
mod tests {
    use super::served_media_type;

    #[test]
    fn only_json_media_types_are_served_as_themselves() {
        for kept in [
            "application/vnd.oci.image.manifest.v1+json",
            "application/vnd.oci.image.index.v1+json",
            "application/vnd.docker.distribution.manifest.v2+json",
            "application/vnd.docker.distribution.manifest.list.v2+json",
            "application/vnd.cncf.helm.config.v1+json",
            "application/json",
        ] {
            assert_eq!(served_media_type(kept), kept);
        }
        for refused in [
            "text/html",
            "application/xhtml+xml",
            "image/svg+xml",
            "text/javascript",
            "application/javascript",
            "application/json; charset=utf-8\r\nx: y",
            "text/html+json",
            "",
            "nonsense",
        ] {
            assert_eq!(served_media_type(refused), "application/octet-stream", "{refused}");
        }
    }
}
