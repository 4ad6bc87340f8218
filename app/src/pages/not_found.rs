use crate::components::logo::Logo;
use leptos::prelude::*;
use leptos_meta::Title;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(axum::http::StatusCode::NOT_FOUND);
    }
    view! {
        <Title text="Page not found" />
        <main class="standalone">
            <div class="standalone-card">
                <Logo size=40 />
                <h1>"Page not found"</h1>
                <p class="muted">
                    "There is nothing at this address. It may have been removed, or the link may be mistyped."
                </p>
                <a class="button primary" href="/">
                    "Back to Berth"
                </a>
            </div>
        </main>
    }
}
