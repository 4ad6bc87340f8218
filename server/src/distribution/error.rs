//! `/v2/` errors: `{"errors":[{"code","message","detail"}]}` with the spec's codes.

use app::domain::{Error, Resource};
use axum::Json;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug)]
pub struct OciError(pub Error);

impl From<Error> for OciError {
    fn from(err: Error) -> Self {
        OciError(err)
    }
}

/// The spec's status and code for a domain error.
pub fn status_and_code(err: &Error) -> (StatusCode, &'static str) {
    use StatusCode as S;
    match err {
        Error::NotFound(Resource::Manifest | Resource::Tag) => (S::NOT_FOUND, "MANIFEST_UNKNOWN"),
        Error::NotFound(Resource::Blob) => (S::NOT_FOUND, "BLOB_UNKNOWN"),
        Error::NotFound(Resource::Upload) => (S::NOT_FOUND, "BLOB_UPLOAD_UNKNOWN"),
        Error::NotFound(_) => (S::NOT_FOUND, "NAME_UNKNOWN"),
        Error::Invalid { field, .. } if field == "tag" => (S::BAD_REQUEST, "TAG_INVALID"),
        Error::Invalid { field, .. } if field == "name" => (S::BAD_REQUEST, "NAME_INVALID"),
        Error::Invalid { .. } => (S::BAD_REQUEST, "UNSUPPORTED"),
        Error::Conflict(_) => (S::CONFLICT, "DENIED"),
        Error::Unauthenticated => (S::UNAUTHORIZED, "UNAUTHORIZED"),
        Error::Forbidden(_) => (S::FORBIDDEN, "DENIED"),
        Error::TooManyRequests { .. } => (S::TOO_MANY_REQUESTS, "TOOMANYREQUESTS"),
        Error::DigestInvalid(_) => (S::BAD_REQUEST, "DIGEST_INVALID"),
        Error::SizeInvalid(_) => (S::BAD_REQUEST, "SIZE_INVALID"),
        Error::RangeInvalid(_) => (S::RANGE_NOT_SATISFIABLE, "RANGE_INVALID"),
        Error::ManifestInvalid(_) => (S::BAD_REQUEST, "MANIFEST_INVALID"),
        Error::ManifestBlobUnknown(_) => (S::BAD_REQUEST, "MANIFEST_BLOB_UNKNOWN"),
        Error::TagImmutable(_) => (S::BAD_REQUEST, "TAG_INVALID"),
        Error::QuotaExceeded(_) => (S::FORBIDDEN, "DENIED"),
        Error::Unsupported(_) => (S::UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED"),
        Error::TooLarge(_) => (S::PAYLOAD_TOO_LARGE, "SIZE_INVALID"),
        Error::Internal => (S::INTERNAL_SERVER_ERROR, "UNKNOWN"),
    }
}

pub fn body(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({ "errors": [{ "code": code, "message": message, "detail": null }] }))).into_response()
}

impl IntoResponse for OciError {
    fn into_response(self) -> Response {
        let (status, code) = status_and_code(&self.0);
        let mut response = body(status, code, &self.0.message());
        if let Error::TooManyRequests { retry_after_secs } = self.0 {
            response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_error_has_a_spec_code() {
        let cases = [
            (Error::NotFound(Resource::Manifest), 404, "MANIFEST_UNKNOWN"),
            (Error::NotFound(Resource::Blob), 404, "BLOB_UNKNOWN"),
            (Error::NotFound(Resource::Upload), 404, "BLOB_UPLOAD_UNKNOWN"),
            (Error::NotFound(Resource::Registry), 404, "NAME_UNKNOWN"),
            (Error::invalid("tag", "x"), 400, "TAG_INVALID"),
            (Error::invalid("name", "x"), 400, "NAME_INVALID"),
            (Error::Unauthenticated, 401, "UNAUTHORIZED"),
            (Error::Forbidden("x".into()), 403, "DENIED"),
            (Error::TooManyRequests { retry_after_secs: 1 }, 429, "TOOMANYREQUESTS"),
            (Error::DigestInvalid("x".into()), 400, "DIGEST_INVALID"),
            (Error::SizeInvalid("x".into()), 400, "SIZE_INVALID"),
            (Error::RangeInvalid("x".into()), 416, "RANGE_INVALID"),
            (Error::ManifestInvalid("x".into()), 400, "MANIFEST_INVALID"),
            (Error::ManifestBlobUnknown("x".into()), 400, "MANIFEST_BLOB_UNKNOWN"),
            (Error::TagImmutable("v1".into()), 400, "TAG_INVALID"),
            (Error::Unsupported("x".into()), 415, "UNSUPPORTED"),
            (Error::Internal, 500, "UNKNOWN"),
        ];
        for (err, status, code) in cases {
            let (s, c) = status_and_code(&err);
            assert_eq!((s.as_u16(), c), (status, code), "{err:?}");
        }
    }
}
