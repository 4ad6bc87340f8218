//! What travels between the server and the browser, and out of `/api/v1`: one type per
//! resource, so the console and the API show the same fields. Timestamps are RFC 3339
//! and ids are hex strings on the wire.

use crate::domain::cleanup::CleanupRule;
use crate::domain::model::{Id, RobotPermission, Role, Visibility};
use crate::domain::time::Timestamp;
use serde::{Deserialize, Serialize};

/// The signed-in user, as the shell and `/api/v1/me` show them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub username: String,
    pub email: Option<String>,
    pub is_admin: bool,
    pub workspaces: Vec<WorkspaceMembership>,
    /// Whether this user may create workspaces (admins, or everyone when the instance allows).
    #[serde(default)]
    pub may_create_workspaces: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceMembership {
    pub name: String,
    pub role: Role,
}

/// One user in the admin's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub username: String,
    pub email: Option<String>,
    pub is_admin: bool,
    pub disabled: bool,
    pub created_at: Timestamp,
    pub last_login_at: Option<Timestamp>,
}

/// A request to create a user; fields are validated by the service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    pub username: String,
    pub password: String,
    #[serde(default)]
    pub email: Option<String>,
    #[serde(default)]
    pub is_admin: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceSummary {
    pub name: String,
    pub display_name: String,
    /// The caller's role; `None` for an administrator who is not a member.
    pub role: Option<Role>,
    pub created_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Workspace {
    pub name: String,
    pub display_name: String,
    pub role: Option<Role>,
    pub created_at: Timestamp,
    pub members: i64,
    pub registries: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWorkspace {
    pub name: String,
    #[serde(default)]
    pub display_name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    pub username: String,
    pub role: Role,
    pub added_at: Timestamp,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrySummary {
    pub name: String,
    pub visibility: Visibility,
    pub description: String,
    pub repositories: i64,
    pub tags: i64,
    pub size_bytes: i64,
    pub created_at: Timestamp,
    pub last_push_at: Option<Timestamp>,
    #[serde(default)]
    pub quota_bytes: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registry {
    pub name: String,
    pub workspace: String,
    pub visibility: Visibility,
    pub description: String,
    /// `HOST/REGISTRY`: what image references start with.
    pub endpoint: String,
    pub created_at: Timestamp,
    pub repositories: i64,
    pub tags: i64,
    pub size_bytes: i64,
    pub last_push_at: Option<Timestamp>,
    pub quota_bytes: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRegistry {
    pub name: String,
    pub visibility: Visibility,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryPatch {
    #[serde(default)]
    pub visibility: Option<Visibility>,
    #[serde(default)]
    pub description: Option<String>,
    /// Whether repositories' tags are immutable unless a repository says otherwise.
    #[serde(default)]
    pub immutable_tags_default: Option<bool>,
    /// `Some(None)` (JSON `null`) removes the quota; absent leaves it as it is.
    #[serde(default, deserialize_with = "present_or_null")]
    pub quota_bytes: Option<Option<i64>>,
}

/// Tells a field that is absent (`None`) from one that is `null` (`Some(None)`).
fn present_or_null<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<Option<i64>>, D::Error> {
    Option::<i64>::deserialize(deserializer).map(Some)
}

/// A workspace's storage, per registry (blobs shared inside a registry count once).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkspaceUsage {
    pub size_bytes: i64,
    pub registries: Vec<RegistryUsage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryUsage {
    pub name: String,
    pub size_bytes: i64,
    pub quota_bytes: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Robot {
    pub id: Id,
    pub name: String,
    pub username: String,
    pub permission: RobotPermission,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRobot {
    pub name: String,
    pub permission: RobotPermission,
    #[serde(default)]
    pub expires_at: Option<Timestamp>,
}

/// A robot just created (or regenerated): the only time its secret is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RobotSecret {
    pub id: Id,
    pub name: String,
    pub username: String,
    pub permission: RobotPermission,
    pub expires_at: Option<Timestamp>,
    pub secret: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Token {
    pub id: Id,
    pub name: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewToken {
    pub name: String,
    #[serde(default)]
    pub expires_at: Option<Timestamp>,
}

/// A personal access token just created: the only time its value is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenSecret {
    pub id: Id,
    pub name: String,
    pub token: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: Id,
    pub at: Timestamp,
    pub actor: String,
    pub action: String,
    pub resource_type: String,
    pub resource: String,
    pub detail: Option<String>,
    pub client_addr: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepositorySummary {
    pub name: String,
    pub tags: i64,
    pub size_bytes: i64,
    pub pulls: i64,
    pub last_push_at: Option<Timestamp>,
    pub last_pulled_at: Option<Timestamp>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagSummary {
    pub name: String,
    pub digest: String,
    pub size_bytes: i64,
    pub pushed_at: Timestamp,
    pub pulls: i64,
    pub last_pulled_at: Option<Timestamp>,
    /// `os/arch`, or the platforms of an index.
    #[serde(default)]
    pub platform: Option<String>,
    /// Signatures, SBOMs and other artifacts that refer to this tag's image.
    #[serde(default)]
    pub referrers: Vec<Referrer>,
}

/// The orders a workspace's registry list comes in (all but `Name` newest, largest
/// or most recently pushed first; ties by name).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrySort {
    #[default]
    Name,
    Created,
    Size,
    LastPush,
}

/// One page of a registry's repositories whose names contain the filter, by name,
/// found by keyset like `TagPage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepositoryPage {
    pub repositories: Vec<RepositorySummary>,
    /// Repositories matching the filter, and in the whole registry.
    pub matching: i64,
    pub total: i64,
    pub next: Option<String>,
    pub previous: Option<String>,
}

/// One page of a repository's untagged images, newest first, found by keyset like
/// `TagPage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UntaggedPage {
    pub images: Vec<UntaggedImage>,
    pub total: i64,
    pub next: Option<String>,
    pub previous: Option<String>,
}

/// One page of a workspace's registries whose names contain the filter, found by
/// keyset like `TagPage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistryPage {
    pub registries: Vec<RegistrySummary>,
    /// Registries matching the filter, and in the whole workspace.
    pub matching: i64,
    pub total: i64,
    pub next: Option<String>,
    pub previous: Option<String>,
}

/// The orders the repository page lists tags in (all but `Name` newest, biggest or
/// most pulled first; ties by name).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TagSort {
    Name,
    #[default]
    Pushed,
    Size,
    Pulls,
}

/// One page of a repository's tags in a `TagSort` order, found by keyset: pass
/// `next` as `after` (or `previous` as `before`) for the neighbouring page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagPage {
    pub tags: Vec<TagSummary>,
    /// Tags in the whole repository.
    pub total: i64,
    pub next: Option<String>,
    pub previous: Option<String>,
    /// The most recently pushed tag of the repository (for its pull command).
    pub newest: Option<String>,
}

/// An image no tag names (pushed by digest, or left when its tag moved), with the
/// artifacts that refer to it. Referrers and index children are not listed here:
/// they appear under their image.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UntaggedImage {
    pub digest: String,
    pub media_type: String,
    pub artifact_type: Option<String>,
    pub size_bytes: i64,
    pub platform: Option<String>,
    pub pushed_at: Timestamp,
    pub referrers: Vec<Referrer>,
}

/// What destroying a registry removed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DestroyReport {
    pub registry: String,
    pub repositories: i64,
    pub tags: i64,
    pub size_bytes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Platform {
    pub os: String,
    pub architecture: String,
    pub variant: Option<String>,
    pub digest: String,
    pub size_bytes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Layer {
    pub digest: String,
    pub media_type: String,
    pub size_bytes: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Referrer {
    pub digest: String,
    pub artifact_type: Option<String>,
    pub media_type: String,
    pub size_bytes: i64,
}

impl Referrer {
    /// What people call it: "signature", "SBOM", "attestation", or the artifact type.
    pub fn label(&self) -> String {
        let kind = self.artifact_type.as_deref().unwrap_or(&self.media_type).to_ascii_lowercase();
        if kind.contains("sig") || kind.contains("notary") {
            "signature".into()
        } else if kind.contains("sbom") || kind.contains("spdx") || kind.contains("cyclonedx") {
            "SBOM".into()
        } else if kind.contains("attestation") || kind.contains("in-toto") || kind.contains("provenance") {
            "attestation".into()
        } else {
            self.artifact_type.clone().unwrap_or_else(|| self.media_type.clone())
        }
    }
}

/// One tag and the image it names, as the tag page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TagDetail {
    pub name: String,
    pub repository: String,
    pub digest: String,
    pub media_type: String,
    /// The config digest, which Docker calls the image ID.
    pub image_id: Option<String>,
    pub size_bytes: i64,
    pub os: Option<String>,
    pub architecture: Option<String>,
    pub platforms: Vec<Platform>,
    pub layers: Vec<Layer>,
    pub history: Vec<String>,
    pub labels: Vec<(String, String)>,
    pub referrers: Vec<Referrer>,
    pub pushed_at: Timestamp,
    pub last_pulled_at: Option<Timestamp>,
    pub pulls: i64,
}

/// A repository's settings and numbers (`GET …/repositories/{repo}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepositoryDetail {
    pub name: String,
    /// At most 100 characters, shown in lists.
    pub short_description: String,
    /// Markdown; render it with `domain::markdown::render`.
    pub description: String,
    /// Effective: the repository's own setting, else the registry's default.
    pub immutable_tags: bool,
    pub tags: i64,
    pub size_bytes: i64,
    pub pulls: i64,
}

/// Changes to a repository's settings; absent fields stay as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepositoryPatch {
    #[serde(default)]
    pub short_description: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub immutable_tags: Option<bool>,
}

/// A tag the clean-up rule selects (`POST …/cleanup/preview`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CleanupCandidate {
    pub repository: String,
    pub tag: String,
    pub digest: String,
    pub pushed_at: Timestamp,
    /// Bytes of this image that no remaining image uses: what deleting it frees.
    pub size_bytes: i64,
    pub reason: String,
    /// Immutable: never deleted.
    pub protected: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CleanupPreview {
    pub candidates: Vec<CleanupCandidate>,
    /// Deleting every unprotected candidate frees this much (shared blobs once).
    pub bytes_freed: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TagRef {
    pub repository: String,
    pub tag: String,
}

/// `POST …/cleanup`: the rule, and optionally the selection of its candidates to delete.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CleanupRequest {
    #[serde(flatten)]
    pub rule: CleanupRule,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub only: Option<Vec<TagRef>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeletedTag {
    pub repository: String,
    pub tag: String,
    pub digest: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CleanupReport {
    pub deleted: Vec<DeletedTag>,
    pub skipped_protected: Vec<TagRef>,
    pub bytes_freed: i64,
}

/// A registry's retention policy (`GET/PUT …/retention`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionPolicy {
    pub enabled: bool,
    /// `hourly`, `daily` or `weekly`.
    pub schedule: String,
    pub rule: CleanupRule,
    /// Record what would be deleted without deleting.
    #[serde(default)]
    pub dry_run: bool,
    /// When it runs next (read-only: ignored when saving; absent while disabled).
    #[serde(default)]
    pub next_run_at: Option<Timestamp>,
}

/// One run of a retention policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionRun {
    pub id: Id,
    pub started_at: Timestamp,
    pub finished_at: Timestamp,
    /// `schedule` or `manual`.
    pub started_by: String,
    pub dry_run: bool,
    pub rule: String,
    pub tags_deleted: i64,
    pub tags_protected: i64,
    pub bytes_freed: i64,
    pub tags: Vec<DeletedTag>,
    pub error: Option<String>,
}

/// One garbage collection pass.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GcRun {
    pub id: Id,
    pub started_at: Timestamp,
    pub duration_ms: i64,
    /// `schedule`, `manual` or `deletion`.
    pub started_by: String,
    pub dry_run: bool,
    pub blobs_removed: i64,
    pub bytes_reclaimed: i64,
}

/// What one garbage collection pass removed (or, dry, would remove).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GcReport {
    pub blobs_removed: u64,
    pub bytes_reclaimed: i64,
    pub duration_ms: i64,
    pub dry_run: bool,
}
