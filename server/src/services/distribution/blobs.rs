//! Reading and deleting blobs through a repository.

use super::uploads::storage;
use crate::db::registries::AlsoFetch;
use crate::services::Services;
use crate::storage::ByteStream;
use app::domain::digest::Digest;
use app::domain::names::RepositoryName;
use app::domain::policy::{Action, Caller};
use app::domain::{Error, Resource};

/// A byte range request, resolved against the blob's size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeRequest {
    /// `bytes=first-last` (inclusive) or `bytes=first-`
    From { first: u64, last: Option<u64> },
    /// `bytes=-n`: the last n bytes
    Suffix(u64),
}

impl RangeRequest {
    /// Parses a single-range `Range` header; `None` when it is not one.
    pub fn parse(header: &str) -> Option<RangeRequest> {
        let spec = header.trim().strip_prefix("bytes=")?;
        if spec.contains(',') {
            return None;
        }
        let (first, last) = spec.split_once('-')?;
        match (first.trim(), last.trim()) {
            ("", n) => n.parse().ok().map(RangeRequest::Suffix),
            (f, "") => f.parse().ok().map(|first| RangeRequest::From { first, last: None }),
            (f, l) => Some(RangeRequest::From { first: f.parse().ok()?, last: Some(l.parse().ok()?) }),
        }
    }

    /// The inclusive byte span within a blob of `size` bytes, if satisfiable.
    pub fn resolve(self, size: u64) -> Option<(u64, u64)> {
        match self {
            RangeRequest::From { first, last } if first < size => {
                let last = last.unwrap_or(size - 1).min(size - 1);
                (last >= first).then_some((first, last))
            }
            RangeRequest::Suffix(n) if n > 0 && size > 0 => Some((size.saturating_sub(n), size - 1)),
            _ => None,
        }
    }
}

pub struct BlobBody {
    pub size: u64,
    /// The span served, when a range was asked for.
    pub range: Option<(u64, u64)>,
    pub stream: Option<ByteStream>,
}

impl Services {
    /// The size of a blob the repository may serve (`HEAD`).
    pub async fn stat_blob(&self, caller: &Caller, name: &RepositoryName, digest: &Digest) -> Result<u64, Error> {
        let digest = digest.to_string();
        let also = AlsoFetch { linked_blob: Some(&digest), ..AlsoFetch::default() };
        let access = self.repository_access_with(caller, name, Action::Pull, also).await?;
        let size = access.linked_blob_size.ok_or(Error::NotFound(Resource::Blob))?;
        Ok(size as u64)
    }

    /// A blob's bytes (`GET`), whole or a range. `Err(RangeInvalid)` when the range
    /// cannot be satisfied.
    pub async fn open_blob(
        &self,
        caller: &Caller,
        name: &RepositoryName,
        digest: &Digest,
        range: Option<RangeRequest>,
    ) -> Result<BlobBody, Error> {
        let size = self.stat_blob(caller, name, digest).await?;
        let span = match range {
            None => None,
            Some(request) => Some(request.resolve(size).ok_or_else(|| Error::RangeInvalid(format!("the blob has {size} bytes")))?),
        };
        let stream = self.blobs.read_blob(digest, span).await.map_err(storage("read blob"))?;
        Ok(BlobBody { size, range: span, stream: Some(stream) })
    }

    /// Removes the blob from the repository. Its bytes stay until garbage collection
    /// finds nothing else uses them.
    pub async fn delete_blob(&self, caller: &Caller, name: &RepositoryName, digest: &Digest) -> Result<(), Error> {
        let access = self.repository_access(caller, name, Action::DeleteContent).await?;
        let repository = access.repository.as_ref().ok_or(Error::NotFound(Resource::Blob))?;
        if !self.db.unlink_blob(repository.id, &digest.to_string()).await? {
            return Err(Error::NotFound(Resource::Blob));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::RangeRequest::{self, *};

    #[test]
    fn ranges_parse_and_resolve() {
        assert_eq!(RangeRequest::parse("bytes=0-9"), Some(From { first: 0, last: Some(9) }));
        assert_eq!(RangeRequest::parse("bytes=5-"), Some(From { first: 5, last: None }));
        assert_eq!(RangeRequest::parse("bytes=-3"), Some(Suffix(3)));
        for bad in ["0-9", "bytes=a-b", "bytes=0-1,3-4", "items=0-1"] {
            assert_eq!(RangeRequest::parse(bad), None, "{bad}");
        }
        assert_eq!(From { first: 0, last: Some(99) }.resolve(10), Some((0, 9)));
        assert_eq!(From { first: 10, last: None }.resolve(10), None);
        assert_eq!(From { first: 5, last: Some(2) }.resolve(10), None);
        assert_eq!(Suffix(3).resolve(10), Some((7, 9)));
        assert_eq!(Suffix(30).resolve(10), Some((0, 9)));
    }
}
