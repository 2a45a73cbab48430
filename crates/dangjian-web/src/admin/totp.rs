//! TOTP second factor (RFC 6238: SHA-1, 6 digits, 30-second steps, one step of skew),
//! which works with every common authenticator app.

use totp_rs::{Algorithm, Secret, TOTP};

fn totp(secret_b32: &str) -> Option<TOTP> {
    let bytes = Secret::Encoded(secret_b32.to_owned()).to_bytes().ok()?;
    TOTP::new(Algorithm::SHA1, 6, 1, 30, bytes).ok()
}

/// A new random secret, base32-encoded.
pub fn new_secret() -> String {
    match Secret::generate_secret().to_encoded() {
        Secret::Encoded(s) => s,
        Secret::Raw(_) => unreachable!("to_encoded returns Encoded"),
    }
}

/// Whether `code` is valid now for `secret`.
pub fn check(secret_b32: &str, code: &str, _account: &str) -> bool {
    code.len() == 6 && totp(secret_b32).is_some_and(|t| t.check_current(code).unwrap_or(false))
}

/// The current code (for tests and the enrolment check).
pub fn current(secret_b32: &str) -> Option<String> {
    totp(secret_b32)?.generate_current().ok()
}

/// The `otpauth://` URL an authenticator app imports.
pub fn url(secret_b32: &str, account: &str, issuer: &str) -> String {
    let enc = |s: &str| crate::chrome::urlencode(s).replace('/', "%2F");
    format!(
        "otpauth://totp/{}:{}?secret={secret_b32}&issuer={}&algorithm=SHA1&digits=6&period=30",
        enc(issuer),
        enc(account),
        enc(issuer)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fresh_code_checks() {
        let s = new_secret();
        let code = current(&s).unwrap();
        assert!(check(&s, &code, "a"));
        assert!(!check(&s, "000000x", "a"));
        assert!(!check("not base32!", "123456", "a"));
        assert!(url(&s, "张三", "机关党建网").starts_with("otpauth://totp/"));
    }
}
