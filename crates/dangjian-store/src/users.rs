//! Accounts, their roles and channel grants, password history.

use serde::Serialize;

use crate::{Db, Result, StoreError, on_pool, write_tx};

/// An account row (the hash stays inside the store's callers, never in templates).
#[derive(Clone, sqlx::FromRow, Serialize, PartialEq)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    #[serde(skip)]
    pub password_hash: String,
    pub password_changed_at: i64,
    pub must_change_password: bool,
    #[serde(skip)]
    pub totp_secret: Option<String>,
    pub totp_enabled: bool,
    pub source_unit: String,
    pub review_level: i32,
    pub disabled: bool,
    pub created_at: i64,
    pub last_login_at: Option<i64>,
}

// Hand-written: the password hash and TOTP secret never reach a log line.
impl std::fmt::Debug for User {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("User").field("id", &self.id).field("username", &self.username).finish_non_exhaustive()
    }
}

/// What is needed to create an account.
#[derive(Clone)]
pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub password_hash: &'a str,
    pub roles: &'a [&'a str],
    pub must_change_password: bool,
    pub source_unit: &'a str,
    pub review_level: i32,
    /// Channels the account may edit or review in.
    pub channels: &'a [i64],
    /// For an officer: the organisation (and subtree) they work in.
    pub org_id: Option<i64>,
    /// For a member: their member record (one account per member; a second is a `Conflict`).
    pub member_id: Option<i64>,
}

const USER_COLS: &str = "SELECT id, username, display_name, password_hash, password_changed_at, must_change_password, \
     totp_secret, totp_enabled, source_unit, review_level, disabled, created_at, last_login_at FROM users";

/// Creates an account with its roles; a taken username is a `Conflict`.
pub async fn create(db: &Db, u: &NewUser<'_>, now: i64) -> Result<i64> {
    write_tx!(db, |conn| {
        if let Some(m) = u.member_id {
            let taken: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE member_id = $1")
                .bind(m)
                .fetch_one(&mut *conn)
                .await?;
            if taken > 0 {
                return Err(StoreError::Conflict("该党员已有账号".into()));
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, display_name, password_hash, password_changed_at, must_change_password, \
             source_unit, review_level, created_at, org_id, member_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
        )
        .bind(u.username)
        .bind(u.display_name)
        .bind(u.password_hash)
        .bind(now)
        .bind(u.must_change_password)
        .bind(u.source_unit)
        .bind(u.review_level)
        .bind(now)
        .bind(u.org_id)
        .bind(u.member_id)
        .fetch_one(&mut *conn)
        .await?;
        for r in u.roles {
            sqlx::query("INSERT INTO user_roles (user_id, role) VALUES ($1, $2)")
                .bind(id)
                .bind(*r)
                .execute(&mut *conn)
                .await?;
        }
        for c in u.channels {
            sqlx::query("INSERT INTO user_channels (user_id, channel_id) VALUES ($1, $2)")
                .bind(id)
                .bind(*c)
                .execute(&mut *conn)
                .await?;
        }
        sqlx::query("INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)")
            .bind(id)
            .bind(u.password_hash)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        Ok::<_, StoreError>(id)
    })
}

pub async fn by_username(db: &Db, username: &str) -> Result<Option<User>> {
    let sql = sqlx::AssertSqlSafe(format!("{USER_COLS} WHERE username = $1"));
    Ok(on_pool!(db, |p| sqlx::query_as::<_, User>(sql).bind(username).fetch_optional(p).await)?)
}

pub async fn by_id(db: &Db, id: i64) -> Result<User> {
    let sql = sqlx::AssertSqlSafe(format!("{USER_COLS} WHERE id = $1"));
    on_pool!(db, |p| sqlx::query_as::<_, User>(sql).bind(id).fetch_optional(p).await)?.ok_or(StoreError::NotFound)
}

/// Every account, by username.
pub async fn list(db: &Db) -> Result<Vec<User>> {
    let sql = sqlx::AssertSqlSafe(format!("{USER_COLS} ORDER BY username"));
    Ok(on_pool!(db, |p| sqlx::query_as::<_, User>(sql).fetch_all(p).await)?)
}

pub async fn count(db: &Db) -> Result<i64> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM users").fetch_one(p).await)?)
}

/// Role codes of an account.
pub async fn roles(db: &Db, user_id: i64) -> Result<Vec<String>> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, String>(
        "SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role"
    )
    .bind(user_id)
    .fetch_all(p)
    .await)?)
}

/// Ids of the channels granted to an account.
pub async fn channels(db: &Db, user_id: i64) -> Result<Vec<i64>> {
    Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
        "SELECT channel_id FROM user_channels WHERE user_id = $1 ORDER BY channel_id"
    )
    .bind(user_id)
    .fetch_all(p)
    .await)?)
}

/// Replaces the channel grants of an account.
pub async fn set_channels(db: &Db, user_id: i64, channel_ids: &[i64]) -> Result<()> {
    write_tx!(db, |conn| {
        sqlx::query("DELETE FROM user_channels WHERE user_id = $1").bind(user_id).execute(&mut *conn).await?;
        for c in channel_ids {
            sqlx::query("INSERT INTO user_channels (user_id, channel_id) VALUES ($1, $2)")
                .bind(user_id)
                .bind(*c)
                .execute(&mut *conn)
                .await?;
        }
        Ok::<_, StoreError>(())
    })
}

/// The last `n` password hashes of an account, newest first.
pub async fn recent_password_hashes(db: &Db, user_id: i64, n: i64) -> Result<Vec<String>> {
    Ok(on_pool!(db, |p| {
        sqlx::query_scalar::<_, String>(
            "SELECT password_hash FROM password_history WHERE user_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
        )
        .bind(user_id)
        .bind(n)
        .fetch_all(p)
        .await
    })?)
}

/// Sets a new password hash and records it in the history.
pub async fn set_password(db: &Db, user_id: i64, hash: &str, must_change: bool, now: i64) -> Result<()> {
    write_tx!(db, |conn| {
        let n = sqlx::query(
            "UPDATE users SET password_hash = $1, password_changed_at = $2, must_change_password = $3 WHERE id = $4",
        )
        .bind(hash)
        .bind(now)
        .bind(must_change)
        .bind(user_id)
        .execute(&mut *conn)
        .await?
        .rows_affected();
        if n == 0 {
            return Err(StoreError::NotFound);
        }
        sqlx::query("INSERT INTO password_history (user_id, password_hash, created_at) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(hash)
            .bind(now)
            .execute(&mut *conn)
            .await?;
        Ok::<_, StoreError>(())
    })
}

/// Records a successful sign-in.
pub async fn touch_login(db: &Db, user_id: i64, now: i64) -> Result<()> {
    on_pool!(db, |p| sqlx::query("UPDATE users SET last_login_at = $1 WHERE id = $2")
        .bind(now)
        .bind(user_id)
        .execute(p)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Sets or clears the TOTP secret and whether it is in force.
pub async fn set_totp(db: &Db, user_id: i64, secret: Option<&str>, enabled: bool) -> Result<()> {
    on_pool!(db, |p| sqlx::query("UPDATE users SET totp_secret = $1, totp_enabled = $2 WHERE id = $3")
        .bind(secret)
        .bind(enabled)
        .bind(user_id)
        .execute(p)
        .await
        .map(|_| ()))?;
    Ok(())
}

/// Failed sign-ins, by account (`user:NAME`) and by client (`ip:ADDR`).
pub mod failures {
    use crate::{Db, Result, on_pool};

    pub async fn record(db: &Db, subjects: &[&str], at: i64) -> Result<()> {
        for s in subjects {
            on_pool!(db, |p| sqlx::query("INSERT INTO login_failures (subject, at) VALUES ($1, $2)")
                .bind(*s)
                .bind(at)
                .execute(p)
                .await
                .map(|_| ()))?;
        }
        Ok(())
    }

    /// Failure times of `subject` since `since`.
    pub async fn since(db: &Db, subject: &str, since: i64) -> Result<Vec<i64>> {
        Ok(on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
            "SELECT at FROM login_failures WHERE subject = $1 AND at >= $2 ORDER BY at"
        )
        .bind(subject)
        .bind(since)
        .fetch_all(p)
        .await)?)
    }

    /// Forgets an account's failures after a successful sign-in.
    pub async fn clear(db: &Db, subject: &str) -> Result<()> {
        on_pool!(db, |p| sqlx::query("DELETE FROM login_failures WHERE subject = $1")
            .bind(subject)
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(())
    }

    /// Drops rows too old to matter.
    pub async fn prune(db: &Db, before: i64) -> Result<u64> {
        Ok(on_pool!(db, |p| sqlx::query("DELETE FROM login_failures WHERE at < $1")
            .bind(before)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?)
    }
}

/// The organisation an officer works in and the member record an account belongs to.
pub async fn platform_binding(db: &Db, user_id: i64) -> Result<(Option<i64>, Option<i64>)> {
    on_pool!(db, |p| sqlx::query_as::<_, (Option<i64>, Option<i64>)>(
        "SELECT org_id, member_id FROM users WHERE id = $1"
    )
    .bind(user_id)
    .fetch_optional(p)
    .await)?
    .ok_or(StoreError::NotFound)
}

/// Binds an account to an organisation (officers) and/or a member record (members).
pub async fn set_platform_binding(db: &Db, user_id: i64, org_id: Option<i64>, member_id: Option<i64>) -> Result<()> {
    let n = on_pool!(db, |p| sqlx::query("UPDATE users SET org_id = $1, member_id = $2 WHERE id = $3")
        .bind(org_id)
        .bind(member_id)
        .bind(user_id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
    if n == 0 { Err(StoreError::NotFound) } else { Ok(()) }
}
