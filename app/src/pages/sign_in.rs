//! The sign-in page. The form posts to `/login` (handled by the server, which owns the
//! session), so signing in works before, and without, the wasm bundle.

use crate::components::logo::Logo;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

#[component]
pub fn SignInPage() -> impl IntoView {
    let query = use_query_map();
    let param = move |name: &str| query.read().get(name);
    let error = move || param("error").map(|code| sign_in_error_message(&code, param("retry_minutes")));

    view! {
        <Title text="Sign in" />
        <main class="standalone">
            <div class="standalone-card sign-in">
                <div class="brand-large">
                    <Logo size=36 />
                    <span>"Berth"</span>
                </div>
                <h1>"Sign in"</h1>
                {move || error().map(|message| view! { <p class="notice error" role="alert">{message}</p> })}
                {move || {
                    param("signed_out")
                        .map(|_| view! { <p class="notice" role="status">"You have signed out."</p> })
                }}
                <form method="post" action="/login" class="form">
                    <input type="hidden" name="next" value=move || param("next").unwrap_or_default() />
                    <label for="username">"Username"</label>
                    <input
                        id="username"
                        name="username"
                        autocomplete="username"
                        autocapitalize="none"
                        spellcheck="false"
                        required
                        maxlength="256"
                        value=move || param("username").unwrap_or_default()
                    />
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required
                        maxlength="1024"
                    />
                    <button type="submit" class="button primary wide">
                        "Sign in"
                    </button>
                </form>
            </div>
        </main>
    }
}

fn sign_in_error_message(code: &str, retry_minutes: Option<String>) -> String {
    match code {
        "invalid" => "Wrong username or password.".to_string(),
        "throttled" => {
            let minutes = retry_minutes.unwrap_or_else(|| "a few".to_string());
            format!("Too many failed sign-in attempts. Try again in {minutes} minute(s).")
        }
        "disabled" => "This account is disabled. Ask an administrator to enable it.".to_string(),
        "missing" => "Enter both a username and a password.".to_string(),
        "too_long" => "The username or password is longer than allowed.".to_string(),
        "unavailable" => "Berth could not sign you in right now. Try again in a moment.".to_string(),
        _ => "Sign-in failed. Try again.".to_string(),
    }
}
