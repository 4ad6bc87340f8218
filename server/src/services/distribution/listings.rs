//! Tag lists, the catalog and the referrers API.

use crate::services::Services;
use crate::services::manifest_format::OCI_INDEX;
use app::domain::digest::Digest;
use app::domain::names::RepositoryName;
use app::domain::policy::{self, Action, Caller, Principal, Target};
use app::domain::{Error, Resource};
use serde_json::{Value, json};
use std::collections::HashMap;

/// One page of a listing and whether more follow.
pub struct Page {
    pub items: Vec<String>,
    pub more: bool,
}

impl Services {
    pub async fn list_tags(&self, caller: &Caller, name: &RepositoryName, n: Option<i64>, last: Option<&str>) -> Result<Page, Error> {
        let access = self.repository_access(caller, name, Action::Pull).await?;
        let repository = access.repository.as_ref().ok_or(Error::NotFound(Resource::Repository))?;
        let limit = n.unwrap_or(i64::MAX - 1);
        let mut items = self.db.list_tags(repository.id, last, limit.saturating_add(1)).await?;
        let more = items.len() as i64 > limit;
        items.truncate(limit as usize);
        Ok(Page { items, more })
    }

    /// `registry/repository` names the caller may pull from, in byte order.
    pub async fn catalog(&self, caller: &Caller, n: Option<i64>, last: Option<&str>) -> Result<Page, Error> {
        self.require_live_credential(caller).await?;
        let visible = self.pullable_registries(caller).await?;
        let limit = n.unwrap_or(i64::MAX - 1);
        let mut items = self.db.catalog(visible.as_deref(), last, limit.saturating_add(1)).await?;
        let more = items.len() as i64 > limit;
        items.truncate(limit as usize);
        Ok(Page { items, more })
    }

    /// The ids of registries the caller may pull from; `None` means all of them.
    async fn pullable_registries(&self, caller: &Caller) -> Result<Option<Vec<i64>>, Error> {
        if caller.principal.user().is_some_and(|u| u.is_admin) {
            return Ok(None);
        }
        let roles: HashMap<i64, _> = match &caller.principal {
            Principal::User(user) => self.db.list_memberships(user.id).await?.into_iter().map(|(w, role)| (w.id, role)).collect(),
            _ => HashMap::new(),
        };
        let mut ids = Vec::new();
        for (id, workspace_id, public) in self.db.registry_visibility().await? {
            let target = Target::Registry { registry_id: id, public, role: roles.get(&workspace_id).copied() };
            if policy::decide(&caller.principal, Action::Pull, target) == policy::Decision::Allow {
                ids.push(id);
            }
        }
        Ok(Some(ids))
    }

    /// The referrers API: an OCI index of the manifests whose subject is `digest`,
    /// optionally only those of one artifact type.
    pub async fn referrers(
        &self,
        caller: &Caller,
        name: &RepositoryName,
        digest: &Digest,
        artifact_type: Option<&str>,
    ) -> Result<Value, Error> {
        let access = self.repository_access(caller, name, Action::Pull).await?;
        let mut manifests = Vec::new();
        if let Some(repository) = &access.repository {
            for referrer in self.db.list_referrers(repository.id, &digest.to_string()).await? {
                if artifact_type.is_some_and(|wanted| referrer.artifact_type.as_deref() != Some(wanted)) {
                    continue;
                }
                let mut descriptor = json!({
                    "mediaType": referrer.media_type,
                    "digest": referrer.digest,
                    "size": referrer.size,
                });
                if let Some(kind) = &referrer.artifact_type {
                    descriptor["artifactType"] = json!(kind);
                }
                if let Some(annotations) = referrer.annotations.as_deref().and_then(|a| serde_json::from_str::<Value>(a).ok()) {
                    descriptor["annotations"] = annotations;
                }
                manifests.push(descriptor);
            }
        }
        Ok(json!({ "schemaVersion": 2, "mediaType": OCI_INDEX, "manifests": manifests }))
    }
}
