//! `/auth/token`: the Docker token endpoint. `GET` with optional Basic credentials
//! (`?service=…&scope=…`), or the OAuth2 `POST` form with `grant_type=password`.
//! Anonymous callers get tokens too, granting only what anonymous callers may do.

use crate::state::AppState;
use app::domain::Error;
use app::domain::policy::Caller;
use app::domain::time::format_rfc3339;
use axum::Extension;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

fn query_pairs(raw: &str) -> Vec<(String, String)> {
    serde_urlencoded::from_str::<Vec<(String, String)>>(raw).unwrap_or_default()
}

/// `GET /auth/token?service=…&scope=…&scope=…`; credentials come from the
/// `Authorization` header (already resolved into the caller).
pub async fn get_token(State(state): State<AppState>, Extension(caller): Extension<Caller>, RawQuery(query): RawQuery) -> Response {
    let pairs = query_pairs(query.as_deref().unwrap_or_default());
    issue(&state, &caller, &pairs).await
}

/// `POST /auth/token` with `grant_type=password&username=…&password=…&scope=…`.
pub async fn post_token(State(state): State<AppState>, Extension(caller): Extension<Caller>, body: Bytes) -> Response {
    let pairs = query_pairs(std::str::from_utf8(&body).unwrap_or_default());
    let field = |name: &str| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    let caller = match field("grant_type") {
        Some("password") => {
            let (Some(username), Some(password)) = (field("username"), field("password")) else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "username and password are required");
            };
            match state.services.authenticate_basic(username, password, &caller.client_addr).await {
                Ok(principal) => Caller { principal, ..caller },
                Err(err) => return token_error(err),
            }
        }
        Some(other) => {
            return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type", &format!("grant_type {other} is not supported"));
        }
        None => caller,
    };
    issue(&state, &caller, &pairs).await
}

async fn issue(state: &AppState, caller: &Caller, pairs: &[(String, String)]) -> Response {
    let service = pairs.iter().find(|(k, _)| k == "service").map(|(_, v)| v.clone()).unwrap_or_else(|| caller.public_host.clone());
    let scopes: Vec<String> = pairs.iter().filter(|(k, _)| k == "scope").map(|(_, v)| v.clone()).collect();
    match state.services.issue_registry_token(caller, &service, &scopes).await {
        Ok(issued) => axum::Json(json!({
            "token": issued.token,
            "access_token": issued.token,
            "expires_in": issued.expires_in,
            "issued_at": format_rfc3339(issued.issued_at * 1000),
        }))
        .into_response(),
        Err(err) => token_error(err),
    }
}

pub fn token_error(err: Error) -> Response {
    let status = StatusCode::from_u16(err.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let code = match err {
        Error::Unauthenticated | Error::Forbidden(_) => "UNAUTHORIZED",
        Error::TooManyRequests { .. } => "TOOMANYREQUESTS",
        _ => "UNKNOWN",
    };
    let status = if matches!(err, Error::Forbidden(_)) { StatusCode::UNAUTHORIZED } else { status };
    let mut response = (status, axum::Json(json!({ "errors": [{ "code": code, "message": err.message() }] }))).into_response();
    if let Error::TooManyRequests { retry_after_secs } = err {
        response.headers_mut().insert(axum::http::header::RETRY_AFTER, retry_after_secs.into());
    }
    response
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (status, axum::Json(json!({ "error": error, "error_description": description }))).into_response()
}
