//! Repositories and tags as the console and `/api/v1` list and delete them.

use super::Services;
use super::audit::Event;
use super::paging::{Keyset, Listed, NamePage, cursor};
use crate::db::image_graph::ManifestSummaryRecord;
use crate::db::repositories::RepositoryUsage;
use crate::db::tags::TagRecord;
use app::domain::digest::Digest;
use app::domain::names::RepositoryName;
use app::domain::names::{bounded_text, is_tag};
use app::domain::policy::{self, Action, Caller};
use app::domain::time::Timestamp;
use app::domain::{Error, Resource};
use app::dto::{
    DeletedTag, Referrer, RepositoryDetail, RepositoryPage, RepositoryPatch, RepositorySummary, TagPage, TagSort, TagSummary,
    UntaggedImage, UntaggedPage,
};
use std::collections::HashMap;

/// The longest Markdown description a repository may have.
const MAX_DESCRIPTION_BYTES: usize = 25_000;

impl Services {
    /// `GET /api/v1/registries/{reg}/repositories?n=&last=`: repositories by name.
    pub async fn list_repositories(&self, caller: &Caller, registry: &str, page: &NamePage) -> Result<Listed<RepositorySummary>, Error> {
        let (registry, target) = self.registry_target(caller, registry).await?;
        policy::require(&caller.principal, Action::ViewRegistry, target)?;
        let rows = self.db.list_repository_page(registry.id, "", page.last.as_deref(), false, page.limit + 1).await?;
        let listed = Listed::from_rows(rows, page.limit);
        Ok(Listed { items: listed.items.into_iter().map(repository_summary).collect(), more: listed.more })
    }

    /// One page of the registry's repositories whose names contain `filter`, by
    /// name, after the `after` cursor or before the `before` one: a fixed number of
    /// statements and at most `REPOSITORY_PAGE_SIZE` rows.
    pub async fn list_repository_page(
        &self,
        caller: &Caller,
        registry: &str,
        filter: &str,
        after: Option<&str>,
        before: Option<&str>,
    ) -> Result<RepositoryPage, Error> {
        let (registry, target) = self.registry_target(caller, registry).await?;
        policy::require(&caller.principal, Action::ViewRegistry, target)?;
        let filter = filter.trim().to_ascii_lowercase();
        let keyset = Keyset::parse(after, before, false, |name| RepositoryName::from_parts(&registry.name, name).is_ok())?;
        let from = keyset.position().map(|(_, name)| name);
        let mut rows = self.db.list_repository_page(registry.id, &filter, from, keyset.backwards, REPOSITORY_PAGE_SIZE + 1).await?;
        let (next, previous) = keyset.finish(&mut rows, REPOSITORY_PAGE_SIZE, |r| cursor(None, &r.repository.name));
        let (matching, total) = self.db.count_repositories_matching(registry.id, &filter).await?;
        Ok(RepositoryPage { repositories: rows.into_iter().map(repository_summary).collect(), matching, total, next, previous })
    }

    /// `GET /api/v1/registries/{reg}/repositories/{repo}/tags?n=&last=`: tags by
    /// name, each with the referrers (signatures, SBOMs…) of its image.
    pub async fn list_repository_tags(&self, caller: &Caller, name: &RepositoryName, page: &NamePage) -> Result<Listed<TagSummary>, Error> {
        let access = self.repository_access(caller, name, Action::Pull).await?;
        let repository = access.repository()?;
        let keyset = page.keyset();
        let records = self.db.list_tag_page(repository.id, TagSort::Name, keyset.position(), false, page.limit + 1).await?;
        let listed = Listed::from_rows(records, page.limit);
        let subjects: Vec<&str> = listed.items.iter().map(|t| t.digest.as_str()).collect();
        let referrers = referrers_by_subject(self.db.referrers_of(repository.id, &subjects).await?);
        Ok(Listed { items: listed.items.into_iter().map(|t| tag_summary(t, &referrers)).collect(), more: listed.more })
    }

    /// One page of the repository's tags in `sort` order, after the `after` cursor or
    /// before the `before` one (the first page with neither): a fixed number of
    /// statements and at most `TAG_PAGE_SIZE` rows, however many tags there are.
    pub async fn list_tag_page(
        &self,
        caller: &Caller,
        name: &RepositoryName,
        sort: TagSort,
        after: Option<&str>,
        before: Option<&str>,
    ) -> Result<TagPage, Error> {
        let access = self.repository_access(caller, name, Action::Pull).await?;
        let repository = access.repository()?;
        let keyset = Keyset::parse(after, before, sort != TagSort::Name, is_tag)?;
        let mut records = self.db.list_tag_page(repository.id, sort, keyset.position(), keyset.backwards, TAG_PAGE_SIZE + 1).await?;
        let (next, previous) = keyset.finish(&mut records, TAG_PAGE_SIZE, |t| tag_cursor(sort, t));
        let subjects: Vec<&str> = records.iter().map(|t| t.digest.as_str()).collect();
        let referrers = referrers_by_subject(self.db.referrers_of(repository.id, &subjects).await?);
        let tags = records.into_iter().map(|t| tag_summary(t, &referrers)).collect();
        let (total, newest) = self.db.tag_count_and_newest(repository.id).await?;
        Ok(TagPage { tags, total, next, previous, newest })
    }

    /// A page of the images no tag names, newest first, with their referrers;
    /// referrers themselves and the platform images an index lists are shown under
    /// their parent instead.
    pub async fn list_untagged_images(
        &self,
        caller: &Caller,
        name: &RepositoryName,
        after: Option<&str>,
        before: Option<&str>,
    ) -> Result<UntaggedPage, Error> {
        let access = self.repository_access(caller, name, Action::Pull).await?;
        let repository = access.repository()?;
        let keyset = Keyset::parse(after, before, true, |digest| Digest::parse(digest).is_some())?;
        let (mut rows, total) =
            self.db.untagged_image_page(repository.id, keyset.position(), keyset.backwards, UNTAGGED_PAGE_SIZE + 1).await?;
        let (next, previous) = keyset.finish(&mut rows, UNTAGGED_PAGE_SIZE, |m| cursor(Some(m.pushed_at), &m.digest));
        let subjects: Vec<&str> = rows.iter().map(|m| m.digest.as_str()).collect();
        let mut referrers = referrers_by_subject(self.db.referrers_of(repository.id, &subjects).await?);
        let images = rows
            .into_iter()
            .map(|m| UntaggedImage {
                referrers: referrers.remove(&m.digest).unwrap_or_default(),
                digest: m.digest,
                media_type: m.media_type,
                artifact_type: m.artifact_type,
                size_bytes: m.size_bytes,
                platform: m.platform,
                pushed_at: Timestamp(m.pushed_at),
            })
            .collect();
        Ok(UntaggedPage { images, total, next, previous })
    }

    pub async fn delete_repository(&self, caller: &Caller, name: &RepositoryName) -> Result<(), Error> {
        let access = self.repository_access(caller, name, Action::DeleteContent).await?;
        let repository = access.repository()?;
        let full = name.full();
        let event = Event {
            workspace_id: Some(access.registry.workspace_id),
            action: "repository.delete",
            resource_type: "repository",
            resource: full,
            detail: None,
        };
        let mut tx = self.db.begin().await?;
        tx.delete_repository(repository.id).await?;
        self.record_in(&mut tx, caller, event).await?;
        tx.commit().await?;
        self.reclaim_in_background();
        Ok(())
    }

    /// Deletes a tag; the image goes with it (referrers included) when no other tag,
    /// index or untagged parent keeps it.
    pub async fn delete_repository_tag(&self, caller: &Caller, name: &RepositoryName, tag: &str) -> Result<(), Error> {
        self.delete_repository_tags(caller, name, &[tag.to_string()]).await.map(|_| ())
    }

    /// Deletes several tags of one repository, all or none: each must exist and be
    /// mutable, the image graph is read once, and the deletions and their audit rows
    /// commit together. Returns how many were deleted.
    pub async fn delete_repository_tags(&self, caller: &Caller, name: &RepositoryName, tags: &[String]) -> Result<usize, Error> {
        let access = self.repository_access(caller, name, Action::DeleteContent).await?;
        let repository = access.repository()?;
        let tags: Vec<&String> = tags.iter().collect::<std::collections::BTreeSet<_>>().into_iter().collect();
        let mut targets = Vec::with_capacity(tags.len());
        for tag in &tags {
            let Some(digest) = self.db.resolve_tag(repository.id, tag).await? else {
                return Err(Error::NotFound(Resource::Tag));
            };
            targets.push((repository.id, DeletedTag { repository: repository.name.clone(), tag: tag.to_string(), digest }));
        }
        if !targets.is_empty() && self.db.tags_immutable(repository.id).await? {
            return Err(Error::TagImmutable(tags.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(", ")));
        }
        let graph = self.db.image_graph(access.registry.id, repository.id).await?;
        let mut tx = self.db.begin().await?;
        let applied = self.delete_tags_and_orphans(&mut tx, &graph, targets).await?;
        if applied.deleted.len() < tags.len() {
            // A tag moved or went while this ran: nothing is deleted.
            return Err(Error::NotFound(Resource::Tag));
        }
        for deleted in &applied.deleted {
            let reference = format!("{}:{}", name.full(), deleted.tag);
            let event = Event {
                workspace_id: Some(access.registry.workspace_id),
                action: "tag.delete",
                resource_type: "tag",
                resource: &reference,
                detail: None,
            };
            self.record_in(&mut tx, caller, event).await?;
        }
        tx.commit().await?;
        if applied.bytes_freed > 0 {
            self.reclaim_in_background();
        }
        Ok(applied.deleted.len())
    }

    /// Deletes an image by digest with all its tags, its referrers (signatures,
    /// SBOMs) and the index children only it listed. Refused while an index lists it
    /// or while its tags are immutable.
    pub async fn delete_image(&self, caller: &Caller, name: &RepositoryName, digest: &str) -> Result<Vec<String>, Error> {
        let access = self.repository_access(caller, name, Action::DeleteContent).await?;
        let repository = access.repository()?;
        let graph = self.db.image_graph(access.registry.id, repository.id).await?;
        let Some(images) = graph.repositories.get(&repository.id).filter(|g| g.manifests.contains_key(digest)) else {
            return Err(Error::NotFound(Resource::Manifest));
        };
        let tags = self.db.tags_of(repository.id, digest).await?;
        if !tags.is_empty() && self.db.tags_immutable(repository.id).await? {
            return Err(Error::TagImmutable(tags.join(", ")));
        }
        let removed = images
            .removed_with_image(digest)
            .map_err(|index| Error::Conflict(format!("image {digest} is part of index {index}; delete the index instead")))?;
        let mut tx = self.db.begin().await?;
        for tag in &tags {
            tx.delete_tag_if_unchanged(repository.id, tag, digest).await?;
        }
        let mut deleted: Vec<String> = Vec::new();
        // The image itself first: its referrers and children are only removed with it.
        let mut order: Vec<&String> = removed.iter().collect();
        order.sort_by_key(|d| *d != digest);
        for manifest in order {
            if tx.delete_manifest_if_untagged(repository.id, manifest).await? {
                deleted.push(manifest.clone());
            }
        }
        if deleted.is_empty() {
            return Err(Error::Conflict(format!("image {digest} was tagged again while it was being deleted")));
        }
        let reference = format!("{}@{digest}", name.full());
        let detail = (deleted.len() > 1).then(|| format!("with {} referrers or child images", deleted.len() - 1));
        let event = Event {
            workspace_id: Some(access.registry.workspace_id),
            action: "image.delete",
            resource_type: "image",
            resource: &reference,
            detail,
        };
        self.record_in(&mut tx, caller, event).await?;
        tx.commit().await?;
        self.reclaim_in_background();
        Ok(deleted)
    }
}

/// Tags a page of the repository page shows.
pub const TAG_PAGE_SIZE: i64 = 50;

/// Repositories a page of the registry page shows.
pub const REPOSITORY_PAGE_SIZE: i64 = 25;

/// Untagged images a page of the repository page shows.
pub const UNTAGGED_PAGE_SIZE: i64 = 20;

/// Where a tag stands in `sort` order.
fn tag_cursor(sort: TagSort, tag: &TagRecord) -> String {
    let value = match sort {
        TagSort::Name => None,
        TagSort::Pushed => Some(tag.pushed_at),
        TagSort::Size => Some(tag.size_bytes),
        TagSort::Pulls => Some(tag.pulls),
    };
    cursor(value, &tag.name)
}

fn repository_summary(r: RepositoryUsage) -> RepositorySummary {
    RepositorySummary {
        name: r.repository.name,
        tags: r.tags,
        size_bytes: r.size_bytes,
        pulls: r.repository.pulls,
        last_push_at: r.repository.last_push_at.map(Timestamp),
        last_pulled_at: r.repository.last_pulled_at.map(Timestamp),
    }
}

/// A tag as lists show it, with the referrers of its image.
fn tag_summary(t: TagRecord, referrers: &HashMap<String, Vec<Referrer>>) -> TagSummary {
    TagSummary {
        referrers: referrers.get(&t.digest).cloned().unwrap_or_default(),
        name: t.name,
        digest: t.digest,
        size_bytes: t.size_bytes,
        pushed_at: Timestamp(t.pushed_at),
        pulls: t.pulls,
        last_pulled_at: t.last_pulled_at.map(Timestamp),
        platform: t.platform,
    }
}

/// Manifests that have a subject, grouped by it.
fn referrers_by_subject(manifests: Vec<ManifestSummaryRecord>) -> HashMap<String, Vec<Referrer>> {
    let mut by_subject: HashMap<String, Vec<Referrer>> = HashMap::new();
    for m in manifests {
        if let Some(subject) = m.subject_digest {
            by_subject.entry(subject).or_default().push(Referrer {
                digest: m.digest,
                artifact_type: m.artifact_type,
                media_type: m.media_type,
                size_bytes: m.size_bytes,
            });
        }
    }
    by_subject
}

impl Services {
    pub async fn get_repository(&self, caller: &Caller, name: &RepositoryName) -> Result<RepositoryDetail, Error> {
        let access = self.repository_access(caller, name, Action::Pull).await?;
        let repository = access.repository()?;
        let (short_description, description) = self.db.repository_descriptions(repository.id).await?;
        Ok(RepositoryDetail {
            name: repository.name.clone(),
            short_description,
            description,
            immutable_tags: self.db.tags_immutable(repository.id).await?,
            tags: self.db.count_tags(repository.id).await?,
            size_bytes: self.db.repository_size(repository.id).await?,
            pulls: repository.pulls,
        })
    }

    /// Managers change a repository's descriptions and tag immutability.
    pub async fn update_repository(
        &self,
        caller: &Caller,
        name: &RepositoryName,
        patch: RepositoryPatch,
    ) -> Result<RepositoryDetail, Error> {
        let access = self.repository_access(caller, name, Action::UpdateRegistry).await?;
        let repository = access.repository()?;
        // Every field is checked before anything is written.
        let descriptions = if patch.short_description.is_some() || patch.description.is_some() {
            let (old_short, old_full) = self.db.repository_descriptions(repository.id).await?;
            let short = match patch.short_description.as_deref() {
                Some(text) => bounded_text("short_description", text, 0, 100)?,
                None => old_short,
            };
            let full = match patch.description.as_deref() {
                // Docker Hub's limit; it also fits any console or API body.
                Some(text) if text.len() > MAX_DESCRIPTION_BYTES => {
                    return Err(Error::invalid("description", format!("must be at most {MAX_DESCRIPTION_BYTES} bytes")));
                }
                Some(text) => text.to_string(),
                None => old_full,
            };
            Some((short, full))
        } else {
            None
        };
        let mut changes = Vec::new();
        let mut tx = self.db.begin().await?;
        if let Some((short, full)) = &descriptions {
            tx.set_repository_descriptions(repository.id, short, full).await?;
            changes.push("descriptions changed".to_string());
        }
        if let Some(immutable) = patch.immutable_tags {
            tx.set_repository_immutability(repository.id, Some(immutable)).await?;
            changes.push(format!("immutable tags {}", if immutable { "on" } else { "off" }));
        }
        if !changes.is_empty() {
            let full = name.full();
            let event = Event {
                workspace_id: Some(access.registry.workspace_id),
                action: "repository.update",
                resource_type: "repository",
                resource: full,
                detail: Some(changes.join("; ")),
            };
            self.record_in(&mut tx, caller, event).await?;
        }
        tx.commit().await?;
        self.get_repository(caller, name).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_cursors_round_trip_and_refuse_nonsense() {
        let tag = TagRecord {
            name: "v1.2".into(),
            digest: "sha256:00".into(),
            pushed_at: 1700,
            pulls: 3,
            last_pulled_at: None,
            size_bytes: 42,
            platform: None,
        };
        let parse = |sort: TagSort, cursor: &str| Keyset::parse(Some(cursor), None, sort != TagSort::Name, is_tag);
        for sort in [TagSort::Name, TagSort::Pushed, TagSort::Size, TagSort::Pulls] {
            let keyset = parse(sort, &tag_cursor(sort, &tag)).unwrap();
            assert_eq!(keyset.position().unwrap().1, "v1.2");
        }
        assert_eq!(parse(TagSort::Pushed, "1700:v1.2").unwrap().position(), Some((1700, "v1.2")));
        for bad in ["", "v1", "x:v1", "1700:", "1700:bad tag", "1:../x"] {
            assert!(parse(TagSort::Pushed, bad).is_err(), "{bad}");
        }
        assert!(parse(TagSort::Name, "no spaces allowed").is_err());
    }
}
