//! 资料中心 on the portal: a download channel lists its documents with type, size, date and
//! download count; `/download/{id}` counts the download and sends the file as an
//! attachment under its Chinese name (`filename*=UTF-8''…`), never inline, with `nosniff`.

use askama::Template;
use axum::{
    body::Body,
    extract::{Path, State},
    http::{HeaderMap, HeaderValue, Method, header},
    response::{Html, IntoResponse, Response},
};
use dangjian_domain::clock;
use dangjian_store::{channels::Channel, documents};
use tokio_util::io::ReaderStream;

use super::meta::{self, Meta};
use crate::{
    AppError, AppState,
    chrome::{Chrome, Prefs, SiteData},
    platform::download::disposition,
};

/// Documents listed on a channel page.
pub const LIST_LIMIT: i64 = 200;

pub struct DocRow {
    pub id: i64,
    pub title: String,
    pub kind: &'static str,
    pub size: String,
    pub date: String,
    pub downloads: i64,
}

#[derive(Template)]
#[template(path = "documents.html")]
pub struct DocumentsPage {
    pub chrome: Chrome,
    pub title: String,
    pub meta: Meta,
    pub channel: Channel,
    pub rows: Vec<DocRow>,
}

fn kind_name(ext: &str) -> &'static str {
    match ext {
        "pdf" => "PDF",
        "doc" | "docx" => "Word",
        "xls" | "xlsx" => "Excel",
        "ppt" | "pptx" => "PowerPoint",
        "wps" | "et" | "dps" => "WPS",
        "zip" => "ZIP 压缩包",
        _ => "文件",
    }
}

fn size(bytes: i64) -> String {
    const MB: i64 = 1024 * 1024;
    if bytes >= MB { format!("{:.1} MB", bytes as f64 / MB as f64) } else { format!("{} KB", (bytes + 1023) / 1024) }
}

/// The list of a `download` channel (called by the channel page).
pub async fn channel_page(
    st: &AppState,
    data: &SiteData,
    channel: Channel,
    headers: &HeaderMap,
    path: String,
) -> Result<Response, AppError> {
    // The page frame comes from the render cache's site data: no settings/channels query.
    let chrome = Chrome::new(data, &channel.slug, Prefs::from_request(headers, None), path);
    let rows = documents::in_channel(&st.db, channel.id, LIST_LIMIT)
        .await?
        .into_iter()
        .map(|d| DocRow {
            id: d.id,
            kind: kind_name(&d.ext),
            size: size(d.size),
            date: clock::format_date(d.published_at),
            downloads: d.downloads,
            title: d.title,
        })
        .collect();
    let view = DocumentsPage {
        title: format!("{} - {}", channel.name, chrome.site.name),
        meta: meta::column(&chrome.site, &channel),
        rows,
        channel,
        chrome,
    };
    Ok(Html(view.render()?).into_response())
}

/// `GET /download/{id}`: streams the file (memory stays flat for large files).
pub async fn download(State(st): State<AppState>, method: Method, Path(id): Path<i64>) -> Result<Response, AppError> {
    let doc = documents::get(&st.db, id).await.map_err(|_| AppError::NotFound)?;
    let file = tokio::fs::File::open(st.config.documents_dir.join(&doc.path)).await.map_err(|_| AppError::NotFound)?;
    // A HEAD (a link checker, a download manager probing) is not a download.
    if method != Method::HEAD {
        documents::count_download(&st.db, id).await?;
    }
    let mut r = Response::new(Body::from_stream(ReaderStream::new(file)));
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&doc.mime).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(header::CONTENT_LENGTH, HeaderValue::from(doc.size as u64));
    h.insert(header::CONTENT_DISPOSITION, disposition(&format!("document-{id}.{}", doc.ext), &doc.file_name));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    Ok(r.into_response())
}
