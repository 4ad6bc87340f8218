//! Cleaning up old tags and the retention policy, from the registry's clean-up page.
//! The form's fields arrive as text and are read by `CleanupForm::parse`, so a bad
//! value comes back as a message naming the field.

use crate::dto::{CleanupPreview, CleanupReport, RetentionPolicy, RetentionRun};
use crate::error::ConsoleError;
use leptos::prelude::*;

#[server(prefix = "/console/fn", endpoint = "preview_cleanup")]
pub async fn preview_cleanup(
    registry: String,
    pushed_before: String,
    tag_pattern: String,
    keep_latest: String,
) -> Result<CleanupPreview, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    let form = crate::domain::cleanup::CleanupForm { pushed_before, tag_pattern, keep_latest, older_than_days: String::new() };
    let rule = form.parse().map_err(fail)?;
    console()?.preview_cleanup(&caller, &registry, &rule).await.map_err(fail)
}

/// Deletes the `only` candidates (`repository:tag`) of the rule; the rule is checked
/// again, so a tag that stopped matching since the preview stays.
#[server(prefix = "/console/fn", endpoint = "apply_cleanup")]
pub async fn apply_cleanup(
    registry: String,
    pushed_before: String,
    tag_pattern: String,
    keep_latest: String,
    #[server(default)] only: Vec<String>,
) -> Result<CleanupReport, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    let form = crate::domain::cleanup::CleanupForm { pushed_before, tag_pattern, keep_latest, older_than_days: String::new() };
    let rule = form.parse().map_err(fail)?;
    if only.is_empty() {
        return Err(fail(crate::domain::Error::invalid("selection", "select at least one tag to delete")));
    }
    let only = only
        .iter()
        .filter_map(|item| item.split_once(':'))
        .map(|(repository, tag)| crate::dto::TagRef { repository: repository.to_string(), tag: tag.to_string() })
        .collect();
    let request = crate::dto::CleanupRequest { rule, only: Some(only) };
    console()?.apply_cleanup(&caller, &registry, &request).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "get_retention")]
pub async fn get_retention(registry: String) -> Result<(RetentionPolicy, Vec<RetentionRun>), ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    let console = console()?;
    let policy = console.retention_policy(&caller, &registry).await.map_err(fail)?;
    let runs = console.retention_runs(&caller, &registry).await.map_err(fail)?;
    Ok((policy, runs))
}

#[server(prefix = "/console/fn", endpoint = "save_retention_policy")]
pub async fn save_retention_policy(
    registry: String,
    enabled: bool,
    schedule: String,
    dry_run: bool,
    older_than_days: String,
    tag_pattern: String,
    keep_latest: String,
) -> Result<RetentionPolicy, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    let form = crate::domain::cleanup::CleanupForm { older_than_days, tag_pattern, keep_latest, pushed_before: String::new() };
    let rule = form.parse().map_err(fail)?;
    let policy = RetentionPolicy { enabled, schedule, rule, dry_run, next_run_at: None };
    console()?.save_retention_policy(&caller, &registry, policy).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "run_retention_now")]
pub async fn run_retention_now(registry: String) -> Result<RetentionRun, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.run_retention_now(&caller, &registry).await.map_err(fail)
}
