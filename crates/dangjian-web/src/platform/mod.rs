//! The 智慧党建 platform (`/platform`): organisations and members so far. Pages use the
//! backend's frame and sign-in; every handler checks the account's scope.

pub(crate) mod download;
mod dues;
mod dues_adjust;
mod dues_ledger;
mod dues_year;
mod eval;
mod frequencies;
mod kaohe;
mod meeting_record;
mod meetings;
mod member_check;
mod member_form;
mod members;
mod org_edit;
mod orgs;
mod quiz;
mod roster;
pub mod scope;
mod steps;
mod transfers;
mod volunteer;

use axum::{
    Router,
    routing::{get, post},
};

use crate::AppState;

/// `?year=Y` on the yearly pages (dues summaries, 达标定级, 积分, 评议).
#[derive(serde::Deserialize)]
pub struct YearQuery {
    pub year: Option<i32>,
}

/// Platform routes, for the permission walk test.
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/platform"),
    ("GET", "/platform/orgs"),
    ("GET", "/platform/me"),
    ("GET", "/platform/compliance"),
    ("GET", "/platform/compliance.xlsx"),
    ("GET", "/platform/dues"),
    ("GET", "/platform/dues.xlsx"),
    ("GET", "/platform/transfers"),
    ("GET", "/platform/grading"),
    ("GET", "/platform/grading.xlsx"),
    ("GET", "/platform/me/points"),
    ("GET", "/platform/me/appraisal"),
    ("GET", "/platform/me/appraisal/ballot"),
    ("GET", "/platform/kaohe"),
    ("GET", "/platform/quizzes"),
    ("GET", "/platform/me/quizzes"),
    ("GET", "/platform/me/volunteer"),
];

/// Platform routes that take identifiers, for the walk that opens each one with another
/// branch's identifiers (`{id}` is an organisation, member, meeting or transfer by the
/// path's first segment; `{file}` a meeting attachment; `{action}` every action).
pub const ID_ROUTES: &[(&str, &str)] = &[
    ("GET", "/platform/orgs/{id}"),
    ("GET", "/platform/orgs/{id}/new"),
    ("POST", "/platform/orgs/{id}/new"),
    ("GET", "/platform/orgs/{id}/edit"),
    ("POST", "/platform/orgs/{id}/edit"),
    ("GET", "/platform/members/{id}"),
    ("GET", "/platform/members/{id}/edit"),
    ("POST", "/platform/members/{id}/edit"),
    ("GET", "/platform/orgs/{id}/members/new"),
    ("POST", "/platform/orgs/{id}/members/new"),
    ("POST", "/platform/members/{id}/reveal"),
    ("POST", "/platform/members/{id}/steps"),
    ("GET", "/platform/orgs/{id}/meetings"),
    ("POST", "/platform/orgs/{id}/meetings"),
    ("GET", "/platform/orgs/{id}/meetings/new"),
    ("GET", "/platform/meetings/{id}"),
    ("POST", "/platform/meetings/{id}/files"),
    ("GET", "/platform/meetings/{id}/files/{file}"),
    ("GET", "/platform/orgs/{id}/dues"),
    ("POST", "/platform/orgs/{id}/dues/{action}"),
    ("GET", "/platform/orgs/{id}/dues/year"),
    ("GET", "/platform/orgs/{id}/dues/year.xlsx"),
    ("GET", "/platform/orgs/{id}/import"),
    ("POST", "/platform/orgs/{id}/import"),
    ("POST", "/platform/orgs/{id}/import/commit"),
    ("GET", "/platform/orgs/{id}/roster.xlsx"),
    ("POST", "/platform/members/{id}/transfer"),
    ("POST", "/platform/transfers/{id}/{action}"),
    ("GET", "/platform/orgs/{id}/grading"),
    ("POST", "/platform/orgs/{id}/grading/{action}"),
    ("GET", "/platform/orgs/{id}/spot-check"),
    ("POST", "/platform/orgs/{id}/spot-check/{action}"),
    ("GET", "/platform/orgs/{id}/points"),
    ("POST", "/platform/orgs/{id}/points/{action}"),
    ("GET", "/platform/members/{id}/points"),
    ("GET", "/platform/orgs/{id}/appraisal"),
    ("POST", "/platform/orgs/{id}/appraisal/{action}"),
    ("GET", "/platform/kaohe/{id}"),
    ("POST", "/platform/kaohe/{id}/{action}"),
    ("GET", "/platform/kaohe/{id}/ballot"),
    ("POST", "/platform/kaohe/{id}/ballot"),
    ("GET", "/platform/kaohe/{id}/daily/records"),
    ("GET", "/platform/kaohe/{id}/results"),
    ("GET", "/platform/kaohe/{id}/results.xlsx"),
    ("GET", "/platform/quizzes/{id}"),
    ("POST", "/platform/quizzes/{id}/{action}"),
    ("GET", "/platform/quizzes/{id}/results.xlsx"),
    ("GET", "/platform/me/quizzes/{id}"),
    ("POST", "/platform/me/quizzes/{id}"),
    ("GET", "/platform/orgs/{id}/volunteer"),
    ("POST", "/platform/orgs/{id}/volunteer"),
    ("GET", "/platform/volunteer/{id}"),
    ("POST", "/platform/volunteer/{id}/{action}"),
];

/// Platform routes without identifiers.
pub const PLAIN_ROUTES: &[(&str, &str)] = &[
    ("GET", "/platform/roster-template.xlsx"),
    ("GET", "/platform/orgs.xlsx"),
    ("GET", "/platform/transfers.xlsx"),
    ("GET", "/platform/compliance/settings"),
    ("POST", "/platform/compliance/settings"),
    ("POST", "/platform/me/points"),
    ("POST", "/platform/me/appraisal"),
    ("POST", "/platform/me/appraisal/ballot"),
    ("POST", "/platform/kaohe"),
    ("POST", "/platform/quizzes"),
    ("GET", "/platform/quizzes/template.xlsx"),
    ("POST", "/platform/quizzes/import"),
    ("GET", "/platform/grading/standard"),
    ("POST", "/platform/grading/standard"),
    ("GET", "/platform/points/catalogue"),
    ("POST", "/platform/points/catalogue"),
    ("GET", "/platform/points/index"),
    ("POST", "/platform/points/index"),
];

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/platform", get(orgs::home))
        .route("/platform/orgs", get(orgs::tree))
        .route("/platform/orgs.xlsx", get(orgs::tree_xlsx))
        .route("/platform/orgs/{id}", get(orgs::page))
        .route("/platform/orgs/{id}/new", get(org_edit::new_form).post(org_edit::create))
        .route("/platform/orgs/{id}/edit", get(org_edit::edit_form).post(org_edit::update))
        .route("/platform/members/{id}", get(members::page))
        .route("/platform/members/{id}/edit", get(member_form::edit_form).post(member_form::update))
        .route("/platform/orgs/{id}/members/new", get(member_form::new_form).post(member_form::create))
        .route("/platform/members/{id}/reveal", post(members::reveal))
        .route("/platform/me", get(members::me))
        .route("/platform/members/{id}/steps", post(steps::add))
        .route("/platform/orgs/{id}/meetings", get(meetings::page).post(meetings::create))
        .route("/platform/orgs/{id}/meetings/new", get(meetings::new_form))
        .route("/platform/meetings/{id}", get(meeting_record::page))
        .route(
            "/platform/meetings/{id}/files",
            post(meeting_record::upload).layer(axum::extract::DefaultBodyLimit::max(meeting_record::MAX_BODY)),
        )
        .route("/platform/meetings/{id}/files/{file}", get(meeting_record::download_file))
        .route("/platform/orgs/{id}/dues", get(dues::page))
        .route("/platform/orgs/{id}/dues/{action}", post(dues::act))
        .route("/platform/orgs/{id}/dues/year", get(dues_year::branch_year))
        .route("/platform/orgs/{id}/dues/year.xlsx", get(dues_year::branch_year_xlsx))
        .route("/platform/dues", get(dues_year::overview))
        .route("/platform/dues.xlsx", get(dues_year::overview_xlsx))
        .route("/platform/orgs/{id}/import", get(roster::form).post(roster::preview))
        .route("/platform/orgs/{id}/import/commit", post(roster::commit))
        .route("/platform/orgs/{id}/roster.xlsx", get(roster::export))
        .route("/platform/roster-template.xlsx", get(roster::template))
        .route("/platform/members/{id}/transfer", post(transfers::issue))
        .route("/platform/transfers", get(transfers::list))
        .route("/platform/transfers.xlsx", get(transfers::list_xlsx))
        .route("/platform/transfers/{id}/{action}", post(transfers::act))
        .route("/platform/compliance", get(meetings::compliance))
        .route("/platform/compliance.xlsx", get(meetings::compliance_xlsx))
        .route("/platform/compliance/settings", get(frequencies::form).post(frequencies::save))
        .merge(eval::routes())
        .merge(kaohe::routes())
        .route("/platform/orgs/{id}/volunteer", get(volunteer::branch).post(volunteer::create))
        .route("/platform/volunteer/{id}", get(volunteer::page))
        .route("/platform/volunteer/{id}/{action}", post(volunteer::act))
        .route("/platform/me/volunteer", get(volunteer::mine))
        .merge(quiz::routes())
}

/// The `{action}`s of the evaluation routes, for the scope walk.
pub const EVAL_ACTIONS: &[&str] = eval::ACTIONS;

#[cfg(test)]
mod tests {
    use super::*;

    /// Every path registered in [`routes`] is listed in [`ROUTES`], [`PLAIN_ROUTES`] or
    /// [`ID_ROUTES`], so the scope walk cannot miss a route added later.
    #[test]
    fn every_registered_route_is_listed_for_the_walks() {
        let mut registered: Vec<&str> = Vec::new();
        // The evaluation and 考核 pages register their routes in their own files.
        for source in [
            include_str!("mod.rs"),
            include_str!("eval/mod.rs"),
            include_str!("kaohe/mod.rs"),
            include_str!("quiz/mod.rs"),
        ] {
            let body = source.split("pub fn routes()").nth(1).unwrap().split("#[cfg(test)]").next().unwrap();
            let body = body.split("\n}\n").next().unwrap();
            registered.extend(body.split("\"/platform").skip(1).map(|s| s.split('"').next().unwrap()));
        }
        assert!(registered.len() > 30, "{registered:?}");
        assert!(registered.contains(&"/kaohe/{id}/ballot"), "{registered:?}");
        for tail in registered {
            let path = format!("/platform{tail}");
            let listed = ROUTES.iter().chain(PLAIN_ROUTES).chain(ID_ROUTES).any(|(_, p)| *p == path);
            assert!(listed, "{path} is registered but not listed in ROUTES, PLAIN_ROUTES or ID_ROUTES");
        }
    }
}
