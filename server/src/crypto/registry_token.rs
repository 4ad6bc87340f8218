//! Registry tokens (the Docker token authentication spec): short-lived HS256 JWTs
//! that name the principal and the access granted to it. The signing key lives in the
//! database, so every replica issues and accepts the same tokens.

use app::domain::model::RobotPermission;
use app::domain::policy::{Principal, RobotIdentity, UserIdentity};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// Tokens live five minutes; clients ask for a new one when it expires.
pub const TOKEN_LIFETIME_SECS: i64 = 300;

/// Access granted on one resource, as the token spec writes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    #[serde(rename = "type")]
    pub kind: String,
    pub name: String,
    pub actions: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    pub iss: String,
    pub sub: String,
    pub aud: String,
    pub exp: i64,
    pub nbf: i64,
    pub iat: i64,
    pub jti: String,
    pub access: Vec<Access>,
    /// Who the subject is, so the engine can apply the policy again.
    pub berth: Subject,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum Subject {
    Anonymous,
    User { id: i64, admin: bool },
    Robot { id: i64, registry_id: i64, registry: String, name: String, push: bool },
}

impl Subject {
    pub fn of(principal: &Principal) -> Subject {
        match principal {
            Principal::Anonymous => Subject::Anonymous,
            Principal::User(user) => Subject::User { id: user.id, admin: user.is_admin },
            Principal::Robot(robot) => Subject::Robot {
                id: robot.id,
                registry_id: robot.registry_id,
                registry: robot.registry.clone(),
                name: robot.name.clone(),
                push: robot.permission == RobotPermission::Push,
            },
        }
    }
}

impl Claims {
    pub fn principal(&self) -> Principal {
        match &self.berth {
            Subject::Anonymous => Principal::Anonymous,
            Subject::User { id, admin } => Principal::User(UserIdentity { id: *id, username: self.sub.clone(), is_admin: *admin }),
            Subject::Robot { id, registry_id, registry, name, push } => Principal::Robot(RobotIdentity {
                id: *id,
                registry_id: *registry_id,
                registry: registry.clone(),
                name: name.clone(),
                permission: if *push { RobotPermission::Push } else { RobotPermission::Pull },
            }),
        }
    }

    /// Whether the token grants `action` on repository `name`.
    pub fn allows(&self, name: &str, action: &str) -> bool {
        self.access.iter().any(|a| a.kind == "repository" && a.name == name && a.actions.iter().any(|x| x == action || x == "*"))
    }
}

type HmacSha256 = Hmac<Sha256>;

#[derive(Clone)]
pub struct TokenKey(Vec<u8>);

impl TokenKey {
    pub fn new(secret: Vec<u8>) -> Self {
        TokenKey(secret)
    }

    fn mac(&self) -> HmacSha256 {
        HmacSha256::new_from_slice(&self.0).expect("HMAC accepts keys of any length")
    }

    pub fn sign(&self, claims: &Claims) -> String {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        let payload = URL_SAFE_NO_PAD.encode(serde_json::to_vec(claims).expect("claims serialize"));
        let signing_input = format!("{header}.{payload}");
        let mut mac = self.mac();
        mac.update(signing_input.as_bytes());
        let signature = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
        format!("{signing_input}.{signature}")
    }

    /// The claims of a token this instance signed that is valid now; `None` for
    /// anything else (wrong signature, expired, not a token).
    pub fn verify(&self, token: &str, now_secs: i64) -> Option<Claims> {
        let (signing_input, signature) = token.rsplit_once('.')?;
        let (header, payload) = signing_input.split_once('.')?;
        let header: serde_json::Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).ok()?).ok()?;
        if header.get("alg").and_then(|a| a.as_str()) != Some("HS256") {
            return None;
        }
        let mut mac = self.mac();
        mac.update(signing_input.as_bytes());
        mac.verify_slice(&URL_SAFE_NO_PAD.decode(signature).ok()?).ok()?;
        let claims: Claims = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).ok()?).ok()?;
        (claims.nbf - 30 <= now_secs && now_secs < claims.exp).then_some(claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(exp: i64) -> Claims {
        Claims {
            iss: "berth".into(),
            sub: "alice".into(),
            aud: "registry.test".into(),
            exp,
            nbf: 0,
            iat: 0,
            jti: "x".into(),
            access: vec![Access { kind: "repository".into(), name: "acme/api".into(), actions: vec!["pull".into()] }],
            berth: Subject::User { id: 7, admin: false },
        }
    }

    #[test]
    fn tokens_verify_only_with_their_key_and_in_their_lifetime() {
        let key = TokenKey::new(b"secret".to_vec());
        let token = key.sign(&claims(100));
        let verified = key.verify(&token, 50).unwrap();
        assert!(verified.allows("acme/api", "pull"));
        assert!(!verified.allows("acme/api", "push"));
        assert!(!verified.allows("acme/other", "pull"));
        assert_eq!(verified.principal(), Principal::User(UserIdentity { id: 7, username: "alice".into(), is_admin: false }));
        assert!(key.verify(&token, 100).is_none(), "expired");
        assert!(TokenKey::new(b"other".to_vec()).verify(&token, 50).is_none(), "wrong key");
        let mut tampered = token.clone();
        tampered.insert(token.find('.').unwrap() + 2, 'x');
        assert!(key.verify(&tampered, 50).is_none(), "tampered");
        assert!(key.verify("not.a.token", 50).is_none());
    }
}
