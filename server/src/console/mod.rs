//! The console's routes: Leptos pages rendered on the server, its server functions,
//! the sign-in form handlers, and the middleware around them. `port.rs` implements
//! the console's port on `Services`, so server functions reach the same service
//! functions as `/api/v1`.

mod port;
mod render_threads;

use crate::auth::sign_in;
use crate::state::AppState;
use app::domain::Error;
use app::domain::policy::Caller;
use app::ports::SharedConsole;
use app::{App, shell};
use axum::extract::Request;
use axum::http::header::LOCATION;
use axum::http::{Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Extension, Router};
use leptos::prelude::provide_context;
use leptos_axum::{LeptosRoutes, generate_route_list, render_app_to_stream_with_context};
use std::sync::Arc;

pub fn routes(state: &AppState) -> Router<AppState> {
    let console: SharedConsole = Arc::new(state.services.clone());
    let context = move || provide_context(console.clone());
    let options = state.leptos_options.clone();
    let app_shell = move || shell(options.clone());

    let render_not_found = render_app_to_stream_with_context(context.clone(), app_shell.clone());
    let not_found = move |req: Request| {
        let render = render_not_found.clone();
        async move {
            let mut response = render(req).await;
            if response.status() == StatusCode::OK {
                *response.status_mut() = StatusCode::NOT_FOUND;
            }
            response
        }
    };

    Router::new()
        .route("/login", post(sign_in::sign_in))
        .route("/logout", post(sign_in::sign_out))
        .leptos_routes_with_context(state, generate_route_list(App), context, app_shell)
        .fallback(not_found)
        .layer(middleware::from_fn(render_threads::render_pages_on_one_thread))
        .layer(middleware::from_fn(require_sign_in))
        .layer(middleware::from_fn(malformed_calls_are_client_errors))
        .layer(middleware::from_fn(render_failures_are_answered))
        .layer(middleware::from_fn(oversized_calls_are_refused))
}

/// How long a page may take to render before the visitor gets an error instead.
const RENDER_DEADLINE: std::time::Duration = std::time::Duration::from_secs(30);

/// A page whose rendering panics or never finishes (a panic inside a task the render
/// waits on) is answered with a 500 and the fixed sentence, and logged, instead of
/// leaving the browser waiting and holding up shutdown.
async fn render_failures_are_answered(req: Request, next: Next) -> Response {
    use futures_util::FutureExt;
    let path = req.uri().path().to_string();
    let rendered = std::panic::AssertUnwindSafe(next.run(req)).catch_unwind();
    match tokio::time::timeout(RENDER_DEADLINE, rendered).await {
        Ok(Ok(response)) => response,
        Ok(Err(_)) => {
            tracing::error!(%path, "a console page panicked while rendering");
            crate::api::error::ApiError(Error::Internal).into_response()
        }
        Err(_) => {
            tracing::error!(%path, "a console page did not finish rendering in time");
            crate::api::error::ApiError(Error::Internal).into_response()
        }
    }
}

/// A server function's arguments are small; a larger body is refused with 413 in the
/// console's error shape before the framework reads it (which would answer 500).
async fn oversized_calls_are_refused(req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/console/fn/") {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    match axum::body::to_bytes(body, crate::startup::MAX_BODY_BYTES).await {
        Ok(bytes) => next.run(Request::from_parts(parts, axum::body::Body::from(bytes))).await,
        Err(_) => {
            let limit_kib = crate::startup::MAX_BODY_BYTES / 1024;
            let err = Error::TooLarge(format!("The request is larger than the {limit_kib} KiB a console form may send."));
            (StatusCode::PAYLOAD_TOO_LARGE, axum::Json(app::error::ConsoleError::from(err))).into_response()
        }
    }
}

/// The server-function framework answers arguments it cannot decode with a 500; they
/// are the client's mistake, so they become a 400 (the body already says
/// `INVALID_INPUT` in the console's error shape).
async fn malformed_calls_are_client_errors(req: Request, next: Next) -> Response {
    if !req.uri().path().starts_with("/console/fn/") {
        return next.run(req).await;
    }
    let response = next.run(req).await;
    if response.status() != StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
    let is_client_error = serde_json::from_slice::<app::error::ConsoleError>(&bytes).is_ok_and(|err| err.code == "INVALID_INPUT");
    if is_client_error {
        parts.status = StatusCode::BAD_REQUEST;
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// A request for a page (a GET or HEAD that is not a server function call).
fn is_page(req: &Request) -> bool {
    matches!(*req.method(), Method::GET | Method::HEAD) && !req.uri().path().starts_with("/console/fn/")
}

/// Console pages are for signed-in users: anyone else is sent to the sign-in page
/// (and brought back afterwards); a signed-in user never sees the sign-in form.
async fn require_sign_in(Extension(caller): Extension<Caller>, req: Request, next: Next) -> Response {
    if !is_page(&req) {
        return next.run(req).await;
    }
    let signed_in = caller.principal.user().is_some();
    let path = req.uri().path();
    if path == "/login" {
        if signed_in {
            return redirect("/");
        }
    } else if !signed_in {
        let target = req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/");
        let query = serde_urlencoded::to_string([("next", target)]).unwrap_or_default();
        return redirect(&format!("/login?{query}"));
    }
    next.run(req).await
}

fn redirect(location: &str) -> Response {
    (StatusCode::SEE_OTHER, [(LOCATION, location.to_string())]).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;

    async fn panicking_page() -> &'static str {
        panic!("a component failed")
    }

    #[tokio::test]
    async fn a_page_that_panics_while_rendering_is_answered_with_500() {
        let pages = Router::new()
            .route("/panics", get(panicking_page))
            .route("/fine", get(|| async { "fine" }))
            .layer(middleware::from_fn(render_failures_are_answered));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, pages).await.unwrap() });

        let client = reqwest::Client::new();
        let failed = client.get(format!("http://{addr}/panics")).send().await.unwrap();
        assert_eq!(failed.status(), 500);
        let body: serde_json::Value = failed.json().await.unwrap();
        assert_eq!(body["error"]["message"], Error::Internal.message(), "the fixed sentence, not the panic");
        let fine = client.get(format!("http://{addr}/fine")).send().await.unwrap();
        assert_eq!(fine.text().await.unwrap(), "fine", "the server goes on serving");
    }
}
