//! One meeting's record: who came and who did not (with reasons), the minutes, and
//! attachments — sign-in sheets, photos, minutes as PDF. Attachments are internal records:
//! they are served only through the platform's scope check, always as downloads.

use askama::Template;
use axum::{
    extract::{FromRequest, Multipart, Path, Request, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::{clock, meetings::MeetingKind, roles::Role};
use dangjian_store::meetings;

use super::{download, meetings::branch_in_scope, scope::Scope};
use crate::{
    AppError, AppState,
    admin::{
        audit_trail::{self, Actor},
        current::CurrentUser,
        media_upload::kind_of,
        nav::Frame,
    },
};

const MB: usize = 1024 * 1024;

/// The largest attachment: a scanned sign-in sheet or a phone photo fits easily.
pub const MAX_FILE: usize = 20 * MB;

/// The request body limit of the upload route (the file plus the form around it).
pub const MAX_BODY: usize = MAX_FILE + 64 * 1024;

pub struct FileRow {
    pub id: i64,
    pub name: String,
    pub size: String,
}

#[derive(Template)]
#[template(path = "platform/meeting.html")]
struct MeetingPage {
    title: &'static str,
    page: Frame,
    org_id: i64,
    org: String,
    m: meetings::Meeting,
    kind: &'static str,
    present: Vec<String>,
    /// Members who sat in on a 支委会 (列席).
    observers: Vec<String>,
    absent: Vec<(String, String)>,
    files: Vec<FileRow>,
    errors: Vec<String>,
}

fn size(bytes: i64) -> String {
    if bytes >= MB as i64 {
        format!("{:.1} MB", bytes as f64 / MB as f64)
    } else {
        format!("{} KB", (bytes + 1023) / 1024)
    }
}

/// The meeting, 404 unless its organisation is in the account's reach.
async fn meeting_in_scope(
    st: &AppState,
    me: &CurrentUser,
    id: i64,
) -> Result<(meetings::Meeting, dangjian_store::orgs::Org), AppError> {
    me.require(&[Role::Officer])?;
    let m = meetings::get(&st.db, id).await?.ok_or(AppError::NotFound)?;
    let scope = Scope::of(st, me).await?;
    let org = branch_in_scope(&scope, m.org_id)?.clone();
    Ok((m, org))
}

async fn render(st: &AppState, me: &CurrentUser, id: i64, errors: Vec<String>) -> Result<Response, AppError> {
    let (m, org) = meeting_in_scope(st, me, id).await?;
    let attendance = meetings::attendance(&st.db, id).await?;
    let files = meetings::files(&st.db, id)
        .await?
        .into_iter()
        .map(|f| FileRow { id: f.id, name: f.name, size: size(f.size) })
        .collect();
    // At a 支委会 the committee signs in; other members who came sat in (列席).
    let committee: Vec<i64> = if m.kind == MeetingKind::CommitteeMeeting.code() {
        dangjian_store::orgs::committee(&st.db, m.org_id).await?.into_iter().map(|c| c.0).collect()
    } else {
        vec![]
    };
    let sat_in = |id: i64| !committee.is_empty() && !committee.contains(&id);
    let page = MeetingPage {
        title: "会议记录",
        observers: attendance.iter().filter(|a| a.2 && sat_in(a.0)).map(|a| a.1.clone()).collect(),
        page: Frame::for_user(me),
        org_id: org.id,
        org: org.name,
        kind: MeetingKind::from_code(&m.kind).map(|k| k.name()).unwrap_or("其他"),
        present: attendance.iter().filter(|a| a.2 && !sat_in(a.0)).map(|a| a.1.clone()).collect(),
        absent: attendance.iter().filter(|a| !a.2).map(|a| (a.1.clone(), a.3.clone())).collect(),
        files,
        errors,
        m,
    };
    Ok(Html(page.render()?).into_response())
}

/// `GET /platform/meetings/{id}`.
pub async fn page(State(st): State<AppState>, me: CurrentUser, Path(id): Path<i64>) -> Result<Response, AppError> {
    render(&st, &me, id, vec![]).await
}

/// Keeps the name a user gave the file (Chinese included) but drops path parts and
/// control characters, and makes the extension the one the content was sniffed as.
fn clean_name(given: &str, ext: &str) -> String {
    let base = given.rsplit(['/', '\\']).next().unwrap_or("");
    let stem = base.rsplit_once('.').map(|(s, _)| s).unwrap_or(base);
    let stem: String = stem.chars().filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>')).take(80).collect();
    let stem = stem.trim();
    format!("{}.{ext}", if stem.is_empty() { "附件" } else { stem })
}

/// `POST /platform/meetings/{id}/files` (multipart, field `file`).
pub async fn upload(
    State(st): State<AppState>,
    me: CurrentUser,
    Path(id): Path<i64>,
    req: Request,
) -> Result<Response, AppError> {
    // Scope first: an account outside the branch learns nothing from how the body parsed.
    meeting_in_scope(&st, &me, id).await?;
    let mut file = None;
    if let Ok(mut form) = Multipart::from_request(req, &st).await {
        loop {
            match form.next_field().await {
                Ok(Some(field)) if field.name() == Some("file") => {
                    let name = field.file_name().unwrap_or("").to_owned();
                    match field.bytes().await {
                        Ok(d) => file = Some((name, d)),
                        Err(_) => {
                            return render(&st, &me, id, vec!["文件过大或上传中断（单个附件不超过 20 MB）".into()])
                                .await;
                        }
                    }
                }
                Ok(Some(_)) => {}
                Ok(None) => break,
                Err(_) => return render(&st, &me, id, vec!["文件过大或上传中断（单个附件不超过 20 MB）".into()]).await,
            }
        }
    }
    let Some((given, data)) = file.filter(|(_, d)| !d.is_empty()) else {
        return render(&st, &me, id, vec!["请选择要上传的文件".into()]).await;
    };
    let Some(kind) = kind_of(&data) else {
        return render(
            &st,
            &me,
            id,
            vec![
                "不支持的文件类型：只能上传图片（PNG、JPEG、GIF、WebP）和 PDF、Word、Excel、PowerPoint、ZIP 文件"
                    .into(),
            ],
        )
        .await;
    };
    if data.len() > MAX_FILE {
        return render(&st, &me, id, vec!["文件过大：单个附件不超过 20 MB".into()]).await;
    }
    let name = clean_name(&given, kind.ext);
    let mime = infer::get(&data).map(|t| t.mime_type()).unwrap_or("application/octet-stream");
    let file_id = meetings::add_file(&st.db, id, &name, mime, &data, me.user.id, clock::now_micros()).await?;
    audit_trail::record(
        &st,
        Actor::User(&me),
        "meeting.file.add",
        &format!("meeting:{id}"),
        audit_trail::SUCCESS,
        &format!("#{file_id} {name} ({} bytes)", data.len()),
    )
    .await?;
    Ok(Redirect::to(&format!("/platform/meetings/{id}")).into_response())
}

/// `GET /platform/meetings/{id}/files/{file}`: always a download, never inline.
pub async fn download_file(
    State(st): State<AppState>,
    me: CurrentUser,
    Path((id, file)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    meeting_in_scope(&st, &me, id).await?;
    let (info, data) =
        meetings::file(&st.db, file).await?.filter(|(f, _)| f.meeting_id == id).ok_or(AppError::NotFound)?;
    let ext = info.name.rsplit_once('.').map(|(_, e)| e).unwrap_or("bin");
    Ok(download::attachment(data, &info.mime, &format!("meeting-{id}-{file}.{ext}"), &info.name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_keep_chinese_and_lose_paths_and_fake_extensions() {
        assert_eq!(clean_name("C:\\Users\\a\\签到表.jpg", "png"), "签到表.png");
        assert_eq!(clean_name("../../etc/passwd", "pdf"), "passwd.pdf");
        assert_eq!(clean_name("", "pdf"), "附件.pdf");
        assert_eq!(clean_name("会议\"记录\r\n.docx", "docx"), "会议记录.docx");
    }

    #[test]
    fn sizes_read_naturally() {
        assert_eq!(size(1), "1 KB");
        assert_eq!(size(3 * MB as i64 / 2), "1.5 MB");
    }
}
