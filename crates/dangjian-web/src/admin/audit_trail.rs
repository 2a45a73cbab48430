//! Writing to the audit log from handlers. Every sign-in attempt and every state change
//! goes through [`record`].

use dangjian_domain::clock;
use dangjian_store::audit::{self, NewEvent};

use super::current::{Client, CurrentUser};
use crate::{AppError, AppState};

/// Outcome codes.
pub const SUCCESS: &str = "success";
pub const FAILURE: &str = "failure";
pub const DENIED: &str = "denied";

/// Who did it: an account, or a name typed into the sign-in form.
pub enum Actor<'a> {
    User(&'a CurrentUser),
    Named { user_id: Option<i64>, username: &'a str, client: &'a Client },
}

/// Appends one record. A failure to audit fails the request: an unaudited change is
/// worse than a refused one.
pub async fn record(
    st: &AppState,
    actor: Actor<'_>,
    action: &str,
    target: &str,
    outcome: &str,
    detail: &str,
) -> Result<(), AppError> {
    let (user_id, username, client) = match actor {
        Actor::User(u) => (Some(u.user.id), u.user.username.as_str(), &u.client),
        Actor::Named { user_id, username, client } => (user_id, username, client),
    };
    audit::append(
        &st.db,
        &NewEvent {
            at: clock::now_micros(),
            user_id,
            username: username.to_owned(),
            client_ip: client.ip.clone(),
            request_id: client.request_id.clone(),
            action: action.to_owned(),
            target: target.to_owned(),
            outcome: outcome.to_owned(),
            detail: detail.to_owned(),
        },
    )
    .await?;
    Ok(())
}
