//! The distribution engine's operations (OCI Distribution Spec): uploads, blobs,
//! manifests, tags, referrers and the catalog. Each takes the caller and the
//! repository and checks pull, push or delete permission through the policy.

pub mod blobs;
pub mod listings;
pub mod manifest_cache;
pub mod manifests;
pub mod uploads;

use super::Services;
use crate::db::registries::{AlsoFetch, RegistryRecord};
use crate::db::repositories::RepositoryRecord;
use crate::db::uploads::UploadRecord;
use app::domain::names::RepositoryName;
use app::domain::policy::{self, Action, Caller};
use app::domain::{Error, Resource};

/// A repository the caller has been allowed to act on.
pub struct Access {
    pub registry: RegistryRecord,
    /// `None` until the first push creates it.
    pub repository: Option<RepositoryRecord>,
    /// Asked for with `AlsoFetch::linked_blob`: that blob's size, if the repository links it.
    pub linked_blob_size: Option<i64>,
    /// Asked for with `AlsoFetch::upload`: that upload, if it belongs to the repository.
    pub upload: Option<UploadRecord>,
}

impl Access {
    pub fn repository(&self) -> Result<&RepositoryRecord, Error> {
        self.repository.as_ref().ok_or(Error::NotFound(Resource::Repository))
    }
}

impl Services {
    /// Resolves the registry and repository and requires `action` on them.
    pub(crate) async fn repository_access(&self, caller: &Caller, name: &RepositoryName, action: Action) -> Result<Access, Error> {
        self.repository_access_with(caller, name, action, AlsoFetch::default()).await
    }

    /// `repository_access`, also fetching what `also` names in the same query.
    pub(crate) async fn repository_access_with(
        &self,
        caller: &Caller,
        name: &RepositoryName,
        action: Action,
        also: AlsoFetch<'_>,
    ) -> Result<Access, Error> {
        let (facts, target) = self.registry_access_facts(caller, name.registry(), Some(name.repository()), also).await?;
        policy::require(&caller.principal, action, target)?;
        Ok(Access {
            registry: facts.registry,
            repository: facts.repository,
            linked_blob_size: facts.linked_blob_size,
            upload: facts.upload,
        })
    }
}
