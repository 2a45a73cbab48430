//! Login lockout (等保 8.1.4.1 b): 5 failed logins for one account, or from one client
//! address, within 15 minutes lock further attempts for 30 minutes. The counters live in
//! the database so every node sees them; this module only decides.

/// The configurable numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    pub max_failures: usize,
    pub window_micros: i64,
    pub lock_micros: i64,
}

const MINUTE: i64 = 60_000_000;

impl Default for LockoutPolicy {
    fn default() -> Self {
        Self { max_failures: 5, window_micros: 15 * MINUTE, lock_micros: 30 * MINUTE }
    }
}

impl LockoutPolicy {
    /// Given the times of recent failures (any order), returns until when the subject
    /// is locked at `now`, if it is. A lock starts at the failure that reached the
    /// limit within one window.
    pub fn locked_until(&self, failures: &[i64], now: i64) -> Option<i64> {
        if self.max_failures == 0 || failures.len() < self.max_failures {
            return None;
        }
        let mut f = failures.to_vec();
        f.sort_unstable();
        // The latest lock start: the newest i such that the max_failures failures
        // ending at i fall within one window.
        let k = self.max_failures;
        let start = (k - 1..f.len()).rev().find(|&i| f[i] - f[i + 1 - k] <= self.window_micros)?;
        let until = f[start] + self.lock_micros;
        (until > now).then_some(until)
    }

    /// The oldest failure time that can still matter, for pruning queries.
    pub fn horizon(&self, now: i64) -> i64 {
        now - self.window_micros - self.lock_micros
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const M: i64 = MINUTE;

    #[test]
    fn four_failures_do_not_lock() {
        let p = LockoutPolicy::default();
        assert_eq!(p.locked_until(&[0, M, 2 * M, 3 * M], 4 * M), None);
    }

    #[test]
    fn five_in_fifteen_minutes_lock_for_thirty() {
        let p = LockoutPolicy::default();
        let f = [0, M, 2 * M, 3 * M, 14 * M];
        assert_eq!(p.locked_until(&f, 15 * M), Some(44 * M));
        assert_eq!(p.locked_until(&f, 44 * M - 1), Some(44 * M));
        assert_eq!(p.locked_until(&f, 44 * M), None, "lock over after 30 minutes");
    }

    #[test]
    fn five_spread_over_more_than_fifteen_minutes_do_not_lock() {
        let p = LockoutPolicy::default();
        assert_eq!(p.locked_until(&[0, 4 * M, 8 * M, 12 * M, 15 * M + 1], 16 * M), None);
        assert!(p.locked_until(&[0, 4 * M, 8 * M, 12 * M, 15 * M], 16 * M).is_some(), "15 minutes inclusive");
    }

    proptest! {
        #[test]
        fn lock_never_exceeds_lock_time(f in proptest::collection::vec(0i64..100 * M, 0..30), now in 0i64..200 * M) {
            let p = LockoutPolicy::default();
            if let Some(until) = p.locked_until(&f, now) {
                prop_assert!(until > now);
                prop_assert!(until <= f.iter().max().unwrap() + p.lock_micros);
            }
        }

        #[test]
        fn order_does_not_matter(mut f in proptest::collection::vec(0i64..60 * M, 0..12), now in 0i64..120 * M) {
            let p = LockoutPolicy::default();
            let a = p.locked_until(&f, now);
            f.reverse();
            prop_assert_eq!(a, p.locked_until(&f, now));
        }
    }
}
