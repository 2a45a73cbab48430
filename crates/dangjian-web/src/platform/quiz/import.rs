//! Questions from an Excel sheet (题型, 题干, 选项A–选项H, 答案, 分值 — the template at
//! `/platform/quizzes/template.xlsx`). The rows become the text format and go through the
//! same parser and checks as typed questions; the result fills the create form for the
//! officer to review and save, so an import writes nothing by itself.

use std::io::Cursor;

use axum::{
    extract::{FromRequest, Multipart, Request, State},
    response::Response,
};
use calamine::{Reader, Xlsx};
use dangjian_domain::{quiz::text, roles::Role};

use super::manage::{QuizForm, render_list};
use crate::{
    AppError, AppState,
    admin::current::CurrentUser,
    platform::{download, roster, scope::Scope},
};

const OPTIONS: [&str; 8] = ["选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "选项G", "选项H"];

/// The header row of the template.
fn headers() -> Vec<&'static str> {
    let mut h = vec!["题型", "题干"];
    h.extend(OPTIONS);
    h.extend(["答案", "分值"]);
    h
}

/// `GET /platform/quizzes/template.xlsx`: the columns with one example of each kind.
pub async fn template(me: CurrentUser) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let row = |cells: &[&str]| -> Vec<String> {
        let mut r: Vec<String> = cells.iter().map(|s| (*s).to_owned()).collect();
        r.resize(headers().len(), String::new());
        r
    };
    let mut single = vec!["单选", "党的最高理想和最终目标是什么？", "实现共产主义", "全面建成小康社会"];
    single.extend(["", "", "", "", "", "", "A", "10"]);
    let mut multiple =
        vec!["多选", "“三会一课”中的“三会”是指：", "支部党员大会", "支部委员会", "党小组会", "职工代表大会"];
    multiple.extend(["", "", "", "", "ABC", "10"]);
    let mut judge = vec!["判断", "预备党员的预备期为一年。"];
    judge.extend(["", "", "", "", "", "", "", "", "正确", "10"]);
    let bytes = download::sheet_bytes("题目", &headers(), &[row(&single), row(&multiple), row(&judge)])?;
    Ok(download::xlsx(bytes, "quiz-template.xlsx", "知识测试题目模板.xlsx"))
}

/// The rows of the first sheet in the text format (one block per non-empty row).
pub fn sheet_to_text(bytes: &[u8]) -> Result<String, String> {
    let mut wb: Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes.to_vec()))
        .map_err(|_| "文件不是有效的 Excel 工作簿（.xlsx）".to_owned())?;
    let range = match wb.worksheet_range_at(0) {
        Some(Ok(r)) => r,
        _ => return Err("工作簿中没有工作表".into()),
    };
    let mut rows = range.rows();
    let header: Vec<String> = rows.next().map(|r| r.iter().map(roster::text).collect()).unwrap_or_default();
    let col = |name: &str| header.iter().position(|h| h == name);
    let missing: Vec<&str> = ["题干", "答案"].into_iter().filter(|n| col(n).is_none()).collect();
    if !missing.is_empty() {
        return Err(format!("第 1 行（表头）缺少必需的列：{}。请使用题目模板。", missing.join("、")));
    }
    let mut blocks = Vec::new();
    for r in rows {
        let get = |name: &str| col(name).and_then(|c| r.get(c)).map(roster::text).unwrap_or_default();
        if r.iter().all(|c| roster::text(c).is_empty()) {
            continue;
        }
        // One line per cell: line breaks inside a cell would start a new option or block.
        let flat = |s: String| s.split_whitespace().collect::<Vec<_>>().join(" ");
        let kind = flat(get("题型")).trim_end_matches('题').to_owned();
        let mut b = if kind.is_empty() { flat(get("题干")) } else { format!("[{kind}] {}", flat(get("题干"))) };
        for (i, name) in OPTIONS.iter().enumerate() {
            let o = flat(get(name));
            if !o.is_empty() {
                b.push_str(&format!("\n{}. {o}", dangjian_domain::quiz::letter(i)));
            }
        }
        b.push_str(&format!("\n答案：{}", flat(get("答案"))));
        let points = flat(get("分值"));
        if !points.is_empty() {
            b.push_str(&format!("\n分值：{points}"));
        }
        blocks.push(b);
    }
    Ok(blocks.join("\n\n"))
}

/// `POST /platform/quizzes/import`: reads the sheet and shows the create form filled with
/// its questions (or what is wrong with them).
pub async fn import(State(st): State<AppState>, me: CurrentUser, req: Request) -> Result<Response, AppError> {
    me.require(&[Role::Officer])?;
    let mut file = None;
    if let Ok(mut form) = Multipart::from_request(req, &st).await {
        while let Ok(Some(field)) = form.next_field().await {
            if field.name() == Some("file") {
                file = field.bytes().await.ok();
            }
        }
    }
    let Some(bytes) = file.filter(|b| !b.is_empty()) else {
        return render_list(&st, &me, vec!["请选择要导入的 Excel 文件（.xlsx）".into()], None, String::new()).await;
    };
    let questions = match sheet_to_text(&bytes) {
        Ok(t) => t,
        Err(e) => return render_list(&st, &me, vec![e], None, String::new()).await,
    };
    let mut form = QuizForm::blank(Scope::of(&st, &me).await?.root.unwrap_or_default());
    form.questions = questions;
    match text::parse(&form.questions, false) {
        Ok(q) => {
            let notice = format!(
                "已从 Excel 读入 {} 道题（满分 {} 分），请核对后填写名称和时间并保存。",
                q.questions.len(),
                q.max_score()
            );
            render_list(&st, &me, vec![], Some(form), notice).await
        }
        Err(e) => render_list(&st, &me, vec![format!("Excel 中的{e}")], Some(form), String::new()).await,
    }
}
