//! Who sees which part of the organisation tree: an officer sees the organisation their
//! account is bound to and everything below it (the 工委's officers therefore see all);
//! a member sees their own record. Everything else is 404, so an identifier from another
//! branch reveals nothing.

use dangjian_domain::roles::Role;
use dangjian_store::{orgs, users};

use crate::{AppError, AppState, admin::current::CurrentUser};

/// The organisations and member record an account may open.
#[derive(Debug, Clone)]
pub struct Scope {
    /// Organisation ids in reach (empty for a plain member).
    pub orgs: Vec<i64>,
    /// The account's own member record.
    pub member: Option<i64>,
    /// The organisation the account is bound to (the top of its reach).
    pub root: Option<i64>,
    pub all_orgs: Vec<orgs::Org>,
}

impl Scope {
    pub async fn of(st: &AppState, me: &CurrentUser) -> Result<Scope, AppError> {
        let (org, member) = users::platform_binding(&st.db, me.user.id).await?;
        let all_orgs = orgs::all(&st.db).await?;
        let orgs = match org {
            Some(root) if me.has(Role::Officer) => orgs::subtree(&all_orgs, root),
            _ => vec![],
        };
        let member = if me.has(Role::Member) || me.has(Role::Officer) { member } else { None };
        Ok(Scope { orgs, member, root: org.filter(|_| me.has(Role::Officer)), all_orgs })
    }

    /// 404 unless the organisation is in reach.
    pub fn org(&self, id: i64) -> Result<&orgs::Org, AppError> {
        if !self.orgs.contains(&id) {
            return Err(AppError::NotFound);
        }
        self.all_orgs.iter().find(|o| o.id == id).ok_or(AppError::NotFound)
    }

    /// The organisation is in reach and the account sits above it (a 党委 over a 支部):
    /// the level that approves what the organisation itself asked for.
    pub fn is_above(&self, id: i64) -> bool {
        self.orgs.contains(&id) && self.root.is_some_and(|root| root != id)
    }

    /// The name of the organisation the account is bound to.
    pub fn root_name(&self) -> Option<&str> {
        let root = self.root?;
        self.all_orgs.iter().find(|o| o.id == root).map(|o| o.name.as_str())
    }
}
