//! The scheme list (`/platform/kaohe`): the officer's schemes and a rater's ballots to
//! cast, and the create form, which builds a draft from the defaults over every subject in
//! the chosen organisation's subtree (全员覆盖 from the start).

use std::str::FromStr;

use askama::Template;
use axum::{
    extract::{RawForm, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::{
    clock,
    eval::assessment::{Indicator, PeriodWeights, RaterGroup, Scheme, Source, SubjectId, SubjectKind, scheme},
    roles::Role,
};
use dangjian_store::kaohe;
use rust_decimal::Decimal;

use super::{
    schemes::{config_message, pct, state_name},
    scope_subjects,
};
use crate::{
    AppError, AppState,
    admin::{
        accounts::form_pairs,
        audit_trail::{self, Actor},
        current::CurrentUser,
        nav::Frame,
    },
    platform::scope::Scope,
};

pub struct ListRow {
    pub id: i64,
    pub name: String,
    pub org: String,
    pub kind: &'static str,
    pub state: &'static str,
    pub subjects: usize,
}

pub struct Task {
    pub name: String,
    pub href: Option<String>,
    pub status: String,
}

/// The create form's fields, kept when it is shown again with an error.
pub struct CreateForm {
    pub name: String,
    pub org_id: i64,
    pub kind: String,
    pub indicators: String,
    pub groups: String,
    pub familiarity: bool,
    pub daily: String,
}

impl CreateForm {
    fn defaults(org_id: i64) -> CreateForm {
        CreateForm {
            name: format!("{} 年度党支部党建工作考核", clock::from_micros(clock::now_micros()).year()),
            org_id,
            kind: "branch".into(),
            indicators: "政治建设 25\n组织建设 25\n作风建设 20\n工作实绩 30".into(),
            groups: scheme::default_groups()
                .iter()
                .map(|g| format!("{} {} {}", g.name, pct(g.weight).trim_end_matches('%'), source_word(g.source)))
                .collect::<Vec<_>>()
                .join("\n"),
            familiarity: true,
            daily: "60".into(),
        }
    }
}

fn source_word(s: Source) -> &'static str {
    match s {
        Source::Internal => "内部",
        Source::Public => "群众",
        Source::Offline => "线下",
    }
}

#[derive(Template)]
#[template(path = "platform/kaohe/list.html")]
struct ListPage {
    title: &'static str,
    page: Frame,
    schemes: Vec<ListRow>,
    tasks: Vec<Task>,
    orgs: Vec<(i64, String)>,
    errors: Vec<String>,
    form: CreateForm,
}

async fn render_list(
    st: &AppState,
    me: &CurrentUser,
    errors: Vec<String>,
    form: Option<CreateForm>,
) -> Result<Response, AppError> {
    let scope = Scope::of(st, me).await?;
    let officer = me.has(Role::Officer);
    let org_name = |id: i64| scope.all_orgs.iter().find(|o| o.id == id).map(|o| o.name.clone()).unwrap_or_default();
    let schemes = if officer {
        kaohe::in_orgs(&st.db, &scope.orgs)
            .await?
            .into_iter()
            .map(|r| ListRow {
                id: r.id,
                org: org_name(r.org_id),
                kind: r.scheme.subject_kind.name(),
                state: state_name(&r.state),
                subjects: r.scheme.subjects.len(),
                name: r.name,
            })
            .collect()
    } else {
        Vec::new()
    };
    let mut tasks = Vec::new();
    for (id, voted) in kaohe::assigned_to(&st.db, me.user.id).await? {
        let row = kaohe::get(&st.db, id).await?;
        let open = row.state == "open";
        tasks.push(Task {
            href: (open && !voted).then(|| format!("/platform/kaohe/{id}/ballot")),
            status: match (voted, open) {
                (true, _) => "已投票".into(),
                (false, true) => "待投票".into(),
                (false, false) => state_name(&row.state).into(),
            },
            name: row.name,
        });
    }
    // Organisations that can own a scheme: those in reach with a branch below them.
    let orgs: Vec<(i64, String)> =
        scope.orgs.iter().map(|id| (*id, org_name(*id))).filter(|(_, n)| !n.is_empty()).collect();
    let page = ListPage {
        title: "党建考核",
        page: Frame::for_user(me),
        schemes,
        tasks,
        form: form.unwrap_or_else(|| CreateForm::defaults(scope.root.unwrap_or_default())),
        orgs: if officer { orgs } else { Vec::new() },
        errors,
    };
    Ok(Html(page.render()?).into_response())
}

pub async fn list(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    render_list(&st, &me, vec![], None).await
}

/// `name 25` per line: a name and a weight in percent.
fn weighted_lines(text: &str, what: &str) -> Result<Vec<(String, Decimal, Option<String>)>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().map(str::trim).enumerate().filter(|(_, l)| !l.is_empty()) {
        let parts: Vec<&str> = line.split_whitespace().collect();
        let (name, weight, extra) = match parts.as_slice() {
            [name, w] => (*name, *w, None),
            [name, w, extra] => (*name, *w, Some((*extra).to_owned())),
            _ => return Err(format!("{what}第 {} 行应为“名称 权重”，如“政治建设 25”", n + 1)),
        };
        let weight = Decimal::from_str(weight.trim_end_matches('%'))
            .ok()
            .filter(|w| *w > Decimal::ZERO && w.scale() <= 4)
            .ok_or_else(|| format!("{what}第 {} 行的权重“{weight}”应为大于 0 的数（百分比）", n + 1))?;
        let name: String = name.chars().take(40).collect();
        if out.iter().any(|(n, _, _)| *n == name) {
            return Err(format!("{what}“{name}”重复"));
        }
        out.push((name, weight / Decimal::from(100), extra));
    }
    if out.is_empty() {
        return Err(format!("请填写{what}"));
    }
    Ok(out)
}

fn build_scheme(form: &CreateForm, subjects: Vec<SubjectId>) -> Result<Scheme, String> {
    if form.name.trim().is_empty() {
        return Err("请填写方案名称".into());
    }
    let kind = SubjectKind::from_code(&form.kind).ok_or("请选择考核对象类型")?;
    let indicators = weighted_lines(&form.indicators, "考核指标")?
        .into_iter()
        .enumerate()
        .map(|(i, (name, weight, _))| Indicator { code: format!("i{}", i + 1), name, weight })
        .collect();
    let mut groups = Vec::new();
    for (i, (name, weight, source)) in weighted_lines(&form.groups, "评价主体")?.into_iter().enumerate() {
        let source = match source.as_deref() {
            Some("内部") | None => Source::Internal,
            Some("群众") => Source::Public,
            Some("线下") => Source::Offline,
            Some(other) => return Err(format!("评价主体“{name}”的来源“{other}”应为 内部、群众 或 线下")),
        };
        groups.push(RaterGroup {
            code: format!("g{}", i + 1),
            name,
            weight,
            source,
            accepts_points: source == Source::Offline,
        });
    }
    let code = format!("kaohe-{}", clock::now_micros());
    let mut s = Scheme::with_defaults(&code, form.name.trim(), kind, subjects, indicators);
    s.groups = groups;
    if !form.familiarity {
        s.familiarity = None;
    }
    s.period_weights = match form.daily.trim() {
        "" | "0" => None,
        d => {
            let d = Decimal::from_str(d)
                .ok()
                .filter(|d| *d > Decimal::ZERO && *d < Decimal::from(100) && d.scale() <= 2)
                .ok_or("日常得分权重应为 0 到 100 之间的百分比")?;
            let daily = d / Decimal::from(100);
            Some(PeriodWeights { daily, year_end: Decimal::ONE - daily })
        }
    };
    s.validate().map_err(|e| config_message(&e))?;
    Ok(s)
}

/// `POST /platform/kaohe`: a new draft from the defaults, covering every subject in the
/// chosen organisation's subtree.
pub async fn create(State(st): State<AppState>, me: CurrentUser, RawForm(body): RawForm) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let scope = Scope::of(&st, &me).await?;
    let pairs = form_pairs(&body);
    let get = |k: &str| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.trim().to_owned()).unwrap_or_default();
    let form = CreateForm {
        name: get("name").chars().take(100).collect(),
        org_id: get("org_id").parse().unwrap_or_default(),
        kind: get("kind"),
        indicators: get("indicators"),
        groups: get("groups"),
        familiarity: get("familiarity") == "1",
        daily: get("daily"),
    };
    if scope.org(form.org_id).is_err() {
        return render_list(&st, &me, vec!["请选择本组织或下级党组织".into()], Some(form)).await;
    }
    let kind = SubjectKind::from_code(&form.kind).unwrap_or(SubjectKind::Branch);
    let subjects: Vec<SubjectId> =
        scope_subjects(&st, &scope.all_orgs, form.org_id, kind).await?.into_iter().map(|(id, _)| id).collect();
    if subjects.is_empty() {
        return render_list(&st, &me, vec!["所选党组织下没有可考核的对象".into()], Some(form)).await;
    }
    let scheme = match build_scheme(&form, subjects) {
        Ok(s) => s,
        Err(e) => return render_list(&st, &me, vec![e], Some(form)).await,
    };
    let id = kaohe::create(&st.db, form.org_id, &scheme, Some(me.user.id), clock::now_micros()).await?;
    audit_trail::record(
        &st,
        Actor::User(&me),
        "kaohe.create",
        &format!("kaohe:{id}"),
        audit_trail::SUCCESS,
        &format!("{} subjects", scheme.subjects.len()),
    )
    .await?;
    Ok(Redirect::to(&format!("/platform/kaohe/{id}")).into_response())
}
