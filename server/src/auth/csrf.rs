//! Cross-site request forgery protection. A state-changing request that a browser
//! could send on its own (it carries the session cookie, or it is the sign-in form)
//! must come from Berth's own pages: `Sec-Fetch-Site` says same-origin, or `Origin`
//! (else `Referer`) names this host. Requests with explicit credentials, and requests
//! with no session at all, have nothing to forge. Session cookies are also
//! `SameSite=Lax`, so this is the second of two locks.

use crate::state::AppState;
use axum::extract::{Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE, HOST, ORIGIN, REFERER};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

pub async fn reject_cross_site(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe_method = matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let ambient = has_session_cookie(req.headers()) || req.uri().path() == "/login";
    if safe_method || !ambient || req.headers().contains_key(AUTHORIZATION) || is_token_surface(req.uri().path()) {
        return next.run(req).await;
    }
    let expected = match &state.config.public_url {
        Some(url) => Some(url.authority.clone()),
        None => req.headers().get(HOST).and_then(|h| h.to_str().ok()).map(str::to_ascii_lowercase),
    };
    if is_same_origin(req.headers(), expected.as_deref()) {
        return next.run(req).await;
    }
    tracing::warn!(path = req.uri().path(), "cross-site request refused");
    refusal(req.uri().path())
}

fn has_session_cookie(headers: &HeaderMap) -> bool {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(name, _)| name == super::SESSION_COOKIE)
}

/// `/v2/` and `/auth/token` never read cookies; their credentials are explicit.
fn is_token_surface(path: &str) -> bool {
    path == "/v2" || path.starts_with("/v2/") || path == "/auth/token"
}

fn is_same_origin(headers: &HeaderMap, expected_authority: Option<&str>) -> bool {
    let header = |name| headers.get(name).and_then(|v| v.to_str().ok());
    if let Some(site) = header("sec-fetch-site") {
        return site == "same-origin";
    }
    let Some(expected) = expected_authority else { return false };
    let source = header(ORIGIN.as_str()).filter(|o| *o != "null").or_else(|| header(REFERER.as_str()));
    source.and_then(authority_of).is_some_and(|authority| authority.eq_ignore_ascii_case(expected))
}

/// `https://host:port/path` → `host:port`
fn authority_of(url: &str) -> Option<&str> {
    let rest = url.split_once("://")?.1;
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    Some(&rest[..end]).filter(|a| !a.is_empty())
}

fn refusal(path: &str) -> Response {
    const MESSAGE: &str = "Cross-site request refused: this action must come from Berth's own pages.";
    let body = if path.starts_with("/console/fn/") {
        // The shape the console's server functions decode as an error.
        serde_json::json!({ "code": "CSRF_REJECTED", "message": MESSAGE })
    } else {
        serde_json::json!({ "error": { "code": "CSRF_REJECTED", "message": MESSAGE } })
    };
    (StatusCode::FORBIDDEN, axum::Json(body)).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (k, v) in pairs {
            map.insert(*k, HeaderValue::from_static(v));
        }
        map
    }

    #[test]
    fn same_origin_is_recognised() {
        let host = Some("berth.test:5000");
        assert!(is_same_origin(&headers(&[("origin", "http://berth.test:5000")]), host));
        assert!(is_same_origin(&headers(&[("referer", "http://berth.test:5000/admin?x=1")]), host));
        assert!(is_same_origin(&headers(&[("sec-fetch-site", "same-origin")]), host));
    }

    #[test]
    fn everything_else_is_refused() {
        let host = Some("berth.test:5000");
        for h in [
            headers(&[]),
            headers(&[("origin", "http://evil.test")]),
            headers(&[("origin", "http://berth.test:5000.evil.test")]),
            headers(&[("origin", "null")]),
            headers(&[("referer", "http://evil.test/berth.test:5000")]),
            headers(&[("sec-fetch-site", "cross-site"), ("origin", "http://berth.test:5000")]),
            headers(&[("sec-fetch-site", "same-site")]),
        ] {
            assert!(!is_same_origin(&h, host), "{h:?}");
        }
        assert!(!is_same_origin(&headers(&[("origin", "http://berth.test:5000")]), None));
    }
}
