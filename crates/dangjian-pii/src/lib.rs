//! Members' ID numbers and phone numbers are encrypted at rest (DESIGN.md: personal data
//! is masked in lists, visible only to roles that need it, and encrypted at rest). The
//! key lives in a file outside the database and the repository, so a stolen database
//! dump or backup does not reveal it.
//!
//! Ciphertext format: `v1:` + base64(nonce ‖ AES-256-GCM ciphertext). A keyed hash
//! (HMAC-SHA-256 with a key derived from the same secret) of the normalised value lets
//! the store refuse duplicates without ever decrypting.

use std::path::Path;

use aes_gcm::{
    Aes256Gcm, Nonce,
    aead::{Aead, Generate, KeyInit},
};
use base64::{Engine as _, engine::general_purpose::STANDARD_NO_PAD as B64};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

/// What can go wrong.
#[derive(Debug, thiserror::Error)]
pub enum PiiError {
    #[error("personal-data key file {0}: {1}")]
    KeyFile(String, String),
    #[error("personal-data key must be 32 bytes (64 hex characters)")]
    BadKey,
    #[error("stored personal data cannot be decrypted (wrong key or damaged data)")]
    Decrypt,
}

/// The secret. Hand-written `Debug` so it never reaches a log line.
#[derive(Clone)]
pub struct PiiKey {
    cipher: Aes256Gcm,
    mac_key: [u8; 32],
}

impl std::fmt::Debug for PiiKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PiiKey(***)")
    }
}

impl PiiKey {
    /// From 32 secret bytes.
    pub fn from_bytes(secret: &[u8]) -> Result<PiiKey, PiiError> {
        if secret.len() != 32 {
            return Err(PiiError::BadKey);
        }
        let cipher = Aes256Gcm::new_from_slice(secret).map_err(|_| PiiError::BadKey)?;
        // A separate key for hashing, so the hash reveals nothing about the cipher key.
        let mac_key: [u8; 32] = Sha256::new().chain_update(b"dangjian-pii-hash").chain_update(secret).finalize().into();
        Ok(PiiKey { cipher, mac_key })
    }

    /// From 64 hex characters (the key file's content), surrounding whitespace ignored.
    pub fn from_hex(hex: &str) -> Result<PiiKey, PiiError> {
        let hex = hex.trim();
        if hex.len() != 64 {
            return Err(PiiError::BadKey);
        }
        let bytes: Result<Vec<u8>, _> = (0..32).map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16)).collect();
        PiiKey::from_bytes(&bytes.map_err(|_| PiiError::BadKey)?)
    }

    /// Loads the key file, or — when `create` — writes a new random key there first
    /// (mode 0600). Losing the file makes the stored personal data unreadable, so the
    /// caller should tell the operator to back it up.
    pub fn load_or_create(path: &Path, create: bool) -> Result<(PiiKey, bool), PiiError> {
        let err = |e: std::io::Error| PiiError::KeyFile(path.display().to_string(), e.to_string());
        match std::fs::read_to_string(path) {
            Ok(text) => Ok((PiiKey::from_hex(&text)?, false)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
                let mut secret = [0u8; 32];
                getrandom::fill(&mut secret)
                    .map_err(|e| PiiError::KeyFile(path.display().to_string(), e.to_string()))?;
                let hex: String = secret.iter().map(|b| format!("{b:02x}")).collect();
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(err)?;
                }
                write_private(path, &format!("{hex}\n")).map_err(err)?;
                Ok((PiiKey::from_bytes(&secret)?, true))
            }
            Err(e) => Err(err(e)),
        }
    }

    /// Encrypts a value; the empty string stays empty (nothing to hide).
    pub fn encrypt(&self, plain: &str) -> String {
        if plain.is_empty() {
            return String::new();
        }
        let nonce = Nonce::generate();
        let ct = self.cipher.encrypt(&nonce, plain.as_bytes()).expect("AES-GCM encryption does not fail");
        let mut blob = nonce.to_vec();
        blob.extend_from_slice(&ct);
        format!("v1:{}", B64.encode(blob))
    }

    /// Decrypts what [`PiiKey::encrypt`] produced.
    pub fn decrypt(&self, stored: &str) -> Result<String, PiiError> {
        if stored.is_empty() {
            return Ok(String::new());
        }
        let blob = stored.strip_prefix("v1:").and_then(|b| B64.decode(b).ok()).ok_or(PiiError::Decrypt)?;
        if blob.len() < 12 {
            return Err(PiiError::Decrypt);
        }
        let (nonce, ct) = blob.split_at(12);
        let nonce = Nonce::try_from(nonce).map_err(|_| PiiError::Decrypt)?;
        let plain = self.cipher.decrypt(&nonce, ct).map_err(|_| PiiError::Decrypt)?;
        String::from_utf8(plain).map_err(|_| PiiError::Decrypt)
    }

    /// Keyed hash of a normalised value (upper-cased, spaces removed), hex.
    pub fn hash(&self, value: &str) -> String {
        let norm: String = value.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_uppercase).collect();
        let mut mac = <Hmac<Sha256> as hmac::KeyInit>::new_from_slice(&self.mac_key).expect("any key length");
        mac.update(norm.as_bytes());
        mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect()
    }
}

#[cfg(unix)]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    use std::{io::Write, os::unix::fs::OpenOptionsExt};
    let mut f = std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path)?;
    f.write_all(text.as_bytes())
}

#[cfg(not(unix))]
fn write_private(path: &Path, text: &str) -> std::io::Result<()> {
    std::fs::write(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key() -> PiiKey {
        PiiKey::from_hex(&"ab".repeat(32)).unwrap()
    }

    #[test]
    fn round_trip_and_fresh_nonces() {
        let k = key();
        let a = k.encrypt("110105199003071239");
        let b = k.encrypt("110105199003071239");
        assert_ne!(a, b, "a new nonce each time");
        assert!(!a.contains("1101051990"));
        assert_eq!(k.decrypt(&a).unwrap(), "110105199003071239");
        assert_eq!(k.encrypt(""), "");
    }

    #[test]
    fn wrong_key_or_tampering_fails() {
        let a = key().encrypt("13800138000");
        let other = PiiKey::from_hex(&"cd".repeat(32)).unwrap();
        assert!(other.decrypt(&a).is_err());
        let mut t = a.clone();
        t.pop();
        t.push(if a.ends_with('A') { 'B' } else { 'A' });
        assert!(key().decrypt(&t).is_err());
        assert!(key().decrypt("plain").is_err());
    }

    #[test]
    fn hash_normalises_and_is_keyed() {
        let k = key();
        assert_eq!(k.hash("44030519851120001x"), k.hash("44030519851120001X "));
        assert_ne!(k.hash("a"), PiiKey::from_hex(&"cd".repeat(32)).unwrap().hash("a"));
    }

    #[test]
    fn key_file_is_created_once_and_private() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pii.key");
        assert!(PiiKey::load_or_create(&path, false).is_err(), "no silent new key");
        let (k1, created) = PiiKey::load_or_create(&path, true).unwrap();
        assert!(created);
        let (k2, created) = PiiKey::load_or_create(&path, true).unwrap();
        assert!(!created);
        assert_eq!(k2.decrypt(&k1.encrypt("x")).unwrap(), "x");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o600);
        }
        assert!(!format!("{k1:?}").contains("ab"));
        assert!(PiiKey::from_hex("short").is_err());
    }

    proptest! {
        #[test]
        fn any_text_round_trips(s in "\\PC{0,40}") {
            let k = key();
            prop_assert_eq!(k.decrypt(&k.encrypt(&s)).unwrap(), s);
        }
    }
}
