//! `/admin/documents`: editors of a 资料中心 (download) channel publish documents — PDF,
//! Word, Excel, PowerPoint, WPS and ZIP, told apart by content, never by the name. The
//! file goes to the documents store under a random name; the portal serves it only
//! through `/download/{id}`.

use askama::Template;
use axum::{
    extract::{FromRequest, Multipart, Request, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::clock;
use dangjian_store::{channels, documents};

use super::{
    audit_trail::{self, Actor},
    current::CurrentUser,
    nav::Frame,
    passwords::random_token,
    scope,
};
use crate::{AppError, AppState};

const MB: usize = 1024 * 1024;

/// The largest document.
pub const MAX_DOCUMENT: usize = 100 * MB;

/// The request body limit of the upload route.
pub const MAX_BODY: usize = MAX_DOCUMENT + 64 * 1024;

/// What a document may be: (extension, MIME type) from the content. WPS files are OLE
/// compound documents like old Word files, so for those the name's extension decides
/// between the OLE family members.
pub fn document_kind(bytes: &[u8], given_name: &str) -> Option<(&'static str, &'static str)> {
    let given_ext = given_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let t = infer::get(bytes)?;
    Some(match t.mime_type() {
        "application/pdf" => ("pdf", "application/pdf"),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => {
            ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
        }
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => {
            ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        }
        "application/vnd.openxmlformats-officedocument.presentationml.presentation" => {
            ("pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation")
        }
        "application/zip" => ("zip", "application/zip"),
        "application/msword"
        | "application/vnd.ms-excel"
        | "application/vnd.ms-powerpoint"
        | "application/x-ole-storage" => match given_ext.as_str() {
            "wps" => ("wps", "application/vnd.ms-works"),
            "et" => ("et", "application/vnd.ms-excel"),
            "dps" => ("dps", "application/vnd.ms-powerpoint"),
            "xls" => ("xls", "application/vnd.ms-excel"),
            "ppt" => ("ppt", "application/vnd.ms-powerpoint"),
            _ => ("doc", "application/msword"),
        },
        _ => return None,
    })
}

#[derive(Template)]
#[template(path = "admin/documents.html")]
struct DocumentsPage {
    title: &'static str,
    page: Frame,
    channels: Vec<(i64, String)>,
    errors: Vec<String>,
}

/// The download channels this account may publish in.
async fn download_channels(st: &AppState, me: &CurrentUser) -> Result<Vec<(i64, String)>, AppError> {
    let writable = scope::writable_channels(st, me).await?;
    Ok(channels::list(&st.db)
        .await?
        .into_iter()
        .filter(|c| c.kind == "download" && writable.contains(&c.id))
        .map(|c| (c.id, c.name))
        .collect())
}

fn render(me: &CurrentUser, channels: Vec<(i64, String)>, errors: Vec<String>) -> Result<Response, AppError> {
    let page = DocumentsPage { title: "资料中心", page: Frame::for_user(me), channels, errors };
    Ok(Html(page.render()?).into_response())
}

/// `GET /admin/documents`.
pub async fn form(State(st): State<AppState>, me: CurrentUser) -> Result<Response, AppError> {
    let channels = download_channels(&st, &me).await?;
    if channels.is_empty() {
        return Err(AppError::Forbidden);
    }
    render(&me, channels, vec![])
}

/// `POST /admin/documents` (multipart: `channel_id`, `title`, `file`).
pub async fn upload(State(st): State<AppState>, me: CurrentUser, req: Request) -> Result<Response, AppError> {
    let channels = download_channels(&st, &me).await?;
    if channels.is_empty() {
        return Err(AppError::Forbidden);
    }
    let (mut channel, mut title, mut file) = (None, String::new(), None);
    let too_big = "文件过大或上传中断（单个文件不超过 100 MB）";
    if let Ok(mut form) = Multipart::from_request(req, &st).await {
        loop {
            match form.next_field().await {
                Ok(Some(field)) => match field.name().unwrap_or("") {
                    "channel_id" => channel = field.text().await.ok().and_then(|t| t.trim().parse::<i64>().ok()),
                    "title" => title = field.text().await.unwrap_or_default().trim().chars().take(200).collect(),
                    "file" => {
                        let name = field.file_name().unwrap_or("").to_owned();
                        match field.bytes().await {
                            Ok(d) => file = Some((name, d)),
                            Err(_) => return render(&me, channels, vec![too_big.into()]),
                        }
                    }
                    _ => {}
                },
                Ok(None) => break,
                Err(_) => return render(&me, channels, vec![too_big.into()]),
            }
        }
    }
    let mut errors = Vec::new();
    let Some(channel_id) = channel.filter(|c| channels.iter().any(|(id, _)| id == c)) else {
        return render(&me, channels, vec!["请选择可发布的资料栏目".into()]);
    };
    let Some((given, data)) = file.filter(|(_, d)| !d.is_empty()) else {
        return render(&me, channels, vec!["请选择要上传的文件".into()]);
    };
    let Some((ext, mime)) = document_kind(&data, &given) else {
        return render(
            &me,
            channels,
            vec!["不支持的文件类型：只能上传 PDF、Word、Excel、PowerPoint、WPS 和 ZIP 文件".into()],
        );
    };
    if data.len() > MAX_DOCUMENT {
        errors.push(too_big.to_owned());
    }
    let base = given.rsplit(['/', '\\']).next().unwrap_or("");
    let stem: String = base
        .rsplit_once('.')
        .map(|(s, _)| s)
        .unwrap_or(base)
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, '"' | '<' | '>'))
        .take(100)
        .collect();
    let stem = stem.trim();
    if title.is_empty() {
        title = stem.to_owned();
    }
    if title.is_empty() {
        errors.push("请填写资料标题".into());
    }
    if !errors.is_empty() {
        return render(&me, channels, errors);
    }
    let now = clock::now_micros();
    let when = clock::from_micros(now);
    let rel = format!("{:04}/{:02}/{}.{ext}", when.year(), u8::from(when.month()), random_token(12));
    let full = st.config.documents_dir.join(&rel);
    if let Some(dir) = full.parent() {
        tokio::fs::create_dir_all(dir).await.map_err(|e| AppError::Internal(format!("documents dir: {e}")))?;
    }
    // Written under a temporary name and renamed, so a reader never sees half a file.
    let tmp = full.with_extension(format!("{ext}.part"));
    tokio::fs::write(&tmp, &data).await.map_err(|e| AppError::Internal(format!("document write: {e}")))?;
    tokio::fs::rename(&tmp, &full).await.map_err(|e| AppError::Internal(format!("document rename: {e}")))?;
    let doc = documents::NewDocument {
        channel_id,
        title: title.clone(),
        file_name: format!("{}.{ext}", if stem.is_empty() { title.as_str() } else { stem }),
        ext: ext.into(),
        mime: mime.into(),
        size: data.len() as i64,
        path: rel,
        published_at: now,
        created_by: Some(me.user.id),
    };
    let id = match documents::insert(&st.db, &doc).await {
        Ok(id) => id,
        Err(e) => {
            // No row, no file: nothing half-written stays behind.
            let _ = tokio::fs::remove_file(&full).await;
            return Err(e.into());
        }
    };
    audit_trail::record(
        &st,
        Actor::User(&me),
        "document.publish",
        &format!("document:{id}"),
        audit_trail::SUCCESS,
        &title,
    )
    .await?;
    Ok(Redirect::to("/admin/documents?published=1").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_content() {
        assert_eq!(document_kind(b"%PDF-1.7\n", "x.exe").map(|k| k.0), Some("pdf"));
        assert_eq!(document_kind(b"<html><script>", "a.pdf"), None);
        assert_eq!(document_kind(b"MZ\x90\x00", "a.pdf"), None);
        let ole = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0, 0, 0, 0, 0, 0, 0];
        let wps = document_kind(&ole, "通知.WPS").map(|k| k.0);
        assert!(matches!(wps, Some("wps")), "{wps:?}");
    }
}
