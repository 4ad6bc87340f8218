//! `{"error":{"code","message"}}` with a fitting status, from the domain error.

use app::domain::Error;
use axum::Json;
use axum::http::header::RETRY_AFTER;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;

#[derive(Debug)]
pub struct ApiError(pub Error);

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        ApiError(err)
    }
}

impl ApiError {
    pub fn method_not_allowed() -> Response {
        body(StatusCode::METHOD_NOT_ALLOWED, "METHOD_NOT_ALLOWED", "This endpoint does not accept that method.")
    }
}

pub(crate) fn body(status: StatusCode, code: &str, message: &str) -> Response {
    (status, Json(json!({ "error": { "code": code, "message": message } }))).into_response()
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = body(status, self.0.code(), &self.0.message());
        if let Error::TooManyRequests { retry_after_secs } = self.0 {
            response.headers_mut().insert(RETRY_AFTER, HeaderValue::from(retry_after_secs));
        }
        response
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::Resource;

    #[test]
    fn each_variant_maps_to_its_status_and_code() {
        let cases = [
            (Error::NotFound(Resource::User), 404, "NOT_FOUND"),
            (Error::invalid("name", "rule"), 400, "INVALID_INPUT"),
            (Error::Conflict("taken".into()), 409, "CONFLICT"),
            (Error::Unauthenticated, 401, "UNAUTHENTICATED"),
            (Error::Forbidden("no".into()), 403, "FORBIDDEN"),
            (Error::TooManyRequests { retry_after_secs: 9 }, 429, "RATE_LIMITED"),
            (Error::TagImmutable("v1".into()), 409, "TAG_IMMUTABLE"),
            (Error::Internal, 500, "INTERNAL"),
        ];
        for (err, status, code) in cases {
            assert_eq!(err.code(), code);
            let response = ApiError(err).into_response();
            assert_eq!(response.status().as_u16(), status);
        }
        let throttled = ApiError(Error::TooManyRequests { retry_after_secs: 9 }).into_response();
        assert_eq!(throttled.headers()[RETRY_AFTER], "9");
    }
}
