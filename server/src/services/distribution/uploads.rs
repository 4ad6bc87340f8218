//! Blob uploads: monolithic, POST then PUT, chunked PATCHes with `Content-Range`,
//! status, cancel, and cross-repository mounts. Bytes stream to the store while being
//! hashed; a blob becomes visible only after its digest is verified.

use super::Access;
use crate::db::now_ms;
use crate::db::registries::AlsoFetch;
use crate::db::uploads::{UploadLimits, UploadOpened};
use crate::services::Services;
use crate::services::hashing::Hasher;
use crate::storage::ByteStream;
use app::domain::digest::{Algorithm, Digest};
use app::domain::names::RepositoryName;
use app::domain::policy::{Action, Caller, Principal};
use app::domain::{Error, Resource};
use bytes::Bytes;
use futures_util::StreamExt;
use std::sync::{Arc, Mutex};

/// Where an upload stands: its id and how many bytes it holds.
#[derive(Debug, Clone)]
pub struct UploadState {
    pub id: String,
    pub size: i64,
}

pub enum MountResult {
    Mounted(Digest),
    /// The blob could not be mounted; an ordinary upload was started instead.
    Started(UploadState),
}

fn new_upload_id() -> String {
    hex::encode(crate::crypto::random::bytes::<16>())
}

/// Wraps a body so every chunk also feeds `hasher`.
fn hashed(body: ByteStream, hasher: Arc<Mutex<Option<Hasher>>>) -> ByteStream {
    Box::pin(body.map(move |chunk| {
        if let (Ok(bytes), Some(h)) = (&chunk, hasher.lock().unwrap().as_mut()) {
            h.update(bytes);
        }
        chunk
    }))
}

impl Services {
    pub async fn start_upload(&self, caller: &Caller, name: &RepositoryName) -> Result<UploadState, Error> {
        let access = self.repository_access(caller, name, Action::Push).await?;
        self.new_upload(caller, &access, name).await
    }

    /// Opens an upload, within the limits on uploads open at once: a pusher cannot
    /// fill the disk with uploads it never finishes (idle ones are also removed
    /// within the hour, see `jobs.rs`).
    async fn new_upload(&self, caller: &Caller, access: &Access, name: &RepositoryName) -> Result<UploadState, Error> {
        let id = new_upload_id();
        let started_by = match &caller.principal {
            Principal::User(user) => format!("user:{}", user.id),
            Principal::Robot(robot) => format!("robot:{}", robot.id),
            Principal::Anonymous => String::new(),
        };
        let opened = self.db.insert_upload(&id, access.registry.id, name.repository(), &started_by, UPLOAD_LIMITS, now_ms()).await?;
        match opened {
            UploadOpened::Opened => Ok(UploadState { id, size: 0 }),
            UploadOpened::RegistryFull => Err(Error::Forbidden(format!(
                "Registry {} already has {} uploads in progress; finish or cancel some before starting another.",
                access.registry.name, UPLOAD_LIMITS.per_registry
            ))),
            UploadOpened::CredentialFull => Err(Error::Forbidden(format!(
                "You already have {} uploads in progress; finish or cancel some before starting another.",
                UPLOAD_LIMITS.per_credential
            ))),
        }
    }

    /// `POST …/blobs/uploads/?mount=<digest>[&from=<name>]`: links an existing blob
    /// instead of uploading it, when the caller may pull it from its source.
    pub async fn mount_blob(
        &self,
        caller: &Caller,
        name: &RepositoryName,
        digest: &Digest,
        from: Option<&RepositoryName>,
    ) -> Result<MountResult, Error> {
        let access = self.repository_access(caller, name, Action::Push).await?;
        let digest_text = digest.to_string();
        let available = match from {
            // The caller must be allowed to pull the blob from where it is.
            Some(source) => {
                let also = AlsoFetch { linked_blob: Some(&digest_text), ..AlsoFetch::default() };
                let source = self.repository_access_with(caller, source, Action::Pull, also).await;
                source.is_ok_and(|source| source.linked_blob_size.is_some())
            }
            // Without `from`, only blobs already in the same registry are mounted.
            None => self.db.registry_has_blob(access.registry.id, &digest_text).await?,
        };
        // Touching the blob keeps garbage collection off it while it is linked here.
        if !available || !self.db.retouch_blob(&digest_text, now_ms()).await? {
            return self.new_upload(caller, &access, name).await.map(MountResult::Started);
        }
        let size = self.db.blob_size(&digest_text).await?.unwrap_or(0);
        self.require_room_for_blob(&access, digest, size).await?;
        let repository = self.db.ensure_repository(access.registry.id, name.repository(), now_ms()).await?;
        self.db.link_blob(repository.id, &digest_text, now_ms()).await?;
        Ok(MountResult::Mounted(digest.clone()))
    }

    /// `PATCH`: appends a chunk. With `range` (from `Content-Range`), the chunk must
    /// start exactly where the upload stands.
    pub async fn upload_chunk(
        &self,
        caller: &Caller,
        name: &RepositoryName,
        id: &str,
        range: Option<(u64, u64)>,
        body: ByteStream,
    ) -> Result<UploadState, Error> {
        let (_, upload) = self.upload_access(caller, name, id).await?;
        let expected = chunk_length(upload.size, range)?;
        let token = self.hold_upload(id, upload.size).await?;
        let result = self.append(id, upload.size, expected, body, Some(&token)).await;
        if result.is_err() {
            self.release_upload(id, &token).await;
        }
        result
    }

    /// `PUT …/uploads/<id>?digest=`: appends the body (if any; with `range`, it must
    /// start where the upload stands, as for a PATCH), verifies the digest, and makes
    /// the blob visible in the repository.
    pub async fn complete_upload(
        &self,
        caller: &Caller,
        name: &RepositoryName,
        id: &str,
        digest: &Digest,
        range: Option<(u64, u64)>,
        body: Option<ByteStream>,
    ) -> Result<Digest, Error> {
        let (access, upload) = self.upload_access(caller, name, id).await?;
        let expected = chunk_length(upload.size, range)?;
        // The finishing request claims the upload's record (removing it) before it
        // learns the digest: from then on nobody else can write into the upload.
        let (size, tail, actual) = self.closing_bytes(id, upload.size, expected, body, digest.algorithm()).await?;
        if actual != *digest {
            self.discard_upload(id).await;
            return Err(Error::DigestInvalid(format!("the content's digest is {actual}, not {digest}")));
        }
        let result = self.place_blob(&access, name, id, digest, size, tail).await;
        if result.is_err() {
            self.upload_hashes.forget(id);
            if let Err(err) = self.blobs.delete_upload(id).await {
                tracing::warn!(error = %err, "could not delete upload bytes");
            }
        }
        result.map(|()| digest.clone())
    }

    /// Makes a verified upload the blob `digest` and links it to the repository.
    async fn place_blob(
        &self,
        access: &Access,
        name: &RepositoryName,
        id: &str,
        digest: &Digest,
        size: i64,
        tail: Bytes,
    ) -> Result<(), Error> {
        self.require_room_for_blob(access, digest, size).await?;
        let now = now_ms();
        // Recorded first, then made visible, then linked: garbage collection never
        // removes a blob touched this recently (see services/gc.rs).
        self.db.touch_blob(&digest.to_string(), size, now).await?;
        self.blobs.commit_upload(id, size as u64, tail, digest).await.map_err(storage("commit upload"))?;
        let repository_id = match &access.repository {
            Some(repository) => repository.id,
            None => self.db.ensure_repository(access.registry.id, name.repository(), now).await?.id,
        };
        self.db.link_blob(repository_id, &digest.to_string(), now).await
    }

    /// With a quota, blobs count from the moment they are uploaded or mounted, not
    /// only once a manifest uses them: a pusher cannot fill the disk with blobs no
    /// image references (they count until garbage collection removes them, after
    /// the grace period). The manifest push then checks the quota exactly, inside
    /// its transaction.
    async fn require_room_for_blob(&self, access: &Access, digest: &Digest, size: i64) -> Result<(), Error> {
        let Some(quota) = access.registry.quota_bytes else { return Ok(()) };
        let (held, already) = self.db.registry_held_bytes(access.registry.id, &digest.to_string()).await?;
        if already || held + size <= quota {
            return Ok(());
        }
        Err(Error::QuotaExceeded(format!(
            "This blob needs {size} more bytes; registry {} holds {held} of its {quota}-byte quota \
             (blobs uploaded but not used by any image count until garbage collection removes them).",
            access.registry.name
        )))
    }

    /// `POST …/uploads/?digest=` with the whole blob as the body.
    pub async fn monolithic_upload(
        &self,
        caller: &Caller,
        name: &RepositoryName,
        digest: &Digest,
        body: ByteStream,
    ) -> Result<Digest, Error> {
        let state = self.start_upload(caller, name).await?;
        self.complete_upload(caller, name, &state.id, digest, None, Some(body)).await
    }

    pub async fn upload_status(&self, caller: &Caller, name: &RepositoryName, id: &str) -> Result<UploadState, Error> {
        let (_, upload) = self.upload_access(caller, name, id).await?;
        Ok(UploadState { id: upload.id, size: upload.size })
    }

    pub async fn cancel_upload(&self, caller: &Caller, name: &RepositoryName, id: &str) -> Result<(), Error> {
        self.upload_access(caller, name, id).await?;
        self.discard_upload(id).await;
        Ok(())
    }

    /// Removes an upload's record and bytes (also used by the stale-upload purge).
    pub async fn discard_upload(&self, id: &str) {
        self.upload_hashes.forget(id);
        if let Err(err) = self.db.delete_upload_record(id).await {
            tracing::warn!(error = %err, "could not delete an upload record");
        }
        if let Err(err) = self.blobs.delete_upload(id).await {
            tracing::warn!(error = %err, "could not delete upload bytes");
        }
    }

    async fn upload_access(
        &self,
        caller: &Caller,
        name: &RepositoryName,
        id: &str,
    ) -> Result<(Access, crate::db::uploads::UploadRecord), Error> {
        let also = AlsoFetch { upload: Some(id), ..AlsoFetch::default() };
        let mut access = self.repository_access_with(caller, name, Action::Push, also).await?;
        let upload = access.upload.take().ok_or(Error::NotFound(Resource::Upload))?;
        Ok((access, upload))
    }

    /// Takes the upload, standing at `size`, for this request alone to write into.
    /// Two writers at once would interleave their bytes in the file while each hashed
    /// only its own; the second is refused instead.
    async fn hold_upload(&self, id: &str, size: i64) -> Result<String, Error> {
        let token = new_upload_id();
        let now = now_ms();
        if !self.db.lock_upload(id, size, &token, now, now + UPLOAD_HOLD_MS).await? {
            return Err(busy());
        }
        Ok(token)
    }

    /// Lets go of an upload whose write failed, so the client can resume it.
    async fn release_upload(&self, id: &str, token: &str) {
        if let Err(err) = self.db.unlock_upload(id, token).await {
            tracing::warn!(error = %err, "could not release an upload");
        }
    }

    /// Removes the upload's record for the request finishing it, if it still stands at
    /// `size` and nobody else is writing into it (`token`: this request's own hold).
    async fn claim_upload(&self, id: &str, size: i64, token: Option<&str>) -> Result<(), Error> {
        match self.db.claim_upload(id, size, token, now_ms()).await? {
            true => Ok(()),
            false => Err(busy()),
        }
    }

    /// Writes `body` at `offset` and keeps the running hash when it can; with
    /// `advance` (the caller's hold on the upload) moves the upload's record on.
    /// `expected` is the length the client announced for this chunk.
    async fn append(
        &self,
        id: &str,
        offset: i64,
        expected: Option<u64>,
        body: ByteStream,
        advance: Option<&str>,
    ) -> Result<UploadState, Error> {
        let hasher = Arc::new(Mutex::new(self.upload_hashes.take(id, offset)));
        // The write must end while this request's hold lasts: past it, another writer
        // may take the upload over, and two writers must never overlap.
        let body = until_deadline(body, tokio::time::Instant::now() + WRITE_DEADLINE);
        let written = self
            .blobs
            .write_upload(id, offset as u64, hashed(body, hasher.clone()))
            .await
            .map_err(|err| interrupted("upload write failed", err))?;
        check_announced_length(expected, written)?;
        let size = offset + written as i64;
        if let Some(token) = advance
            && !self.db.advance_upload(id, offset, size, token, now_ms()).await?
        {
            // Cancelled while this chunk was written: its bytes belong to nobody
            // (and may sit in a file this write created after the cancel removed it).
            self.discard_upload(id).await;
            return Err(Error::RangeInvalid("the upload was cancelled or taken over while this chunk was written".to_string()));
        }
        if let Some(h) = hasher.lock().unwrap().take() {
            self.upload_hashes.put(id, size, h);
        }
        Ok(UploadState { id: id.to_string(), size })
    }

    /// Takes in a closing PUT's body and claims the upload: the upload's final size,
    /// the bytes still to be written (by the commit itself), and the digest of the
    /// whole upload. A short body is hashed in memory and handed back to be written
    /// with the commit; a long one is written first, under a hold, as a PATCH is.
    async fn closing_bytes(
        &self,
        id: &str,
        size: i64,
        expected: Option<u64>,
        body: Option<ByteStream>,
        algorithm: Algorithm,
    ) -> Result<(i64, Bytes, Digest), Error> {
        let Some(body) = body else {
            self.claim_upload(id, size, None).await?;
            return Ok((size, Bytes::new(), self.upload_digest(id, size, algorithm).await?));
        };
        let (short, body) = read_if_short(body).await?;
        if let Some(tail) = &short {
            check_announced_length(expected, tail.len() as u64)?;
        }
        let hasher = short.as_ref().and_then(|_| self.running_hash(id, size, algorithm));
        if let (Some(tail), Some(mut hasher)) = (&short, hasher) {
            self.claim_upload(id, size, None).await?;
            hasher.update(tail);
            return Ok((size + tail.len() as i64, tail.clone(), hasher.finish()));
        }
        let body = match short {
            Some(tail) => Box::pin(futures_util::stream::iter([Ok(tail)])) as ByteStream,
            None => body,
        };
        let token = self.hold_upload(id, size).await?;
        let written = match self.append(id, size, expected, body, None).await {
            Ok(written) => written.size,
            Err(err) => {
                self.release_upload(id, &token).await;
                return Err(err);
            }
        };
        self.claim_upload(id, size, Some(&token)).await?;
        Ok((written, Bytes::new(), self.upload_digest(id, written, algorithm).await?))
    }

    /// The hash of the upload's first `size` bytes so far, if one is at hand without
    /// reading them back: kept from earlier chunks, or new for an empty upload.
    fn running_hash(&self, id: &str, size: i64, algorithm: Algorithm) -> Option<Hasher> {
        if size == 0 {
            return Some(Hasher::new(algorithm));
        }
        self.upload_hashes.take(id, size).filter(|h| h.algorithm() == algorithm)
    }

    /// The digest of the upload's first `size` bytes, read back if no running hash is kept.
    async fn upload_digest(&self, id: &str, size: i64, algorithm: Algorithm) -> Result<Digest, Error> {
        match self.upload_hashes.take(id, size).filter(|h| h.algorithm() == algorithm) {
            Some(hasher) => Ok(hasher.finish()),
            None => self.rehash(id, size, algorithm).await,
        }
    }

    async fn rehash(&self, id: &str, size: i64, algorithm: Algorithm) -> Result<Digest, Error> {
        let mut stream = self.blobs.read_upload(id, size as u64).await.map_err(storage("read upload"))?;
        let mut hasher = Hasher::new(algorithm);
        let mut seen = 0i64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(storage("read upload"))?;
            seen += chunk.len() as i64;
            hasher.update(&chunk);
        }
        if seen != size {
            return Err(Error::SizeInvalid(format!("the upload holds {seen} bytes, expected {size}")));
        }
        Ok(hasher.finish())
    }

    /// Removes uploads untouched for `max_idle_ms` (abandoned by their clients).
    pub async fn purge_stale_uploads(&self, max_idle_ms: i64) -> Result<usize, Error> {
        let now = now_ms();
        let stale = self.db.stale_uploads(now - max_idle_ms, now).await?;
        for id in &stale {
            self.discard_upload(id).await;
        }
        Ok(stale.len())
    }
}

/// Uploads open at once: enough for any client's parallel layer pushes.
const UPLOAD_LIMITS: UploadLimits = UploadLimits { per_registry: 1000, per_credential: 100 };
/// How long a writer's hold on an upload lasts if it dies without letting go.
const UPLOAD_HOLD_MS: i64 = 60 * 60 * 1000;
/// How long one request may keep writing into an upload: well inside its hold.
const WRITE_DEADLINE: std::time::Duration = std::time::Duration::from_secs(55 * 60);

/// Ends `body` with an error at `deadline`, however slowly its bytes still trickle in.
fn until_deadline(body: ByteStream, deadline: tokio::time::Instant) -> ByteStream {
    Box::pin(futures_util::stream::unfold(Some(body), move |body| async move {
        let mut body = body?;
        match tokio::time::timeout_at(deadline, body.next()).await {
            Ok(Some(item)) => Some((item, Some(body))),
            Ok(None) => None,
            Err(_) => Some((Err(std::io::Error::new(std::io::ErrorKind::TimedOut, "the chunk took too long")), None)),
        }
    }))
}

/// A closing body no longer than this is held in memory, hashed, and written with
/// the commit; a longer one streams to disk first.
const SHORT_BODY: usize = 256 * 1024;

/// Reads `body` whole if it is at most `SHORT_BODY` bytes (`Some`); otherwise gives
/// back a stream of all of it, the part already read included.
async fn read_if_short(mut body: ByteStream) -> Result<(Option<Bytes>, ByteStream), Error> {
    let mut held = Vec::new();
    let mut len = 0;
    while let Some(chunk) = body.next().await {
        let chunk = chunk.map_err(|err| interrupted("upload body interrupted", err))?;
        len += chunk.len();
        held.push(Ok(chunk));
        if len > SHORT_BODY {
            return Ok((None, Box::pin(futures_util::stream::iter(held).chain(body))));
        }
    }
    let short = match held.len() {
        1 => held.pop().and_then(Result::ok).unwrap_or_default(),
        _ => {
            let mut joined = bytes::BytesMut::with_capacity(len);
            held.iter().flatten().for_each(|chunk| joined.extend_from_slice(chunk));
            joined.freeze()
        }
    };
    Ok((Some(short), Box::pin(futures_util::stream::empty())))
}

/// Logs a storage failure and hides it from the client.
pub(crate) fn storage(context: &'static str) -> impl Fn(std::io::Error) -> Error {
    move |err| {
        tracing::error!(error = %err, "storage: {context}");
        Error::Internal
    }
}

/// A body that broke off (the client went away, or the disk failed): the client
/// resumes from the range the upload reports.
fn interrupted(context: &'static str, err: std::io::Error) -> Error {
    tracing::warn!(error = %err, "{context}");
    Error::SizeInvalid("the upload was interrupted; resume from the reported range".to_string())
}

/// Another request holds the upload, or moved it on: the client asks for its range.
fn busy() -> Error {
    Error::RangeInvalid("another request is writing into this upload, or it has moved on".to_string())
}

/// A chunk must be as long as its `Content-Range` said.
fn check_announced_length(expected: Option<u64>, arrived: u64) -> Result<(), Error> {
    match expected {
        Some(announced) if announced != arrived => {
            Err(Error::SizeInvalid(format!("Content-Range announced {announced} bytes but {arrived} arrived")))
        }
        _ => Ok(()),
    }
}

/// The length a chunk announced by `Content-Range` must have, after checking that it
/// starts exactly where the upload stands (the spec's 416 otherwise).
fn chunk_length(upload_size: i64, range: Option<(u64, u64)>) -> Result<Option<u64>, Error> {
    let Some((start, end)) = range else { return Ok(None) };
    if start != upload_size as u64 || end < start {
        return Err(Error::RangeInvalid(format!("the chunk starts at byte {start} but the upload holds {upload_size} bytes")));
    }
    Ok(Some(end - start + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_body_still_trickling_at_its_deadline_ends_with_an_error() {
        let trickle: ByteStream =
            Box::pin(futures_util::stream::iter([Ok(Bytes::from_static(b"first"))]).chain(futures_util::stream::pending()));
        let deadline = tokio::time::Instant::now() + std::time::Duration::from_millis(50);
        let items: Vec<_> = until_deadline(trickle, deadline).collect().await;
        assert_eq!(items.len(), 2);
        assert_eq!(items[0].as_ref().unwrap().as_ref(), b"first");
        assert_eq!(items[1].as_ref().unwrap_err().kind(), std::io::ErrorKind::TimedOut);

        let whole: ByteStream = Box::pin(futures_util::stream::iter([Ok(Bytes::from_static(b"all"))]));
        let items: Vec<_> = until_deadline(whole, deadline).collect().await;
        assert_eq!(items.len(), 1, "a body that ends in time passes through unchanged");
    }
}
