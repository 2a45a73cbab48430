//! `POST /admin/articles/import`: a Word (.docx) file becomes a new draft — government
//! staff write in Word. Images inside the document go to the media store and the
//! Markdown points at them; what could not be kept is listed for the editor.

use axum::{
    extract::{FromRequest, Multipart, Request, State},
    response::{IntoResponse, Redirect, Response},
};
use dangjian_domain::clock;
use dangjian_store::revisions::{self, Fields};

use super::{
    audit_trail::{self, Actor},
    current::CurrentUser,
    media_upload::{self, kind_of},
    scope,
};
use crate::{AppError, AppState, chrome::urlencode};

pub async fn import(State(st): State<AppState>, me: CurrentUser, req: Request) -> Result<Response, AppError> {
    let writable = scope::writable_channels(&st, &me).await?;
    if writable.is_empty() {
        return Err(AppError::Forbidden);
    }
    let Ok(mut form) = Multipart::from_request(req, &st).await else {
        return Err(AppError::Conflict("请选择要导入的 Word 文件（.docx）".into()));
    };
    let (mut channel, mut file) = (None, None);
    while let Ok(Some(field)) = form.next_field().await {
        match field.name() {
            Some("import_channel") => channel = field.text().await.ok().and_then(|t| t.trim().parse::<i64>().ok()),
            Some("file") => {
                let name = field.file_name().unwrap_or("").to_owned();
                let bytes =
                    field.bytes().await.map_err(|_| AppError::Conflict("文件过大或上传中断（不超过 50 MB）".into()))?;
                file = Some((name, bytes));
            }
            _ => {}
        }
    }
    let channel =
        channel.filter(|c| writable.contains(c)).ok_or(AppError::Conflict("请选择您有权编辑的栏目".into()))?;
    let Some((name, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return Err(AppError::Conflict("请选择要导入的 Word 文件（.docx）".into()));
    };
    let doc = dangjian_docx::import(&bytes, &dangjian_docx::Limits::default())
        .map_err(|e| AppError::Conflict(e.to_string()))?;
    let mut markdown = doc.markdown;
    for img in &doc.images {
        let Some(kind) = kind_of(&img.bytes).filter(|k| k.image) else {
            // A format the portal cannot show: drop the reference, not leave a dead one.
            markdown = markdown.replace(&format!("![]({})", img.placeholder), "").replace(&img.placeholder, "");
            continue;
        };
        let url = media_upload::store(&st, &img.bytes, kind).await?;
        markdown = markdown.replace(&img.placeholder, &url);
    }
    let title = doc
        .title
        .filter(|t| !t.trim().is_empty())
        .unwrap_or_else(|| name.rsplit_once('.').map(|(b, _)| b.to_owned()).unwrap_or(name.clone()));
    let title: String = title.chars().take(200).collect();
    let body_html = dangjian_markup::render(&markdown);
    let fields = Fields {
        channel_id: channel,
        summary: dangjian_domain::text::truncate_width(&dangjian_markup::plain_text(&body_html), 160),
        title,
        body_md: markdown,
        body_html,
        publisher: me.user.display_name.clone(),
        source_unit: me.user.source_unit.clone(),
        ..Default::default()
    };
    let (article_id, _) = revisions::create_article(&st.db, &fields, me.user.id, clock::now_micros()).await?;
    let detail = format!("{name}; {} images; {}", doc.images.len(), doc.warnings.join("；"));
    audit_trail::record(
        &st,
        Actor::User(&me),
        "article.import",
        &format!("article:{article_id}"),
        audit_trail::SUCCESS,
        &detail,
    )
    .await?;
    let notes = if doc.warnings.is_empty() {
        String::new()
    } else {
        format!("&notes={}", urlencode(&doc.warnings.join("；")))
    };
    Ok(Redirect::to(&format!("/admin/articles/{article_id}/edit?saved=1&imported=1{notes}")).into_response())
}
