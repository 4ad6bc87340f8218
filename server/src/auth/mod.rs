//! Who is calling, over HTTP: sessions, Basic and Bearer credentials, CSRF protection,
//! sign-in/out and the token endpoint. The cryptography behind them is in `crypto`.

pub mod caller;
pub mod csrf;
pub mod sign_in;
pub mod token_endpoint;

pub use caller::resolve_caller;
pub use csrf::reject_cross_site;

/// The console's session cookie.
pub const SESSION_COOKIE: &str = "berth_session";
