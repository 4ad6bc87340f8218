//! Names and other user input, parsed once at the edge into types that are valid by
//! construction.

use super::Error;

/// A username: `[a-z0-9][a-z0-9._-]{1,38}` (2–39 characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Username(String);

impl Username {
    pub const RULE: &'static str = "2–39 characters: lowercase letters, digits, '.', '_' or '-', starting with a letter or digit";

    pub fn parse(raw: &str) -> Result<Self, Error> {
        let bytes = raw.as_bytes();
        let valid = (2..=39).contains(&bytes.len())
            && bytes[0].is_ascii_lowercase() | bytes[0].is_ascii_digit()
            && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-'));
        if valid { Ok(Username(raw.to_string())) } else { Err(Error::invalid("username", Self::RULE)) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A new password: 10–1024 characters. The upper bound keeps hashing cheap to refuse.
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN: usize = 10;
    pub const MAX: usize = 1024;

    pub fn parse(raw: &str) -> Result<Self, Error> {
        let len = raw.chars().count();
        if len < Self::MIN {
            return Err(Error::invalid("password", format!("must be at least {} characters", Self::MIN)));
        }
        if len > Self::MAX {
            return Err(Error::invalid("password", format!("must be at most {} characters", Self::MAX)));
        }
        Ok(NewPassword(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An e-mail address, checked only for shape: one '@' with text on both sides, no
/// whitespace, at most 254 characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(raw: &str) -> Result<Self, Error> {
        let raw = raw.trim();
        let ok = raw.len() <= 254
            && !raw.chars().any(|c| c.is_whitespace() || c.is_control())
            && matches!(raw.split_once('@'), Some((local, domain)) if !local.is_empty() && domain.contains('.') && !domain.contains('@'));
        if ok {
            Ok(Email(raw.to_string()))
        } else {
            Err(Error::invalid("email", "must look like name@example.com (at most 254 characters)"))
        }
    }

    /// An empty field means "no e-mail".
    pub fn parse_optional(raw: Option<&str>) -> Result<Option<Self>, Error> {
        match raw.map(str::trim) {
            None | Some("") => Ok(None),
            Some(s) => Self::parse(s).map(Some),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_follow_the_grammar() {
        for ok in ["ab", "alice", "a.b-c_d", "0admin", &"a".repeat(39)] {
            assert!(Username::parse(ok).is_ok(), "{ok} should be valid");
        }
        for bad in ["", "a", "Alice", "-bob", ".x", "a b", "ä1", "robot$x", &"a".repeat(40)] {
            let err = Username::parse(bad).unwrap_err();
            assert!(matches!(err, Error::Invalid { ref field, .. } if field == "username"), "{bad}");
        }
    }

    #[test]
    fn passwords_have_bounds() {
        assert!(NewPassword::parse("short").is_err());
        assert!(NewPassword::parse("long enough!").is_ok());
        assert!(NewPassword::parse(&"x".repeat(1025)).is_err());
    }

    #[test]
    fn emails_are_checked_for_shape() {
        assert!(Email::parse("a@example.com").is_ok());
        assert!(Email::parse("no-at.example.com").is_err());
        assert!(Email::parse("a@b@c.com").is_err());
        assert!(Email::parse("a b@c.com").is_err());
        assert_eq!(Email::parse_optional(Some("  ")).unwrap(), None);
    }
}

/// A workspace, registry or robot name: `[a-z0-9]+([._-][a-z0-9]+)*`, 2–63
/// characters (the OCI name-component grammar, bounded).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResourceName(String);

impl ResourceName {
    pub const RULE: &'static str = "2–63 characters: lowercase letters and digits, separated by single '.', '_' or '-'";

    pub fn parse(field: &str, raw: &str) -> Result<Self, Error> {
        if (2..=63).contains(&raw.len()) && is_name_component(raw) {
            Ok(ResourceName(raw.to_string()))
        } else {
            Err(Error::invalid(field, Self::RULE))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// `[a-z0-9]+([._-][a-z0-9]+)*` (a separator may also be `__` or a run of `-`, as OCI
/// allows inside repository path components).
pub fn is_name_component(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.is_empty() || !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return false;
    }
    let mut previous_separator = false;
    for &b in bytes {
        if alnum(b) {
            previous_separator = false;
        } else if matches!(b, b'.' | b'_' | b'-') {
            if previous_separator {
                return false;
            }
            previous_separator = true;
        } else {
            return false;
        }
    }
    true
}

/// Free text with a length limit (display names, descriptions, token names).
pub fn bounded_text(field: &str, raw: &str, min: usize, max: usize) -> Result<String, Error> {
    let text = raw.trim();
    let len = text.chars().count();
    if len < min {
        return Err(Error::invalid(
            field,
            if min == 1 { "must not be empty".to_string() } else { format!("must be at least {min} characters") },
        ));
    }
    if len > max {
        return Err(Error::invalid(field, format!("must be at most {max} characters")));
    }
    if text.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Error::invalid(field, "must not contain control characters"));
    }
    Ok(text.to_string())
}

#[cfg(test)]
mod resource_name_tests {
    use super::*;

    #[test]
    fn resource_names_follow_the_grammar() {
        for ok in ["ab", "acme", "team-a", "a.b_c", "x1", &"a".repeat(63)] {
            assert!(ResourceName::parse("name", ok).is_ok(), "{ok}");
        }
        for bad in ["a", "Acme", "-a", "a-", "a..b", "a-_b", "a b", "a/b", &"a".repeat(64), "ümlaut"] {
            let err = ResourceName::parse("name", bad).unwrap_err();
            assert!(matches!(err, Error::Invalid { ref field, .. } if field == "name"), "{bad}");
        }
    }

    #[test]
    fn bounded_text_checks_length_and_control_characters() {
        assert_eq!(bounded_text("display_name", "  Acme  ", 1, 100).unwrap(), "Acme");
        assert!(bounded_text("display_name", "   ", 1, 100).is_err());
        assert!(bounded_text("display_name", &"x".repeat(101), 1, 100).is_err());
        assert!(bounded_text("display_name", "a\u{0}b", 1, 100).is_err());
    }
}

/// A repository path inside a registry: one or more name components joined by `/`
/// (`team/api`), at most 255 characters in all.
pub fn is_repository_path(raw: &str) -> bool {
    !raw.is_empty() && raw.len() <= 255 && raw.split('/').all(is_repository_component)
}

/// `REGISTRY/REPOSITORY…` as it appears in `/v2/<name>/…`: a registry name and a
/// repository path, checked once when parsed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RepositoryName {
    full: String,
    /// Where the registry name ends (the first `/`).
    split: usize,
}

/// Why a `/v2/` name is not a repository name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RepositoryNameError {
    /// One segment only: a registry with no repository, which cannot exist.
    NoRepository,
    /// Not the grammar of a registry name followed by a repository path.
    Invalid,
}

impl RepositoryName {
    pub fn parse(full: &str) -> Result<RepositoryName, RepositoryNameError> {
        let (registry, repository) = full.split_once('/').ok_or(RepositoryNameError::NoRepository)?;
        if ResourceName::parse("name", registry).is_err() || !is_repository_path(repository) {
            return Err(RepositoryNameError::Invalid);
        }
        Ok(RepositoryName { full: full.to_string(), split: registry.len() })
    }

    /// A registry name and a repository path given apart (as the API's routes give them).
    pub fn from_parts(registry: &str, repository: &str) -> Result<RepositoryName, RepositoryNameError> {
        RepositoryName::parse(&format!("{registry}/{repository}"))
    }

    pub fn registry(&self) -> &str {
        &self.full[..self.split]
    }

    pub fn repository(&self) -> &str {
        &self.full[self.split + 1..]
    }

    pub fn full(&self) -> &str {
        &self.full
    }
}

impl std::fmt::Display for RepositoryName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.full)
    }
}

/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*` — the OCI distribution name component.
fn is_repository_component(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    let alnum = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    if bytes.is_empty() || !alnum(bytes[0]) || !alnum(bytes[bytes.len() - 1]) {
        return false;
    }
    let mut i = 0;
    while i < bytes.len() {
        if alnum(bytes[i]) {
            i += 1;
            continue;
        }
        // A separator: ".", "_", "__" or one or more "-".
        let start = i;
        match bytes[i] {
            b'.' => i += 1,
            b'_' => {
                i += 1;
                if i < bytes.len() && bytes[i] == b'_' {
                    i += 1;
                }
            }
            b'-' => {
                while i < bytes.len() && bytes[i] == b'-' {
                    i += 1;
                }
            }
            _ => return false,
        }
        if i == start || i >= bytes.len() || !alnum(bytes[i]) {
            return false;
        }
    }
    true
}

/// A tag: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`.
pub fn is_tag(raw: &str) -> bool {
    let bytes = raw.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 128
        && (bytes[0].is_ascii_alphanumeric() || bytes[0] == b'_')
        && bytes.iter().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

#[cfg(test)]
mod repository_tests {
    use super::*;

    #[test]
    fn repository_names_split_at_the_first_slash() {
        let name = RepositoryName::parse("acme/team/api").unwrap();
        assert_eq!((name.registry(), name.repository(), name.full()), ("acme", "team/api", "acme/team/api"));
        assert_eq!(RepositoryName::from_parts("acme", "team/api").unwrap(), name);
        assert_eq!(RepositoryName::parse("acme"), Err(RepositoryNameError::NoRepository));
        for bad in ["a/api", "Acme/api", "acme/", "acme/API", "acme//api", "acme/api/"] {
            assert_eq!(RepositoryName::parse(bad), Err(RepositoryNameError::Invalid), "{bad}");
        }
    }

    #[test]
    fn repository_paths_follow_the_oci_grammar() {
        for ok in ["api", "team/api", "a/b/c/d/e/f/g/h/i/j", "my__app", "my--app", "v1.2", "x_y"] {
            assert!(is_repository_path(ok), "{ok}");
        }
        for bad in ["", "API", "team//api", "/api", "api/", "a___b", "a..b", "-a", "a-", "a b", &"a".repeat(256)] {
            assert!(!is_repository_path(bad), "{bad}");
        }
    }

    #[test]
    fn tags_follow_the_oci_grammar() {
        for ok in ["latest", "v1.2.3", "_x", "A-b_c.d", &"t".repeat(128)] {
            assert!(is_tag(ok), "{ok}");
        }
        for bad in ["", ".x", "-x", "a/b", "a:b", &"t".repeat(129)] {
            assert!(!is_tag(bad), "{bad}");
        }
    }
}
