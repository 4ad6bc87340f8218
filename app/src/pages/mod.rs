//! One file per console route.

mod admin_users;
mod home;
mod not_found;
mod sign_in;

pub use admin_users::AdminUsersPage;
pub use home::HomePage;
pub use not_found::NotFoundPage;
pub use sign_in::SignInPage;
