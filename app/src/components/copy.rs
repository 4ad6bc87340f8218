//! A button that copies text to the clipboard and says so.

use leptos::prelude::*;

#[component]
pub fn CopyButton(
    #[prop(into)] text: Signal<String>,
    /// What is being copied, for screen readers ("Copy endpoint").
    #[prop(into, default = "Copy".to_string())]
    label: String,
) -> impl IntoView {
    let copied = RwSignal::new(false);
    let on_click = move |_| {
        #[cfg(feature = "hydrate")]
        {
            let value = text.get_untracked();
            let _ = window().navigator().clipboard().write_text(&value);
            copied.set(true);
            set_timeout(move || copied.set(false), std::time::Duration::from_millis(1800));
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = text;
    };
    view! {
        <button type="button" class="button small copy" aria-label=label on:click=on_click>
            <span aria-live="polite">{move || if copied.get() { "Copied ✓" } else { "Copy" }}</span>
        </button>
    }
}

/// A command or value in a box, with its copy button.
#[component]
pub fn CopyBlock(#[prop(into)] text: Signal<String>, #[prop(into, default = "Copy".to_string())] label: String) -> impl IntoView {
    view! {
        <div class="copy-block">
            <pre><code>{move || text.get()}</code></pre>
            <CopyButton text label />
        </div>
    }
}
