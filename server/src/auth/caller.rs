//! The one place a request's identity is worked out. Every request leaves this
//! middleware with a `Caller` in its extensions (anonymous if nothing identifies it);
//! handlers and server functions take it from there and never look at credentials.

use crate::api::error::ApiError;
use crate::auth::token_endpoint::token_error;
use crate::crypto::registry_token::Claims;
use crate::crypto::secret::TOKEN_PREFIX;
use crate::db::sessions::SESSION_USER_KEY;
use crate::distribution::error::OciError;
use crate::state::AppState;
use app::domain::Error;
use app::domain::policy::{Caller, Principal};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{AUTHORIZATION, HOST};
use axum::http::{HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use std::net::SocketAddr;
use tower_sessions::Session;

/// Which surface a request is for: they take different credentials and answer
/// authentication failures in their own format.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Surface {
    /// `/v2/`: Basic, registry tokens or personal access tokens; never cookies.
    Registry,
    /// `/auth/token`: Basic credentials or none.
    TokenEndpoint,
    /// The console and `/api/v1`: Basic, personal access tokens or the session.
    Web,
}

impl Surface {
    fn of(path: &str) -> Surface {
        if path == "/v2" || path.starts_with("/v2/") {
            Surface::Registry
        } else if path == "/auth/token" {
            Surface::TokenEndpoint
        } else {
            Surface::Web
        }
    }

    fn refuse(self, err: Error) -> Response {
        match self {
            Surface::Registry => OciError(err).into_response(),
            Surface::TokenEndpoint => token_error(err),
            Surface::Web => ApiError(err).into_response(),
        }
    }
}

pub async fn resolve_caller(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let client_addr = client_addr(&req, state.config.trust_proxy_headers);
    let public_host = public_host(&state, req.headers());
    let surface = Surface::of(req.uri().path());
    let principal = match req.headers().get(AUTHORIZATION) {
        Some(header) => match authenticate_header(&state, surface, header, &client_addr).await {
            Ok((principal, claims)) => {
                if let Some(claims) = claims {
                    req.extensions_mut().insert(claims);
                }
                principal
            }
            Err(err) => return surface.refuse(err),
        },
        // Only the web routes sit behind the session layer; registry traffic never
        // pays for cookies.
        None => match req.extensions().get::<Session>().cloned() {
            Some(session) => match principal_from_session(&state, &session).await {
                Ok(principal) => principal,
                Err(err) => return surface.refuse(err),
            },
            None => Principal::Anonymous,
        },
    };
    req.extensions_mut().insert(Caller { principal, client_addr, public_host });
    next.run(req).await
}

async fn authenticate_header(
    state: &AppState,
    surface: Surface,
    header: &HeaderValue,
    client_addr: &str,
) -> Result<(Principal, Option<Claims>), Error> {
    if let Some((username, secret)) = basic_credentials(header) {
        return state.services.authenticate_basic(&username, &secret, client_addr).await.map(|p| (p, None));
    }
    let token = bearer_token(header).ok_or(Error::Unauthenticated)?;
    if token.starts_with(TOKEN_PREFIX) {
        return state.services.authenticate_bearer(token, client_addr).await.map(|p| (p, None));
    }
    if surface == Surface::Registry {
        let claims = state.services.token_key.verify(token, crate::db::now_ms() / 1000).ok_or(Error::Unauthenticated)?;
        return Ok((claims.principal(), Some(claims)));
    }
    Err(Error::Unauthenticated)
}

fn bearer_token(header: &HeaderValue) -> Option<&str> {
    let (scheme, token) = header.to_str().ok()?.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// The host requests were addressed to, as image references and commands should
/// name it: the configured public URL, else the request's Host header.
fn public_host(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = &state.config.public_url {
        return url.authority.clone();
    }
    headers
        .get(HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')))
        .map(str::to_ascii_lowercase)
        .unwrap_or_else(|| state.leptos_options.site_addr.to_string())
}

/// `Basic base64(username:secret)`.
fn basic_credentials(header: &HeaderValue) -> Option<(String, String)> {
    let value = header.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let decoded = String::from_utf8(decoded).ok()?;
    let (username, password) = decoded.split_once(':')?;
    Some((username.to_string(), password.to_string()))
}

async fn principal_from_session(state: &AppState, session: &Session) -> Result<Principal, Error> {
    let user_id = match session.get::<i64>(SESSION_USER_KEY).await {
        Ok(Some(id)) => id,
        Ok(None) => return Ok(Principal::Anonymous),
        Err(err) => {
            tracing::warn!(error = %err, "unreadable session; treating the request as anonymous");
            return Ok(Principal::Anonymous);
        }
    };
    match state.services.identity_of_user(user_id).await? {
        Some(identity) => Ok(Principal::User(identity)),
        None => {
            // The user was deleted or disabled since signing in.
            let _ = session.flush().await;
            Ok(Principal::Anonymous)
        }
    }
}

fn client_addr(req: &Request, trust_proxy_headers: bool) -> String {
    if trust_proxy_headers && let Some(forwarded) = first_forwarded_for(req.headers()) {
        return forwarded;
    }
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip().to_string())
        .unwrap_or_else(|| "unknown".to_string())
}

fn first_forwarded_for(headers: &HeaderMap) -> Option<String> {
    let value = headers.get("x-forwarded-for")?.to_str().ok()?;
    let first = value.split(',').next()?.trim();
    first.parse::<std::net::IpAddr>().ok().map(|ip| ip.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_credentials_are_decoded() {
        let header = HeaderValue::from_static("Basic YWxpY2U6czNjcjp3aXRoOmNvbG9ucw==");
        assert_eq!(basic_credentials(&header), Some(("alice".into(), "s3cr:with:colons".into())));
        for bad in ["Bearer abc", "Basic !!!", "Basic YWxpY2U=", "Basic"] {
            assert_eq!(basic_credentials(&HeaderValue::from_static(bad)), None, "{bad}");
        }
        assert_eq!(bearer_token(&HeaderValue::from_static("Bearer berth_pat_x")), Some("berth_pat_x"));
        assert_eq!(bearer_token(&HeaderValue::from_static("Basic abc")), None);
    }

    #[test]
    fn forwarded_for_takes_the_first_valid_address() {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", HeaderValue::from_static("203.0.113.7, 10.0.0.1"));
        assert_eq!(first_forwarded_for(&headers).as_deref(), Some("203.0.113.7"));
        headers.insert("x-forwarded-for", HeaderValue::from_static("not-an-ip"));
        assert_eq!(first_forwarded_for(&headers), None);
    }
}
