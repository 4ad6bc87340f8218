//! A JSON body extractor whose rejections are API errors that name the problem.
//! Every API body is a JSON object: serde would also fill a struct from an array of
//! its fields in order (`["public"]` as a visibility), so anything but an object is
//! refused before it is decoded.

use super::error::body;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
use axum::response::Response;
use serde::de::DeserializeOwned;

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Response;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(value) = axum::Json::<serde_json::Value>::from_request(req, state).await.map_err(reject)?;
        if !value.is_object() {
            return Err(body(StatusCode::BAD_REQUEST, "INVALID_INPUT", "body: expected a JSON object"));
        }
        // Decoded through axum again (from the small, already checked body), so an
        // error names the field it is about.
        let bytes = serde_json::to_vec(&value).unwrap_or_default();
        axum::Json::<T>::from_bytes(&bytes).map(|axum::Json(value)| ApiJson(value)).map_err(reject)
    }
}

fn reject(rejection: JsonRejection) -> Response {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            body(StatusCode::UNSUPPORTED_MEDIA_TYPE, "UNSUPPORTED_MEDIA_TYPE", "Send the body as JSON with Content-Type: application/json.")
        }
        JsonRejection::JsonDataError(err) => body(StatusCode::BAD_REQUEST, "INVALID_INPUT", &format!("body: {}", err.body_text())),
        JsonRejection::JsonSyntaxError(err) => {
            body(StatusCode::BAD_REQUEST, "INVALID_INPUT", &format!("body: not valid JSON ({})", err.body_text()))
        }
        other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => {
            body(StatusCode::PAYLOAD_TOO_LARGE, "TOO_LARGE", "The request body is too large.")
        }
        other => body(StatusCode::BAD_REQUEST, "INVALID_INPUT", &format!("body: {}", other.body_text())),
    }
}
