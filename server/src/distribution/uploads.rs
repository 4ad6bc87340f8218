//! Blob uploads: `POST /v2/<name>/blobs/uploads/` (start, monolithic, or mount) and
//! `GET`/`PATCH`/`PUT`/`DELETE /v2/<name>/blobs/uploads/<id>`.

use super::error::OciError;
use super::{Request2, stream};
use crate::services::distribution::uploads::{MountResult, UploadState};
use crate::state::AppState;
use app::domain::Error;
use app::domain::digest::Digest;
use app::domain::names::RepositoryName;
use axum::body::Body;
use axum::http::StatusCode;
use axum::http::header::{CONTENT_LENGTH, LOCATION, RANGE};
use axum::response::{IntoResponse, Response};

fn digest_param(request: &Request2, name: &str) -> Result<Option<Digest>, OciError> {
    match request.param(name) {
        None => Ok(None),
        Some(raw) => Digest::parse(raw).map(Some).ok_or_else(|| OciError(Error::DigestInvalid(format!("'{raw}' is not a valid digest")))),
    }
}

/// `202 Accepted` with where the upload stands.
fn accepted(name: &RepositoryName, state: &UploadState, status: StatusCode) -> Response {
    let end = (state.size - 1).max(0);
    (
        status,
        [
            (LOCATION, format!("/v2/{}/blobs/uploads/{}", name.full(), state.id)),
            (RANGE, format!("0-{end}")),
            ("docker-upload-uuid".parse().unwrap(), state.id.clone()),
            (CONTENT_LENGTH, "0".to_string()),
        ],
    )
        .into_response()
}

fn created(name: &RepositoryName, digest: &Digest) -> Response {
    (
        StatusCode::CREATED,
        [
            (LOCATION, format!("/v2/{}/blobs/{digest}", name.full())),
            ("docker-content-digest".parse().unwrap(), digest.to_string()),
            (CONTENT_LENGTH, "0".to_string()),
        ],
    )
        .into_response()
}

fn has_body(request: &Request2) -> bool {
    let length = request.headers.get(CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    match length {
        Some(n) => n > 0,
        None => request.headers.contains_key("transfer-encoding"),
    }
}

pub async fn start(state: &AppState, request: &Request2, name: &RepositoryName, body: Body) -> Result<Response, OciError> {
    let services = &state.services;
    if let Some(digest) = digest_param(request, "mount")? {
        let from = request.param("from").and_then(|from| RepositoryName::parse(from).ok());
        return Ok(match services.mount_blob(&request.caller, name, &digest, from.as_ref()).await? {
            MountResult::Mounted(digest) => created(name, &digest),
            MountResult::Started(upload) => accepted(name, &upload, StatusCode::ACCEPTED),
        });
    }
    if let Some(digest) = digest_param(request, "digest")? {
        let digest = services.monolithic_upload(&request.caller, name, &digest, stream(body)).await?;
        return Ok(created(name, &digest));
    }
    let upload = services.start_upload(&request.caller, name).await?;
    Ok(accepted(name, &upload, StatusCode::ACCEPTED))
}

pub async fn status(state: &AppState, request: &Request2, name: &RepositoryName, id: &str) -> Result<Response, OciError> {
    let upload = state.services.upload_status(&request.caller, name, id).await?;
    Ok(accepted(name, &upload, StatusCode::NO_CONTENT))
}

/// `Content-Range: <first>-<last>` (also accepting `bytes <first>-<last>/<total>`).
/// Anything else, a range that ends before it starts, or one past the largest blob
/// a database can count is the spec's 416.
fn content_range(request: &Request2) -> Result<Option<(u64, u64)>, OciError> {
    let Some(header) = request.headers.get("content-range") else {
        return Ok(None);
    };
    let raw = header.to_str().unwrap_or_default();
    parse_content_range(raw).map(Some).ok_or_else(|| OciError(Error::RangeInvalid(format!("'{raw}' is not a byte range"))))
}

fn parse_content_range(raw: &str) -> Option<(u64, u64)> {
    let spec = raw.trim().trim_start_matches("bytes").trim_start_matches([' ', '=']);
    let spec = spec.split('/').next().unwrap_or_default();
    let (first, last) = spec.split_once('-')?;
    let digits = |s: &str| -> Option<u64> {
        let s = s.trim();
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    let (first, last) = (digits(first)?, digits(last)?);
    (first <= last && last < i64::MAX as u64).then_some((first, last))
}

pub async fn patch(state: &AppState, request: &Request2, name: &RepositoryName, id: &str, body: Body) -> Result<Response, OciError> {
    let range = content_range(request)?;
    let upload = state.services.upload_chunk(&request.caller, name, id, range, stream(body)).await?;
    Ok(accepted(name, &upload, StatusCode::ACCEPTED))
}

pub async fn complete(state: &AppState, request: &Request2, name: &RepositoryName, id: &str, body: Body) -> Result<Response, OciError> {
    let digest =
        digest_param(request, "digest")?.ok_or_else(|| OciError(Error::DigestInvalid("the digest parameter is required".to_string())))?;
    let range = content_range(request)?;
    let body = has_body(request).then(|| stream(body));
    let digest = state.services.complete_upload(&request.caller, name, id, &digest, range, body).await?;
    Ok(created(name, &digest))
}

pub async fn cancel(state: &AppState, request: &Request2, name: &RepositoryName, id: &str) -> Result<Response, OciError> {
    state.services.cancel_upload(&request.caller, name, id).await?;
    Ok((StatusCode::NO_CONTENT, [(CONTENT_LENGTH, "0")]).into_response())
}

#[cfg(test)]
mod tests {
    use super::parse_content_range;

    #[test]
    fn content_ranges_parse_only_when_they_make_sense() {
        assert_eq!(parse_content_range("0-99"), Some((0, 99)));
        assert_eq!(parse_content_range("bytes 100-199/*"), Some((100, 199)));
        assert_eq!(parse_content_range("bytes=5-5"), Some((5, 5)));
        for bad in [
            "",
            "-",
            "10",
            "10-",
            "-10",
            "9-3",
            "a-b",
            "+1-2",
            "0-18446744073709551615",
            "0-9223372036854775807",
            "0-99999999999999999999",
            "1 - 2 - 3",
        ] {
            assert_eq!(parse_content_range(bad), None, "{bad}");
        }
    }
}
