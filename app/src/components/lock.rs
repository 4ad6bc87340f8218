//! The padlock shown on immutable tags. Drawn as SVG: an emoji depends on the
//! fonts of the viewer's system and shows as an empty box without them.

use leptos::prelude::*;

#[component]
pub fn LockIcon(#[prop(into)] label: String) -> impl IntoView {
    view! {
        <span class="lock" title=label.clone() role="img" aria-label=label>
            <svg viewBox="0 0 16 16" width="13" height="13" aria-hidden="true">
                <rect x="3" y="7" width="10" height="8" rx="1.5" fill="currentColor" />
                <path d="M5 7V5a3 3 0 0 1 6 0v2" fill="none" stroke="currentColor" stroke-width="1.8" />
            </svg>
        </span>
    }
}
