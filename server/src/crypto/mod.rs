//! Cryptography with no HTTP in it: password hashing, random secrets and their
//! hashes, registry token signing. A leaf module: services, db and storage may use it;
//! it uses none of them.

pub mod password;
pub mod random;
pub mod registry_token;
pub mod secret;
