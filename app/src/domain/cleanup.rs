//! Which tags a clean-up rule deletes. Pure: the preview, the manual clean-up and
//! scheduled retention all decide with `select`, so what a manager previews is what
//! gets deleted.
//!
//! The rule, per repository: tags matching `tag_pattern` (all tags when absent) are
//! ordered newest push first; the `keep_latest` newest of them are kept; of the rest,
//! a tag is deleted when it was pushed before the base date (`pushed_before`, or
//! `older_than_days` before now). Without a date, every matching tag past the newest
//! `keep_latest` is deleted. Immutable tags are listed but protected, never deleted.

use super::Error;
use super::time::Timestamp;
use serde::{Deserialize, Serialize};

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
pub const MAX_KEEP_LATEST: u32 = 100_000;
pub const MAX_PATTERN_LEN: usize = 128;

/// A clean-up rule as the API and the console send it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CleanupRule {
    /// Delete only tags pushed before this instant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pushed_before: Option<Timestamp>,
    /// Delete only tags pushed more than this many days before the rule runs
    /// (a base date that moves with a schedule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub older_than_days: Option<u32>,
    /// Glob over tag names: `*` any run of characters, `?` one character.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag_pattern: Option<String>,
    /// Keep this many most recently pushed (matching) tags per repository.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep_latest: Option<u32>,
}

impl CleanupRule {
    /// Rejects rules that are malformed or that would select every tag by accident.
    pub fn validate(&self) -> Result<(), Error> {
        if self.pushed_before.is_some() && self.older_than_days.is_some() {
            return Err(Error::invalid("older_than_days", "give either pushed_before or older_than_days, not both"));
        }
        if self.pushed_before.is_none() && self.older_than_days.is_none() && self.keep_latest.is_none() {
            return Err(Error::invalid(
                "rule",
                "choose a base date (pushed_before or older_than_days) or a number of tags to keep (keep_latest)",
            ));
        }
        if let Some(pattern) = &self.tag_pattern {
            if pattern.is_empty() || pattern.len() > MAX_PATTERN_LEN {
                return Err(Error::invalid("tag_pattern", format!("must be 1 to {MAX_PATTERN_LEN} characters")));
            }
            if !pattern.chars().all(|c| c.is_ascii_alphanumeric() || "._-*?".contains(c)) {
                return Err(Error::invalid("tag_pattern", "may hold letters, digits, '.', '_', '-' and the wildcards '*' and '?'"));
            }
        }
        if self.keep_latest.is_some_and(|n| n > MAX_KEEP_LATEST) {
            return Err(Error::invalid("keep_latest", format!("must be at most {MAX_KEEP_LATEST}")));
        }
        if self.older_than_days.is_some_and(|d| d > 36_500) {
            return Err(Error::invalid("older_than_days", "must be at most 36500"));
        }
        Ok(())
    }

    /// The base date in effect when the rule runs at `now_ms`.
    pub fn base_date(&self, now_ms: i64) -> Option<i64> {
        match (self.pushed_before, self.older_than_days) {
            (Some(date), _) => Some(date.0),
            (None, Some(days)) => Some(now_ms - i64::from(days) * DAY_MS),
            (None, None) => None,
        }
    }

    /// One line for people: "pushed before 2026-01-01 00:00 UTC, tags matching v1.*, keep 3 newest".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(date) = self.pushed_before {
            parts.push(format!("pushed before {date}"));
        }
        if let Some(days) = self.older_than_days {
            parts.push(format!("pushed more than {days} days ago"));
        }
        if let Some(pattern) = &self.tag_pattern {
            parts.push(format!("tags matching {pattern}"));
        }
        if let Some(n) = self.keep_latest {
            parts.push(format!("keep the {n} newest per repository"));
        }
        parts.join(", ")
    }
}

/// The console's clean-up form: every field is text, blank when unused. The base
/// date is a day (`YYYY-MM-DD`, midnight UTC) as a date input gives it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CleanupForm {
    pub pushed_before: String,
    pub older_than_days: String,
    pub tag_pattern: String,
    pub keep_latest: String,
}

impl CleanupForm {
    pub fn parse(&self) -> Result<CleanupRule, Error> {
        let number = |field: &str, text: &str, max: u32| -> Result<Option<u32>, Error> {
            let text = text.trim();
            if text.is_empty() {
                return Ok(None);
            }
            match text.parse::<u32>() {
                Ok(n) if n <= max => Ok(Some(n)),
                _ => Err(Error::invalid(field, format!("must be a whole number from 0 to {max}"))),
            }
        };
        let date = self.pushed_before.trim();
        let pushed_before = if date.is_empty() {
            None
        } else {
            let parsed = super::time::parse_rfc3339(&format!("{date}T00:00:00Z")).or_else(|| super::time::parse_rfc3339(date));
            Some(Timestamp(parsed.ok_or_else(|| Error::invalid("pushed_before", "must be a date like 2026-01-31"))?))
        };
        let pattern = self.tag_pattern.trim();
        let rule = CleanupRule {
            pushed_before,
            older_than_days: number("older_than_days", &self.older_than_days, 36_500)?,
            tag_pattern: (!pattern.is_empty()).then(|| pattern.to_string()),
            keep_latest: number("keep_latest", &self.keep_latest, MAX_KEEP_LATEST)?,
        };
        rule.validate()?;
        Ok(rule)
    }

    /// The form showing `rule` (the date part of a base date).
    pub fn from_rule(rule: &CleanupRule) -> Self {
        CleanupForm {
            pushed_before: rule.pushed_before.map(|t| t.rfc3339().chars().take(10).collect()).unwrap_or_default(),
            older_than_days: rule.older_than_days.map(|n| n.to_string()).unwrap_or_default(),
            tag_pattern: rule.tag_pattern.clone().unwrap_or_default(),
            keep_latest: rule.keep_latest.map(|n| n.to_string()).unwrap_or_default(),
        }
    }
}

/// `*` matches any run of characters, `?` exactly one; everything else itself.
pub fn glob_matches(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    let (mut pi, mut ti) = (0, 0);
    let mut backtrack: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            backtrack = Some((pi, ti));
            pi += 1;
        } else if let Some((star, matched)) = backtrack {
            pi = star + 1;
            ti = matched + 1;
            backtrack = Some((star, matched + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// What the rule needs to know about one tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TagFact {
    pub repository: String,
    pub tag: String,
    pub digest: String,
    pub pushed_at: i64,
    pub immutable: bool,
}

/// A tag the rule selects, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selected {
    pub fact: TagFact,
    pub reason: String,
    /// Immutable: listed so the manager sees it, but never deleted.
    pub protected: bool,
}

/// The tags `rule` deletes among `tags`, at `now_ms`, by repository then newest first.
pub fn select(rule: &CleanupRule, tags: &[TagFact], now_ms: i64) -> Vec<Selected> {
    let base = rule.base_date(now_ms);
    let mut matching: Vec<&TagFact> = tags.iter().filter(|t| rule.tag_pattern.as_deref().is_none_or(|p| glob_matches(p, &t.tag))).collect();
    // Newest first; equal push times fall back to the name so the order is stable.
    matching.sort_by(|a, b| a.repository.cmp(&b.repository).then(b.pushed_at.cmp(&a.pushed_at)).then(a.tag.cmp(&b.tag)));
    let mut selected = Vec::new();
    let mut rank = 0usize;
    let mut repository: Option<&str> = None;
    for fact in matching {
        if repository != Some(fact.repository.as_str()) {
            repository = Some(fact.repository.as_str());
            rank = 0;
        }
        rank += 1;
        let kept = rule.keep_latest.is_some_and(|n| rank <= n as usize);
        let old_enough = base.is_none_or(|date| fact.pushed_at < date);
        if kept || !old_enough {
            continue;
        }
        let mut reasons = Vec::new();
        if let Some(date) = base {
            reasons.push(format!("pushed before {}", Timestamp(date)));
        }
        if let Some(n) = rule.keep_latest {
            reasons.push(format!("not among the {n} newest"));
        }
        if fact.immutable {
            reasons.push("protected: tags are immutable".to_string());
        }
        selected.push(Selected { fact: fact.clone(), reason: reasons.join("; "), protected: fact.immutable });
    }
    selected
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::time::parse_rfc3339;

    fn at(date: &str) -> i64 {
        parse_rfc3339(&format!("{date}T00:00:00Z")).unwrap()
    }

    fn fact(repository: &str, tag: &str, date: &str) -> TagFact {
        TagFact { repository: repository.into(), tag: tag.into(), digest: format!("sha256:{tag}"), pushed_at: at(date), immutable: false }
    }

    fn fixture() -> Vec<TagFact> {
        vec![
            fact("web", "v1", "2026-01-01"),
            fact("web", "v2", "2026-02-01"),
            fact("web", "v3", "2026-03-01"),
            fact("web", "v4", "2026-04-01"),
            fact("web", "latest", "2026-04-01"),
            fact("web", "dev-1", "2026-01-15"),
            fact("api", "v1", "2025-12-01"),
            fact("api", "v2", "2026-05-01"),
        ]
    }

    fn names(selected: &[Selected]) -> Vec<String> {
        selected.iter().map(|s| format!("{}:{}", s.fact.repository, s.fact.tag)).collect()
    }

    #[test]
    fn a_base_date_selects_tags_pushed_before_it() {
        let rule = CleanupRule { pushed_before: Some(Timestamp(at("2026-02-01"))), ..Default::default() };
        assert_eq!(names(&select(&rule, &fixture(), 0)), ["api:v1", "web:dev-1", "web:v1"]);
    }

    #[test]
    fn keep_latest_keeps_the_newest_per_repository() {
        let rule = CleanupRule { keep_latest: Some(2), ..Default::default() };
        // web newest first: latest & v4 (same time, by name), v3, v2, dev-1, v1.
        assert_eq!(names(&select(&rule, &fixture(), 0)), ["web:v3", "web:v2", "web:dev-1", "web:v1"]);
    }

    #[test]
    fn the_pattern_limits_both_the_ranking_and_the_deletion() {
        let rule = CleanupRule {
            tag_pattern: Some("v*".into()),
            keep_latest: Some(1),
            pushed_before: Some(Timestamp(at("2026-03-15"))),
            ..Default::default()
        };
        // web's v* tags newest first: v4 (kept), v3, v2, v1 — all before the date; dev-1 and latest never match.
        let selected = select(&rule, &fixture(), 0);
        assert_eq!(names(&selected), ["api:v1", "web:v3", "web:v2", "web:v1"]);
        assert!(selected[0].reason.contains("pushed before 2026-03-15"), "{}", selected[0].reason);
        assert!(selected[0].reason.contains("not among the 1 newest"));
    }

    #[test]
    fn a_kept_tag_is_kept_even_when_old() {
        let rule = CleanupRule { keep_latest: Some(1), pushed_before: Some(Timestamp(at("2027-01-01"))), ..Default::default() };
        assert_eq!(names(&select(&rule, &fixture(), 0)), ["api:v1", "web:v4", "web:v3", "web:v2", "web:dev-1", "web:v1"]);
    }

    #[test]
    fn older_than_days_counts_back_from_now() {
        let rule = CleanupRule { older_than_days: Some(30), ..Default::default() };
        let selected = select(&rule, &fixture(), at("2026-03-04")); // base date 2026-02-02
        assert_eq!(names(&selected), ["api:v1", "web:v2", "web:dev-1", "web:v1"]);
    }

    #[test]
    fn immutable_tags_are_listed_as_protected() {
        let mut tags = fixture();
        tags[0].immutable = true;
        let rule = CleanupRule { pushed_before: Some(Timestamp(at("2026-01-02"))), ..Default::default() };
        let selected = select(&rule, &tags, 0);
        assert_eq!(names(&selected), ["api:v1", "web:v1"]);
        assert!(!selected[0].protected);
        assert!(selected[1].protected && selected[1].reason.contains("protected"));
    }

    #[test]
    fn rules_that_would_select_everything_or_are_malformed_are_refused() {
        let field = |rule: CleanupRule| match rule.validate() {
            Err(Error::Invalid { field, .. }) => field,
            other => panic!("expected an invalid rule, got {other:?}"),
        };
        assert_eq!(field(CleanupRule::default()), "rule");
        assert_eq!(field(CleanupRule { tag_pattern: Some("*".into()), ..Default::default() }), "rule");
        assert_eq!(field(CleanupRule { keep_latest: Some(1), tag_pattern: Some("v[1]".into()), ..Default::default() }), "tag_pattern");
        assert_eq!(field(CleanupRule { keep_latest: Some(1), tag_pattern: Some(String::new()), ..Default::default() }), "tag_pattern");
        assert_eq!(
            field(CleanupRule { pushed_before: Some(Timestamp(0)), older_than_days: Some(1), ..Default::default() }),
            "older_than_days"
        );
        assert!(CleanupRule { keep_latest: Some(0), ..Default::default() }.validate().is_ok());
    }

    #[test]
    fn the_console_form_reads_days_numbers_and_blanks() {
        let form = CleanupForm { pushed_before: "2026-03-15".into(), keep_latest: " 3 ".into(), ..Default::default() };
        let rule = form.parse().unwrap();
        assert_eq!(rule.pushed_before, Some(Timestamp(at("2026-03-15"))));
        assert_eq!((rule.keep_latest, rule.tag_pattern.as_deref()), (Some(3), None));
        assert_eq!(CleanupForm::from_rule(&rule), CleanupForm { keep_latest: "3".into(), ..form.clone() });
        let field = |form: CleanupForm| match form.parse() {
            Err(Error::Invalid { field, .. }) => field,
            other => panic!("expected an error, got {other:?}"),
        };
        assert_eq!(field(CleanupForm { pushed_before: "15/03/2026".into(), ..Default::default() }), "pushed_before");
        assert_eq!(field(CleanupForm { keep_latest: "-1".into(), ..Default::default() }), "keep_latest");
        assert_eq!(field(CleanupForm { keep_latest: "ten".into(), ..Default::default() }), "keep_latest");
        assert_eq!(field(CleanupForm::default()), "rule");
    }

    #[test]
    fn globs_match_whole_names() {
        for (pattern, text, expected) in [
            ("v*", "v1.2", true),
            ("v*", "dev", false),
            ("*-rc?", "1.0-rc1", true),
            ("*-rc?", "1.0-rc10", false),
            ("*", "", true),
            ("a*b*c", "aXbYbZc", true),
            ("a*b*c", "aXbYbZ", false),
            ("latest", "latest", true),
            ("latest", "latest2", false),
        ] {
            assert_eq!(glob_matches(pattern, text), expected, "{pattern} ~ {text}");
        }
    }
}
