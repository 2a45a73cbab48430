//! The tamper-evident audit chain (等保 8.1.4.3): every record carries the SHA-256 of its
//! own fields together with the hash of the record before it, so changing, removing or
//! reordering any record breaks every link after it. `dangjian audit verify` walks the
//! chain with [`verify`] and reports the first broken link.

use sha2::{Digest, Sha256};

/// The hash before the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The fields of one audit record that the hash covers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    pub id: i64,
    pub at: i64,
    pub user_id: Option<i64>,
    pub username: &'a str,
    pub client_ip: &'a str,
    pub request_id: &'a str,
    pub action: &'a str,
    pub target: &'a str,
    pub outcome: &'a str,
    pub detail: &'a str,
}

/// The hash of `entry` chained to `prev`. Each field is length-prefixed, so no two
/// different records can serialise to the same bytes.
pub fn hash(prev: &str, e: &Entry<'_>) -> String {
    let mut h = Sha256::new();
    let mut field = |b: &[u8]| {
        h.update((b.len() as u64).to_be_bytes());
        h.update(b);
    };
    field(prev.as_bytes());
    field(&e.id.to_be_bytes());
    field(&e.at.to_be_bytes());
    field(e.user_id.map(|u| u.to_string()).unwrap_or_default().as_bytes());
    field(e.username.as_bytes());
    field(e.client_ip.as_bytes());
    field(e.request_id.as_bytes());
    field(e.action.as_bytes());
    field(e.target.as_bytes());
    field(e.outcome.as_bytes());
    field(e.detail.as_bytes());
    let digest = h.finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A break in the chain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Broken {
    /// Id of the first record whose link does not hold.
    pub id: i64,
    pub reason: &'static str,
}

/// Checks records in id order, each given with its stored `prev_hash` and `hash`.
/// `start_prev` is the hash the first record must link to (GENESIS for a whole chain).
pub fn verify<'a>(
    start_prev: &str,
    records: impl IntoIterator<Item = (Entry<'a>, &'a str, &'a str)>,
) -> Result<usize, Broken> {
    let mut prev = start_prev.to_owned();
    let mut n = 0;
    for (e, stored_prev, stored_hash) in records {
        if stored_prev != prev {
            return Err(Broken { id: e.id, reason: "prev_hash does not match the previous record" });
        }
        let h = hash(&prev, &e);
        if h != stored_hash {
            return Err(Broken { id: e.id, reason: "hash does not match the record's content" });
        }
        prev = h;
        n += 1;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn entry(id: i64, action: &str) -> Entry<'_> {
        Entry {
            id,
            at: 1_700_000_000_000_000 + id,
            user_id: Some(1),
            username: "admin",
            client_ip: "127.0.0.1",
            request_id: "r",
            action,
            target: "article:1",
            outcome: "success",
            detail: "",
        }
    }

    fn chain(actions: &[&'static str]) -> Vec<(Entry<'static>, String, String)> {
        let mut prev = GENESIS.to_owned();
        let mut out = Vec::new();
        for (i, a) in actions.iter().enumerate() {
            let e = entry(i as i64 + 1, a);
            let h = hash(&prev, &e);
            out.push((e, prev.clone(), h.clone()));
            prev = h;
        }
        out
    }

    fn check(c: &[(Entry<'static>, String, String)]) -> Result<usize, Broken> {
        verify(GENESIS, c.iter().map(|(e, p, h)| (e.clone(), p.as_str(), h.as_str())))
    }

    #[test]
    fn intact_chain_verifies() {
        assert_eq!(check(&chain(&["login", "edit", "publish"])), Ok(3));
        assert_eq!(check(&[]), Ok(0));
    }

    #[test]
    fn a_changed_field_breaks_its_own_link() {
        let mut c = chain(&["login", "edit", "publish"]);
        c[1].0.target = "article:2";
        assert_eq!(check(&c).unwrap_err().id, 2);
    }

    #[test]
    fn a_removed_record_breaks_the_next_link() {
        let mut c = chain(&["login", "edit", "publish"]);
        c.remove(1);
        assert_eq!(check(&c).unwrap_err(), Broken { id: 3, reason: "prev_hash does not match the previous record" });
    }

    #[test]
    fn field_boundaries_matter() {
        let a = Entry { username: "ab", client_ip: "c", ..entry(1, "x") };
        let b = Entry { username: "a", client_ip: "bc", ..entry(1, "x") };
        assert_ne!(hash(GENESIS, &a), hash(GENESIS, &b));
    }

    proptest! {
        #[test]
        fn any_single_change_is_detected(n in 1usize..12, which in 0usize..12, detail in "[a-z]{1,8}") {
            let actions: Vec<&'static str> = (0..n).map(|_| "edit").collect();
            let mut c = chain(&actions);
            let i = which % n;
            let leaked: &'static str = Box::leak(detail.into_boxed_str());
            c[i].0.detail = leaked;
            prop_assert_eq!(check(&c).unwrap_err().id, i as i64 + 1);
        }
    }
}
