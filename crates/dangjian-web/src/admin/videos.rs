//! `/admin/videos`: editors of a 视频点播 (video) channel publish MP4 or WebM videos,
//! told apart by content. The upload streams to a spool file (memory stays flat for a
//! 2 GB file), the length comes from `ffprobe`, the poster is the editor's image, else a
//! frame taken by `ffmpeg`, else a generated placeholder. Nothing half-written remains
//! when any step fails: no row without its file, no file without its row.

use std::path::{Path, PathBuf};

use askama::Template;
use axum::{
    extract::{FromRequest, Multipart, Path as UrlPath, Request, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use dangjian_domain::clock;
use dangjian_store::{
    channels,
    videos::{self, Video},
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{
    audit_trail::{self, Actor},
    current::CurrentUser,
    nav::Frame,
    passwords::random_token,
    scope,
};
use crate::{
    AppError, AppState,
    video_tools::{format_duration, placeholder_svg, poster_kind, video_kind},
};

const MB: u64 = 1024 * 1024;

/// The largest video.
pub const MAX_VIDEO: u64 = 2048 * MB;

/// The largest poster image.
pub const MAX_POSTER: usize = 5 * MB as usize;

/// The request body limit of the upload route.
pub const MAX_BODY: usize = (MAX_VIDEO + 8 * MB) as usize;

#[derive(Template)]
#[template(path = "admin/videos.html")]
struct VideosPage {
    title: &'static str,
    page: Frame,
    channels: Vec<(i64, String)>,
    errors: Vec<String>,
    rows: Vec<Row>,
    published: bool,
    has_ffmpeg: bool,
}

struct Row {
    id: i64,
    title: String,
    channel: String,
    duration: String,
    size: String,
    date: String,
    views: i64,
    live: bool,
    poster_kind: &'static str,
}

fn row(v: Video, channels: &[(i64, String)]) -> Row {
    Row {
        id: v.id,
        channel: channels.iter().find(|c| c.0 == v.channel_id).map(|c| c.1.clone()).unwrap_or_default(),
        duration: format_duration(v.duration_ms),
        size: format!("{:.1} MB", v.size as f64 / MB as f64),
        date: clock::format_minute(v.published_at),
        views: v.views,
        live: v.status == "published",
        poster_kind: match v.poster_kind.as_str() {
            "uploaded" => "上传",
            "frame" => "视频截图",
            _ => "自动生成",
        },
        title: v.title,
    }
}

/// The video channels this account may publish in.
async fn video_channels(st: &AppState, me: &CurrentUser) -> Result<Vec<(i64, String)>, AppError> {
    let writable = scope::writable_channels(st, me).await?;
    Ok(channels::list(&st.db)
        .await?
        .into_iter()
        .filter(|c| c.kind == "video" && writable.contains(&c.id))
        .map(|c| (c.id, c.name))
        .collect())
}

async fn render(
    st: &AppState,
    me: &CurrentUser,
    channels: Vec<(i64, String)>,
    errors: Vec<String>,
    published: bool,
) -> Result<Response, AppError> {
    let ids: Vec<i64> = channels.iter().map(|c| c.0).collect();
    let rows = videos::for_channels(&st.db, &ids, 200).await?.into_iter().map(|v| row(v, &channels)).collect();
    let page = VideosPage {
        title: "视频点播",
        page: Frame::for_user(me),
        channels,
        errors,
        rows,
        published,
        has_ffmpeg: st.config.video_tools.ffmpeg.is_some(),
    };
    Ok(Html(page.render()?).into_response())
}

#[derive(serde::Deserialize)]
pub struct Flags {
    published: Option<String>,
}

/// `GET /admin/videos`.
pub async fn form(
    State(st): State<AppState>,
    me: CurrentUser,
    axum::extract::Query(q): axum::extract::Query<Flags>,
) -> Result<Response, AppError> {
    let channels = video_channels(&st, &me).await?;
    if channels.is_empty() {
        return Err(AppError::Forbidden);
    }
    render(&st, &me, channels, vec![], q.published.is_some()).await
}

/// A spool file that removes itself unless it was moved into the store.
struct Spool(PathBuf);

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// What the multipart form held.
#[derive(Default)]
struct Upload {
    channel: Option<i64>,
    title: String,
    summary: String,
    poster: Option<Vec<u8>>,
    video: Option<(Spool, u64)>,
}

const TOO_BIG: &str = "文件过大或上传中断（视频不超过 2 GB，封面图片不超过 5 MB）";

/// Reads the form, streaming the video into a spool file.
async fn read_form(st: &AppState, req: Request) -> Result<Upload, String> {
    let mut up = Upload::default();
    let mut form = Multipart::from_request(req, st).await.map_err(|_| "请用上传表单提交".to_owned())?;
    let spool_dir = st.media().map_err(|e| e.to_string())?.incoming_dir().await.map_err(|e| e.to_string())?;
    while let Some(mut field) = form.next_field().await.map_err(|_| TOO_BIG.to_owned())? {
        match field.name().unwrap_or("") {
            "channel_id" => up.channel = field.text().await.ok().and_then(|t| t.trim().parse().ok()),
            "title" => up.title = field.text().await.unwrap_or_default().trim().chars().take(200).collect(),
            "summary" => up.summary = field.text().await.unwrap_or_default().trim().chars().take(1000).collect(),
            "poster" => {
                let data = field.bytes().await.map_err(|_| TOO_BIG.to_owned())?;
                if data.len() > MAX_POSTER {
                    return Err(TOO_BIG.into());
                }
                up.poster = (!data.is_empty()).then(|| data.to_vec());
            }
            "video" => {
                let spool = Spool(spool_dir.join(format!("{}.part", random_token(12))));
                let mut file = tokio::fs::File::create(&spool.0).await.map_err(|e| format!("无法写入临时文件：{e}"))?;
                let mut size = 0u64;
                while let Some(chunk) = field.chunk().await.map_err(|_| TOO_BIG.to_owned())? {
                    size += chunk.len() as u64;
                    if size > MAX_VIDEO {
                        return Err(TOO_BIG.into());
                    }
                    file.write_all(&chunk).await.map_err(|e| format!("无法写入临时文件：{e}"))?;
                }
                file.flush().await.map_err(|e| format!("无法写入临时文件：{e}"))?;
                if size > 0 {
                    up.video = Some((spool, size));
                }
            }
            _ => {}
        }
    }
    Ok(up)
}

/// The first bytes of the spooled file, enough for the type check (`infer` needs more
/// than 256 bytes to see WebM's doctype).
async fn head_of(path: &Path) -> Vec<u8> {
    let mut head = vec![0u8; 1024];
    let mut n = 0;
    if let Ok(mut f) = tokio::fs::File::open(path).await {
        // `read` may return less than asked: fill the buffer or reach the end.
        while n < head.len() {
            match f.read(&mut head[n..]).await {
                Ok(0) | Err(_) => break,
                Ok(k) => n += k,
            }
        }
    }
    head.truncate(n);
    head
}

/// `POST /admin/videos` (multipart: `channel_id`, `title`, `summary`, `video`, `poster`).
pub async fn upload(State(st): State<AppState>, me: CurrentUser, req: Request) -> Result<Response, AppError> {
    let channels = video_channels(&st, &me).await?;
    if channels.is_empty() {
        return Err(AppError::Forbidden);
    }
    let up = match read_form(&st, req).await {
        Ok(up) => up,
        Err(e) => return render(&st, &me, channels, vec![e], false).await,
    };
    let Some(channel_id) = up.channel.filter(|c| channels.iter().any(|(id, _)| id == c)) else {
        return render(&st, &me, channels, vec!["请选择可发布的视频栏目".into()], false).await;
    };
    let Some((spool, size)) = up.video else {
        return render(&st, &me, channels, vec!["请选择要上传的视频文件".into()], false).await;
    };
    let mut errors = Vec::new();
    let kind = video_kind(&head_of(&spool.0).await);
    if kind.is_none() {
        errors.push("不支持的视频格式：只能上传 MP4 或 WebM 视频".to_owned());
    }
    let poster = match &up.poster {
        Some(bytes) => match poster_kind(bytes) {
            Some(k) => Some((k.0, bytes.clone())),
            None => {
                errors.push("封面图片只能是 JPEG、PNG 或 WebP".into());
                None
            }
        },
        None => None,
    };
    if up.title.is_empty() {
        errors.push("请填写视频标题".into());
    }
    let (Some((ext, mime)), true) = (kind, errors.is_empty()) else {
        return render(&st, &me, channels, errors, false).await;
    };
    let tools = &st.config.video_tools;
    let duration_ms = tools.duration_ms(&spool.0).await;
    let (poster_ext, poster_bytes, poster_source) = match poster {
        Some((e, b)) => (e, b, "uploaded"),
        None => match tools.poster_jpeg(&spool.0, duration_ms).await {
            Some(jpeg) => ("jpg", jpeg, "frame"),
            None => ("svg", placeholder_svg(&up.title).into_bytes(), "placeholder"),
        },
    };
    let now = clock::now_micros();
    let when = clock::from_micros(now);
    let dir = format!("{:04}/{:02}", when.year(), u8::from(when.month()));
    let token = random_token(12);
    let media_key = format!("videos/{dir}/{token}.{ext}");
    let poster_key = format!("posters/{dir}/{token}.{poster_ext}");
    let store = st.media()?;
    store.put_file(&media_key, &spool.0).await.map_err(AppError::Internal)?;
    if let Err(e) = store.put_bytes(&poster_key, poster_bytes).await {
        store.delete(&media_key).await;
        return Err(AppError::Internal(e));
    }
    let new = videos::NewVideo {
        channel_id,
        title: up.title.clone(),
        summary: up.summary,
        media_key: media_key.clone(),
        mime: mime.into(),
        size: size as i64,
        duration_ms,
        poster_key: poster_key.clone(),
        poster_kind: poster_source.into(),
        published_at: now,
        created_by: Some(me.user.id),
    };
    let id = match videos::insert(&st.db, &new).await {
        Ok(id) => id,
        Err(e) => {
            store.delete(&media_key).await;
            store.delete(&poster_key).await;
            return Err(e.into());
        }
    };
    audit_trail::record(
        &st,
        Actor::User(&me),
        "video.publish",
        &format!("video:{id}"),
        audit_trail::SUCCESS,
        &up.title,
    )
    .await?;
    Ok(Redirect::to("/admin/videos?published=1").into_response())
}

/// `POST /admin/videos/{id}/{withdraw|publish}`: takes a video off the portal or puts it
/// back; only in a channel this account may publish in.
pub async fn act(
    State(st): State<AppState>,
    me: CurrentUser,
    UrlPath((id, action)): UrlPath<(String, String)>,
) -> Result<Response, AppError> {
    let channels = video_channels(&st, &me).await?;
    if channels.is_empty() {
        return Err(AppError::Forbidden);
    }
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let video = videos::get_any(&st.db, id).await.map_err(|_| AppError::NotFound)?;
    if !channels.iter().any(|c| c.0 == video.channel_id) {
        return Err(AppError::NotFound);
    }
    let (from, to, event) = match action.as_str() {
        "withdraw" => ("published", "withdrawn", "video.withdraw"),
        "publish" => ("withdrawn", "published", "video.republish"),
        _ => return Err(AppError::NotFound),
    };
    if let Err(e) = videos::set_status(&st.db, id, from, to).await {
        return render(&st, &me, channels, vec![e.to_string()], false).await;
    }
    audit_trail::record(&st, Actor::User(&me), event, &format!("video:{id}"), audit_trail::SUCCESS, &video.title)
        .await?;
    Ok(Redirect::to("/admin/videos").into_response())
}
