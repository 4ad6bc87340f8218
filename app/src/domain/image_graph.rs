//! Which manifests and blobs go away when tags are deleted. Pure: the database loads
//! a registry's manifests, references, referrers and tags into a `RegistryGraph`, and
//! the clean-up preview, the clean-up itself and tag deletion ask it the same question.
//!
//! An image (manifest) stays while something keeps it alive: a tag, an index that
//! lists it, or — for a referrer such as a signature or an SBOM — the image it refers
//! to. Manifests that no tag reaches today (untagged images a client pushed by digest)
//! are left alone: deleting tags never removes them. Everything a deleted tag was the
//! last to keep alive goes with it, referrers included. A blob's bytes are freed when
//! no remaining manifest anywhere in the registry references it.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

#[derive(Debug, Default, Clone)]
pub struct ManifestNode {
    pub subject: Option<String>,
    /// Child manifests (an index's platform images).
    pub children: Vec<String>,
    /// Config and layer blobs.
    pub blobs: Vec<String>,
}

/// One repository's manifests and tags.
#[derive(Debug, Default, Clone)]
pub struct RepositoryGraph {
    pub manifests: HashMap<String, ManifestNode>,
    /// tag → manifest digest
    pub tags: HashMap<String, String>,
    /// subject → its referrers; derived from `manifests` once, on first use.
    referrers: OnceLock<HashMap<String, Vec<String>>>,
}

impl RepositoryGraph {
    /// The manifests reachable from `roots` through index children and referrers.
    fn closure<'a>(&'a self, roots: impl IntoIterator<Item = &'a str>) -> HashSet<&'a str> {
        self.closure_avoiding(roots, None)
    }

    /// `closure`, never entering `blocked`.
    fn closure_avoiding<'a>(&'a self, roots: impl IntoIterator<Item = &'a str>, blocked: Option<&str>) -> HashSet<&'a str> {
        let referrers = self.referrers.get_or_init(|| {
            let mut by_subject: HashMap<String, Vec<String>> = HashMap::new();
            for (digest, node) in &self.manifests {
                if let Some(subject) = &node.subject {
                    by_subject.entry(subject.clone()).or_default().push(digest.clone());
                }
            }
            by_subject
        });
        let mut seen = HashSet::new();
        let mut stack: Vec<&str> = roots.into_iter().collect();
        while let Some(digest) = stack.pop() {
            let Some((key, node)) = self.manifests.get_key_value(digest) else { continue };
            if Some(digest) == blocked || !seen.insert(key.as_str()) {
                continue;
            }
            stack.extend(node.children.iter().map(String::as_str));
            stack.extend(referrers.get(digest).into_iter().flatten().map(String::as_str));
        }
        seen
    }

    /// The manifests that deleting `deleted_tags` leaves with nothing keeping them.
    pub fn removed_by(&self, deleted_tags: &HashSet<&str>) -> HashSet<String> {
        let tagged_now = self.closure(self.tags.values().map(String::as_str));
        let untagged = self.manifests.keys().map(String::as_str).filter(|d| !tagged_now.contains(d));
        let remaining_tags = self.tags.iter().filter(|(tag, _)| !deleted_tags.contains(tag.as_str())).map(|(_, d)| d.as_str());
        let alive = self.closure(remaining_tags.chain(untagged));
        self.manifests.keys().filter(|d| !alive.contains(d.as_str())).cloned().collect()
    }

    /// What deleting the image `digest` itself (with all its tags) removes: it, and
    /// whatever only it kept alive (its referrers, its index children). `Err` names
    /// the index that still lists it: that one has to go first.
    pub fn removed_with_image(&self, digest: &str) -> Result<HashSet<String>, String> {
        let tagged_now = self.closure(self.tags.values().map(String::as_str));
        let untagged = self.manifests.keys().map(String::as_str).filter(|d| !tagged_now.contains(d) && *d != digest);
        let other_tags = self.tags.values().map(String::as_str).filter(|d| *d != digest);
        let alive = self.closure_avoiding(other_tags.chain(untagged), Some(digest));
        if let Some(parent) = alive.iter().find(|d| self.manifests[**d].children.iter().any(|c| c == digest)) {
            return Err(parent.to_string());
        }
        Ok(self.closure([digest]).into_iter().filter(|d| !alive.contains(d)).map(str::to_string).collect())
    }

    /// Manifests reachable from `digest` (itself included) among `removed`.
    pub fn removed_with<'a>(&'a self, digest: &'a str, removed: &HashSet<String>) -> Vec<&'a str> {
        self.closure([digest]).into_iter().filter(|d| removed.contains(*d)).collect()
    }
}

/// A registry's repositories (by id) and the sizes of the blobs they reference.
#[derive(Debug, Default, Clone)]
pub struct RegistryGraph {
    pub repositories: HashMap<i64, RepositoryGraph>,
    pub blob_sizes: HashMap<String, i64>,
}

impl RegistryGraph {
    /// The blobs that no manifest outside `removed` (per repository) references.
    pub fn freed_blobs(&self, removed: &HashMap<i64, HashSet<String>>) -> HashSet<String> {
        let mut still_used = HashSet::new();
        let mut candidates = HashSet::new();
        for (repository_id, graph) in &self.repositories {
            let gone = removed.get(repository_id);
            for (digest, node) in &graph.manifests {
                let target = if gone.is_some_and(|g| g.contains(digest)) { &mut candidates } else { &mut still_used };
                target.extend(node.blobs.iter().cloned());
            }
        }
        candidates.retain(|blob| !still_used.contains(blob));
        candidates
    }

    pub fn bytes_of<'a>(&self, blobs: impl IntoIterator<Item = &'a String>) -> i64 {
        blobs.into_iter().map(|b| self.blob_sizes.get(b).copied().unwrap_or(0)).sum()
    }

    /// The bytes that removing `digest` (and whatever it alone kept alive in
    /// `removed`) frees, given the registry-wide `freed` set.
    pub fn bytes_freed_by(&self, repository_id: i64, digest: &str, removed: &HashSet<String>, freed: &HashSet<String>) -> i64 {
        let Some(graph) = self.repositories.get(&repository_id) else { return 0 };
        let mut blobs = HashSet::new();
        for manifest in graph.removed_with(digest, removed) {
            if let Some(node) = graph.manifests.get(manifest) {
                blobs.extend(node.blobs.iter().filter(|b| freed.contains(*b)));
            }
        }
        self.bytes_of(blobs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(blobs: &[&str], children: &[&str], subject: Option<&str>) -> ManifestNode {
        ManifestNode {
            subject: subject.map(str::to_string),
            children: children.iter().map(|s| s.to_string()).collect(),
            blobs: blobs.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn repository() -> RepositoryGraph {
        let mut graph = RepositoryGraph::default();
        for (digest, n) in [
            ("old", node(&["base", "old-layer"], &[], None)),
            ("new", node(&["base", "new-layer"], &[], None)),
            ("sig-old", node(&["sig-blob"], &[], Some("old"))),
            ("index", node(&[], &["amd64", "arm64"], None)),
            ("amd64", node(&["base", "amd-layer"], &[], None)),
            ("arm64", node(&["arm-layer"], &[], None)),
            ("loose", node(&["loose-layer"], &[], None)),
        ] {
            graph.manifests.insert(digest.to_string(), n);
        }
        for (tag, digest) in [("v1", "old"), ("v2", "new"), ("latest", "new"), ("multi", "index"), ("amd", "amd64")] {
            graph.tags.insert(tag.to_string(), digest.to_string());
        }
        graph
    }

    fn sorted(set: HashSet<String>) -> Vec<String> {
        let mut v: Vec<_> = set.into_iter().collect();
        v.sort();
        v
    }

    #[test]
    fn deleting_the_last_tag_removes_the_image_and_its_referrers() {
        let graph = repository();
        assert_eq!(sorted(graph.removed_by(&HashSet::from(["v1"]))), ["old", "sig-old"]);
    }

    #[test]
    fn an_image_with_another_tag_stays() {
        assert!(repository().removed_by(&HashSet::from(["v2"])).is_empty());
    }

    #[test]
    fn an_index_child_stays_while_the_index_or_its_own_tag_keeps_it() {
        let graph = repository();
        assert_eq!(sorted(graph.removed_by(&HashSet::from(["multi"]))), ["arm64", "index"]);
        assert!(graph.removed_by(&HashSet::from(["amd"])).is_empty());
        assert_eq!(sorted(graph.removed_by(&HashSet::from(["multi", "amd"]))), ["amd64", "arm64", "index"]);
    }

    #[test]
    fn deleting_an_image_takes_its_tags_and_referrers_but_not_a_listed_child() {
        let graph = repository();
        assert_eq!(sorted(graph.removed_with_image("old").unwrap()), ["old", "sig-old"]);
        assert_eq!(sorted(graph.removed_with_image("loose").unwrap()), ["loose"]);
        assert_eq!(sorted(graph.removed_with_image("sig-old").unwrap()), ["sig-old"]);
        assert_eq!(sorted(graph.removed_with_image("index").unwrap()), ["arm64", "index"]);
        assert_eq!(graph.removed_with_image("arm64"), Err("index".to_string()));
    }

    #[test]
    fn untagged_images_are_never_removed_by_deleting_tags() {
        let all = HashSet::from(["v1", "v2", "latest", "multi", "amd"]);
        assert!(!repository().removed_by(&all).contains("loose"));
    }

    #[test]
    fn shared_blobs_are_freed_only_when_nothing_else_uses_them() {
        let mut registry = RegistryGraph::default();
        registry.repositories.insert(1, repository());
        let mut other = RepositoryGraph::default();
        other.manifests.insert("x".into(), node(&["amd-layer"], &[], None));
        registry.repositories.insert(2, other);
        for (blob, size) in [("base", 100), ("old-layer", 10), ("sig-blob", 1), ("amd-layer", 1000), ("arm-layer", 7)] {
            registry.blob_sizes.insert(blob.into(), size);
        }
        let graph = &registry.repositories[&1];
        let removed = graph.removed_by(&HashSet::from(["v1", "multi", "amd"]));
        let freed = registry.freed_blobs(&HashMap::from([(1, removed.clone())]));
        // base stays (new uses it), amd-layer stays (repository 2 uses it).
        assert_eq!(sorted(freed.clone()), ["arm-layer", "old-layer", "sig-blob"]);
        assert_eq!(registry.bytes_freed_by(1, "old", &removed, &freed), 11);
        assert_eq!(registry.bytes_freed_by(1, "index", &removed, &freed), 7);
        assert_eq!(registry.bytes_freed_by(1, "new", &removed, &freed), 0);
    }
}
