//! Crashes and races: a kill -9 in the middle of an upload never leaves a corrupt or
//! half-visible blob, and concurrent pushes of the same content are safe.

use crate::helpers::{Launch, TestBerth};
use crate::oci_helpers::*;
use reqwest::Method;
use sha2::{Digest as _, Sha256};
use std::path::Path;
use std::time::Duration;

/// Every file under `blobs/` hashes to its own name.
fn assert_blob_store_consistent(data_dir: &Path) {
    let root = data_dir.join("blobs/sha256");
    let Ok(prefixes) = std::fs::read_dir(&root) else { return };
    for prefix in prefixes {
        for file in std::fs::read_dir(prefix.unwrap().path()).unwrap() {
            let path = file.unwrap().path();
            let content = std::fs::read(&path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            assert_eq!(hex::encode(Sha256::digest(&content)), name, "{} is corrupt", path.display());
        }
    }
}

#[tokio::test]
async fn a_kill_during_an_upload_leaves_no_blob_and_the_client_can_retry() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let data: Vec<u8> = (0..8 * 1024 * 1024u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8).collect();
    let digest = sha256(&data);
    let registry = Registry::admin(&berth);
    let start = registry.request(Method::POST, "/v2/apps/big/blobs/uploads/").send().await.unwrap();
    let location = start.headers()["location"].to_str().unwrap().to_string();

    // Stream the blob slowly so the kill lands in the middle of it.
    let chunks: Vec<Result<Vec<u8>, std::io::Error>> = data.chunks(256 * 1024).map(|c| Ok(c.to_vec())).collect();
    let slow = futures_util::StreamExt::then(futures_util::stream::iter(chunks), |chunk| async move {
        tokio::time::sleep(Duration::from_millis(40)).await;
        chunk
    });
    let upload = registry
        .request(Method::PUT, &format!("{location}?digest={digest}"))
        .header("content-length", data.len())
        .body(reqwest::Body::wrap_stream(slow))
        .send();
    let upload = tokio::spawn(upload);
    tokio::time::sleep(Duration::from_millis(400)).await;
    let data_dir = berth.data_dir.clone();
    let temp = berth.kill().await;
    assert!(upload.await.unwrap().is_err(), "the upload was cut off");

    let berth = TestBerth::launch_in(&data_dir, Launch::default()).await;
    let registry = Registry::admin(&berth);
    let head = registry.request(Method::HEAD, &format!("/v2/apps/big/blobs/{digest}")).send().await.unwrap();
    assert_eq!(head.status(), 404, "no half-written blob is visible");
    assert_blob_store_consistent(&data_dir);

    assert_eq!(registry.push_blob("apps/big", &data).await.status(), 201, "a retry succeeds");
    let pulled = registry.request(Method::GET, &format!("/v2/apps/big/blobs/{digest}")).send().await.unwrap();
    assert_eq!(sha256(&pulled.bytes().await.unwrap()), digest);
    assert_blob_store_consistent(&data_dir);
    berth.stop().await;
    drop(temp);
}

#[tokio::test]
async fn concurrent_pushes_of_the_same_blob_and_tag_are_safe() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let data = vec![42u8; 2 * 1024 * 1024];
    let pushes = (0..8).map(|_| {
        let registry = Registry::admin(&berth);
        let data = data.clone();
        async move { registry.push_blob("apps/race", &data).await.status().as_u16() }
    });
    let statuses = futures_util::future::join_all(pushes).await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    let registry = Registry::admin(&berth);
    let pulled = registry.request(Method::GET, &format!("/v2/apps/race/blobs/{}", sha256(&data))).send().await.unwrap();
    assert_eq!(pulled.bytes().await.unwrap().len(), data.len());

    // Eight different images raced onto one tag: the tag ends up on exactly one of them.
    let config = b"{}".to_vec();
    assert_eq!(registry.push_blob("apps/race", &config).await.status(), 201);
    let manifests: Vec<Vec<u8>> = (0..8)
        .map(|i| {
            let mut m: serde_json::Value = serde_json::from_slice(&image_manifest(&config, &[&data], None)).unwrap();
            m["annotations"] = serde_json::json!({ "n": i.to_string() });
            serde_json::to_vec(&m).unwrap()
        })
        .collect();
    let puts = manifests.iter().map(|manifest| {
        let registry = Registry::admin(&berth);
        async move { registry.put_manifest("apps/race", "latest", OCI_MANIFEST, manifest).await.status().as_u16() }
    });
    let statuses = futures_util::future::join_all(puts).await;
    assert!(statuses.iter().all(|s| *s == 201), "{statuses:?}");
    let got = registry.request(Method::GET, "/v2/apps/race/manifests/latest").send().await.unwrap();
    let digest = got.headers()["docker-content-digest"].to_str().unwrap().to_string();
    let body = got.bytes().await.unwrap().to_vec();
    assert_eq!(sha256(&body), digest);
    assert!(manifests.contains(&body));
    assert_blob_store_consistent(&berth.data_dir);
}

#[tokio::test]
async fn a_second_writer_cannot_slip_its_bytes_into_an_upload_being_written() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    let honest = vec![1u8; 256 * 1024];
    let forged = vec![2u8; 256 * 1024];
    let start = registry.request(Method::POST, "/v2/apps/race/blobs/uploads/").send().await.unwrap();
    let location = start.headers()["location"].to_str().unwrap().to_string();

    // The honest chunk is sent in two halves; the request stays open in between.
    let (sender, body) = body_sent_piece_by_piece();
    let first = registry
        .request(Method::PATCH, &location)
        .header("content-type", "application/octet-stream")
        .header("content-range", format!("0-{}", 256 * 1024 - 1))
        .header("content-length", (256 * 1024).to_string())
        .body(body)
        .send();
    let meanwhile = async {
        sender.send(Ok(honest[..128 * 1024].to_vec())).await.unwrap();
        tokio::time::sleep(Duration::from_millis(500)).await;
        // A second writer goes for the same bytes: a PATCH, then a closing PUT.
        let second = registry
            .request(Method::PATCH, &location)
            .header("content-type", "application/octet-stream")
            .header("content-range", format!("0-{}", 256 * 1024 - 1))
            .body(forged.clone())
            .send()
            .await
            .unwrap();
        let closing = registry
            .request(Method::PUT, &format!("{location}?digest={}", sha256(&honest)))
            .header("content-type", "application/octet-stream")
            .body(forged.clone())
            .send()
            .await
            .unwrap();
        sender.send(Ok(honest[128 * 1024..].to_vec())).await.unwrap();
        drop(sender);
        (second.status(), closing.status())
    };
    let (first, (second, closing)) = tokio::join!(first, meanwhile);
    assert_eq!(second, 416, "a second writer is refused while the first writes");
    assert_eq!(closing, 416, "so is a closing PUT");
    assert_eq!(first.unwrap().status(), 202);

    let done = registry.request(Method::PUT, &format!("{location}?digest={}", sha256(&honest))).send().await.unwrap();
    assert_eq!(done.status(), 201);
    let pulled = registry.request(Method::GET, &format!("/v2/apps/race/blobs/{}", sha256(&honest))).send().await.unwrap();
    assert_eq!(pulled.bytes().await.unwrap().to_vec(), honest, "the blob holds exactly the honest bytes");
    assert_blob_store_consistent(&berth.data_dir);
}

#[tokio::test]
async fn an_upload_cancelled_while_a_chunk_streams_in_leaves_nothing_behind() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    // An upload nothing was written into keeps no file at all.
    let idle = registry.request(Method::POST, "/v2/apps/cancel/blobs/uploads/").send().await.unwrap();
    assert_eq!(idle.status(), 202);
    assert_eq!(upload_files(&berth.data_dir), 0);

    let start = registry.request(Method::POST, "/v2/apps/cancel/blobs/uploads/").send().await.unwrap();
    let location = start.headers()["location"].to_str().unwrap().to_string();
    let (sender, body) = body_sent_piece_by_piece();
    let chunk = registry
        .request(Method::PATCH, &location)
        .header("content-type", "application/octet-stream")
        .header("content-range", format!("0-{}", 2 * 1024 * 1024 - 1))
        .header("content-length", (2 * 1024 * 1024).to_string())
        .body(body)
        .send();
    let meanwhile = async {
        sender.send(Ok(vec![7u8; 1024 * 1024])).await.unwrap();
        tokio::time::sleep(Duration::from_millis(300)).await;
        let cancel = registry.request(Method::DELETE, &location).send().await.unwrap();
        sender.send(Ok(vec![7u8; 1024 * 1024])).await.unwrap();
        drop(sender);
        cancel.status()
    };
    let (chunk, cancelled) = tokio::join!(chunk, meanwhile);
    assert_eq!(cancelled, 204);
    assert_eq!(chunk.unwrap().status(), 416, "the chunk has no upload left to go into");
    let status = registry.request(Method::GET, &location).send().await.unwrap();
    assert_eq!(status.status(), 404);
    assert_eq!(upload_files(&berth.data_dir), 0, "no bytes of the cancelled upload are left on disk");
}

/// A request body whose pieces the test sends when it chooses; the request stays open
/// until the sender is dropped.
fn body_sent_piece_by_piece() -> (tokio::sync::mpsc::Sender<Result<Vec<u8>, std::io::Error>>, reqwest::Body) {
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(2);
    let body = reqwest::Body::wrap_stream(futures_util::stream::unfold(receiver, |mut r| async move { r.recv().await.map(|c| (c, r)) }));
    (sender, body)
}

fn upload_files(data_dir: &Path) -> usize {
    std::fs::read_dir(data_dir.join("uploads")).unwrap().count()
}

#[tokio::test]
async fn sigterm_stops_berth_even_while_a_body_never_finishes() {
    let berth = TestBerth::start().await;
    standard_registries(&berth).await;
    let registry = Registry::admin(&berth);
    let start = registry.request(Method::POST, "/v2/apps/stuck/blobs/uploads/").send().await.unwrap();
    let location = start.headers()["location"].to_str().unwrap().to_string();
    let (sender, body) = body_sent_piece_by_piece();
    let stuck = registry.request(Method::PATCH, &location).header("content-type", "application/octet-stream").body(body).send();
    let stuck = tokio::spawn(stuck);
    sender.send(Ok(vec![1u8; 64 * 1024])).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    // The body never ends (the sender is kept); `stop` waits at most 20 s for the exit.
    let (code, _) = berth.stop().await;
    assert_eq!(code, Some(0), "a clean exit after the shutdown deadline");
    drop(sender);
    let _ = stuck.await;
}
