//! Loading a registry's images as a graph (for clean-up and tag deletion), and the
//! guarded deletes that apply what the graph decided.

use super::transaction::Tx;
use super::{Db, internal};
use app::domain::Error;
use app::domain::cleanup::TagFact;
use app::domain::image_graph::{RegistryGraph, RepositoryGraph};
use sqlx::Row;

/// Every repository of the registry (`ALL_REPOSITORIES`), or just one.
pub const ALL_REPOSITORIES: i64 = 0;

/// A tag with the facts a clean-up rule needs, and where it lives.
#[derive(Debug, Clone)]
pub struct TagInRegistry {
    pub repository_id: i64,
    pub fact: TagFact,
}

/// What the repository page shows of a manifest that is not (only) a tag.
#[derive(Debug, Clone)]
pub struct ManifestSummaryRecord {
    pub digest: String,
    pub media_type: String,
    pub artifact_type: Option<String>,
    pub subject_digest: Option<String>,
    pub size_bytes: i64,
    pub platform: Option<String>,
    pub pushed_at: i64,
}

const MANIFEST_SUMMARIES: &str = "SELECT digest, media_type, artifact_type, subject_digest, COALESCE(image_size, size) AS size_bytes, platform, pushed_at FROM manifests";

/// A manifest (`m`) no tag names and no index lists, and that is no referrer of an
/// image in its repository (referrers are shown under their subject).
const UNTAGGED: &str = "NOT EXISTS (SELECT 1 FROM tags t WHERE t.repository_id = m.repository_id AND t.manifest_digest = m.digest)
    AND NOT EXISTS (SELECT 1 FROM manifest_references r
                    WHERE r.repository_id = m.repository_id AND r.kind = 'manifest' AND r.child_digest = m.digest)
    AND NOT EXISTS (SELECT 1 FROM manifests s WHERE s.repository_id = m.repository_id AND s.digest = m.subject_digest)";

fn manifest_summaries(rows: &[sqlx::any::AnyRow]) -> Result<Vec<ManifestSummaryRecord>, Error> {
    rows.iter()
        .map(|row| {
            Ok(ManifestSummaryRecord {
                digest: row.try_get("digest")?,
                media_type: row.try_get("media_type")?,
                artifact_type: row.try_get("artifact_type")?,
                subject_digest: row.try_get("subject_digest")?,
                size_bytes: row.try_get("size_bytes")?,
                platform: row.try_get("platform")?,
                pushed_at: row.try_get("pushed_at")?,
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(internal("decode manifests"))
}

impl Db {
    /// A page of the repository's untagged images, newest first, after (or
    /// `backwards`, before) the image at `from` (push time, digest), and how many
    /// untagged images the repository has: one statement, which finds them all once
    /// (they are few; the tagged ones it passes over are most of its cost).
    pub async fn untagged_image_page(
        &self,
        repository_id: i64,
        from: Option<(i64, &str)>,
        backwards: bool,
        limit: i64,
    ) -> Result<(Vec<ManifestSummaryRecord>, i64), Error> {
        let (past, order) = if backwards { (">", "ASC") } else { ("<", "DESC") };
        let condition = match from {
            None => "1 = 1".to_string(),
            Some(_) => format!("(x.pushed_at {past} $3 OR (x.pushed_at = $3 AND x.digest {past} $4))"),
        };
        let sql = format!(
            "SELECT * FROM (
                 SELECT m.digest, m.media_type, m.artifact_type, m.subject_digest, COALESCE(m.image_size, m.size) AS size_bytes,
                        m.platform, m.pushed_at, COUNT(*) OVER () AS total
                 FROM manifests m WHERE m.repository_id = $1 AND {UNTAGGED}) x
             WHERE {condition} ORDER BY x.pushed_at {order}, x.digest {order} LIMIT $2"
        );
        let mut query = sqlx::query(&sql).bind(repository_id).bind(limit);
        if let Some((pushed_at, digest)) = from {
            query = query.bind(pushed_at).bind(digest);
        }
        let rows = query.fetch_all(&mut *self.read().await?).await.map_err(internal("list untagged images"))?;
        let total = match rows.first() {
            Some(row) => row.try_get("total").map_err(internal("decode untagged images"))?,
            // Past the last one (or none at all): count them apart.
            None if from.is_some() => self.count_untagged_images(repository_id).await?,
            None => 0,
        };
        Ok((manifest_summaries(&rows)?, total))
    }

    async fn count_untagged_images(&self, repository_id: i64) -> Result<i64, Error> {
        sqlx::query_scalar(&format!("SELECT COUNT(*) FROM manifests m WHERE m.repository_id = $1 AND {UNTAGGED}"))
            .bind(repository_id)
            .fetch_one(&mut *self.read().await?)
            .await
            .map_err(internal("count untagged images"))
    }

    /// The manifests whose subject is one of `subjects` (the referrers of a page of tags).
    pub async fn referrers_of(&self, repository_id: i64, subjects: &[&str]) -> Result<Vec<ManifestSummaryRecord>, Error> {
        if subjects.is_empty() {
            return Ok(Vec::new());
        }
        let list = (0..subjects.len()).map(|i| format!("${}", i + 2)).collect::<Vec<_>>().join(", ");
        let sql = format!("{MANIFEST_SUMMARIES} WHERE repository_id = $1 AND subject_digest IN ({list}) ORDER BY pushed_at, digest");
        let mut query = sqlx::query(&sql).bind(repository_id);
        for subject in subjects {
            query = query.bind(*subject);
        }
        let rows = query.fetch_all(&mut *self.read().await?).await.map_err(internal("list referrers"))?;
        manifest_summaries(&rows)
    }

    /// The manifests, their references and tags of a registry (or of one repository
    /// in it), and the sizes of the blobs they reference.
    pub async fn image_graph(&self, registry_id: i64, repository_id: i64) -> Result<RegistryGraph, Error> {
        let mut graph = RegistryGraph::default();
        let manifests = sqlx::query(
            "SELECT m.repository_id, m.digest, m.subject_digest FROM manifests m JOIN repositories r ON r.id = m.repository_id
             WHERE r.registry_id = $1 AND (r.id = $2 OR $2 = 0)",
        )
        .bind(registry_id)
        .bind(repository_id)
        .fetch_all(&mut *self.read().await?)
        .await
        .map_err(internal("load manifests"))?;
        for row in manifests {
            let decode = || -> Result<(i64, String, Option<String>), sqlx::Error> {
                Ok((row.try_get("repository_id")?, row.try_get("digest")?, row.try_get("subject_digest")?))
            };
            let (repository, digest, subject) = decode().map_err(internal("decode manifest"))?;
            let node = graph.repositories.entry(repository).or_default().manifests.entry(digest).or_default();
            node.subject = subject;
        }
        let references = sqlx::query(
            "SELECT mr.repository_id, mr.manifest_digest, mr.child_digest, mr.kind FROM manifest_references mr
             JOIN repositories r ON r.id = mr.repository_id WHERE r.registry_id = $1 AND (r.id = $2 OR $2 = 0)",
        )
        .bind(registry_id)
        .bind(repository_id)
        .fetch_all(&mut *self.read().await?)
        .await
        .map_err(internal("load manifest references"))?;
        for row in references {
            let decode = || -> Result<(i64, String, String, String), sqlx::Error> {
                Ok((row.try_get("repository_id")?, row.try_get("manifest_digest")?, row.try_get("child_digest")?, row.try_get("kind")?))
            };
            let (repository, manifest, child, kind) = decode().map_err(internal("decode manifest reference"))?;
            let node = graph.repositories.entry(repository).or_default().manifests.entry(manifest).or_default();
            if kind == "manifest" { node.children.push(child) } else { node.blobs.push(child) }
        }
        let tags = sqlx::query(
            "SELECT t.repository_id, t.name, t.manifest_digest FROM tags t JOIN repositories r ON r.id = t.repository_id
             WHERE r.registry_id = $1 AND (r.id = $2 OR $2 = 0)",
        )
        .bind(registry_id)
        .bind(repository_id)
        .fetch_all(&mut *self.read().await?)
        .await
        .map_err(internal("load tags"))?;
        for row in tags {
            let decode = || -> Result<(i64, String, String), sqlx::Error> {
                Ok((row.try_get("repository_id")?, row.try_get("name")?, row.try_get("manifest_digest")?))
            };
            let (repository, tag, digest) = decode().map_err(internal("decode tag"))?;
            graph.repositories.entry(repository).or_insert_with(RepositoryGraph::default).tags.insert(tag, digest);
        }
        let sizes = sqlx::query(
            "SELECT b.digest, b.size FROM blobs b WHERE b.digest IN (
                SELECT mr.child_digest FROM manifest_references mr JOIN repositories r ON r.id = mr.repository_id
                 WHERE r.registry_id = $1 AND mr.kind = 'blob')",
        )
        .bind(registry_id)
        .fetch_all(&mut *self.read().await?)
        .await
        .map_err(internal("load blob sizes"))?;
        for row in sizes {
            let digest: String = row.try_get("digest").map_err(internal("decode blob size"))?;
            graph.blob_sizes.insert(digest, row.try_get("size").map_err(internal("decode blob size"))?);
        }
        Ok(graph)
    }

    /// Every tag of the registry with its push time and effective immutability.
    pub async fn registry_tag_facts(&self, registry_id: i64) -> Result<Vec<TagInRegistry>, Error> {
        let rows = sqlx::query(
            "SELECT r.id AS repository_id, r.name AS repository, t.name AS tag, t.manifest_digest, t.pushed_at,
                    COALESCE(r.immutable_tags, g.immutable_tags_default) AS immutable
             FROM tags t JOIN repositories r ON r.id = t.repository_id JOIN registries g ON g.id = r.registry_id
             WHERE r.registry_id = $1",
        )
        .bind(registry_id)
        .fetch_all(&mut *self.read().await?)
        .await
        .map_err(internal("list tag facts"))?;
        rows.iter()
            .map(|row| {
                Ok(TagInRegistry {
                    repository_id: row.try_get("repository_id")?,
                    fact: TagFact {
                        repository: row.try_get("repository")?,
                        tag: row.try_get("tag")?,
                        digest: row.try_get("manifest_digest")?,
                        pushed_at: row.try_get("pushed_at")?,
                        immutable: row.try_get::<i64, _>("immutable")? != 0,
                    },
                })
            })
            .collect::<Result<_, sqlx::Error>>()
            .map_err(internal("decode tag facts"))
    }
}

impl Tx<'_> {
    /// Deletes the tag only if it still names `digest` (a push may have moved it).
    pub async fn delete_tag_if_unchanged(&mut self, repository_id: i64, tag: &str, digest: &str) -> Result<bool, Error> {
        sqlx::query("DELETE FROM tags WHERE repository_id = $1 AND name = $2 AND manifest_digest = $3")
            .bind(repository_id)
            .bind(tag)
            .bind(digest)
            .execute(self.conn())
            .await
            .map(|r| r.rows_affected() > 0)
            .map_err(internal("delete tag"))
    }

    /// Deletes the manifest only if no tag names it (a push may have tagged it again).
    pub async fn delete_manifest_if_untagged(&mut self, repository_id: i64, digest: &str) -> Result<bool, Error> {
        sqlx::query(
            "DELETE FROM manifests WHERE repository_id = $1 AND digest = $2
               AND NOT EXISTS (SELECT 1 FROM tags WHERE repository_id = $1 AND manifest_digest = $2)",
        )
        .bind(repository_id)
        .bind(digest)
        .execute(self.conn())
        .await
        .map(|r| r.rows_affected() > 0)
        .map_err(internal("delete untagged manifest"))
    }
}
