//! `POST /admin/media`: images and attachments for articles. The type is decided by the
//! file's content (magic bytes), never by its name; size limits by type; files land in
//! the media store under a random name, so an upload can never overwrite another.

use axum::{
    Json,
    extract::{FromRequest, Multipart, Request, State},
    http::{HeaderMap, header},
    response::{Html, IntoResponse, Response},
};
use dangjian_domain::clock;
use serde::Serialize;

use super::{
    audit_trail::{self, Actor},
    current::CurrentUser,
    passwords::random_token,
    scope,
};
use crate::{AppError, AppState};

/// What an accepted upload is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    pub ext: &'static str,
    pub image: bool,
    pub max_bytes: usize,
}

const MB: usize = 1024 * 1024;

/// Accepted types by sniffed MIME type. Anything else is refused.
pub fn kind_of(bytes: &[u8]) -> Option<Kind> {
    let t = infer::get(bytes)?;
    let (ext, image, max) = match t.mime_type() {
        "image/png" => ("png", true, 10 * MB),
        "image/jpeg" => ("jpg", true, 10 * MB),
        "image/gif" => ("gif", true, 10 * MB),
        "image/webp" => ("webp", true, 10 * MB),
        "application/pdf" => ("pdf", false, 50 * MB),
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => ("docx", false, 50 * MB),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => ("xlsx", false, 50 * MB),
        "application/vnd.openxmlformats-officedocument.presentationml.presentation" => ("pptx", false, 50 * MB),
        "application/msword" => ("doc", false, 50 * MB),
        "application/vnd.ms-excel" => ("xls", false, 50 * MB),
        "application/zip" => ("zip", false, 50 * MB),
        _ => return None,
    };
    Some(Kind { ext, image, max_bytes: max })
}

/// The largest upload the route accepts at all (the body limit).
pub const MAX_UPLOAD: usize = 50 * MB + 64 * 1024;

#[derive(Serialize)]
pub struct Uploaded {
    pub url: String,
    pub markdown: String,
    pub name: String,
    pub bytes: usize,
}

fn escape_md(s: &str) -> String {
    s.chars().filter(|c| !matches!(c, '[' | ']' | '(' | ')' | '<' | '>' | '`' | '*' | '_' | '\n' | '\r')).collect()
}

/// Stores the bytes under `<media>/YYYY/MM/<random>.<ext>` (written to a temporary
/// name, then renamed, so a reader never sees half a file). Returns the public URL.
pub async fn store(st: &AppState, bytes: &[u8], kind: Kind) -> Result<String, AppError> {
    let now = clock::from_micros(clock::now_micros());
    let dir = format!("{:04}/{:02}", now.year(), u8::from(now.month()));
    let name = format!("{}.{}", random_token(12), kind.ext);
    let full_dir = st.config.media_dir.join(&dir);
    tokio::fs::create_dir_all(&full_dir).await.map_err(|e| AppError::Internal(format!("media dir: {e}")))?;
    let tmp = full_dir.join(format!(".{name}.part"));
    tokio::fs::write(&tmp, bytes).await.map_err(|e| AppError::Internal(format!("media write: {e}")))?;
    tokio::fs::rename(&tmp, full_dir.join(&name))
        .await
        .map_err(|e| AppError::Internal(format!("media rename: {e}")))?;
    Ok(format!("/media/{dir}/{name}"))
}

pub async fn upload(
    State(st): State<AppState>,
    me: CurrentUser,
    headers: HeaderMap,
    req: Request,
) -> Result<Response, AppError> {
    // Permission first: a refused account learns nothing from how its body was parsed.
    if scope::writable_channels(&st, &me).await?.is_empty() {
        return Err(AppError::Forbidden);
    }
    let wants_json =
        headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|a| a.contains("application/json"));
    let fail = |msg: &str| -> Result<Response, AppError> {
        if wants_json {
            Ok((
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                Json(serde_json::json!({ "field": "file", "error": msg })),
            )
                .into_response())
        } else {
            Err(AppError::Conflict(msg.to_owned()))
        }
    };
    let Ok(mut form) = Multipart::from_request(req, &st).await else {
        return fail("请选择要上传的文件");
    };
    let mut file = None;
    while let Some(field) = form.next_field().await.map_err(|_| AppError::BadRequest)? {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("").to_owned();
            let data = match field.bytes().await {
                Ok(d) => d,
                Err(_) => return fail("文件过大或上传中断（单个文件不超过 50 MB）"),
            };
            file = Some((name, data));
        }
    }
    let Some((name, data)) = file else { return fail("请选择要上传的文件") };
    if data.is_empty() {
        return fail("文件是空的");
    }
    let Some(kind) = kind_of(&data) else {
        audit_trail::record(&st, Actor::User(&me), "media.upload", &name, audit_trail::DENIED, "type not allowed")
            .await?;
        return fail("不支持的文件类型：只能上传 PNG、JPEG、GIF、WebP 图片和 PDF、Word、Excel、PowerPoint、ZIP 文件");
    };
    if data.len() > kind.max_bytes {
        return fail(&format!(
            "文件过大：{} 不能超过 {} MB",
            if kind.image { "图片" } else { "附件" },
            kind.max_bytes / MB
        ));
    }
    let url = store(&st, &data, kind).await?;
    let label = escape_md(name.rsplit_once('.').map(|(b, _)| b).unwrap_or(&name));
    let markdown = if kind.image { format!("![{label}]({url})") } else { format!("[附件：{label}]({url})") };
    audit_trail::record(
        &st,
        Actor::User(&me),
        "media.upload",
        &url,
        audit_trail::SUCCESS,
        &format!("{name} ({} bytes)", data.len()),
    )
    .await?;
    let up = Uploaded { url, markdown, name, bytes: data.len() };
    if wants_json {
        return Ok(Json(up).into_response());
    }
    let esc = |s: &str| s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    Ok(Html(format!(
        "<!doctype html><meta charset=utf-8><title>已上传</title><p>已上传。请将下面的内容复制到正文中：</p><pre>{}</pre><p><a href=\"/admin/articles\">返回稿件管理</a></p>",
        esc(&up.markdown)
    ))
    .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_content_not_names() {
        let png = [0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, b'I', b'H', b'D', b'R'];
        assert_eq!(kind_of(&png).map(|k| k.ext), Some("png"));
        assert_eq!(kind_of(b"%PDF-1.7\n").map(|k| k.ext), Some("pdf"));
        assert!(kind_of(b"<html><script>alert(1)</script>").is_none());
        assert!(kind_of(b"MZ\x90\x00").is_none(), "executables refused");
        assert!(kind_of(b"").is_none());
    }

    #[test]
    fn labels_cannot_break_markdown() {
        assert_eq!(escape_md("a](javascript:x)["), "ajavascript:x");
    }
}
