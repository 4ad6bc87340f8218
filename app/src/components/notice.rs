use crate::error::ConsoleError;
use leptos::prelude::*;

/// An error from the server, as a readable sentence announced to screen readers.
#[component]
pub fn ErrorNotice(error: ConsoleError) -> impl IntoView {
    view! {
        <p class="notice error" role="alert">
            {error.message}
        </p>
    }
}

/// A short success message.
#[component]
pub fn SuccessNotice(#[prop(into)] message: String) -> impl IntoView {
    view! {
        <p class="notice success" role="status">
            {message}
        </p>
    }
}
