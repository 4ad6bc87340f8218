//! `/v2/`: the OCI Distribution API. One route takes everything under `/v2/`;
//! `path.rs` finds the operation and the handlers (one file per resource) call the
//! distribution services with the caller. `challenge` adds the token-auth challenge
//! to every 401 and the API version header to every response.
//!
//! A registry token identifies its holder (for five minutes) and is an upper bound
//! on what the request may do: a request its `access` claims do not cover is
//! answered 401 with a challenge naming the scope it needs (clients then ask for a
//! token with that scope), and within the claims the policy decides as it does for
//! Basic credentials. A mount from a repository the token grants no pull on is
//! started as an ordinary upload, as the spec allows.

pub mod error;
pub mod path;

mod blobs;
mod listings;
mod manifests;
mod uploads;

use crate::crypto::registry_token::Claims;
use crate::state::AppState;
use app::domain::Error;
use app::domain::names::RepositoryNameError;
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
use path::{PathError, Route};

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

async fn dispatch(State(state): State<AppState>, Path(rest): Path<String>, RawQuery(query): RawQuery, req: Request) -> Response {
    let route = match path::parse(&rest) {
        Ok(route) => route,
        Err(PathError::UnknownEndpoint) => return body_404(),
        Err(PathError::Name(RepositoryNameError::NoRepository)) => {
            return OciError(Error::NotFound(app::domain::Resource::Repository)).into_response();
        }
        Err(PathError::Name(RepositoryNameError::Invalid)) => {
            return OciError(Error::invalid("name", "repository names are REGISTRY/PATH in lowercase letters, digits and separators"))
                .into_response();
        }
    };
    let (mut parts, body) = req.into_parts();
    let Some(caller) = parts.extensions.remove::<Caller>() else {
        return OciError(Error::Internal).into_response();
    };
    let (method, headers) = (parts.method, parts.headers);
    let mut request = Request2 {
        caller,
        claims: parts.extensions.remove::<Claims>(),
        query: serde_urlencoded::from_str(query.as_deref().unwrap_or_default()).unwrap_or_default(),
        headers,
    };
    if let Some(claims) = &request.claims {
        if !token_covers(claims, &route, &method) {
            return insufficient_scope(claims, &route);
        }
        let mount_source_granted = request.param("from").is_some_and(|from| claims.allows(from, "pull"));
        if !mount_source_granted {
            request.query.retain(|(key, _)| key != "mount" && key != "from");
        }
    }
    let (state, request) = (&state, &request);
    let result = match (route, method) {
        (Route::Catalog, Method::GET) => listings::catalog(state, request).await,
        (Route::Tags { name }, Method::GET) => listings::tags(state, request, &name).await,
        (Route::Referrers { name, digest }, Method::GET) => listings::referrers(state, request, &name, &digest).await,
        (Route::Manifest { name, reference }, Method::GET) => manifests::get(state, request, &name, &reference, true).await,
        (Route::Manifest { name, reference }, Method::HEAD) => manifests::get(state, request, &name, &reference, false).await,
        (Route::Manifest { name, reference }, Method::PUT) => manifests::put(state, request, &name, &reference, body).await,
        (Route::Manifest { name, reference }, Method::DELETE) => manifests::delete(state, request, &name, &reference).await,
        (Route::Blob { name, digest }, Method::GET) => blobs::get(state, request, &name, &digest, true).await,
        (Route::Blob { name, digest }, Method::HEAD) => blobs::get(state, request, &name, &digest, false).await,
        (Route::Blob { name, digest }, Method::DELETE) => blobs::delete(state, request, &name, &digest).await,
        (Route::StartUpload { name }, Method::POST) => uploads::start(state, request, &name, body).await,
        (Route::Upload { name, id }, Method::GET) => uploads::status(state, request, &name, &id).await,
        (Route::Upload { name, id }, Method::PATCH) => uploads::patch(state, request, &name, &id, body).await,
        (Route::Upload { name, id }, Method::PUT) => uploads::complete(state, request, &name, &id, body).await,
        (Route::Upload { name, id }, Method::DELETE) => uploads::cancel(state, request, &name, &id).await,
        _ => return unsupported_method(),
    };
    result.unwrap_or_else(IntoResponse::into_response)
}

/// Marks a response refused for a token's scope, for `challenge` to add the header
/// that says which scope the request needs.
#[derive(Clone, Copy)]
struct InsufficientScope;

/// The answer to a request its token does not cover. 401 when the token grants
/// nothing on the repository (the client asks for a token for it, as the token
/// spec has it); 403 with the same challenge when it grants other actions there:
/// clients that hold on to a token (oras-py) ask for a new one only after a 403,
/// and a client the policy refuses anyway does not loop on 401s.
fn insufficient_scope(claims: &Claims, route: &Route) -> Response {
    let names_repository =
        route.repository().is_some_and(|name| claims.access.iter().any(|a| a.kind == "repository" && a.name == name.full()));
    let mut response = if names_repository {
        OciError(Error::Forbidden("The token does not grant this action; ask for a token with the scope in WWW-Authenticate.".to_string()))
            .into_response()
    } else {
        OciError(Error::Unauthenticated).into_response()
    };
    response.extensions_mut().insert(InsufficientScope);
    response
}

fn body_404() -> Response {
    body(StatusCode::NOT_FOUND, "NAME_UNKNOWN", "There is no such endpoint under /v2/.")
}

fn unsupported_method() -> Response {
    body(StatusCode::METHOD_NOT_ALLOWED, "UNSUPPORTED", "This endpoint does not accept that method.")
}

/// Adds `WWW-Authenticate` to every `/v2/` 401 (naming the scope the request needed),
/// and `Docker-Distribution-API-Version` and the headers that keep whatever is served
/// from running as a page in Berth's origin (no sniffing, a sandbox with nothing
/// allowed) to every `/v2/` response.
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
    let headers = response.headers_mut();
    headers.insert("docker-distribution-api-version", HeaderValue::from_static("registry/2.0"));
    headers.insert("x-content-type-options", HeaderValue::from_static("nosniff"));
    headers.insert("content-security-policy", HeaderValue::from_static("sandbox; default-src 'none'"));
    let insufficient_scope = response.extensions().get::<InsufficientScope>().is_some();
    if response.status() == StatusCode::UNAUTHORIZED || insufficient_scope {
        let mut value = format!("Bearer realm=\"{scheme}://{host}/auth/token\",service=\"{host}\"");
        if let Some(scope) = scope {
            value.push_str(&format!(",scope=\"{scope}\""));
        }
        if insufficient_scope {
            value.push_str(",error=\"insufficient_scope\"");
        }
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.headers_mut().insert(WWW_AUTHENTICATE, value);
        }
    }
    response
}

/// The token action a request needs on its repository: reads pull, deletes delete,
/// everything else pushes.
fn needed_action(method: &Method) -> &'static str {
    match *method {
        Method::GET | Method::HEAD => "pull",
        Method::DELETE => "delete",
        _ => "push",
    }
}

/// Whether a registry token's claims cover the request.
fn token_covers(claims: &Claims, route: &Route, method: &Method) -> bool {
    match route.repository() {
        Some(name) => claims.allows(name.full(), needed_action(method)),
        None => claims.access.iter().any(|a| a.kind == "registry" && a.name == "catalog"),
    }
}

/// The token scope a `/v2/` request needs, from its method and path.
fn scope_for(method: &Method, path: &str) -> Option<String> {
    let rest = path.strip_prefix("/v2/")?;
    let route = path::parse(rest).ok()?;
    let Some(name) = route.repository() else { return Some("registry:catalog:*".to_string()) };
    let actions = match needed_action(method) {
        "push" => "pull,push",
        action => action,
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

    fn claims(access: &[(&str, &str, &[&str])]) -> Claims {
        Claims {
            iss: "berth".into(),
            sub: "alice".into(),
            aud: "registry.test".into(),
            exp: 0,
            nbf: 0,
            iat: 0,
            jti: "x".into(),
            access: access
                .iter()
                .map(|(kind, name, actions)| crate::crypto::registry_token::Access {
                    kind: kind.to_string(),
                    name: name.to_string(),
                    actions: actions.iter().map(|a| a.to_string()).collect(),
                })
                .collect(),
            berth: crate::crypto::registry_token::Subject::User { id: 1, admin: false },
        }
    }

    #[test]
    fn a_token_covers_only_what_it_grants() {
        let pull_only = claims(&[("repository", "acme/api", &["pull"])]);
        let manifest = path::parse("acme/api/manifests/v1").unwrap();
        assert!(token_covers(&pull_only, &manifest, &Method::GET));
        assert!(token_covers(&pull_only, &manifest, &Method::HEAD));
        assert!(!token_covers(&pull_only, &manifest, &Method::PUT), "a pull token cannot push");
        assert!(!token_covers(&pull_only, &manifest, &Method::DELETE), "a pull token cannot delete");
        let upload = path::parse("acme/api/blobs/uploads/").unwrap();
        assert!(!token_covers(&pull_only, &upload, &Method::POST));
        let other = path::parse("acme/other/manifests/v1").unwrap();
        assert!(!token_covers(&pull_only, &other, &Method::GET), "another repository");
        assert!(!token_covers(&pull_only, &path::parse("_catalog").unwrap(), &Method::GET));

        let everything = claims(&[("repository", "acme/api", &["*"]), ("registry", "catalog", &["*"])]);
        assert!(token_covers(&everything, &manifest, &Method::DELETE));
        assert!(token_covers(&everything, &upload, &Method::PATCH));
        assert!(token_covers(&everything, &path::parse("_catalog").unwrap(), &Method::GET));
        assert!(!token_covers(&claims(&[]), &manifest, &Method::GET), "a token with no access covers nothing");
    }
}
