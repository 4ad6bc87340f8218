#![recursion_limit = "256"]
//! Berth's console: the Leptos app rendered on the server and hydrated in the browser.

pub mod components;
pub mod domain;
pub mod dto;
pub mod error;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod ports;
pub mod server_fns;

use components::shell::ConsoleLayout;
use leptos::prelude::*;
use leptos_meta::{MetaTags, Title, provide_meta_context};
use leptos_router::SsrMode;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;
use pages::*;

/// The HTML document around the app, rendered on the server only.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    set_page_security_policy();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" type="image/svg+xml" href=components::logo::FAVICON />
                <link rel="stylesheet" href="/pkg/berth.css" />
                <HydrationScripts options />
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}

/// Every page's `<title>`. leptos_meta writes the title into the server's HTML as it
/// is, so it is escaped here, the one place every title passes through; in the
/// browser it becomes `document.title`, which is text and must not be escaped.
fn page_title(page: String) -> String {
    let title = format!("{page} · Berth");
    if cfg!(feature = "ssr") { domain::html::escape_text(&title) } else { title }
}

/// The Content-Security-Policy of a console page: scripts only from the page's own
/// nonce (the hydration script, and what it loads), styles and everything else only
/// from Berth itself; images may also come from https (repository descriptions link
/// badges); nobody may frame the page.
#[cfg(feature = "ssr")]
fn set_page_security_policy() {
    use axum::http::HeaderValue;
    use axum::http::header::CONTENT_SECURITY_POLICY;
    let (Some(nonce), Some(response)) = (leptos::nonce::use_nonce(), use_context::<leptos_axum::ResponseOptions>()) else {
        return;
    };
    let policy = format!(
        "default-src 'self'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; style-src 'self'; \
         img-src 'self' data: https:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    );
    if let Ok(value) = HeaderValue::from_str(&policy) {
        response.insert_header(CONTENT_SECURITY_POLICY, value);
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();

    view! {
        <Title formatter=page_title />
        <Router>
            <Routes fallback=|| view! { <NotFoundPage /> }>
                <Route path=path!("/login") view=SignInPage ssr=SsrMode::Async />
                <ParentRoute path=path!("") view=ConsoleLayout ssr=SsrMode::Async>
                    <Route path=path!("") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/admin/users") view=AdminUsersPage ssr=SsrMode::Async />
                    <Route path=path!("/admin/gc") view=AdminGcPage ssr=SsrMode::Async />
                    <Route path=path!("/workspaces") view=WorkspacesPage ssr=SsrMode::Async />
                    <Route path=path!("/w/:ws") view=WorkspacePage ssr=SsrMode::Async />
                    <Route path=path!("/w/:ws/members") view=MembersPage ssr=SsrMode::Async />
                    <Route path=path!("/w/:ws/registries") view=RegistriesPage ssr=SsrMode::Async />
                    <Route path=path!("/r/:reg") view=RegistryPage ssr=SsrMode::Async />
                    <Route path=path!("/r/:reg/cleanup") view=CleanupPage ssr=SsrMode::Async />
                    <Route path=path!("/r/:reg/repo/*repo") view=RepositoryPage ssr=SsrMode::Async />
                    <Route path=path!("/r/:reg/tag/*reference") view=TagPage ssr=SsrMode::Async />
                    <Route path=path!("/w/:ws/audit") view=AuditLogPage ssr=SsrMode::Async />
                    <Route path=path!("/w/:ws/settings") view=WorkspaceSettingsPage ssr=SsrMode::Async />
                </ParentRoute>
            </Routes>
        </Router>
    }
}
