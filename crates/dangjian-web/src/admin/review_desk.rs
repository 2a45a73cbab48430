//! Review (三审): the queue at each reviewer's level, the revision page with the term
//! check and the diff against the live version, approve and reject with opinions, the
//! version history with restore, and the 系统管理员's audited publish-time correction.

use askama::Template;
use axum::{
    extract::{Path, Query, RawForm, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::{clock, review, roles::Role};
use dangjian_store::{StoreError, revisions, users};
use serde::Deserialize;

use super::{
    accounts::form_pairs,
    article_form::parse_local,
    audit_trail::{self, Actor},
    current::CurrentUser,
    diff,
    nav::Frame,
    scope, term_check,
};
use crate::{AppError, AppState};

pub struct QueueRow {
    pub id: i64,
    pub title: String,
    pub channel: String,
    pub author: String,
    pub submitted: String,
}

#[derive(Template)]
#[template(path = "admin/review_queue.html")]
struct QueuePage {
    title: &'static str,
    page: Frame,
    level: i32,
    rows: Vec<QueueRow>,
}

async fn username(st: &AppState, id: i64) -> String {
    users::by_id(&st.db, id).await.map(|u| u.username).unwrap_or_else(|_| "?".into())
}

pub async fn queue(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    me.require(&[Role::Reviewer])?;
    let level = me.user.review_level;
    let channels = scope::reviewable_channels(&st, &me).await?;
    let names = scope::channel_names(&st).await?;
    let mut rows = Vec::new();
    for r in revisions::queue(&st.db, &format!("review{level}"), &channels).await? {
        rows.push(QueueRow {
            id: r.id,
            channel: scope::name_of(&names, r.channel_id),
            author: username(&st, r.author_id).await,
            submitted: r.submitted_at.map(clock::format_datetime).unwrap_or_default(),
            title: r.title,
        });
    }
    let page = QueuePage { title: "待我审核", page: Frame::for_user(&me), level, rows };
    Ok(Html(page.render()?).into_response())
}

#[derive(Template)]
#[template(path = "admin/revision.html")]
struct RevisionPage {
    title: &'static str,
    page: Frame,
    rev: revisions::Revision,
    channel: String,
    state: &'static str,
    publish_at: String,
    highlighted: String,
    term_hits: Vec<String>,
    diff: String,
    steps: Vec<String>,
    can_review: bool,
    errors: Vec<String>,
}

/// Whether this account may see a revision: it writes or reviews in its channel.
async fn may_see(st: &AppState, me: &CurrentUser, channel_id: i64) -> Result<bool, AppError> {
    Ok(scope::writable_channels(st, me).await?.contains(&channel_id)
        || scope::reviewable_channels(st, me).await?.contains(&channel_id))
}

fn may_review(me: &CurrentUser, rev: &revisions::Revision, reviewable: &[i64]) -> bool {
    me.has(Role::Reviewer)
        && reviewable.contains(&rev.channel_id)
        && rev.state == format!("review{}", me.user.review_level)
}

async fn render_revision(
    st: &AppState,
    me: &CurrentUser,
    rev: revisions::Revision,
    errors: Vec<String>,
    flash: &str,
) -> Result<Response, AppError> {
    let names = scope::channel_names(st).await?;
    let dict = term_check::dictionary(st).await?;
    let report = term_check::check(&dict, &rev.title, &rev.body_md);
    let live = revisions::for_article(&st.db, rev.article_id)
        .await?
        .into_iter()
        .find(|r| r.state == "approved" && r.id != rev.id);
    let diff = match live {
        Some(l) => diff::render(&format!("{}\n\n{}", l.title, l.body_md), &format!("{}\n\n{}", rev.title, rev.body_md)),
        None => String::new(),
    };
    let mut steps = Vec::new();
    for s in revisions::steps(&st.db, rev.id).await? {
        let what = match s.action.as_str() {
            "submit" => "提交审核".to_owned(),
            "approve" => format!("第 {} 级审核通过", s.level),
            "reject" => format!("第 {} 级退回", s.level),
            other => other.to_owned(),
        };
        let opinion = if s.opinion.is_empty() { String::new() } else { format!("，意见：{}", s.opinion) };
        steps.push(format!("{} {} {}{}", clock::format_datetime(s.at), s.reviewer, what, opinion));
    }
    let reviewable = scope::reviewable_channels(st, me).await?;
    let page = RevisionPage {
        title: "审核稿件",
        page: Frame::for_user(me).with_flash(flash),
        channel: scope::name_of(&names, rev.channel_id),
        state: review::State::from_code(&rev.state).map(|s| s.name()).unwrap_or(match rev.state.as_str() {
            "approved" => "已通过",
            "superseded" => "历史版本",
            _ => "未知",
        }),
        publish_at: if rev.publish_at == 0 { "审核通过时".into() } else { clock::format_datetime(rev.publish_at) },
        highlighted: report.highlighted,
        term_hits: report.messages,
        diff,
        steps,
        can_review: may_review(me, &rev, &reviewable),
        errors,
        rev,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn view(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    let rev = revisions::get(&st.db, id).await?;
    if !may_see(&st, &me, rev.channel_id).await? {
        return Err(AppError::Forbidden);
    }
    render_revision(&st, &me, rev, vec![], "").await
}

pub async fn act(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    me.require(&[Role::Reviewer])?;
    let rev = revisions::get(&st.db, id).await?;
    let reviewable = scope::reviewable_channels(&st, &me).await?;
    if !reviewable.contains(&rev.channel_id) {
        return Err(AppError::Forbidden);
    }
    let pairs = form_pairs(&body);
    let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let (action, opinion) = (get("do"), get("opinion"));
    let opinion: String = opinion.chars().take(1000).collect();
    let level = me.user.review_level.clamp(0, 3) as u8;
    let state = review::State::from_code(&rev.state).ok_or(AppError::Conflict("该稿件不在审核中".into()))?;
    let levels = revisions::review_levels(&st.db, rev.channel_id).await?.clamp(0, 3) as u8;
    let now = clock::now_micros();
    let meta = revisions::article_meta(&st.db, rev.article_id).await?;
    let floor = super::articles::publish_floor(rev.publish_at, meta.first_submitted_at, now);
    let effective = rev.publish_at.max(floor);
    let next = match action.as_str() {
        "approve" => review::approve(state, level, levels, effective, now),
        "reject" => review::reject(state, level, &opinion),
        _ => return Err(AppError::BadRequest),
    };
    let next = match next {
        Ok(n) => n,
        Err(e) => return render_revision(&st, &me, rev, vec![e.to_string()], "").await,
    };
    let (to, apply) = match next {
        review::State::InReview(l) => (format!("review{l}"), None),
        review::State::Draft => ("draft".to_owned(), None),
        review::State::Scheduled => ("approved".to_owned(), Some("scheduled")),
        _ => ("approved".to_owned(), Some("published")),
    };
    let t = revisions::Transition {
        revision_id: id,
        from: &rev.state,
        to: &to,
        level: i32::from(level),
        action: &action,
        actor_id: me.user.id,
        opinion: &opinion,
        now,
        apply,
        publish_floor: floor,
    };
    if !revisions::transition(&st.db, &t).await? {
        return Err(AppError::Conflict("该稿件已被其他审核员处理，请刷新后查看".into()));
    }
    let detail =
        format!("level {level} → {to}{}", if opinion.is_empty() { String::new() } else { format!("；{opinion}") });
    audit_trail::record(
        &st,
        Actor::User(&me),
        &format!("article.{action}"),
        &format!("article:{}", rev.article_id),
        audit_trail::SUCCESS,
        &detail,
    )
    .await?;
    Ok(Redirect::to("/admin/review").into_response())
}

pub struct HistoryRow {
    pub id: i64,
    pub number: i32,
    pub state: &'static str,
    pub title: String,
    pub author: String,
    pub created: String,
}

#[derive(Template)]
#[template(path = "admin/history.html")]
struct HistoryPage {
    title: &'static str,
    page: Frame,
    article_id: i64,
    rows: Vec<HistoryRow>,
    diff: String,
    diff_title: String,
    can_restore: bool,
    can_retime: bool,
}

#[derive(Deserialize)]
pub struct HistoryQuery {
    diff: Option<i64>,
}

fn state_name(code: &str) -> &'static str {
    match code {
        "approved" => "线上版本",
        "superseded" => "历史版本",
        other => review::State::from_code(other).map(|s| s.name()).unwrap_or("未知"),
    }
}

pub async fn history(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<HistoryQuery>,
) -> Result<Response, AppError> {
    let meta = revisions::article_meta(&st.db, id).await?;
    let is_sys = me.has(Role::Sysadmin);
    if !is_sys && !may_see(&st, &me, meta.channel_id).await? {
        return Err(AppError::Forbidden);
    }
    let revs = revisions::for_article(&st.db, id).await?;
    let (mut diff, mut diff_title) = (String::new(), String::new());
    if let Some(did) = q.diff
        && let Some(pos) = revs.iter().position(|r| r.id == did)
    {
        let new = &revs[pos];
        let old = revs.get(pos + 1);
        let old_text = old.map(|o| format!("{}\n\n{}", o.title, o.body_md)).unwrap_or_default();
        diff = diff::render(&old_text, &format!("{}\n\n{}", new.title, new.body_md));
        diff_title = match old {
            Some(o) => format!("第 {} 版与第 {} 版的差异", new.number, o.number),
            None => format!("第 {} 版（首个版本）", new.number),
        };
    }
    let mut rows = Vec::new();
    for r in &revs {
        rows.push(HistoryRow {
            id: r.id,
            number: r.number,
            state: state_name(&r.state),
            title: r.title.clone(),
            author: username(&st, r.author_id).await,
            created: clock::format_datetime(r.created_at),
        });
    }
    let can_restore = scope::writable_channels(&st, &me).await?.contains(&meta.channel_id);
    let page = HistoryPage {
        title: "版本记录",
        page: Frame::for_user(&me),
        article_id: id,
        rows,
        diff,
        diff_title,
        can_restore,
        can_retime: is_sys,
    };
    Ok(Html(page.render()?).into_response())
}

/// Restores an old version as a new draft, which then goes through review again.
pub async fn restore(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    let rev = revisions::get(&st.db, id).await?;
    if !scope::writable_channels(&st, &me).await?.contains(&rev.channel_id) {
        return Err(AppError::Forbidden);
    }
    match revisions::create_revision(&st.db, rev.article_id, &rev.fields(), me.user.id, clock::now_micros()).await {
        Ok(_) => {}
        Err(StoreError::Conflict(_)) => return Err(AppError::Conflict("该稿件已有未完成的修改，请先处理".into())),
        Err(e) => return Err(e.into()),
    }
    audit_trail::record(
        &st,
        Actor::User(&me),
        "article.restore",
        &format!("article:{}", rev.article_id),
        audit_trail::SUCCESS,
        &format!("from revision {}", rev.number),
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/articles/{}/edit?saved=1", rev.article_id)).into_response())
}

/// The 系统管理员 corrects a publish time; earlier than the first submission only with a
/// reason, which goes to the audit log.
pub async fn retime(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    me.require(&[Role::Sysadmin])?;
    let meta = revisions::article_meta(&st.db, id).await?;
    let pairs = form_pairs(&body);
    let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let Some(at) = parse_local(&get("publish_at")) else {
        return Err(AppError::Conflict("发布时间格式应为 年-月-日 时:分".into()));
    };
    let reason: String = get("reason").chars().take(500).collect();
    let floor = meta.first_submitted_at.unwrap_or(meta.published_at);
    if let Err(e) = review::check_publish_time(at, floor, true, &reason) {
        return Err(AppError::Conflict(e.to_string()));
    }
    revisions::set_published_at(&st.db, id, at, clock::now_micros()).await?;
    let detail =
        format!("{} → {}；理由：{}", clock::format_datetime(meta.published_at), clock::format_datetime(at), reason);
    audit_trail::record(
        &st,
        Actor::User(&me),
        "article.retime",
        &format!("article:{id}"),
        audit_trail::SUCCESS,
        &detail,
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/articles/{id}/history")).into_response())
}
