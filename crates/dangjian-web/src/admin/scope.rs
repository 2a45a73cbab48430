//! What part of the content an account may touch: its granted channels, its review
//! level, and (for a 通讯员) its 供稿单位.

use dangjian_domain::roles::Role;
use dangjian_store::{channels, users};

use super::current::CurrentUser;
use crate::{AppError, AppState};

/// The channels this account may write in (editors and contributors).
pub async fn writable_channels(st: &AppState, me: &CurrentUser) -> Result<Vec<i64>, AppError> {
    if !(me.has(Role::Editor) || me.has(Role::Contributor)) {
        return Ok(vec![]);
    }
    Ok(users::channels(&st.db, me.user.id).await?)
}

/// The channels this account reviews in, at its level.
pub async fn reviewable_channels(st: &AppState, me: &CurrentUser) -> Result<Vec<i64>, AppError> {
    if !me.has(Role::Reviewer) || !(1..=3).contains(&me.user.review_level) {
        return Ok(vec![]);
    }
    Ok(users::channels(&st.db, me.user.id).await?)
}

/// Channel names by id, for lists.
pub async fn channel_names(st: &AppState) -> Result<Vec<(i64, String)>, AppError> {
    Ok(channels::list(&st.db).await?.into_iter().map(|c| (c.id, c.name)).collect())
}

pub fn name_of(names: &[(i64, String)], id: i64) -> String {
    names.iter().find(|(i, _)| *i == id).map(|(_, n)| n.clone()).unwrap_or_else(|| "（已删除的栏目）".into())
}
