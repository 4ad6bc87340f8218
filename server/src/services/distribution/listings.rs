//! Tag lists, the catalog and the referrers API.

use crate::db::repositories::CatalogScope;
use crate::services::Services;
use crate::services::manifest_format::OCI_INDEX;
use crate::services::paging::Listed;
use app::domain::digest::Digest;
use app::domain::model::Role;
use app::domain::names::RepositoryName;
use app::domain::policy::{self, Action, Caller, Principal, Target};
use app::domain::{Error, Resource};
use serde_json::{Value, json};

impl Services {
    pub async fn list_tags(
        &self,
        caller: &Caller,
        name: &RepositoryName,
        n: Option<i64>,
        last: Option<&str>,
    ) -> Result<Listed<String>, Error> {
        let access = self.repository_access(caller, name, Action::Pull).await?;
        let repository = access.repository.as_ref().ok_or(Error::NotFound(Resource::Repository))?;
        let limit = n.unwrap_or(i64::MAX - 1);
        Ok(Listed::from_rows(self.db.list_tags(repository.id, last, limit.saturating_add(1)).await?, limit))
    }

    /// `registry/repository` names the caller may pull from, in byte order.
    pub async fn catalog(&self, caller: &Caller, n: Option<i64>, last: Option<&str>) -> Result<Listed<String>, Error> {
        self.require_live_credential(caller).await?;
        let limit = n.unwrap_or(i64::MAX - 1);
        Ok(Listed::from_rows(self.db.catalog(&catalog_scope(&caller.principal), last, limit.saturating_add(1)).await?, limit))
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

/// Asks the policy, for each kind of registry, whether `principal` may pull from it.
/// A registry id no registry has stands for "some other registry".
fn catalog_scope(principal: &Principal) -> CatalogScope {
    const OTHER: i64 = -1;
    let allows = |registry_id: i64, public: bool, role: Option<Role>| {
        policy::decide(principal, Action::Pull, Target::Registry { registry_id, public, role }) == policy::Decision::Allow
    };
    let own_registry = match principal {
        Principal::Robot(robot) if allows(robot.registry_id, false, None) => Some(robot.registry_id),
        _ => None,
    };
    let member = match principal {
        Principal::User(user) => Some(user.id),
        _ => None,
    };
    CatalogScope {
        every_registry: allows(OTHER, false, None),
        public_registries: allows(OTHER, true, None),
        own_registry,
        member,
        member_roles: Role::ALL.into_iter().filter(|&role| member.is_some() && allows(OTHER, false, Some(role))).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::model::RobotPermission;
    use app::domain::policy::{RobotIdentity, UserIdentity};

    #[test]
    fn catalog_scope_follows_the_policy() {
        let anonymous = catalog_scope(&Principal::Anonymous);
        assert!(!anonymous.every_registry && anonymous.public_registries && anonymous.own_registry.is_none());
        assert!(anonymous.member_roles.is_empty());

        let robot = Principal::Robot(RobotIdentity {
            id: 1,
            registry_id: 7,
            registry: "r".into(),
            name: "ci".into(),
            permission: RobotPermission::Pull,
        });
        let robot = catalog_scope(&robot);
        assert_eq!(robot.own_registry, Some(7));
        assert!(!robot.every_registry && robot.public_registries && robot.member.is_none());

        let member = Principal::User(UserIdentity { id: 3, username: "u".into(), is_admin: false });
        let member = catalog_scope(&member);
        assert_eq!(member.member, Some(3));
        assert_eq!(member.member_roles.len(), Role::ALL.len());
        assert!(!member.every_registry && member.public_registries);

        let admin = Principal::User(UserIdentity { id: 4, username: "a".into(), is_admin: true });
        assert!(catalog_scope(&admin).every_registry);
    }
}
