//! A button that opens a panel of links or actions. Escape, or a click elsewhere,
//! closes it; the button reports its state to assistive technology.

use leptos::prelude::*;

#[component]
pub fn MenuButton(
    /// The id of the panel, referenced by `aria-controls`.
    #[prop(into)]
    panel_id: String,
    #[prop(into)] button_class: String,
    #[prop(into)] panel_class: String,
    /// What the button shows.
    label: ViewFn,
    children: ChildrenFn,
) -> impl IntoView {
    let open = RwSignal::new(false);
    let container = NodeRef::<leptos::html::Div>::new();

    #[cfg(feature = "hydrate")]
    Effect::new(move |_| {
        use wasm_bindgen::JsCast;
        let handle = window_event_listener(leptos::ev::click, move |ev| {
            let target = ev.target().and_then(|t| t.dyn_into::<web_sys::Node>().ok());
            if let (Some(root), Some(target)) = (container.get_untracked(), target) {
                if !root.contains(Some(&target)) {
                    open.set(false);
                }
            }
        });
        on_cleanup(move || handle.remove());
    });

    view! {
        <div
            class="menu-button"
            node_ref=container
            on:keydown=move |ev| {
                if ev.key() == "Escape" {
                    open.set(false);
                }
            }
        >
            <button
                type="button"
                class=button_class
                aria-haspopup="true"
                aria-expanded=move || open.get().to_string()
                aria-controls=panel_id.clone()
                on:click=move |_| open.update(|o| *o = !*o)
            >
                {label.run()}
            </button>
            <div id=panel_id.clone() class=panel_class hidden=move || !open.get()>
                {children()}
            </div>
        </div>
    }
}
