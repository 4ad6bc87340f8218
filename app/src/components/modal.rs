//! Modals and drawers on the native `<dialog>` element: the browser traps focus
//! inside, makes the page behind inert, and closes it on Escape.

use leptos::prelude::*;

#[component]
pub fn Modal(
    open: RwSignal<bool>,
    /// Unique id; the title's id is derived from it (`aria-labelledby`).
    #[prop(into)]
    id: String,
    #[prop(into)] title: String,
    /// `"modal"` or `"drawer"`.
    #[prop(default = "modal")]
    kind: &'static str,
    children: ChildrenFn,
) -> impl IntoView {
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        let wanted = open.get();
        if let Some(element) = dialog.get() {
            if wanted && !element.open() {
                let _ = element.show_modal();
            } else if !wanted && element.open() {
                element.close();
            }
        }
    });
    let title_id = format!("{id}-title");
    let labelled_by = title_id.clone();
    view! {
        <dialog
            id=id
            class=kind
            node_ref=dialog
            aria-labelledby=labelled_by
            on:close=move |_| open.set(false)
        >
            <header class="dialog-header">
                <h2 id=title_id>{title}</h2>
                <button type="button" class="icon-button" aria-label="Close" on:click=move |_| open.set(false)>
                    "×"
                </button>
            </header>
            <div class="dialog-body">{move || open.get().then(|| children())}</div>
        </dialog>
    }
}
