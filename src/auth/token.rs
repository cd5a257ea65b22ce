//! Random secrets: API bearer tokens (only their SHA-256 is stored) and CSRF tokens.

use argon2::password_hash::rand_core::{OsRng, RngCore};
use sha2::{Digest, Sha256};

/// Prefix that makes a Zhuanban token recognisable in logs and secret scanners.
const API_PREFIX: &str = "zb_";

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    OsRng.fill_bytes(&mut buf);
    hex::encode(buf)
}

/// A new API token, as shown once to its owner.
pub fn new_api_token() -> String {
    format!("{API_PREFIX}{}", random_hex(32))
}

/// What the database keeps of an API token.
pub fn api_token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// A per-session token for forms.
pub fn new_csrf_token() -> String {
    random_hex(32)
}

/// Compares secrets in constant time.
pub fn same_secret(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_prefixed() {
        let a = new_api_token();
        let b = new_api_token();
        assert_ne!(a, b);
        assert!(a.starts_with("zb_") && a.len() == 3 + 64);
        assert_eq!(api_token_hash(&a).len(), 32);
        assert_eq!(api_token_hash(&a), api_token_hash(&a));
    }

    #[test]
    fn secrets_compare_exactly() {
        let t = new_csrf_token();
        assert!(same_secret(&t, &t.clone()));
        assert!(!same_secret(&t, &new_csrf_token()));
        assert!(!same_secret(&t, ""));
    }
}
