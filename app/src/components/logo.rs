use leptos::prelude::*;

/// The mark: a bollard with a mooring line, in the brand colour.
#[component]
pub fn Logo(#[prop(default = 28)] size: u32) -> impl IntoView {
    view! {
        <svg
            class="logo"
            width=size
            height=size
            viewBox="0 0 32 32"
            aria-hidden="true"
            focusable="false"
        >
            <rect width="32" height="32" rx="8" fill="#1f4fd1" />
            <path d="M9 22h14v3H9z" fill="#fff" />
            <path d="M12 12h8v10h-8z" fill="#fff" />
            <path d="M10 9h12v3H10z" fill="#9db7ff" />
            <path d="M4 17c4-3 8-3 12 0s8 3 12 0" stroke="#9db7ff" stroke-width="2" fill="none" />
        </svg>
    }
}

pub const FAVICON: &str = "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 32 32'%3E%3Crect width='32' height='32' rx='8' fill='%231f4fd1'/%3E%3Cpath d='M9 22h14v3H9zM12 12h8v10h-8z' fill='%23fff'/%3E%3Cpath d='M10 9h12v3H10z' fill='%239db7ff'/%3E%3C/svg%3E";
