//! Instance administration: garbage collection.

use crate::dto::{GcReport, GcRun};
use crate::error::ConsoleError;
use leptos::prelude::*;

#[server(prefix = "/console/fn", endpoint = "list_gc_runs")]
pub async fn list_gc_runs() -> Result<Vec<GcRun>, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.list_gc_runs(&caller).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "run_gc")]
pub async fn run_gc(dry_run: bool) -> Result<GcReport, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.run_gc(&caller, dry_run).await.map_err(fail)
}
