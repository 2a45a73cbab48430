//! The askama templates of the portal (checked at compile time, escaped by default).

use askama::Template;
use axum::http::StatusCode;
use dangjian_domain::paging::Page;
use dangjian_store::{
    articles::{Article, ArticleItem},
    channels::Channel,
};

use super::{Block, Row, meta::Meta};
use crate::chrome::Chrome;

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub chrome: Chrome,
    pub title: String,
    pub meta: Meta,
    pub lead: Option<ArticleItem>,
    pub lead_summary: String,
    pub headlines: Vec<Row>,
    pub notice: Option<Block>,
    pub blocks: Vec<Block>,
}

/// A link in the pager; `number` is `None` for a gap.
pub struct PageLink {
    pub number: Option<u32>,
    pub href: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "channel.html")]
pub struct ChannelPage {
    pub chrome: Chrome,
    pub title: String,
    pub meta: Meta,
    pub channel: Channel,
    pub rows: Vec<Row>,
    pub total: i64,
    pub page: Page,
    pub page_links: Vec<PageLink>,
    pub prev_href: Option<String>,
    pub next_href: Option<String>,
}

#[derive(Template)]
#[template(path = "article.html")]
pub struct ArticlePage {
    pub chrome: Chrome,
    pub title: String,
    pub meta: Meta,
    pub channel: Channel,
    pub article: Article,
    pub published: String,
    /// [`crate::cache::COUNT_MARK`]: the count is spliced in per request.
    pub views: &'static str,
    pub notice: Block,
    pub prev: Option<ArticleItem>,
    pub next: Option<ArticleItem>,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub chrome: Chrome,
    pub title: String,
    pub meta: Meta,
    pub heading: String,
    pub message: String,
    pub request_id: String,
    pub show_request_id: bool,
}

impl ErrorPage {
    pub fn new(chrome: Chrome, status: StatusCode, request_id: String) -> Self {
        let (heading, message) = match status {
            StatusCode::NOT_FOUND => ("页面不存在", "您访问的页面不存在或已被删除，请检查网址是否正确。"),
            StatusCode::BAD_REQUEST => ("请求有误", "请求的参数不正确，请返回后重试。"),
            StatusCode::CONFLICT => ("操作未完成", "该内容已被他人修改，请刷新后重试。"),
            StatusCode::FORBIDDEN => ("没有权限", "您的账号没有执行此操作的权限。如需开通，请联系安全管理员。"),
            _ => ("服务器暂时无法处理您的请求", "请稍后再试。如问题持续出现，请联系网站管理员。"),
        };
        let title = format!("{heading} - {}", chrome.site.name);
        let meta = super::meta::site(&chrome.site);
        ErrorPage {
            chrome,
            title,
            meta,
            heading: heading.into(),
            message: message.into(),
            show_request_id: status.is_server_error(),
            request_id,
        }
    }
}
