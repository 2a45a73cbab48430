//! Roles of the backends and the 三员 separation (等保 8.1.5): the system, security and
//! audit administrators are three different people, and no account holds two of those
//! roles. The codes are an interface (DESIGN.md: `dangjian admin create --role R`).

use std::fmt;

/// A role an account can hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// 系统管理员: site settings, channels, links.
    Sysadmin,
    /// 安全管理员: accounts and roles.
    Secadmin,
    /// 审计管理员: reads and exports the audit log, nothing else.
    Auditor,
    /// 站点编辑: writes and edits articles in granted channels.
    Editor,
    /// 审核员: reviews at a granted level in granted channels.
    Reviewer,
    /// 通讯员: a contributor bound to one 供稿单位.
    Contributor,
    /// An organisation's party officer (智慧党建).
    Officer,
    /// A party member (self-service).
    Member,
}

impl Role {
    pub const ALL: [Role; 8] = [
        Role::Sysadmin,
        Role::Secadmin,
        Role::Auditor,
        Role::Editor,
        Role::Reviewer,
        Role::Contributor,
        Role::Officer,
        Role::Member,
    ];

    /// The code used on the command line and in the database.
    pub fn code(self) -> &'static str {
        match self {
            Role::Sysadmin => "sysadmin",
            Role::Secadmin => "secadmin",
            Role::Auditor => "auditor",
            Role::Editor => "editor",
            Role::Reviewer => "reviewer",
            Role::Contributor => "contributor",
            Role::Officer => "officer",
            Role::Member => "member",
        }
    }

    /// The name shown to users.
    pub fn name(self) -> &'static str {
        match self {
            Role::Sysadmin => "系统管理员",
            Role::Secadmin => "安全管理员",
            Role::Auditor => "审计管理员",
            Role::Editor => "站点编辑",
            Role::Reviewer => "审核员",
            Role::Contributor => "通讯员",
            Role::Officer => "党务干部",
            Role::Member => "党员",
        }
    }

    pub fn from_code(code: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.code() == code)
    }

    /// One of the three administrator roles of the 三员 separation.
    pub fn is_three_admin(self) -> bool {
        matches!(self, Role::Sysadmin | Role::Secadmin | Role::Auditor)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a set of roles cannot be given to one account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleConflict(pub Role, pub Role);

impl fmt::Display for RoleConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "“{}”与“{}”须由不同人员担任（三员分立），不能授予同一账号", self.0, self.1)
    }
}

/// Checks a role set: an administrator role of the 三员 may not be combined with any
/// other role (an auditor who can also edit could hide their own edits).
pub fn check_combination(roles: &[Role]) -> Result<(), RoleConflict> {
    for (i, a) in roles.iter().enumerate() {
        for b in &roles[i + 1..] {
            if a != b && (a.is_three_admin() || b.is_three_admin()) {
                let (x, y) = if a.is_three_admin() { (*a, *b) } else { (*b, *a) };
                return Err(RoleConflict(x, y));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::from_code(r.code()), Some(r));
        }
        assert_eq!(Role::from_code("root"), None);
    }

    #[test]
    fn three_admins_stand_alone() {
        assert!(check_combination(&[Role::Sysadmin]).is_ok());
        assert!(check_combination(&[Role::Editor, Role::Reviewer]).is_ok());
        assert_eq!(
            check_combination(&[Role::Sysadmin, Role::Auditor]),
            Err(RoleConflict(Role::Sysadmin, Role::Auditor))
        );
        assert_eq!(check_combination(&[Role::Editor, Role::Auditor]), Err(RoleConflict(Role::Auditor, Role::Editor)));
        assert!(check_combination(&[Role::Secadmin, Role::Secadmin]).is_ok(), "duplicates are harmless");
        let msg = RoleConflict(Role::Sysadmin, Role::Auditor).to_string();
        assert!(msg.contains("三员分立"), "{msg}");
    }

    #[test]
    fn every_pair_involving_an_admin_conflicts() {
        for a in Role::ALL {
            for b in Role::ALL {
                let ok = check_combination(&[a, b]).is_ok();
                assert_eq!(ok, a == b || !(a.is_three_admin() || b.is_three_admin()), "{a:?} {b:?}");
            }
        }
    }
}
