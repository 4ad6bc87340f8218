//! Who is calling: sessions, Basic credentials, CSRF protection and sign-in/out.

pub mod caller;
pub mod csrf;
pub mod password;
pub mod registry_token;
pub mod secret;
pub mod sign_in;
pub mod token_endpoint;

pub use caller::resolve_caller;
pub use csrf::reject_cross_site;

/// The console's session cookie.
pub const SESSION_COOKIE: &str = "berth_session";
