//! Checks one member's record as a secretary types it — in a roster spreadsheet row or in
//! the single-member form — so both paths accept and refuse exactly the same things: the
//! ID number's checksum, dates that exist and agree with it, an 11-digit phone, a known
//! category and status, and a branch in the user's reach.

use dangjian_domain::{
    dues::Category,
    members::{IdNumber, Stage},
};
use time::{Date, Month, macros::format_description};

pub const ISO: &[time::format_description::FormatItem<'static>] = format_description!("[year]-[month]-[day]");

/// Columns of the roster, in template order; `true` when required.
pub const COLUMNS: &[(&str, bool)] = &[
    ("姓名", true),
    ("性别", false),
    ("民族", false),
    ("出生日期", false),
    ("身份证号", true),
    ("手机号", false),
    ("学历", false),
    ("工作单位", false),
    ("职务", false),
    ("类别", false),
    ("状态", false),
    ("所在党支部", false),
];

/// A row that passed every check (personal data in clear, before encryption).
#[derive(Debug, Clone, PartialEq)]
pub struct GoodRow {
    pub line: usize,
    pub org_id: i64,
    pub name: String,
    pub gender: String,
    pub ethnicity: String,
    pub birth_date: String,
    pub id_number: String,
    pub phone: String,
    pub education: String,
    pub work_unit: String,
    pub post: String,
    pub category: String,
    pub status: String,
}

/// Dates as people type them: 2024-03-01, 2024/3/1, 2024.3.1, 20240301, 2024年3月1日.
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.trim().replace(['/', '.', '年', '月'], "-").replace('日', "");
    let parts: Vec<&str> = s.split('-').filter(|p| !p.is_empty()).collect();
    let (y, m, d) = match parts.as_slice() {
        [y, m, d] => (y.parse().ok()?, m.parse::<u8>().ok()?, d.parse().ok()?),
        [all] if all.len() == 8 => (all[..4].parse().ok()?, all[4..6].parse().ok()?, all[6..].parse().ok()?),
        _ => return None,
    };
    Date::from_calendar_date(y, Month::try_from(m).ok()?, d).ok()
}

/// Checks one record. `get` reads a field by its roster column name (姓名, 身份证号, …);
/// `branches` are the branches in reach (id, name); `default_branch` is used when the
/// record names none. Returns the clean row (with `line` 0) or every problem found as
/// (column, reason).
pub fn check_row(
    get: &dyn Fn(&str) -> String,
    branches: &[(i64, String)],
    default_branch: Option<i64>,
    today: Date,
) -> Result<GoodRow, Vec<(&'static str, String)>> {
    let mut problems: Vec<(&'static str, String)> = Vec::new();
    let mut bad = |column: &'static str, reason: String| problems.push((column, reason));
    let name = get("姓名");
    let mut ok = true;
    if name.is_empty() || name.chars().count() > 20 {
        bad("姓名", "姓名不能为空，且不超过 20 个字".into());
        ok = false;
    }
    let raw_id = get("身份证号").to_uppercase();
    let id = match IdNumber::parse(&raw_id) {
        Ok(id) => Some(id),
        Err(e) => {
            bad("身份证号", e.to_string());
            ok = false;
            None
        }
    };
    let mut birth = id.as_ref().map(|i| i.birth_date());
    let typed_birth = get("出生日期");
    if !typed_birth.is_empty() {
        match parse_date(&typed_birth) {
            None => {
                bad("出生日期", format!("“{typed_birth}”不是有效日期"));
                ok = false;
            }
            Some(d) if d > today => {
                bad("出生日期", "出生日期晚于今天".into());
                ok = false;
            }
            Some(d) if birth.is_some_and(|b| b != d) => {
                bad("出生日期", "与身份证号中的出生日期不一致".into());
                ok = false;
            }
            Some(d) => birth = Some(d),
        }
    }
    let gender = get("性别");
    if let Some(idn) = &id
        && !gender.is_empty()
        && gender != idn.gender().name()
    {
        bad("性别", format!("与身份证号不一致（身份证号为{}）", idn.gender().name()));
        ok = false;
    }
    let phone = get("手机号").replace([' ', '-'], "");
    let phone_ok = phone.len() == 11 && phone.starts_with('1') && phone.chars().all(|c| c.is_ascii_digit());
    if !phone.is_empty() && !phone_ok {
        bad("手机号", "手机号应为 11 位数字".into());
        ok = false;
    }
    let cat_text = get("类别");
    let category = if cat_text.is_empty() {
        Some(Category::InService)
    } else {
        Category::ALL.into_iter().find(|c| c.name() == cat_text || c.code() == cat_text)
    };
    if category.is_none() {
        bad("类别", format!("未知的类别“{cat_text}”（可填：在职、离退休、学生、其他等）"));
        ok = false;
    }
    let status_text = get("状态");
    let status = if status_text.is_empty() {
        Some(Stage::Full)
    } else {
        Stage::ALL.into_iter().find(|s| s.name() == status_text || s.code() == status_text)
    };
    if status.is_none() {
        bad("状态", format!("未知的状态“{status_text}”（可填：正式党员、预备党员、发展对象等）"));
        ok = false;
    }
    let branch_text = get("所在党支部");
    let org_id = if branch_text.is_empty() {
        default_branch
    } else {
        branches.iter().find(|(_, n)| *n == branch_text).map(|(id, _)| *id)
    };
    if org_id.is_none() {
        let reason = if branch_text.is_empty() {
            "请填写所在党支部".to_owned()
        } else {
            format!("未知或无权管理的党支部“{branch_text}”")
        };
        bad("所在党支部", reason);
        ok = false;
    }
    if ok {
        return Ok(GoodRow {
            line: 0,
            org_id: org_id.unwrap_or_default(),
            name,
            gender: id.as_ref().map(|i| i.gender().name().to_owned()).unwrap_or_default(),
            ethnicity: get("民族"),
            birth_date: birth.and_then(|b| b.format(ISO).ok()).unwrap_or_default(),
            id_number: id.map(|i| i.as_str().to_owned()).unwrap_or_default(),
            phone,
            education: get("学历"),
            work_unit: get("工作单位"),
            post: get("职务"),
            category: category.map(|c| c.code().to_owned()).unwrap_or_default(),
            status: status.map(|s| s.code().to_owned()).unwrap_or_default(),
        });
    }
    Err(problems)
}
