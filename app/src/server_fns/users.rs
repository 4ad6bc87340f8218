use crate::dto::UserRow;
use crate::error::ConsoleError;
use leptos::prelude::*;

#[server(prefix = "/console/fn", endpoint = "list_users")]
pub async fn list_users() -> Result<Vec<UserRow>, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.list_users(&caller).await.map_err(fail)
}

/// `is_admin` is a checkbox: present ("on") when ticked.
#[server(prefix = "/console/fn", endpoint = "create_user")]
pub async fn create_user(
    username: String,
    email: Option<String>,
    password: String,
    is_admin: Option<String>,
) -> Result<UserRow, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    let new_user = crate::dto::NewUser { username: username.trim().to_string(), password, email, is_admin: is_admin.is_some() };
    console()?.create_user(&caller, new_user).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "set_user_disabled")]
pub async fn set_user_disabled(username: String, disabled: bool) -> Result<UserRow, ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.set_user_disabled(&caller, &username, disabled).await.map_err(fail)
}

#[server(prefix = "/console/fn", endpoint = "reset_user_password")]
pub async fn reset_user_password(username: String, password: String) -> Result<(), ConsoleError> {
    use super::ssr::*;
    let caller = caller().await?;
    console()?.reset_user_password(&caller, &username, &password).await.map_err(fail)
}
