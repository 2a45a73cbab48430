//! `/admin/articles`: the article list and the editor (write, save, check, submit).

use askama::Template;
use axum::{
    extract::{Path, Query, RawForm, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::{clock, review};
use dangjian_store::{
    StoreError,
    revisions::{self, Fields, Revision},
};
use serde::Deserialize;

use super::{
    accounts::form_pairs,
    article_form::{ArticleForm, FieldErrors, format_local},
    audit_trail::{self, Actor},
    current::CurrentUser,
    nav::Frame,
    scope, term_check,
};
use crate::{AppError, AppState};

pub struct ListRow {
    pub id: i64,
    pub title: String,
    pub channel: String,
    pub status: &'static str,
    pub published: String,
    pub live: bool,
}

#[derive(Template)]
#[template(path = "admin/articles.html")]
struct ListPage {
    title: &'static str,
    page: Frame,
    rows: Vec<ListRow>,
    can_write: bool,
}

pub async fn list(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    let writable = scope::writable_channels(&st, &me).await?;
    let mut channels = writable.clone();
    channels.extend(scope::reviewable_channels(&st, &me).await?);
    channels.sort_unstable();
    channels.dedup();
    if channels.is_empty()
        && !(me.has(dangjian_domain::roles::Role::Editor)
            || me.has(dangjian_domain::roles::Role::Contributor)
            || me.has(dangjian_domain::roles::Role::Reviewer))
    {
        return Err(AppError::Forbidden);
    }
    let names = scope::channel_names(&st).await?;
    let rows = revisions::admin_list(&st.db, &channels, None, 200)
        .await?
        .into_iter()
        .map(|a| ListRow {
            live: a.status == "published",
            status: review::State::from_code(&a.status).map(|s| s.name()).unwrap_or("草稿"),
            channel: scope::name_of(&names, a.channel_id),
            published: if a.published_at == 0 {
                "审核通过后发布".into()
            } else {
                clock::format_datetime(a.published_at)
            },
            id: a.id,
            title: a.title,
        })
        .collect();
    let page = ListPage { title: "稿件管理", page: Frame::for_user(&me), rows, can_write: !writable.is_empty() };
    Ok(Html(page.render()?).into_response())
}

#[derive(Template)]
#[template(path = "admin/editor.html")]
struct EditorPage {
    title: &'static str,
    page: Frame,
    heading: String,
    action: String,
    form: ArticleForm,
    channels: Vec<(i64, String)>,
    errors: FieldErrors,
    term_hits: Vec<String>,
    term_block: bool,
    /// The title and source with every hit marked (escaped HTML from the term check).
    term_highlight: String,
    preview: String,
    source_locked: bool,
    live_note: String,
    /// The Word import form is offered on a new article only.
    show_import: bool,
}

struct EditorState {
    heading: String,
    action: String,
    live_note: String,
}

async fn render_editor(
    st: &AppState,
    me: &CurrentUser,
    es: EditorState,
    form: ArticleForm,
    errors: FieldErrors,
    report: Option<term_check::Report>,
    flash: &str,
) -> Result<Response, AppError> {
    let writable = scope::writable_channels(st, me).await?;
    let channels = scope::channel_names(st).await?.into_iter().filter(|(id, _)| writable.contains(id)).collect();
    let (term_hits, term_block, term_highlight) = match report {
        Some(r) => (r.messages, r.blocks, r.highlighted),
        None => (vec![], false, String::new()),
    };
    let preview = dangjian_markup::render(&form.body_md);
    let show_import = es.action == "/admin/articles";
    let page = EditorPage {
        title: "编辑稿件",
        page: Frame::for_user(me).with_flash(flash),
        heading: es.heading,
        action: es.action,
        form,
        channels,
        errors,
        term_hits,
        term_block,
        term_highlight,
        preview,
        source_locked: is_contributor_only(me),
        show_import,
        live_note: es.live_note,
    };
    Ok(Html(page.render()?).into_response())
}

fn is_contributor_only(me: &CurrentUser) -> bool {
    use dangjian_domain::roles::Role;
    me.has(Role::Contributor) && !me.has(Role::Editor)
}

pub async fn new_form(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    if scope::writable_channels(&st, &me).await?.is_empty() {
        return Err(AppError::Forbidden);
    }
    let form = ArticleForm {
        publisher: me.user.display_name.clone(),
        source_unit: me.user.source_unit.clone(),
        ..Default::default()
    };
    let es = EditorState { heading: "写稿件".into(), action: "/admin/articles".into(), live_note: String::new() };
    render_editor(&st, &me, es, form, vec![], None, "").await
}

/// Validates the posted form for this account.
async fn validated(
    st: &AppState,
    me: &CurrentUser,
    body: &[u8],
) -> Result<(ArticleForm, String, Result<Fields, FieldErrors>), AppError> {
    let pairs = form_pairs(body);
    let action = pairs.iter().find(|(k, _)| k == "do").map(|(_, v)| v.clone()).unwrap_or_else(|| "save".into());
    let mut form = ArticleForm::from_pairs(&pairs);
    if is_contributor_only(me) {
        // A 通讯员 writes for their own 供稿单位 only.
        form.source_unit = me.user.source_unit.clone();
    }
    let writable = scope::writable_channels(st, me).await?;
    let fields = form.validate(&writable, clock::now_micros());
    Ok((form, action, fields))
}

pub async fn create(State(st): State<AppState>, me: CurrentUser, RawForm(body): RawForm) -> Result<Response, AppError> {
    if scope::writable_channels(&st, &me).await?.is_empty() {
        return Err(AppError::Forbidden);
    }
    let (form, action, fields) = validated(&st, &me, &body).await?;
    let es = || EditorState { heading: "写稿件".into(), action: "/admin/articles".into(), live_note: String::new() };
    let fields = match gate(&st, &me, es(), form, &action, fields, None).await? {
        Ok(f) => f,
        Err(page) => return Ok(page),
    };
    let now = clock::now_micros();
    let (article_id, rev_id) = revisions::create_article(&st.db, &fields, me.user.id, now).await?;
    audit_trail::record(
        &st,
        Actor::User(&me),
        "article.create",
        &format!("article:{article_id}"),
        audit_trail::SUCCESS,
        &fields.title,
    )
    .await?;
    if action == "submit" {
        submit(&st, &me, rev_id).await?;
        return Ok(Redirect::to("/admin/articles?submitted=1").into_response());
    }
    Ok(Redirect::to(&format!("/admin/articles/{article_id}/edit?saved=1")).into_response())
}

/// What every save of the editor goes through, in order: field errors, the on-demand
/// term check, the publish-date rule, and forbidden terms blocking a submission. `Ok`
/// carries the fields to store; `Err` the page to show instead.
async fn gate(
    st: &AppState,
    me: &CurrentUser,
    es: EditorState,
    form: ArticleForm,
    action: &str,
    fields: Result<Fields, FieldErrors>,
    first_submitted_at: Option<i64>,
) -> Result<Result<Fields, Response>, AppError> {
    let fields = match fields {
        Ok(f) => f,
        Err(errors) => return Ok(Err(render_editor(st, me, es, form, errors, None, "").await?)),
    };
    let dict = term_check::dictionary(st).await?;
    let report = term_check::check(&dict, &fields.title, &fields.body_md);
    if action == "check" {
        let flash = if report.messages.is_empty() { "未发现错敏词。" } else { "" };
        return Ok(Err(render_editor(st, me, es, form, vec![], Some(report), flash).await?));
    }
    if let Some(err) = backdate_error(&fields, first_submitted_at, clock::now_micros()) {
        return Ok(Err(render_editor(st, me, es, form, vec![("publish_at", err)], None, "").await?));
    }
    if action == "submit" && report.blocks {
        let errors = vec![("body_md", "含有禁用词，不能提交审核".into())];
        return Ok(Err(render_editor(st, me, es, form, errors, Some(report), "").await?));
    }
    Ok(Ok(fields))
}

/// An editor may not date an article before its first submission (or before now, if it
/// was never submitted): a forged date fails a government site. Minute precision, as the
/// form has. `None` when the time is fine.
pub fn backdate_error(f: &Fields, first_submitted_at: Option<i64>, now: i64) -> Option<String> {
    if f.publish_at == 0 {
        return None; // "when approved"
    }
    let floor = first_submitted_at.unwrap_or(now);
    let floor_minute = floor - floor.rem_euclid(60_000_000);
    review::check_publish_time(f.publish_at, floor_minute, false, "").err().map(|e| e.to_string())
}

/// Submits a draft revision: to 一审, or straight to the portal when the channel has no
/// review levels.
pub async fn submit(st: &AppState, me: &CurrentUser, rev_id: i64) -> Result<(), AppError> {
    let rev = revisions::get(&st.db, rev_id).await?;
    let levels = revisions::review_levels(&st.db, rev.channel_id).await?.clamp(0, 3) as u8;
    let now = clock::now_micros();
    let meta = revisions::article_meta(&st.db, rev.article_id).await?;
    let floor = publish_floor(rev.publish_at, meta.first_submitted_at, now);
    let effective = rev.publish_at.max(floor);
    let next =
        review::submit(review::State::Draft, levels, effective, now).map_err(|e| AppError::Internal(e.to_string()))?;
    let (to, apply) = match next {
        review::State::InReview(l) => (format!("review{l}"), None),
        review::State::Scheduled => ("approved".into(), Some("scheduled")),
        _ => ("approved".into(), Some("published")),
    };
    let t = revisions::Transition {
        revision_id: rev_id,
        from: "draft",
        to: &to,
        level: 0,
        action: "submit",
        actor_id: me.user.id,
        opinion: "",
        now,
        apply,
        publish_floor: floor,
    };
    if !revisions::transition(&st.db, &t).await? {
        return Err(AppError::Conflict("稿件状态已变化，请刷新后重试".into()));
    }
    audit_trail::record(
        st,
        Actor::User(me),
        "article.submit",
        &format!("article:{}", rev.article_id),
        audit_trail::SUCCESS,
        &to,
    )
    .await
}

/// The earliest time a reader may see on an article approved now: the approval time
/// when no time was set (0), else the first submission (never earlier).
pub fn publish_floor(publish_at: i64, first_submitted_at: Option<i64>, now: i64) -> i64 {
    if publish_at == 0 { now } else { first_submitted_at.unwrap_or(now) }
}

#[derive(Deserialize)]
pub struct EditQuery {
    saved: Option<String>,
    imported: Option<String>,
    /// What a Word import could not keep, to show the editor.
    notes: Option<String>,
}

/// The revision an edit works on: the open draft, if any.
async fn open_draft(st: &AppState, article_id: i64) -> Result<(Option<Revision>, Option<Revision>), AppError> {
    let all = revisions::for_article(&st.db, article_id).await?;
    let draft = all.iter().find(|r| r.state == "draft").cloned();
    let in_review = all.iter().find(|r| r.state.starts_with("review")).cloned();
    Ok((draft, in_review))
}

async fn editable_article(st: &AppState, me: &CurrentUser, id: i64) -> Result<revisions::ArticleMeta, AppError> {
    let meta = revisions::article_meta(&st.db, id).await?;
    if !scope::writable_channels(st, me).await?.contains(&meta.channel_id) {
        return Err(AppError::Forbidden);
    }
    Ok(meta)
}

pub async fn edit_form(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    Query(q): Query<EditQuery>,
) -> Result<Response, AppError> {
    let meta = editable_article(&st, &me, id).await?;
    let (draft, in_review) = open_draft(&st, id).await?;
    if let Some(r) = in_review {
        return Ok(Redirect::to(&format!("/admin/revisions/{}", r.id)).into_response());
    }
    let source = match draft {
        Some(d) => d,
        None => revisions::for_article(&st.db, id).await?.into_iter().next().ok_or(AppError::NotFound)?,
    };
    let mut form = ArticleForm::from_revision(&source);
    if source.state != "draft" && meta.published_at > 0 {
        // A new version of a published article keeps the date readers have seen.
        form.publish_at = format_local(meta.published_at);
    }
    let live_note = if meta.status == "published" {
        "本稿件已发布。修改将生成新版本，审核通过前网站上仍显示当前版本。".into()
    } else {
        String::new()
    };
    let es = EditorState {
        heading: format!("编辑稿件：{}", meta.title),
        action: format!("/admin/articles/{id}"),
        live_note,
    };
    let flash = match (&q.imported, &q.notes, &q.saved) {
        (Some(_), Some(n), _) => {
            format!("已从 Word 文档导入为草稿。请注意：{}", n.chars().take(500).collect::<String>())
        }
        (Some(_), None, _) => "已从 Word 文档导入为草稿，请核对后提交审核。".to_owned(),
        (None, _, Some(_)) => "草稿已保存。".to_owned(),
        _ => String::new(),
    };
    render_editor(&st, &me, es, form, vec![], None, &flash).await
}

pub async fn save(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    let meta = editable_article(&st, &me, id).await?;
    let (form, action, fields) = validated(&st, &me, &body).await?;
    let es = || EditorState {
        heading: format!("编辑稿件：{}", meta.title),
        action: format!("/admin/articles/{id}"),
        live_note: String::new(),
    };
    let fields = match gate(&st, &me, es(), form, &action, fields, meta.first_submitted_at).await? {
        Ok(f) => f,
        Err(page) => return Ok(page),
    };
    let (draft, in_review) = open_draft(&st, id).await?;
    if in_review.is_some() {
        return Err(AppError::Conflict("该稿件正在审核中，不能修改".into()));
    }
    let rev_id = match draft {
        Some(d) => {
            revisions::update_draft(&st.db, d.id, &fields).await?;
            d.id
        }
        None => match revisions::create_revision(&st.db, id, &fields, me.user.id, clock::now_micros()).await {
            Ok(r) => r,
            Err(StoreError::Conflict(_)) => return Err(AppError::Conflict("该稿件已有未完成的修改".into())),
            Err(e) => return Err(e.into()),
        },
    };
    audit_trail::record(
        &st,
        Actor::User(&me),
        "article.save",
        &format!("article:{id}"),
        audit_trail::SUCCESS,
        &fields.title,
    )
    .await?;
    if action == "submit" {
        submit(&st, &me, rev_id).await?;
        return Ok(Redirect::to("/admin/articles?submitted=1").into_response());
    }
    Ok(Redirect::to(&format!("/admin/articles/{id}/edit?saved=1")).into_response())
}

/// `POST /admin/preview`: the editor's live preview (sanitised exactly as on save).
pub async fn preview(_me: CurrentUser, RawForm(body): RawForm) -> Response {
    let md = form_pairs(&body).into_iter().find(|(k, _)| k == "body_md").map(|(_, v)| v).unwrap_or_default();
    Html(dangjian_markup::render(&md)).into_response()
}
