//! OCI image layouts on disk, built from scratch, for the real-client tests: gzip'd
//! tar layers with real files, configs with history and labels, single-platform
//! images and multi-platform indexes.

use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};
use std::io::Write;
use std::path::Path;

fn tar(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, content) in files {
        let mut header = [0u8; 512];
        header[..name.len()].copy_from_slice(name.as_bytes());
        header[100..108].copy_from_slice(b"0000644\0");
        header[108..116].copy_from_slice(b"0000000\0");
        header[116..124].copy_from_slice(b"0000000\0");
        header[124..136].copy_from_slice(format!("{:011o}\0", content.len()).as_bytes());
        header[136..148].copy_from_slice(b"14000000000\0");
        header[148..156].copy_from_slice(b"        ");
        header[156] = b'0';
        header[257..263].copy_from_slice(b"ustar\0");
        header[263..265].copy_from_slice(b"00");
        let checksum: u32 = header.iter().map(|b| *b as u32).sum();
        header[148..156].copy_from_slice(format!("{checksum:06o}\0 ").as_bytes());
        out.extend_from_slice(&header);
        out.extend_from_slice(content);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

pub fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

pub struct Layout<'a> {
    dir: &'a Path,
    index: Vec<Value>,
}

impl<'a> Layout<'a> {
    pub fn new(dir: &'a Path) -> Self {
        std::fs::create_dir_all(dir.join("blobs/sha256")).unwrap();
        std::fs::write(dir.join("oci-layout"), r#"{"imageLayoutVersion":"1.0.0"}"#).unwrap();
        Layout { dir, index: Vec::new() }
    }

    fn put(&self, media_type: &str, data: &[u8]) -> Value {
        let hex = sha256_hex(data);
        std::fs::write(self.dir.join("blobs/sha256").join(&hex), data).unwrap();
        json!({ "mediaType": media_type, "digest": format!("sha256:{hex}"), "size": data.len() })
    }

    /// An image of `layers` layers (each a gzip'd tar of one random-ish file).
    pub fn image(&self, seed: &str, layers: usize, architecture: &str) -> Value {
        let mut layer_descriptors = Vec::new();
        let mut diff_ids = Vec::new();
        let mut history = Vec::new();
        for i in 0..layers {
            let content: Vec<u8> = (0..40_000u32).map(|n| ((n * 31 + i as u32 * 7) ^ seed.len() as u32) as u8).collect();
            let raw = tar(&[(&format!("{seed}-layer{i}.bin"), content)]);
            diff_ids.push(format!("sha256:{}", sha256_hex(&raw)));
            layer_descriptors.push(self.put("application/vnd.oci.image.layer.v1.tar+gzip", &gzip(&raw)));
            history.push(json!({ "created_by": format!("COPY {seed}-layer{i}.bin /"), "created": "2026-01-01T00:00:00Z" }));
        }
        let config = json!({
            "architecture": architecture,
            "os": "linux",
            "created": "2026-01-01T00:00:00Z",
            "config": { "Labels": { "org.example.seed": seed }, "Cmd": ["/bin/true"] },
            "rootfs": { "type": "layers", "diff_ids": diff_ids },
            "history": history,
        });
        let config = self.put("application/vnd.oci.image.config.v1+json", &serde_json::to_vec(&config).unwrap());
        let manifest = json!({
            "schemaVersion": 2,
            "mediaType": "application/vnd.oci.image.manifest.v1+json",
            "config": config,
            "layers": layer_descriptors,
        });
        let mut descriptor = self.put("application/vnd.oci.image.manifest.v1+json", &serde_json::to_vec(&manifest).unwrap());
        descriptor["platform"] = json!({ "architecture": architecture, "os": "linux" });
        descriptor
    }

    pub fn tag(&mut self, mut descriptor: Value, tag: &str) {
        descriptor["annotations"] = json!({ "org.opencontainers.image.ref.name": tag });
        self.index.push(descriptor);
        let index = json!({ "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": self.index });
        std::fs::write(self.dir.join("index.json"), serde_json::to_vec(&index).unwrap()).unwrap();
    }

    /// A multi-platform index of `images`.
    pub fn platform_index(&self, images: Vec<Value>) -> Value {
        let index = json!({ "schemaVersion": 2, "mediaType": "application/vnd.oci.image.index.v1+json", "manifests": images });
        self.put("application/vnd.oci.image.index.v1+json", &serde_json::to_vec(&index).unwrap())
    }
}

/// The blob files of a layout, sorted: two layouts holding the same content list the
/// same names.
pub fn blob_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> =
        std::fs::read_dir(dir.join("blobs/sha256")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().to_string()).collect();
    names.sort();
    names
}
