//! Tags (`tags`): resolving, listing (plain for `/v2/`, with sizes and platforms for
//! the console and the API, paged by keyset) and deleting.

use super::{Db, internal};
use app::domain::Error;
use sqlx::Row;
use sqlx::any::AnyRow;

impl Db {
    pub async fn resolve_tag(&self, repository_id: i64, tag: &str) -> Result<Option<String>, Error> {
        let row = sqlx::query("SELECT manifest_digest FROM tags WHERE repository_id = $1 AND name = $2")
            .bind(repository_id)
            .bind(tag)
            .fetch_optional(&mut *self.read().await?)
            .await
            .map_err(internal("resolve tag"))?;
        row.map(|r| r.try_get::<String, _>("manifest_digest")).transpose().map_err(internal("decode tag"))
    }

    pub async fn delete_tag(&self, repository_id: i64, tag: &str) -> Result<bool, Error> {
        sqlx::query("DELETE FROM tags WHERE repository_id = $1 AND name = $2")
            .bind(repository_id)
            .bind(tag)
            .execute(&mut *self.write().await?)
            .await
            .map(|r| r.rows_affected() > 0)
            .map_err(internal("delete tag"))
    }

    /// Tag names in byte order, after `last`, at most `limit`. The names come back
    /// joined in one row (tags cannot contain a newline): one row instead of one per
    /// tag through the driver's worker thread makes long listings several times cheaper.
    pub async fn list_tags(&self, repository_id: i64, last: Option<&str>, limit: i64) -> Result<Vec<String>, Error> {
        let sql = format!(
            "SELECT {} AS names FROM (SELECT name FROM tags WHERE repository_id = $1 AND name > $2 ORDER BY name LIMIT $3) page",
            super::joined_lines("name", "name")
        );
        let joined: Option<String> = sqlx::query(&sql)
            .bind(repository_id)
            .bind(last.unwrap_or(""))
            .bind(limit)
            .fetch_one(&mut *self.read().await?)
            .await
            .and_then(|row| row.try_get("names"))
            .map_err(internal("list tags"))?;
        let mut names: Vec<String> = joined.as_deref().unwrap_or("").lines().map(str::to_string).collect();
        names.sort_unstable(); // byte order, whatever order the aggregate kept
        Ok(names)
    }

    pub async fn count_tags(&self, repository_id: i64) -> Result<i64, Error> {
        sqlx::query("SELECT COUNT(*) AS n FROM tags WHERE repository_id = $1")
            .bind(repository_id)
            .fetch_one(&mut *self.read().await?)
            .await
            .and_then(|row| row.try_get("n"))
            .map_err(internal("count tags"))
    }
}

/// Tags with their images' sizes and platforms (`TagRecord`); callers add the
/// conditions and the order.
pub(super) const TAG_RECORDS: &str = "SELECT t.name, t.manifest_digest, t.pushed_at, t.pulls, t.last_pulled_at,
                                  COALESCE(m.image_size, 0) AS image_size, m.platform
                           FROM tags t LEFT JOIN manifests m ON m.repository_id = t.repository_id AND m.digest = t.manifest_digest";

pub(super) fn tag_records(rows: &[AnyRow]) -> Result<Vec<TagRecord>, Error> {
    rows.iter()
        .map(|row| {
            Ok(TagRecord {
                name: row.try_get("name")?,
                digest: row.try_get("manifest_digest")?,
                pushed_at: row.try_get("pushed_at")?,
                pulls: row.try_get("pulls")?,
                last_pulled_at: row.try_get("last_pulled_at")?,
                size_bytes: row.try_get("image_size")?,
                platform: row.try_get("platform")?,
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()
        .map_err(internal("decode tag records"))
}

/// A tag with what it points at.
#[derive(Debug, Clone)]
pub struct TagRecord {
    pub name: String,
    pub digest: String,
    pub pushed_at: i64,
    pub pulls: i64,
    pub last_pulled_at: Option<i64>,
    pub size_bytes: i64,
    pub platform: Option<String>,
}

impl Db {
    /// Every tag with its image's size and platform, in one query.
    pub async fn list_tag_records(&self, repository_id: i64) -> Result<Vec<TagRecord>, Error> {
        let rows = sqlx::query(&format!("{TAG_RECORDS} WHERE t.repository_id = $1 ORDER BY t.name"))
            .bind(repository_id)
            .fetch_all(&mut *self.read().await?)
            .await
            .map_err(internal("list tag records"))?;
        tag_records(&rows)
    }

    /// Up to `limit` tags after (or, with `backwards`, before) the keyset position
    /// `(value, name)` in `sort` order, with their images' sizes and platforms;
    /// `None` starts at the beginning. Backward pages come back in reverse order.
    pub async fn list_tag_page(
        &self,
        repository_id: i64,
        sort: app::dto::TagSort,
        from: Option<(i64, &str)>,
        backwards: bool,
        limit: i64,
    ) -> Result<Vec<TagRecord>, Error> {
        use app::dto::TagSort;
        let key = match sort {
            TagSort::Name => None,
            TagSort::Pushed => Some("t.pushed_at"),
            TagSort::Size => Some("COALESCE(m.image_size, 0)"),
            TagSort::Pulls => Some("t.pulls"),
        };
        // Forward is `key DESC, name ASC` (`name ASC` alone by name); backward flips both.
        let (before, after, down, up) = if backwards { (">", "<", "ASC", "DESC") } else { ("<", ">", "DESC", "ASC") };
        let order = match key {
            None => format!("t.name {up}"),
            Some(key) => format!("{key} {down}, t.name {up}"),
        };
        let (condition, limit_at) = match (key, from) {
            (_, None) => ("1 = 1".to_string(), "$2"),
            (None, Some(_)) => (format!("t.name {after} $2"), "$3"),
            (Some(key), Some(_)) => (format!("({key} {before} $2 OR ({key} = $2 AND t.name {after} $3))"), "$4"),
        };
        let sql = format!("{TAG_RECORDS} WHERE t.repository_id = $1 AND ({condition}) ORDER BY {order} LIMIT {limit_at}");
        let mut query = sqlx::query(&sql).bind(repository_id);
        match (key, from) {
            (_, None) => {}
            (None, Some((_, name))) => query = query.bind(name),
            (Some(_), Some((value, name))) => query = query.bind(value).bind(name),
        }
        let rows = query.bind(limit).fetch_all(&mut *self.read().await?).await.map_err(internal("list tag page"))?;
        tag_records(&rows)
    }

    /// How many tags the repository has, and the most recently pushed one.
    pub async fn tag_count_and_newest(&self, repository_id: i64) -> Result<(i64, Option<String>), Error> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM tags WHERE repository_id = $1) AS total,
                    (SELECT name FROM tags WHERE repository_id = $1 ORDER BY pushed_at DESC, name LIMIT 1) AS newest",
        )
        .bind(repository_id)
        .fetch_one(&mut *self.read().await?)
        .await
        .map_err(internal("count tags"))?;
        Ok((row.try_get("total").map_err(internal("decode tag count"))?, row.try_get("newest").map_err(internal("decode tag count"))?))
    }

    pub async fn find_tag(&self, repository_id: i64, name: &str) -> Result<Option<TagRecord>, Error> {
        let row =
            sqlx::query("SELECT name, manifest_digest, pushed_at, pulls, last_pulled_at FROM tags WHERE repository_id = $1 AND name = $2")
                .bind(repository_id)
                .bind(name)
                .fetch_optional(&mut *self.read().await?)
                .await
                .map_err(internal("find tag"))?;
        let Some(row) = row else { return Ok(None) };
        let digest: String = row.try_get("manifest_digest").map_err(internal("decode tag"))?;
        let size_bytes = self.manifest_size(repository_id, &digest).await?;
        Ok(Some(TagRecord {
            name: row.try_get("name").map_err(internal("decode tag"))?,
            digest,
            pushed_at: row.try_get("pushed_at").map_err(internal("decode tag"))?,
            pulls: row.try_get("pulls").map_err(internal("decode tag"))?,
            last_pulled_at: row.try_get("last_pulled_at").map_err(internal("decode tag"))?,
            size_bytes,
            platform: None,
        }))
    }

    /// The repository's own immutability setting (`None`: follows the registry).
    /// Tags of the repository pointing at `digest`.
    pub async fn tags_of(&self, repository_id: i64, digest: &str) -> Result<Vec<String>, Error> {
        sqlx::query("SELECT name FROM tags WHERE repository_id = $1 AND manifest_digest = $2 ORDER BY name")
            .bind(repository_id)
            .bind(digest)
            .fetch_all(&mut *self.read().await?)
            .await
            .and_then(|rows| rows.iter().map(|r| r.try_get::<String, _>("name")).collect())
            .map_err(internal("tags of manifest"))
    }
}
