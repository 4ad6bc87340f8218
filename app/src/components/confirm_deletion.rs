//! Deleting several things at once: the "Delete selected (n)" button above a table,
//! and the confirmation that names every one of them and says how many go.

use crate::components::modal::Modal;
use leptos::prelude::*;

#[component]
pub fn ConfirmDeletion(
    open: RwSignal<bool>,
    #[prop(into)] id: String,
    #[prop(into)] title: String,
    /// The sentence above the list.
    #[prop(into)]
    intro: String,
    /// Below the list, if anything more needs saying.
    #[prop(optional, into)]
    note: Option<String>,
    /// What will be deleted, as people read it.
    #[prop(into)]
    items: Signal<Vec<String>>,
    /// Plural noun for the button: "Delete 3 {noun}".
    noun: &'static str,
    /// Runs with the items when the deletion is confirmed.
    on_confirm: Callback<Vec<String>>,
) -> impl IntoView {
    view! {
        <Modal open id title>
            <p>{intro.clone()}</p>
            <ul class="confirm-list">
                {move || items.get().into_iter().map(|n| view! { <li><strong>{n}</strong></li> }).collect_view()}
            </ul>
            {note.clone().map(|note| view! { <p class="muted small">{note}</p> })}
            <div class="dialog-actions">
                <button type="button" class="button" on:click=move |_| open.set(false)>"Cancel"</button>
                <button
                    type="button"
                    class="button danger"
                    on:click=move |_| {
                        on_confirm.run(items.get_untracked());
                        open.set(false);
                    }
                >
                    {move || format!("Delete {} {noun}", items.with(Vec::len))}
                </button>
            </div>
        </Modal>
    }
}

/// "Delete selected (n)", disabled while nothing is selected.
#[component]
pub fn DeleteSelectedButton(
    #[prop(into)] count: Signal<usize>,
    /// Opens the confirmation (after noting what is to go, if the page needs to).
    on_click: Callback<()>,
) -> impl IntoView {
    view! {
        <button
            type="button"
            class="button danger-outline"
            disabled=move || count.get() == 0
            on:click=move |_| on_click.run(())
        >
            {move || format!("Delete selected ({})", count.get())}
        </button>
    }
}
