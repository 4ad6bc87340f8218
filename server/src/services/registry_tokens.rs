//! Issuing registry tokens: each requested scope is granted only as far as the policy
//! allows the caller.

use super::Services;
use crate::crypto::registry_token::{Access, Claims, Subject, TOKEN_LIFETIME_SECS};
use crate::db::{new_id, now_ms};
use app::domain::Error;
use app::domain::names::RepositoryName;
use app::domain::policy::{self, Action, Caller};

pub struct IssuedToken {
    pub token: String,
    pub expires_in: i64,
    pub issued_at: i64,
}

/// `repository:<name>:<actions>` or `registry:catalog:*`, as clients send them.
fn parse_scope(raw: &str) -> Option<(String, String, Vec<String>)> {
    let (kind, rest) = raw.split_once(':')?;
    let (name, actions) = rest.rsplit_once(':')?;
    let actions = actions.split(',').map(str::trim).filter(|a| !a.is_empty()).map(str::to_string).collect();
    Some((kind.to_string(), name.to_string(), actions))
}

impl Services {
    pub async fn issue_registry_token(&self, caller: &Caller, service: &str, scopes: &[String]) -> Result<IssuedToken, Error> {
        let mut access = Vec::new();
        for raw in scopes.iter().flat_map(|s| s.split(' ')).filter(|s| !s.is_empty()) {
            let Some((kind, name, actions)) = parse_scope(raw) else { continue };
            match kind.as_str() {
                "repository" => {
                    let granted = self.grantable(caller, &name, &actions).await?;
                    if !granted.is_empty() {
                        access.push(Access { kind, name, actions: granted });
                    }
                }
                // The catalog is filtered per caller, so anyone may ask for it.
                "registry" if name == "catalog" => access.push(Access { kind, name, actions: vec!["*".to_string()] }),
                _ => {}
            }
        }
        let now = now_ms() / 1000;
        let claims = Claims {
            iss: "berth".to_string(),
            sub: match &caller.principal {
                app::domain::policy::Principal::Anonymous => String::new(),
                principal => principal.display_name(),
            },
            aud: service.to_string(),
            exp: now + TOKEN_LIFETIME_SECS,
            nbf: now,
            iat: now,
            jti: format!("{:016x}", new_id()),
            access,
            berth: Subject::of(&caller.principal),
        };
        Ok(IssuedToken { token: self.token_key.sign(&claims), expires_in: TOKEN_LIFETIME_SECS, issued_at: now })
    }

    /// The subset of `requested` actions the caller may perform on repository `name`.
    async fn grantable(&self, caller: &Caller, name: &str, requested: &[String]) -> Result<Vec<String>, Error> {
        let Ok(name) = RepositoryName::parse(name) else { return Ok(Vec::new()) };
        let target = match self.registry_target(caller, name.registry()).await {
            Ok((_, target)) => target,
            Err(Error::NotFound(_) | Error::Unauthenticated) => return Ok(Vec::new()),
            Err(err) => return Err(err),
        };
        let allowed = |action| policy::decide(&caller.principal, action, target) == policy::Decision::Allow;
        let mut granted = Vec::new();
        for (word, action) in [("pull", Action::Pull), ("push", Action::Push), ("delete", Action::DeleteContent)] {
            let wanted = requested.iter().any(|r| r == word || r == "*");
            if wanted && allowed(action) {
                granted.push(word.to_string());
            }
        }
        Ok(granted)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_scope;

    #[test]
    fn scopes_are_parsed() {
        assert_eq!(
            parse_scope("repository:acme/team/api:pull,push"),
            Some(("repository".into(), "acme/team/api".into(), vec!["pull".into(), "push".into()]))
        );
        assert_eq!(parse_scope("registry:catalog:*"), Some(("registry".into(), "catalog".into(), vec!["*".into()])));
        assert_eq!(parse_scope("nonsense"), None);
    }
}
