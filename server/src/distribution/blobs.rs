//! `GET`/`HEAD`/`DELETE /v2/<name>/blobs/<digest>`

use super::Request2;
use super::error::OciError;
use crate::services::distribution::blobs::RangeRequest;
use crate::state::AppState;
use app::domain::digest::Digest;
use app::domain::names::RepositoryName;
use app::domain::{Error, Resource};
use axum::body::Body;
use axum::http::StatusCode;
use axum::http::header::{ACCEPT_RANGES, CONTENT_LENGTH, CONTENT_RANGE, CONTENT_TYPE, RANGE};
use axum::response::{IntoResponse, Response};

fn parse_digest(raw: &str) -> Result<Digest, OciError> {
    Digest::parse(raw).ok_or_else(|| OciError(Error::DigestInvalid(format!("'{raw}' is not a valid digest"))))
}

pub async fn get(state: &AppState, request: &Request2, name: &RepositoryName, digest: &str, with_body: bool) -> Result<Response, OciError> {
    let digest = Digest::parse(digest).ok_or(OciError(Error::NotFound(Resource::Blob)))?;
    let services = &state.services;
    if !with_body {
        let size = services.stat_blob(&request.caller, name, &digest).await?;
        return Ok((
            StatusCode::OK,
            [
                (CONTENT_LENGTH, size.to_string()),
                (CONTENT_TYPE, "application/octet-stream".to_string()),
                (ACCEPT_RANGES, "bytes".to_string()),
                ("docker-content-digest".parse().unwrap(), digest.to_string()),
            ],
        )
            .into_response());
    }
    let range = match request.headers.get(RANGE).and_then(|v| v.to_str().ok()) {
        None => None,
        Some(raw) => match RangeRequest::parse(raw) {
            Some(range) => Some(range),
            None => return Ok(unsatisfiable(services.stat_blob(&request.caller, name, &digest).await?)),
        },
    };
    let blob = match services.open_blob(&request.caller, name, &digest, range).await {
        Ok(blob) => blob,
        Err(Error::RangeInvalid(_)) => return Ok(unsatisfiable(services.stat_blob(&request.caller, name, &digest).await?)),
        Err(err) => return Err(err.into()),
    };
    let stream = blob.stream.expect("open_blob returns a stream");
    let mut builder = Response::builder()
        .header(CONTENT_TYPE, "application/octet-stream")
        .header(ACCEPT_RANGES, "bytes")
        .header("docker-content-digest", digest.to_string());
    builder = match blob.range {
        Some((first, last)) => builder
            .status(StatusCode::PARTIAL_CONTENT)
            .header(CONTENT_RANGE, format!("bytes {first}-{last}/{}", blob.size))
            .header(CONTENT_LENGTH, last - first + 1),
        None => builder.status(StatusCode::OK).header(CONTENT_LENGTH, blob.size),
    };
    Ok(builder.body(Body::from_stream(stream)).unwrap_or_else(|_| OciError(Error::Internal).into_response()))
}

fn unsatisfiable(size: u64) -> Response {
    let mut response = super::error::body(StatusCode::RANGE_NOT_SATISFIABLE, "RANGE_INVALID", "The requested range cannot be served.");
    if let Ok(value) = format!("bytes */{size}").parse() {
        response.headers_mut().insert(CONTENT_RANGE, value);
    }
    response
}

pub async fn delete(state: &AppState, request: &Request2, name: &RepositoryName, digest: &str) -> Result<Response, OciError> {
    let digest = parse_digest(digest)?;
    state.services.delete_blob(&request.caller, name, &digest).await?;
    Ok((StatusCode::ACCEPTED, [(CONTENT_LENGTH, "0")]).into_response())
}
