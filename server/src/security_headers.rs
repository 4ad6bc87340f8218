//! Headers that keep Berth's origin from running anything it did not write: every
//! response is served without content sniffing; console and API responses may not
//! be framed, send no referrer to other sites, and carry a Content-Security-Policy.
//! Console pages set their own policy while rendering (it names the page's script
//! nonce, see `app::shell`); everything else gets one that allows nothing. `/v2/`
//! responses get a sandbox instead (`distribution::challenge`).

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS};
use axum::middleware::Next;
use axum::response::Response;

/// For responses that are not console pages: JSON, assets, redirects, errors.
const NOTHING_ALLOWED: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

pub async fn add_security_headers(req: Request, next: Next) -> Response {
    let registry = req.uri().path() == "/v2" || req.uri().path().starts_with("/v2/");
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    if !registry {
        headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
        headers.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
        if !headers.contains_key(CONTENT_SECURITY_POLICY) {
            headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(NOTHING_ALLOWED));
        }
    }
    response
}
