//! "← Previous · Page n of m · Next →" under a list the server pages by keyset: each
//! page comes with the cursors of its neighbours, and the pager asks for the page
//! after `next` or before `previous`.

use leptos::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageCursor {
    After(String),
    Before(String),
}

/// Which page of a list is shown: the cursor it was asked for with (`None` for the
/// first page) and its index from 0, for "page n of m".
#[derive(Clone, Copy)]
pub struct PagePosition {
    pub cursor: RwSignal<Option<PageCursor>>,
    pub index: RwSignal<usize>,
}

impl Default for PagePosition {
    fn default() -> Self {
        PagePosition { cursor: RwSignal::new(None), index: RwSignal::new(0) }
    }
}

impl PagePosition {
    /// Back to the first page (after the filter or the sort changed).
    pub fn restart(&self) {
        self.cursor.set(None);
        self.index.set(0);
    }
}

/// A page's `(after, before)` server-function arguments.
pub fn after_before(cursor: Option<PageCursor>) -> (Option<String>, Option<String>) {
    match cursor {
        Some(PageCursor::After(cursor)) => (Some(cursor), None),
        Some(PageCursor::Before(cursor)) => (None, Some(cursor)),
        None => (None, None),
    }
}

/// How many pages of `page_size` rows `rows` fill (at least one).
pub fn page_count(rows: i64, page_size: usize) -> usize {
    usize::try_from(rows.max(1)).unwrap_or(1).div_ceil(page_size)
}

/// `detail`, when not empty, follows the page count (for example " · 12 registries").
#[component]
pub fn KeysetPager(
    position: PagePosition,
    pages: usize,
    next: Option<String>,
    previous: Option<String>,
    #[prop(optional, into)] detail: String,
    /// Names the list for screen readers when a page has more than one pager.
    #[prop(default = "Pages")]
    label: &'static str,
) -> impl IntoView {
    let summary = move || format!("Page {} of {pages}{detail}", (position.index.get() + 1).min(pages));
    let (has_previous, has_next) = (previous.is_some(), next.is_some());
    view! {
        <nav class="pager" aria-label=label>
            <button
                type="button"
                class="button small"
                disabled=!has_previous
                on:click=move |_| {
                    if let Some(cursor) = previous.clone() {
                        position.index.update(|i| *i = i.saturating_sub(1));
                        position.cursor.set(Some(PageCursor::Before(cursor)));
                    }
                }
            >
                "← Previous"
            </button>
            <span class="muted small">{summary}</span>
            <button
                type="button"
                class="button small"
                disabled=!has_next
                on:click=move |_| {
                    if let Some(cursor) = next.clone() {
                        position.index.update(|i| *i += 1);
                        position.cursor.set(Some(PageCursor::After(cursor)));
                    }
                }
            >
                "Next →"
            </button>
        </nav>
    }
}
