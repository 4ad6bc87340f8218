use crate::dto::Me;
use crate::error::ConsoleError;
use leptos::prelude::*;

/// The signed-in user, or `None` for an anonymous visitor.
#[server(prefix = "/console/fn", endpoint = "get_me")]
pub async fn get_me() -> Result<Option<Me>, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    if caller.principal.user().is_none() {
        return Ok(None);
    }
    console()?.get_me(&caller).await.map(Some).map_err(fail)
}
