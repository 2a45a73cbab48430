//! Password policy of 等保 level 3 practice: at least 8 characters from at least 3 of
//! the 4 classes (lower case, upper case, digits, symbols), not one of the last 5, and
//! a forced change after 90 days. The numbers are defaults; deployments may raise them.

/// The configurable policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub min_len: usize,
    pub min_classes: usize,
    /// How many previous passwords may not be reused.
    pub history: usize,
    /// Days after which a password must be changed; 0 disables expiry.
    pub max_age_days: u32,
}

impl Default for PasswordPolicy {
    fn default() -> Self {
        Self { min_len: 8, min_classes: 3, history: 5, max_age_days: 90 }
    }
}

/// Why a new password is refused, with the message shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PasswordProblem {
    TooShort(usize),
    TooLong,
    TooFewClasses(usize),
    ContainsUsername,
    Reused(usize),
}

impl std::fmt::Display for PasswordProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::TooShort(n) => write!(f, "密码长度至少为 {n} 位"),
            Self::TooLong => write!(f, "密码长度不能超过 128 位"),
            Self::TooFewClasses(n) => {
                write!(f, "密码须包含大写字母、小写字母、数字、特殊字符中的至少 {n} 类")
            }
            Self::ContainsUsername => write!(f, "密码不能包含用户名"),
            Self::Reused(n) => write!(f, "新密码不能与最近 {n} 次使用过的密码相同"),
        }
    }
}

/// Number of character classes present.
pub fn classes(pw: &str) -> usize {
    let lower = pw.chars().any(|c| c.is_ascii_lowercase());
    let upper = pw.chars().any(|c| c.is_ascii_uppercase());
    let digit = pw.chars().any(|c| c.is_ascii_digit());
    let other = pw.chars().any(|c| !c.is_ascii_alphanumeric());
    [lower, upper, digit, other].iter().filter(|b| **b).count()
}

impl PasswordPolicy {
    /// Checks the shape of a new password. Reuse is checked by the caller, which holds
    /// the hashes, through [`PasswordPolicy::reuse_problem`].
    pub fn check(&self, username: &str, pw: &str) -> Result<(), PasswordProblem> {
        let len = pw.chars().count();
        if len < self.min_len {
            return Err(PasswordProblem::TooShort(self.min_len));
        }
        if len > 128 {
            return Err(PasswordProblem::TooLong);
        }
        if classes(pw) < self.min_classes {
            return Err(PasswordProblem::TooFewClasses(self.min_classes));
        }
        if username.chars().count() >= 3 && pw.to_lowercase().contains(&username.to_lowercase()) {
            return Err(PasswordProblem::ContainsUsername);
        }
        Ok(())
    }

    /// The problem to report when the new password matched one of the last ones.
    pub fn reuse_problem(&self) -> PasswordProblem {
        PasswordProblem::Reused(self.history)
    }

    /// Whether a password set at `changed_at` must be changed at `now` (microseconds).
    pub fn expired(&self, changed_at: i64, now: i64) -> bool {
        self.max_age_days > 0 && now - changed_at >= i64::from(self.max_age_days) * 86_400_000_000
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn length_boundary() {
        let p = PasswordPolicy::default();
        assert_eq!(p.check("admin", "Ab1!xyz"), Err(PasswordProblem::TooShort(8)));
        assert_eq!(p.check("admin", "Ab1!xyzw"), Ok(()));
    }

    #[test]
    fn three_of_four_classes() {
        let p = PasswordPolicy::default();
        assert_eq!(p.check("u", "abcdefgh12"), Err(PasswordProblem::TooFewClasses(3)));
        assert_eq!(p.check("u", "abcdefgh1A"), Ok(()));
        assert_eq!(p.check("u", "abcdefgh1!"), Ok(()));
        assert_eq!(p.check("u", "党建工作很重要ab1"), Ok(()), "CJK counts as a symbol class");
    }

    #[test]
    fn username_inside_is_refused() {
        let p = PasswordPolicy::default();
        assert_eq!(p.check("zhangsan", "Zhangsan#2024"), Err(PasswordProblem::ContainsUsername));
    }

    #[test]
    fn expiry_at_ninety_days() {
        let p = PasswordPolicy::default();
        let day = 86_400_000_000;
        assert!(!p.expired(0, 90 * day - 1));
        assert!(p.expired(0, 90 * day));
        let never = PasswordPolicy { max_age_days: 0, ..p };
        assert!(!never.expired(0, 10_000 * day));
    }

    #[test]
    fn messages_are_chinese() {
        assert_eq!(PasswordProblem::TooShort(8).to_string(), "密码长度至少为 8 位");
    }

    proptest! {
        #[test]
        fn accepted_passwords_meet_every_rule(pw in "\\PC{0,20}") {
            let p = PasswordPolicy::default();
            if p.check("user", &pw).is_ok() {
                prop_assert!(pw.chars().count() >= 8);
                prop_assert!(classes(&pw) >= 3);
            }
        }
    }
}
