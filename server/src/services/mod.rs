//! The service layer: one function per operation. Each takes the caller and decides
//! permission itself through `app::domain::policy`, so the console's server functions,
//! `/api/v1` and `/v2/` cannot disagree about who may do what.

pub mod accounts;
pub mod audit;
pub mod authentication;
pub mod cleanup;
pub mod distribution;
pub mod gc;
pub mod hashing;
pub mod manifest_format;
pub mod members;
pub mod paging;
pub mod pulls;
pub mod registries;
pub mod registry_tokens;
pub mod repositories;
pub mod retention;
pub mod robots;
pub mod tag_details;
pub mod tokens;
pub mod verified_passwords;
pub mod workspaces;

use crate::config::Config;
use crate::crypto::registry_token::TokenKey;
use crate::db::Db;
use crate::db::credentials::CredentialRef;
use crate::db::registries::{AccessRow, AlsoFetch, RegistryRecord};
use crate::db::workspaces::WorkspaceRecord;
use crate::storage::BlobStore;
use app::domain::policy::{Caller, Principal, Target};
use app::domain::{Error, Resource};
use hashing::UploadHashes;
use pulls::PullRecorder;
use std::sync::Arc;

#[derive(Clone)]
pub struct Services {
    pub db: Db,
    pub config: Arc<Config>,
    pub blobs: Arc<dyn BlobStore>,
    pub upload_hashes: Arc<UploadHashes>,
    pub pulls: PullRecorder,
    pub token_key: TokenKey,
    pub manifest_cache: Arc<distribution::manifest_cache::ManifestCache>,
    pub verified_passwords: Arc<verified_passwords::VerifiedPasswords>,
}

impl Services {
    pub fn new(db: Db, config: Arc<Config>, blobs: Arc<dyn BlobStore>, pulls: PullRecorder, token_key: TokenKey) -> Self {
        Services {
            db,
            config,
            blobs,
            upload_hashes: Arc::new(UploadHashes::default()),
            pulls,
            token_key,
            manifest_cache: Arc::default(),
            verified_passwords: Arc::default(),
        }
    }

    pub(crate) fn instance_target(&self) -> Target {
        Target::Instance { users_may_create_workspaces: self.config.allow_user_workspaces }
    }

    /// The workspace and the facts the policy needs about the caller's access to it.
    /// A workspace that does not exist looks exactly like one the caller may not see.
    pub(crate) async fn workspace_target(&self, caller: &Caller, name: &str) -> Result<(WorkspaceRecord, Target), Error> {
        let Some(workspace) = self.db.find_workspace(name).await? else {
            return Err(absent(caller, Resource::Workspace));
        };
        let role = match &caller.principal {
            Principal::User(user) => self.db.member_role(workspace.id, user.id).await?,
            _ => None,
        };
        Ok((workspace, Target::Workspace { role }))
    }

    /// The registry and the facts the policy needs about the caller's access to it.
    pub(crate) async fn registry_target(&self, caller: &Caller, name: &str) -> Result<(RegistryRecord, Target), Error> {
        let (facts, target) = self.registry_access_facts(caller, name, None, AlsoFetch::default()).await?;
        Ok((facts.registry, target))
    }

    /// The registry, the policy's facts about the caller's access to it, and (when
    /// asked) one of its repositories and what `also` names, from one query.
    pub(crate) async fn registry_access_facts(
        &self,
        caller: &Caller,
        name: &str,
        repository: Option<&str>,
        also: AlsoFetch<'_>,
    ) -> Result<(AccessRow, Target), Error> {
        let credential = CredentialRef::of(&caller.principal);
        let Some(facts) = self.db.find_registry_access(name, credential, repository, also).await? else {
            return Err(absent(caller, Resource::Registry));
        };
        if !facts.credential_live {
            return Err(Error::Unauthenticated);
        }
        let target = Target::Registry { registry_id: facts.registry.id, public: facts.registry.is_public(), role: facts.role };
        Ok((facts, target))
    }
}

impl Services {
    /// Refuses a caller whose credential no longer stands (a registry token whose
    /// robot was revoked or expired, or whose user was disabled), for the requests
    /// that run no access query.
    pub(crate) async fn require_live_credential(&self, caller: &Caller) -> Result<(), Error> {
        if caller.principal == Principal::Anonymous {
            return Ok(());
        }
        match self.db.credential_live(CredentialRef::of(&caller.principal), crate::db::now_ms()).await? {
            true => Ok(()),
            false => Err(Error::Unauthenticated),
        }
    }
}

/// What a caller learns about something that does not exist: anonymous callers are
/// asked to sign in (as they would be for a private one), everyone else gets 404.
fn absent(caller: &Caller, resource: Resource) -> Error {
    match caller.principal {
        Principal::Anonymous => Error::Unauthenticated,
        _ => Error::NotFound(resource),
    }
}
