//! One file per console route.

mod admin_gc;
mod admin_users;
mod audit_log;
mod cleanup;
mod home;
mod members;
mod not_found;
pub(crate) mod registries;
mod registry;
mod repository;
mod sign_in;
mod tag;
mod workspace;
mod workspace_settings;
mod workspaces;

pub use admin_gc::AdminGcPage;
pub use admin_users::AdminUsersPage;
pub use audit_log::AuditLogPage;
pub use cleanup::CleanupPage;
pub use home::HomePage;
pub use members::MembersPage;
pub use not_found::NotFoundPage;
pub use registries::RegistriesPage;
pub use registry::RegistryPage;
pub use repository::RepositoryPage;
pub use sign_in::SignInPage;
pub use tag::TagPage;
pub use workspace::WorkspacePage;
pub use workspace_settings::WorkspaceSettingsPage;
pub use workspaces::WorkspacesPage;
