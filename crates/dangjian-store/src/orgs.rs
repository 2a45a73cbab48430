//! The organisation tree (工委 → 党组/党委 → 机关党委/党总支 → 党支部 → 党小组) and
//! committee posts.

use serde::Serialize;

use crate::{Db, Result, StoreError, on_pool, write_tx};

#[derive(Debug, Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct Org {
    pub id: i64,
    pub parent_id: Option<i64>,
    /// See `dangjian_domain::orgs` for the kinds.
    pub kind: String,
    pub name: String,
    /// ISO dates, `YYYY-MM-DD`.
    pub founded_on: Option<String>,
    pub term_start: Option<String>,
    pub term_years: Option<i32>,
    pub sort_order: i32,
}

#[derive(Debug, Clone, Default)]
pub struct NewOrg {
    pub parent_id: Option<i64>,
    pub kind: String,
    pub name: String,
    pub founded_on: Option<String>,
    pub term_start: Option<String>,
    pub term_years: Option<i32>,
    pub sort_order: i32,
}

const SELECT: &str =
    "SELECT id, parent_id, kind, name, founded_on, term_start, term_years, sort_order FROM organisations";

pub async fn insert(db: &Db, o: &NewOrg, now: i64) -> Result<i64> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
        "INSERT INTO organisations (parent_id, kind, name, founded_on, term_start, term_years, sort_order, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id"
    )
    .bind(o.parent_id)
    .bind(&o.kind)
    .bind(&o.name)
    .bind(&o.founded_on)
    .bind(&o.term_start)
    .bind(o.term_years)
    .bind(o.sort_order)
    .bind(now)
    .fetch_one(p)
    .await)?)
}

/// Every organisation, parents before children is not guaranteed: callers build the
/// tree with [`subtree`] or by `parent_id`.
pub async fn all(db: &Db) -> Result<Vec<Org>> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} ORDER BY sort_order, id"));
    Ok(on_pool!(db, |p| sqlx::query_as::<_, Org>(sql).fetch_all(p).await)?)
}

pub async fn get(db: &Db, id: i64) -> Result<Org> {
    let sql = sqlx::AssertSqlSafe(format!("{SELECT} WHERE id = $1"));
    on_pool!(db, |p| sqlx::query_as::<_, Org>(sql).bind(id).fetch_optional(p).await)?.ok_or(StoreError::NotFound)
}

/// Ids of `root` and everything below it, from a list of all organisations. Scope
/// checks use this: an officer of an organisation sees its subtree and nothing else.
pub fn subtree(all: &[Org], root: i64) -> Vec<i64> {
    let mut out = vec![root];
    let mut i = 0;
    while i < out.len() {
        let parent = out[i];
        out.extend(all.iter().filter(|o| o.parent_id == Some(parent)).map(|o| o.id));
        i += 1;
    }
    out
}

/// Committee members of an organisation: (member id, name, post).
pub async fn committee(db: &Db, org_id: i64) -> Result<Vec<(i64, String, String)>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (i64, String, String)>(
        "SELECT m.id, m.name, c.post FROM org_committee c JOIN members m ON m.id = c.member_id \
         WHERE c.org_id = $1 ORDER BY c.post, m.name"
    )
    .bind(org_id)
    .fetch_all(p)
    .await)?)
}

/// The party posts a member holds: (organisation name, post, since).
pub async fn posts_of(db: &Db, member_id: i64) -> Result<Vec<(String, String, Option<String>)>> {
    Ok(on_pool!(db, |p| sqlx::query_as::<_, (String, String, Option<String>)>(
        "SELECT o.name, c.post, c.since FROM org_committee c JOIN organisations o ON o.id = c.org_id \
         WHERE c.member_id = $1 ORDER BY o.name, c.post"
    )
    .bind(member_id)
    .fetch_all(p)
    .await)?)
}

/// Replaces the committee of an organisation in one transaction.
pub async fn set_committee(db: &Db, org_id: i64, posts: &[(i64, String)]) -> Result<()> {
    write_tx!(db, |conn| {
        sqlx::query("DELETE FROM org_committee WHERE org_id = $1").bind(org_id).execute(&mut *conn).await?;
        for (member, post) in posts {
            sqlx::query("INSERT INTO org_committee (org_id, member_id, post) VALUES ($1, $2, $3)")
                .bind(org_id)
                .bind(*member)
                .bind(post)
                .execute(&mut *conn)
                .await?;
        }
        Ok::<_, StoreError>(())
    })
}

/// Changes an organisation's editable fields.
pub async fn update(db: &Db, id: i64, o: &NewOrg) -> Result<()> {
    let n = on_pool!(db, |p| sqlx::query(
        "UPDATE organisations SET parent_id = $1, kind = $2, name = $3, founded_on = $4, term_start = $5, \
         term_years = $6, sort_order = $7 WHERE id = $8"
    )
    .bind(o.parent_id)
    .bind(&o.kind)
    .bind(&o.name)
    .bind(&o.founded_on)
    .bind(&o.term_start)
    .bind(o.term_years)
    .bind(o.sort_order)
    .bind(id)
    .execute(p)
    .await
    .map(|r| r.rows_affected()))?;
    if n == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org(id: i64, parent: Option<i64>) -> Org {
        Org {
            id,
            parent_id: parent,
            kind: "zhibu".into(),
            name: String::new(),
            founded_on: None,
            term_start: None,
            term_years: None,
            sort_order: 0,
        }
    }

    #[test]
    fn subtree_walks_every_level() {
        let all = vec![org(1, None), org(2, Some(1)), org(3, Some(2)), org(4, Some(1)), org(5, None), org(6, Some(3))];
        let mut s = subtree(&all, 2);
        s.sort_unstable();
        assert_eq!(s, [2, 3, 6]);
        assert_eq!(subtree(&all, 5), [5]);
    }
}
