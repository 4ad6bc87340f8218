//! Blob storage: verified, content-addressed bytes and uploads in progress, behind a
//! trait so an S3-compatible store can sit beside the filesystem. Everything else
//! (which repository may serve a blob, manifests, tags) lives in the database.

pub mod fs;

use app::domain::digest::Digest;
use bytes::Bytes;
use futures_util::Stream;
use std::io;
use std::pin::Pin;

pub type ByteStream = Pin<Box<dyn Stream<Item = io::Result<Bytes>> + Send>>;

#[async_trait::async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Writes `data` into the upload starting at `offset`; returns the bytes written.
    /// An upload nothing was written into yet holds no bytes: the store learns of it
    /// with its first write (or its commit), so starting an upload costs it nothing.
    async fn write_upload(&self, id: &str, offset: u64, data: ByteStream) -> io::Result<u64>;
    /// The upload's first `len` bytes, to hash them when no running hash was kept.
    async fn read_upload(&self, id: &str, len: u64) -> io::Result<ByteStream>;
    /// Makes the upload's first `len` bytes the blob `digest`: durable first, then
    /// visible under its digest in one atomic step. `tail`, when not empty, is the
    /// upload's last bytes, not yet written: they are written first, in the same step.
    /// The caller has verified the digest.
    async fn commit_upload(&self, id: &str, len: u64, tail: Bytes, digest: &Digest) -> io::Result<()>;
    async fn delete_upload(&self, id: &str) -> io::Result<()>;
    /// The stored size of a blob, or `None` if the store does not hold it.
    async fn blob_size(&self, digest: &Digest) -> io::Result<Option<u64>>;
    /// The whole blob, read in one go, if it is at most `max` bytes long; `None` if
    /// the store does not hold it or it is longer (for small JSON documents).
    async fn read_small_blob(&self, digest: &Digest, max: u64) -> io::Result<Option<Bytes>>;
    /// The blob's bytes, or the inclusive byte range `(first, last)` of them.
    async fn read_blob(&self, digest: &Digest, range: Option<(u64, u64)>) -> io::Result<ByteStream>;
    async fn delete_blob(&self, digest: &Digest) -> io::Result<()>;
    /// Moves a blob aside (atomically) so it can be put back; `None` if absent.
    async fn set_aside(&self, digest: &Digest) -> io::Result<Option<String>>;
    /// Puts a set-aside blob back, unless a new copy is already in place.
    async fn restore(&self, token: &str, digest: &Digest) -> io::Result<()>;
    /// Deletes a set-aside blob for good.
    async fn discard(&self, token: &str) -> io::Result<()>;
}
