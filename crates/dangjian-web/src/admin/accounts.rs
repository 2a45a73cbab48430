//! `/admin/users`: the 安全管理员 creates accounts and gives roles, with the 三员 rule.

use askama::Template;
use axum::{
    extract::{RawForm, State},
    response::{Html, IntoResponse, Response},
};
use dangjian_domain::{
    clock,
    roles::{self, Role},
};
use dangjian_store::{StoreError, users};

use super::{
    audit_trail::{self, Actor},
    current::CurrentUser,
    nav::Frame,
    passwords,
};
use crate::{AppError, AppState};

pub struct UserRow {
    pub username: String,
    pub display_name: String,
    pub roles: String,
    pub totp: bool,
    pub last_login: String,
    pub disabled: bool,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct UsersPage {
    title: &'static str,
    page: Frame,
    rows: Vec<UserRow>,
    role_choices: Vec<(&'static str, &'static str)>,
    channel_choices: Vec<(i64, String)>,
    totp_required: Vec<String>,
    org_choices: Vec<(i64, String)>,
    error: String,
    form_username: String,
    form_display: String,
}

async fn render(
    st: &AppState,
    me: &CurrentUser,
    page: Frame,
    error: String,
    form: (String, String),
) -> Result<Response, AppError> {
    let mut rows = Vec::new();
    for u in users::list(&st.db).await? {
        let codes = users::roles(&st.db, u.id).await?;
        rows.push(UserRow {
            roles: codes.iter().filter_map(|c| Role::from_code(c)).map(|r| r.name()).collect::<Vec<_>>().join("、"),
            last_login: u.last_login_at.map(clock::format_datetime).unwrap_or_else(|| "从未登录".into()),
            username: u.username,
            display_name: u.display_name,
            totp: u.totp_enabled,
            disabled: u.disabled,
        });
    }
    let _ = me;
    let p = UsersPage {
        title: "账号管理",
        page,
        rows,
        role_choices: Role::ALL.iter().map(|r| (r.code(), r.name())).collect(),
        channel_choices: super::scope::channel_names(st).await?,
        totp_required: super::totp_setup::required_roles(st).await?,
        org_choices: dangjian_store::orgs::all(&st.db).await?.into_iter().map(|o| (o.id, o.name)).collect(),
        error,
        form_username: form.0,
        form_display: form.1,
    };
    Ok(Html(p.render()?).into_response())
}

pub async fn list(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    me.require(&[Role::Secadmin])?;
    render(&st, &me, Frame::for_user(&me), String::new(), Default::default()).await
}

/// Checks a new account's name and roles; returns the message to show.
pub fn validate(username: &str, role_codes: &[String]) -> Result<Vec<Role>, String> {
    let ok_name = (3..=64).contains(&username.len())
        && username.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
    if !ok_name {
        return Err("用户名须为 3–64 位字母、数字、下划线、点或连字符".into());
    }
    let mut roles = Vec::new();
    for c in role_codes {
        roles.push(Role::from_code(c).ok_or_else(|| format!("未知角色：{c}"))?);
    }
    if roles.is_empty() {
        return Err("请至少选择一个角色".into());
    }
    roles::check_combination(&roles).map_err(|e| e.to_string())?;
    Ok(roles)
}

pub async fn create(State(st): State<AppState>, me: CurrentUser, RawForm(body): RawForm) -> Result<Response, AppError> {
    me.require(&[Role::Secadmin])?;
    // Repeated `roles` fields: parse the body by hand (serde_urlencoded has no Vec).
    let mut username = String::new();
    let mut display = String::new();
    let mut role_codes = Vec::new();
    let mut channel_ids: Vec<i64> = Vec::new();
    let mut review_level = 0i32;
    let mut source_unit = String::new();
    let mut org_id: Option<i64> = None;
    let mut member_field = String::new();
    for (k, v) in form_pairs(&body) {
        match k.as_str() {
            "username" => username = v.trim().to_owned(),
            "display_name" => display = v.trim().chars().take(64).collect(),
            "roles" => role_codes.push(v),
            "channels" => channel_ids.push(v.parse().map_err(|_| AppError::BadRequest)?),
            "review_level" => {
                review_level = v.parse().ok().filter(|l| (0..=3).contains(l)).ok_or(AppError::BadRequest)?
            }
            "source_unit" => source_unit = v.trim().chars().take(100).collect(),
            "org_id" if !v.is_empty() => org_id = Some(v.parse().map_err(|_| AppError::BadRequest)?),
            "member" => member_field = v.trim().chars().take(64).collect(),
            _ => {}
        }
    }
    let roles = match validate(&username, &role_codes) {
        Ok(r) => r,
        Err(msg) => return render(&st, &me, Frame::for_user(&me), msg, (username, display)).await,
    };
    let member_id = match bound_member(&st, &roles, org_id, &member_field).await? {
        Ok(m) => m,
        Err(msg) => return render(&st, &me, Frame::for_user(&me), msg, (username, display)).await,
    };
    // A member's account reaches the platform through its member record; the organisation
    // chosen only found that record. Officers keep theirs: it is the reach of their work.
    let org_id = if roles.contains(&Role::Officer) { org_id } else { org_id.filter(|_| member_id.is_none()) };
    let password = passwords::random_password();
    let hash = passwords::hash(password.clone()).await?;
    let codes: Vec<&str> = roles.iter().map(|r| r.code()).collect();
    let new = users::NewUser {
        username: &username,
        display_name: &display,
        password_hash: &hash,
        roles: &codes,
        must_change_password: true,
        source_unit: &source_unit,
        review_level,
        channels: &channel_ids,
        org_id,
        member_id,
    };
    if roles.contains(&Role::Reviewer) && review_level == 0 {
        return render(&st, &me, Frame::for_user(&me), "审核员须选择审核级别".into(), (username, display)).await;
    }
    let known: Vec<i64> = super::scope::channel_names(&st).await?.iter().map(|c| c.0).collect();
    if channel_ids.iter().any(|c| !known.contains(c)) {
        return Err(AppError::BadRequest);
    }
    if let Some(o) = org_id
        && dangjian_store::orgs::get(&st.db, o).await.is_err()
    {
        return Err(AppError::BadRequest);
    }
    if roles.contains(&Role::Officer) && org_id.is_none() {
        return render(&st, &me, Frame::for_user(&me), "党务干部须选择所属党组织".into(), (username, display)).await;
    }
    match users::create(&st.db, &new, clock::now_micros()).await {
        Ok(_) => {}
        Err(StoreError::Conflict(m)) => {
            let msg = if m.contains("党员") {
                format!("“{member_field}”{m}，无需重复开通")
            } else {
                format!("用户名“{username}”已存在")
            };
            return render(&st, &me, Frame::for_user(&me), msg, (username, display)).await;
        }
        Err(e) => return Err(e.into()),
    }
    audit_trail::record(&st, Actor::User(&me), "user.create", &username, audit_trail::SUCCESS, &codes.join(","))
        .await?;
    let flash = format!("账号“{username}”已创建，初始密码：{password}（只显示这一次，请当面或通过安全渠道交给本人）");
    render(&st, &me, Frame::for_user(&me).with_flash(flash), String::new(), Default::default()).await
}

/// The member record a new account is for: named in the form as it appears in the chosen
/// organisation (or as `#id` when two members there share a name). A member account must
/// name one, since without it the platform has nothing to show the member; other accounts
/// must not. `Ok(Err(message))` is shown on the form.
async fn bound_member(
    st: &AppState,
    roles: &[Role],
    org_id: Option<i64>,
    field: &str,
) -> Result<Result<Option<i64>, String>, AppError> {
    let is_member = roles.contains(&Role::Member);
    if field.is_empty() {
        return Ok(if is_member {
            Err("党员账号须填写关联的党员姓名，并选择其所在党组织".into())
        } else {
            Ok(None)
        });
    }
    if !is_member {
        return Ok(Err("只有“党员”角色的账号可以关联党员信息".into()));
    }
    let Some(org) = org_id else { return Ok(Err("请选择该党员所在的党组织".into())) };
    let in_org = dangjian_store::members::in_orgs(&st.db, &[org]).await?;
    if let Some(id) = field.strip_prefix('#').and_then(|n| n.parse::<i64>().ok()) {
        return Ok(match in_org.iter().any(|m| m.id == id) {
            true => Ok(Some(id)),
            false => Err(format!("所选党组织中没有编号为 {id} 的党员")),
        });
    }
    let named: Vec<i64> = in_org.iter().filter(|m| m.name == field).map(|m| m.id).collect();
    Ok(match named.as_slice() {
        [id] => Ok(Some(*id)),
        [] => Err(format!("所选党组织中没有名为“{field}”的党员（须与党员名册中的姓名一致）")),
        many => Err(format!(
            "所选党组织中有 {} 名党员名为“{field}”，请改填党员编号（{}）",
            many.len(),
            many.iter().map(|i| format!("#{i}")).collect::<Vec<_>>().join("、")
        )),
    })
}

/// `application/x-www-form-urlencoded` pairs, keeping repeated keys.
pub fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    let s = String::from_utf8_lossy(body);
    s.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (decode(k), decode(v))
        })
        .collect()
}

fn decode(s: &str) -> String {
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `POST /admin/users/totp-policy`: which roles must use a second factor.
pub async fn totp_policy(
    State(st): State<AppState>,
    me: CurrentUser,
    RawForm(body): RawForm,
) -> Result<Response, AppError> {
    me.require(&[Role::Secadmin])?;
    let mut codes = Vec::new();
    for (k, v) in form_pairs(&body) {
        if k == "roles" {
            codes.push(Role::from_code(&v).ok_or(AppError::BadRequest)?.code());
        }
    }
    codes.sort_unstable();
    codes.dedup();
    let value = codes.join(",");
    dangjian_store::settings::set(&st.db, "totp_required_roles", &value).await?;
    audit_trail::record(&st, Actor::User(&me), "security.totp_policy", "roles", audit_trail::SUCCESS, &value).await?;
    render(&st, &me, Frame::for_user(&me).with_flash("双因素认证策略已保存。"), String::new(), Default::default()).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_keep_repeats_and_decode() {
        let p = form_pairs(b"username=zhang+san&roles=editor&roles=reviewer&x=%E5%85%9A%zz");
        assert_eq!(p[0], ("username".into(), "zhang san".into()));
        assert_eq!(p[1].1, "editor");
        assert_eq!(p[2].1, "reviewer");
        assert_eq!(p[3].1, "党%zz");
    }

    #[test]
    fn validation_messages() {
        assert!(validate("ab", &["editor".into()]).unwrap_err().contains("3–64"));
        assert!(validate("zhangsan", &[]).unwrap_err().contains("至少"));
        assert!(validate("zhangsan", &["root".into()]).unwrap_err().contains("未知角色"));
        assert!(validate("zhangsan", &["sysadmin".into(), "auditor".into()]).unwrap_err().contains("三员"));
        assert_eq!(validate("zhang.san", &["editor".into(), "reviewer".into()]).unwrap().len(), 2);
    }
}
