//! Cleaning up old tags: the preview, the clean-up itself, and the deletion of images
//! that deleting tags leaves without anything keeping them (their referrers with them).
//!
//! Both the preview and the clean-up plan from the database as it is at that moment,
//! with `domain::cleanup::select`, so a selection made from a preview is re-checked
//! against the rule when it is applied: a tag that stopped matching (re-pushed, made
//! immutable) is not deleted.

use super::Services;
use super::audit::Event;
use crate::db::image_graph::{ALL_REPOSITORIES, TagInRegistry};
use crate::db::now_ms;
use crate::db::transaction::Tx;
use app::domain::Error;
use app::domain::cleanup::{self, CleanupRule, Selected};
use app::domain::image_graph::RegistryGraph;
use app::domain::policy::{self, Action, Caller};
use app::domain::time::Timestamp;
use app::dto::{CleanupCandidate, CleanupPreview, CleanupReport, CleanupRequest, DeletedTag, TagRef};
use std::collections::{HashMap, HashSet};

/// What a rule selects in a registry, with the image graph to price and apply it.
pub(crate) struct CleanupPlan {
    graph: RegistryGraph,
    /// (repository id, selection), unprotected and protected alike.
    selected: Vec<(i64, Selected)>,
}

/// What applying a plan (or deleting tags) did.
pub(crate) struct Applied {
    pub deleted: Vec<DeletedTag>,
    pub bytes_freed: i64,
}

impl CleanupPlan {
    fn deletable(&self) -> impl Iterator<Item = &(i64, Selected)> {
        self.selected.iter().filter(|(_, s)| !s.protected)
    }

    fn protected(&self) -> impl Iterator<Item = &(i64, Selected)> {
        self.selected.iter().filter(|(_, s)| s.protected)
    }

    pub(crate) fn preview(&self) -> CleanupPreview {
        let removed = removed_by(&self.graph, self.deletable().map(|(id, s)| (*id, s.fact.tag.as_str())));
        let freed = self.graph.freed_blobs(&removed);
        let no_removal = HashSet::new();
        let candidates = self
            .selected
            .iter()
            .map(|(repository_id, s)| CleanupCandidate {
                repository: s.fact.repository.clone(),
                tag: s.fact.tag.clone(),
                digest: s.fact.digest.clone(),
                pushed_at: Timestamp(s.fact.pushed_at),
                size_bytes: if s.protected {
                    0
                } else {
                    let removed_here = removed.get(repository_id).unwrap_or(&no_removal);
                    self.graph.bytes_freed_by(*repository_id, &s.fact.digest, removed_here, &freed)
                },
                reason: s.reason.clone(),
                protected: s.protected,
            })
            .collect();
        CleanupPreview { candidates, bytes_freed: self.graph.bytes_of(&freed) }
    }

    pub(crate) fn deletable_tags(&self) -> Vec<DeletedTag> {
        self.deletable().map(|(_, s)| deleted_tag(s)).collect()
    }

    pub(crate) fn protected_count(&self) -> usize {
        self.protected().count()
    }
}

fn deleted_tag(s: &Selected) -> DeletedTag {
    DeletedTag { repository: s.fact.repository.clone(), tag: s.fact.tag.clone(), digest: s.fact.digest.clone() }
}

/// The manifests that deleting `tags` (repository id, tag) removes, per repository.
fn removed_by<'a>(graph: &RegistryGraph, tags: impl Iterator<Item = (i64, &'a str)>) -> HashMap<i64, HashSet<String>> {
    let mut by_repository: HashMap<i64, HashSet<&str>> = HashMap::new();
    for (repository_id, tag) in tags {
        by_repository.entry(repository_id).or_default().insert(tag);
    }
    by_repository
        .into_iter()
        .filter_map(|(id, tags)| graph.repositories.get(&id).map(|repository| (id, repository.removed_by(&tags))))
        .collect()
}

impl Services {
    /// `POST …/cleanup/preview`: every tag the rule would delete, why, and what it frees.
    pub async fn preview_cleanup(&self, caller: &Caller, registry: &str, rule: &CleanupRule) -> Result<CleanupPreview, Error> {
        let (registry, target) = self.registry_target(caller, registry).await?;
        policy::require(&caller.principal, Action::UpdateRegistry, target)?;
        rule.validate()?;
        Ok(self.plan_cleanup(registry.id, rule, None, now_ms()).await?.preview())
    }

    /// `POST …/cleanup`: deletes what the rule selects (or the `only` part of it);
    /// protected tags are reported, never deleted.
    pub async fn apply_cleanup(&self, caller: &Caller, registry: &str, request: &CleanupRequest) -> Result<CleanupReport, Error> {
        let (registry, target) = self.registry_target(caller, registry).await?;
        policy::require(&caller.principal, Action::UpdateRegistry, target)?;
        request.rule.validate()?;
        let only: Option<HashSet<&TagRef>> = request.only.as_ref().map(|only| only.iter().collect());
        let plan = self.plan_cleanup(registry.id, &request.rule, only.as_ref(), now_ms()).await?;
        let mut tx = self.db.begin().await?;
        let applied = self.apply_cleanup_plan(&mut tx, &plan).await?;
        let skipped_protected =
            plan.protected().map(|(_, s)| TagRef { repository: s.fact.repository.clone(), tag: s.fact.tag.clone() }).collect();
        let detail = format!("{}: {} tags deleted, {} bytes freed", request.rule.describe(), applied.deleted.len(), applied.bytes_freed);
        let event = Event {
            workspace_id: Some(registry.workspace_id),
            action: "registry.cleanup",
            resource_type: "registry",
            resource: &registry.name,
            detail: Some(detail),
        };
        self.record_in(&mut tx, caller, event).await?;
        tx.commit().await?;
        if !applied.deleted.is_empty() {
            self.reclaim_in_background();
        }
        Ok(CleanupReport { deleted: applied.deleted, skipped_protected, bytes_freed: applied.bytes_freed })
    }

    pub(crate) async fn plan_cleanup(
        &self,
        registry_id: i64,
        rule: &CleanupRule,
        only: Option<&HashSet<&TagRef>>,
        now: i64,
    ) -> Result<CleanupPlan, Error> {
        let tags: Vec<TagInRegistry> = self.db.registry_tag_facts(registry_id).await?;
        let repository_ids: HashMap<&str, i64> = tags.iter().map(|t| (t.fact.repository.as_str(), t.repository_id)).collect();
        let facts: Vec<_> = tags.iter().map(|t| t.fact.clone()).collect();
        let selected = cleanup::select(rule, &facts, now)
            .into_iter()
            .filter(|s| only.is_none_or(|only| only.contains(&TagRef { repository: s.fact.repository.clone(), tag: s.fact.tag.clone() })))
            .map(|s| (repository_ids[s.fact.repository.as_str()], s))
            .collect();
        let graph = self.db.image_graph(registry_id, ALL_REPOSITORIES).await?;
        Ok(CleanupPlan { graph, selected })
    }

    /// Deletes the plan's unprotected tags and the images only they kept, in `tx`.
    pub(crate) async fn apply_cleanup_plan(&self, tx: &mut Tx<'_>, plan: &CleanupPlan) -> Result<Applied, Error> {
        let tags: Vec<(i64, DeletedTag)> = plan.deletable().map(|(id, s)| (*id, deleted_tag(s))).collect();
        self.delete_tags_and_orphans(tx, &plan.graph, tags).await
    }

    /// Deletes each tag that still names its digest, then the manifests nothing keeps
    /// alive any more (per `graph`, loaded before): images, index children, referrers.
    pub(crate) async fn delete_tags_and_orphans(
        &self,
        tx: &mut Tx<'_>,
        graph: &RegistryGraph,
        tags: Vec<(i64, DeletedTag)>,
    ) -> Result<Applied, Error> {
        let mut deleted = Vec::new();
        for (repository_id, tag) in tags {
            if tx.delete_tag_if_unchanged(repository_id, &tag.tag, &tag.digest).await? {
                deleted.push((repository_id, tag));
            }
        }
        let removed = removed_by(graph, deleted.iter().map(|(id, t)| (*id, t.tag.as_str())));
        let mut actually_removed: HashMap<i64, HashSet<String>> = HashMap::new();
        for (repository_id, digests) in &removed {
            for digest in digests {
                if tx.delete_manifest_if_untagged(*repository_id, digest).await? {
                    actually_removed.entry(*repository_id).or_default().insert(digest.clone());
                }
            }
        }
        let bytes_freed = graph.bytes_of(&graph.freed_blobs(&actually_removed));
        Ok(Applied { deleted: deleted.into_iter().map(|(_, t)| t).collect(), bytes_freed })
    }
}
