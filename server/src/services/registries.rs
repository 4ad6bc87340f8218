//! Registries: owned by a workspace, named uniquely across the instance, private or
//! public. Members read them (anyone reads a public one); managers change them.

use super::Services;
use super::audit::Event;
use super::paging::{Keyset, Listed, NamePage, cursor};
use crate::db::registries::{NewRegistryRecord, RegistryRecord, RegistrySettings, RegistryUsage};
use crate::db::{new_id, now_ms};
use app::domain::Error;
use app::domain::names::{ResourceName, bounded_text};
use app::domain::policy::{self, Action, Caller};
use app::domain::time::Timestamp;
use app::dto::{DestroyReport, NewRegistry, Registry, RegistryPage, RegistryPatch, RegistrySort, RegistrySummary};

pub const MAX_DESCRIPTION: usize = 1000;

fn description(raw: Option<&str>) -> Result<String, Error> {
    match raw {
        None => Ok(String::new()),
        Some(text) => bounded_text("description", text, 0, MAX_DESCRIPTION),
    }
}

impl Services {
    /// `GET /api/v1/workspaces/{ws}/registries?n=&last=`: registries by name.
    pub async fn list_registries(&self, caller: &Caller, workspace: &str, page: &NamePage) -> Result<Listed<RegistrySummary>, Error> {
        let (workspace, target) = self.workspace_target(caller, workspace).await?;
        policy::require(&caller.principal, Action::ViewWorkspace, target)?;
        let keyset = page.keyset();
        let rows = self.db.list_registry_page(workspace.id, RegistrySort::Name, "", keyset.position(), false, page.limit + 1).await?;
        let listed = Listed::from_rows(rows, page.limit);
        Ok(Listed { items: listed.items.into_iter().map(|(registry, usage)| summarize(registry, usage)).collect(), more: listed.more })
    }

    /// One page of the workspace's registries whose names contain `filter`, in
    /// `sort` order, after the `after` cursor or before the `before` one: a fixed
    /// number of statements and at most `REGISTRY_PAGE_SIZE` rows.
    pub async fn list_registry_page(
        &self,
        caller: &Caller,
        workspace: &str,
        sort: RegistrySort,
        filter: &str,
        after: Option<&str>,
        before: Option<&str>,
    ) -> Result<RegistryPage, Error> {
        let (workspace, target) = self.workspace_target(caller, workspace).await?;
        policy::require(&caller.principal, Action::ViewWorkspace, target)?;
        let filter = filter.trim().to_ascii_lowercase();
        let keyset = Keyset::parse(after, before, sort != RegistrySort::Name, |name| ResourceName::parse("cursor", name).is_ok())?;
        let mut rows =
            self.db.list_registry_page(workspace.id, sort, &filter, keyset.position(), keyset.backwards, REGISTRY_PAGE_SIZE + 1).await?;
        let (next, previous) = keyset.finish(&mut rows, REGISTRY_PAGE_SIZE, |(registry, usage)| registry_cursor(sort, registry, usage));
        let (matching, total) = self.db.count_registries_matching(workspace.id, &filter).await?;
        let registries = rows.into_iter().map(|(registry, usage)| summarize(registry, usage)).collect();
        Ok(RegistryPage { registries, matching, total, next, previous })
    }

    pub async fn create_registry(&self, caller: &Caller, workspace: &str, new: NewRegistry) -> Result<Registry, Error> {
        let (workspace, target) = self.workspace_target(caller, workspace).await?;
        policy::require(&caller.principal, Action::CreateRegistry, target)?;
        let name = ResourceName::parse("name", &new.name)?;
        let description = description(new.description.as_deref())?;
        let detail = Some(format!("visibility {}", new.visibility.as_str()));
        let mut tx = self.db.begin().await?;
        tx.insert_registry(NewRegistryRecord {
            id: new_id(),
            workspace_id: workspace.id,
            name: name.as_str(),
            visibility: new.visibility,
            description: &description,
            now: now_ms(),
        })
        .await?;
        self.record_in(&mut tx, caller, registry_event(workspace.id, "registry.create", name.as_str(), detail)).await?;
        tx.commit().await?;
        self.get_registry(caller, name.as_str()).await
    }

    pub async fn get_registry(&self, caller: &Caller, name: &str) -> Result<Registry, Error> {
        let (registry, target) = self.registry_target(caller, name).await?;
        policy::require(&caller.principal, Action::ViewRegistry, target)?;
        self.registry_view(caller, registry).await
    }

    /// Checks every field first, then writes them all and the audit row in one
    /// transaction: a refused request changes nothing.
    pub async fn update_registry(&self, caller: &Caller, name: &str, patch: RegistryPatch) -> Result<Registry, Error> {
        let (registry, target) = self.registry_target(caller, name).await?;
        policy::require(&caller.principal, Action::UpdateRegistry, target)?;
        let visibility = patch.visibility.unwrap_or(registry.visibility);
        let description = match patch.description.as_deref() {
            Some(text) => description(Some(text))?,
            None => registry.description.clone(),
        };
        if patch.quota_bytes.is_some_and(|quota| quota.is_some_and(|q| q < 0)) {
            return Err(Error::invalid("quota_bytes", "must be 0 or more, or null for no quota"));
        }
        let mut changes = Vec::new();
        if let Some(quota) = patch.quota_bytes {
            changes.push(match quota {
                Some(q) => format!("quota {q} bytes"),
                None => "quota removed".to_string(),
            });
        }
        if let Some(immutable) = patch.immutable_tags_default {
            changes.push(format!("immutable tags by default {}", if immutable { "on" } else { "off" }));
        }
        if visibility != registry.visibility {
            changes.push(format!("visibility {} → {}", registry.visibility.as_str(), visibility.as_str()));
        }
        if description != registry.description {
            changes.push("description changed".to_string());
        }
        let settings = RegistrySettings {
            visibility,
            description: &description,
            quota_bytes: patch.quota_bytes.unwrap_or(registry.quota_bytes),
            immutable_tags_default: patch.immutable_tags_default,
        };
        let mut tx = self.db.begin().await?;
        tx.update_registry(registry.id, settings, now_ms()).await?;
        if !changes.is_empty() {
            let event = registry_event(registry.workspace_id, "registry.update", &registry.name, Some(changes.join("; ")));
            self.record_in(&mut tx, caller, event).await?;
        }
        tx.commit().await?;
        self.get_registry(caller, name).await
    }

    /// Deletes the registry with its repositories, tags, manifests and robots, and
    /// reports what went. Blob bytes no longer used anywhere are then reclaimed by a
    /// garbage collection pass, which is safe while pushes go on.
    pub async fn delete_registry(&self, caller: &Caller, name: &str) -> Result<DestroyReport, Error> {
        let mut reports = self.delete_registries(caller, &[name.to_string()]).await?;
        Ok(reports.remove(0))
    }

    /// Deletes several registries, all or none: every name is looked up and checked
    /// first, then the deletions and their audit rows commit in one transaction.
    pub async fn delete_registries(&self, caller: &Caller, names: &[String]) -> Result<Vec<DestroyReport>, Error> {
        let mut doomed: Vec<(RegistryRecord, DestroyReport)> = Vec::with_capacity(names.len());
        for name in names {
            let (registry, target) = self.registry_target(caller, name).await?;
            policy::require(&caller.principal, Action::DeleteRegistry, target)?;
            if doomed.iter().any(|(r, _)| r.id == registry.id) {
                continue;
            }
            let (repositories, tags, size_bytes, _) = self.db.registry_usage(registry.id).await?;
            let report = DestroyReport { registry: registry.name.clone(), repositories, tags, size_bytes };
            doomed.push((registry, report));
        }
        let mut tx = self.db.begin().await?;
        for (registry, report) in &doomed {
            tx.delete_registry(registry.id).await?;
            let detail = Some(format!("{} repositories, {} tags, {} bytes", report.repositories, report.tags, report.size_bytes));
            self.record_in(&mut tx, caller, registry_event(registry.workspace_id, "registry.delete", &registry.name, detail)).await?;
        }
        tx.commit().await?;
        self.reclaim_in_background();
        Ok(doomed.into_iter().map(|(_, report)| report).collect())
    }

    async fn registry_view(&self, caller: &Caller, registry: RegistryRecord) -> Result<Registry, Error> {
        let summary = self.summary(registry.clone()).await?;
        Ok(Registry {
            endpoint: format!("{}/{}", caller.public_host, registry.name),
            workspace: registry.workspace,
            name: summary.name,
            visibility: summary.visibility,
            description: summary.description,
            created_at: summary.created_at,
            repositories: summary.repositories,
            tags: summary.tags,
            size_bytes: summary.size_bytes,
            last_push_at: summary.last_push_at,
            quota_bytes: summary.quota_bytes,
        })
    }

    /// Starts a garbage collection pass without making the caller wait for it.
    pub(crate) fn reclaim_in_background(&self) {
        let services = self.clone();
        tokio::spawn(async move {
            if let Err(err) = services.collect_garbage_recorded("deletion").await {
                tracing::warn!(error = %err, "garbage collection failed");
            }
        });
    }

    /// The registry with its content counts (a blob shared by images counts once).
    async fn summary(&self, registry: RegistryRecord) -> Result<RegistrySummary, Error> {
        let (repositories, tags, size_bytes, last_push_at) = self.db.registry_usage(registry.id).await?;
        Ok(summarize(registry, RegistryUsage { repositories, tags, size_bytes, last_push_at }))
    }

    /// `GET /api/v1/workspaces/{ws}/usage`
    pub async fn workspace_usage(&self, caller: &Caller, workspace: &str) -> Result<app::dto::WorkspaceUsage, Error> {
        let (workspace, target) = self.workspace_target(caller, workspace).await?;
        policy::require(&caller.principal, Action::ViewWorkspace, target)?;
        let registries: Vec<app::dto::RegistryUsage> = self
            .db
            .list_registries(workspace.id)
            .await?
            .into_iter()
            .map(|(r, usage)| app::dto::RegistryUsage { name: r.name, size_bytes: usage.size_bytes, quota_bytes: r.quota_bytes })
            .collect();
        Ok(app::dto::WorkspaceUsage { size_bytes: registries.iter().map(|r| r.size_bytes).sum(), registries })
    }
}

/// Registries a page of the registry list shows.
pub const REGISTRY_PAGE_SIZE: i64 = 25;

/// Where a registry stands in `sort` order.
fn registry_cursor(sort: RegistrySort, registry: &RegistryRecord, usage: &RegistryUsage) -> String {
    let value = match sort {
        RegistrySort::Name => None,
        RegistrySort::Created => Some(registry.created_at),
        RegistrySort::Size => Some(usage.size_bytes),
        RegistrySort::LastPush => Some(usage.last_push_at.unwrap_or(0)),
    };
    cursor(value, &registry.name)
}

fn summarize(registry: RegistryRecord, usage: RegistryUsage) -> RegistrySummary {
    RegistrySummary {
        name: registry.name,
        visibility: registry.visibility,
        description: registry.description,
        repositories: usage.repositories,
        tags: usage.tags,
        size_bytes: usage.size_bytes,
        created_at: Timestamp(registry.created_at),
        last_push_at: usage.last_push_at.map(Timestamp),
        quota_bytes: registry.quota_bytes,
    }
}

pub(crate) fn registry_event<'a>(workspace_id: i64, action: &'a str, name: &'a str, detail: Option<String>) -> Event<'a> {
    Event { workspace_id: Some(workspace_id), action, resource_type: "registry", resource: name, detail }
}
