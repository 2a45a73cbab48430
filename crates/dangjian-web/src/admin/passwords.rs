//! Password hashing (argon2id, off the async threads) and one-time passwords.

use argon2::{
    Argon2,
    password_hash::{PasswordHasher, PasswordVerifier, phc::PasswordHash},
};

use crate::AppError;

/// Hashes a password on a blocking thread: argon2 takes tens of milliseconds of CPU,
/// which must not stall the async workers serving other requests.
pub async fn hash(password: String) -> Result<String, AppError> {
    tokio::task::spawn_blocking(move || Argon2::default().hash_password(password.as_bytes()).map(|h| h.to_string()))
        .await
        .map_err(|e| AppError::Internal(format!("hash task: {e}")))?
        .map_err(|e| AppError::Internal(format!("argon2: {e}")))
}

/// A hash of a random password, made once: verifying against it when the account does
/// not exist makes "no such user" take as long as "wrong password".
fn dummy_hash() -> String {
    static H: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    H.get_or_init(|| {
        Argon2::default().hash_password(random_password().as_bytes()).map(|h| h.to_string()).unwrap_or_default()
    })
    .clone()
}

/// Verifies on a blocking thread. `None` verifies against a dummy hash and fails.
pub async fn verify(password: String, hash: Option<String>) -> bool {
    let real = hash.is_some();
    tokio::task::spawn_blocking(move || {
        let hash = hash.unwrap_or_else(dummy_hash);
        PasswordHash::new(&hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
    })
    .await
    .unwrap_or(false)
        && real
}

/// A random password that satisfies the default policy (4 classes, 16 characters).
pub fn random_password() -> String {
    const SETS: [&[u8]; 4] = [b"ABCDEFGHJKLMNPQRSTUVWXYZ", b"abcdefghijkmnpqrstuvwxyz", b"23456789", b"!#%+-=?@"];
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).expect("operating system random source");
    let mut out: Vec<u8> = (0..16)
        .map(|i| {
            let set = SETS[i % 4];
            set[usize::from(bytes[i]) % set.len()]
        })
        .collect();
    // Shuffle so the classes are not in a fixed pattern.
    for i in (1..out.len()).rev() {
        let j = usize::from(bytes[16 + i]) % (i + 1);
        out.swap(i, j);
    }
    String::from_utf8(out).expect("ascii")
}

/// A random token (hex), for TOTP enrolment and the like.
pub fn random_token(bytes: usize) -> String {
    let mut b = vec![0u8; bytes];
    getrandom::fill(&mut b).expect("operating system random source");
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_and_verify() {
        let h = hash("Dangjian#2024".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("Dangjian#2024".into(), Some(h.clone())).await);
        assert!(!verify("dangjian#2024".into(), Some(h)).await);
        assert!(!verify("anything".into(), None).await);
    }

    #[test]
    fn random_passwords_meet_the_policy() {
        let p = dangjian_domain::password::PasswordPolicy::default();
        for _ in 0..200 {
            let pw = random_password();
            assert!(p.check("admin", &pw).is_ok(), "{pw}");
        }
        assert_ne!(random_password(), random_password());
    }
}
