//! `/v2/`: the OCI Distribution API. One route takes everything under `/v2/`;
//! `path.rs` finds the operation and the handlers (one file per resource) call the
//! distribution services with the caller. `challenge` adds the token-auth challenge
//! to every 401 and the API version header to every response.
//!
//! A registry token identifies its holder (for five minutes); like Basic
//! credentials, every request is then authorized by the policy. The token's
//! `access` claims record what the holder was granted when it asked, but a token is
//! not a narrower credential than the identity it names: clients such as oras-py
//! reuse their first token for every operation.

pub mod error;
pub mod path;

mod blobs;
mod listings;
mod manifests;
mod uploads;

use crate::auth::registry_token::Claims;
use crate::services::distribution::RepositoryName;
use crate::state::AppState;
use app::domain::Error;
use app::domain::policy::{self, Caller};
use axum::Router;
use axum::body::Body;
use axum::extract::{Path, RawQuery, Request, State};
use axum::http::header::WWW_AUTHENTICATE;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{any, get};
use axum::{Extension, Json};
use error::{OciError, body};
use path::Route;

pub fn routes() -> Router<AppState> {
    Router::new().route("/v2", get(base)).route("/v2/", get(base)).route("/v2/{*rest}", any(dispatch))
}

/// Everything a handler needs to know about the request.
pub struct Request2 {
    pub caller: Caller,
    pub claims: Option<Claims>,
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
}

impl Request2 {
    pub fn param(&self, name: &str) -> Option<&str> {
        self.query.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// `GET /v2/`: 200 for anyone authenticated; anonymous callers get the challenge
/// that tells clients where to authenticate.
async fn base(Extension(caller): Extension<Caller>) -> Response {
    if caller.principal == policy::Principal::Anonymous {
        return OciError(Error::Unauthenticated).into_response();
    }
    Json(serde_json::json!({})).into_response()
}

async fn dispatch(
    State(state): State<AppState>,
    Extension(caller): Extension<Caller>,
    claims: Option<Extension<Claims>>,
    method: Method,
    Path(rest): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let Some(route) = path::parse(&rest) else {
        return body_404();
    };
    let request = Request2 {
        caller,
        claims: claims.map(|Extension(c)| c),
        query: serde_urlencoded::from_str(query.as_deref().unwrap_or_default()).unwrap_or_default(),
        headers,
    };
    let result = match route {
        Route::Catalog => match method {
            Method::GET => listings::catalog(&state, &request).await,
            _ => return unsupported_method(),
        },
        Route::Tags { name } => with_name(&name, |name| async move {
            match method {
                Method::GET => listings::tags(&state, &request, &name).await,
                _ => Ok(unsupported_method()),
            }
        })
        .await,
        Route::Referrers { name, digest } => with_name(&name, |name| async move {
            match method {
                Method::GET => listings::referrers(&state, &request, &name, &digest).await,
                _ => Ok(unsupported_method()),
            }
        })
        .await,
        Route::Manifest { name, reference } => with_name(&name, |name| async move {
            match method {
                Method::GET => manifests::get(&state, &request, &name, &reference, true).await,
                Method::HEAD => manifests::get(&state, &request, &name, &reference, false).await,
                Method::PUT => manifests::put(&state, &request, &name, &reference, body).await,
                Method::DELETE => manifests::delete(&state, &request, &name, &reference).await,
                _ => Ok(unsupported_method()),
            }
        })
        .await,
        Route::Blob { name, digest } => with_name(&name, |name| async move {
            match method {
                Method::GET => blobs::get(&state, &request, &name, &digest, true).await,
                Method::HEAD => blobs::get(&state, &request, &name, &digest, false).await,
                Method::DELETE => blobs::delete(&state, &request, &name, &digest).await,
                _ => Ok(unsupported_method()),
            }
        })
        .await,
        Route::StartUpload { name } => with_name(&name, |name| async move {
            match method {
                Method::POST => uploads::start(&state, &request, &name, body).await,
                _ => Ok(unsupported_method()),
            }
        })
        .await,
        Route::Upload { name, id } => with_name(&name, |name| async move {
            match method {
                Method::GET => uploads::status(&state, &request, &name, &id).await,
                Method::PATCH => uploads::patch(&state, &request, &name, &id, body).await,
                Method::PUT => uploads::complete(&state, &request, &name, &id, body).await,
                Method::DELETE => uploads::cancel(&state, &request, &name, &id).await,
                _ => Ok(unsupported_method()),
            }
        })
        .await,
    };
    result.unwrap_or_else(IntoResponse::into_response)
}

async fn with_name<F, Fut>(raw: &str, then: F) -> Result<Response, OciError>
where
    F: FnOnce(RepositoryName) -> Fut,
    Fut: std::future::Future<Output = Result<Response, OciError>>,
{
    match RepositoryName::parse(raw) {
        Some(name) => then(name).await,
        None if !raw.contains('/') => Err(OciError(Error::NotFound(app::domain::Resource::Repository))),
        None => Err(OciError(Error::invalid("name", "repository names are REGISTRY/PATH in lowercase letters, digits and separators"))),
    }
}

fn body_404() -> Response {
    body(StatusCode::NOT_FOUND, "NAME_UNKNOWN", "There is no such endpoint under /v2/.")
}

fn unsupported_method() -> Response {
    body(StatusCode::METHOD_NOT_ALLOWED, "UNSUPPORTED", "This endpoint does not accept that method.")
}

/// Adds `WWW-Authenticate` to every `/v2/` 401 (naming the scope the request needed)
/// and `Docker-Distribution-API-Version` to every `/v2/` response.
pub async fn challenge(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_string();
    if path != "/v2" && !path.starts_with("/v2/") {
        return next.run(req).await;
    }
    let scheme = state.config.public_url.as_ref().map(|u| u.scheme.clone()).unwrap_or_else(|| "http".to_string());
    let host = state
        .config
        .public_url
        .as_ref()
        .map(|u| u.authority.clone())
        .or_else(|| req.headers().get("host").and_then(|h| h.to_str().ok()).map(str::to_string))
        .unwrap_or_else(|| state.leptos_options.site_addr.to_string());
    let scope = scope_for(req.method(), &path);
    let mut response = next.run(req).await;
    response.headers_mut().insert("docker-distribution-api-version", HeaderValue::from_static("registry/2.0"));
    if response.status() == StatusCode::UNAUTHORIZED {
        let mut value = format!("Bearer realm=\"{scheme}://{host}/auth/token\",service=\"{host}\"");
        if let Some(scope) = scope {
            value.push_str(&format!(",scope=\"{scope}\""));
        }
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(WWW_AUTHENTICATE, value);
        }
    }
    response
}

/// The token scope a `/v2/` request needs, from its method and path.
fn scope_for(method: &Method, path: &str) -> Option<String> {
    let rest = path.strip_prefix("/v2/")?;
    let route = path::parse(rest)?;
    let name = match route {
        Route::Catalog => return Some("registry:catalog:*".to_string()),
        Route::Tags { name }
        | Route::Manifest { name, .. }
        | Route::Blob { name, .. }
        | Route::StartUpload { name }
        | Route::Upload { name, .. }
        | Route::Referrers { name, .. } => name,
    };
    let actions = match *method {
        Method::GET | Method::HEAD => "pull",
        Method::DELETE => "delete",
        _ => "pull,push",
    };
    Some(format!("repository:{name}:{actions}"))
}

/// Reads a request body as a stream of chunks.
pub fn stream(body: Body) -> crate::storage::ByteStream {
    use futures_util::TryStreamExt;
    Box::pin(body.into_data_stream().map_err(std::io::Error::other))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_follow_the_method() {
        assert_eq!(scope_for(&Method::GET, "/v2/acme/api/manifests/v1").as_deref(), Some("repository:acme/api:pull"));
        assert_eq!(scope_for(&Method::POST, "/v2/acme/api/blobs/uploads/").as_deref(), Some("repository:acme/api:pull,push"));
        assert_eq!(scope_for(&Method::DELETE, "/v2/acme/api/blobs/sha256:00").as_deref(), Some("repository:acme/api:delete"));
        assert_eq!(scope_for(&Method::GET, "/v2/_catalog").as_deref(), Some("registry:catalog:*"));
        assert_eq!(scope_for(&Method::GET, "/v2/"), None);
    }
}
