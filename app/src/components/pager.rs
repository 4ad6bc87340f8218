//! "← Previous · Page n of m · Next →" under a paged table.

use leptos::prelude::*;

/// `page` counts from 0; `pages` is at least 1. `detail`, when given, follows the
/// page count (for example " · 12 registries").
#[component]
pub fn Pager(
    page: RwSignal<usize>,
    #[prop(into)] pages: Signal<usize>,
    #[prop(optional, into)] detail: Option<Signal<String>>,
) -> impl IntoView {
    let summary = move || {
        let pages = pages.get().max(1);
        let mut text = format!("Page {} of {}", page.get().min(pages - 1) + 1, pages);
        if let Some(detail) = detail {
            text.push_str(&detail.get());
        }
        text
    };
    view! {
        <nav class="pager" aria-label="Pages">
            <button
                type="button"
                class="button small"
                disabled=move || page.get() == 0
                on:click=move |_| page.update(|p| *p = p.saturating_sub(1))
            >
                "← Previous"
            </button>
            <span class="muted small">{summary}</span>
            <button
                type="button"
                class="button small"
                disabled=move || { page.get() + 1 >= pages.get() }
                on:click=move |_| page.update(|p| *p += 1)
            >
                "Next →"
            </button>
        </nav>
    }
}
