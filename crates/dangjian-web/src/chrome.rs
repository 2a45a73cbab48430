//! The parts of every portal page around the content: header, channel bar, friendly
//! links and footer. All of it comes from the database (site settings, channels, links).

use std::collections::BTreeMap;

use axum::http::HeaderMap;
use dangjian_store::{Db, channels::Channel, links::Link};

use crate::{assets, cookies};

/// Site identity and footer text, from the `settings` table.
#[derive(Debug, Clone, Default)]
pub struct Site {
    pub name: String,
    pub welcome: String,
    pub domain: String,
    /// 网站标识码 (optional).
    pub id_code: String,
    pub owner: String,
    pub host_unit: String,
    pub phone: String,
    pub fax: String,
    pub icp: String,
    /// 公安备案号 (optional).
    pub police_record: String,
    pub tech_support: String,
    pub copyright_year: String,
    pub description: String,
    pub keywords: String,
}

impl Site {
    fn from_settings(s: &BTreeMap<String, String>) -> Self {
        let g = |k: &str| s.get(k).cloned().unwrap_or_default();
        let name = g("site_name");
        Site {
            welcome: s.get("welcome").cloned().unwrap_or_else(|| format!("您好，欢迎访问{name}！")),
            name: if name.is_empty() { "机关党建网".into() } else { name },
            domain: g("site_domain"),
            id_code: g("site_id_code"),
            owner: g("owner"),
            host_unit: g("host_unit"),
            phone: g("phone"),
            fax: g("fax"),
            icp: g("icp"),
            police_record: g("police_record"),
            tech_support: g("tech_support"),
            copyright_year: g("copyright_year"),
            description: g("description"),
            keywords: g("keywords"),
        }
    }

    /// Digits of the 公安备案号, for the link to the public-security filing site.
    pub fn police_record_digits(&self) -> String {
        self.police_record.chars().filter(|c| c.is_ascii_digit()).collect()
    }
}

/// One entry of the channel bar.
#[derive(Debug, Clone)]
pub struct NavItem {
    pub href: String,
    pub name: String,
    pub current: bool,
}

/// Reader preferences that change how a page is drawn.
#[derive(Debug, Clone)]
pub struct Prefs {
    /// `s`, `m` or `l`: the article font size (字体 大中小).
    pub font: &'static str,
    /// 长者模式: larger text, more spacing and contrast, larger targets.
    pub elder: bool,
}

impl Prefs {
    /// From the cookies, with `?font=` taking precedence so the links work without JS.
    pub fn from_request(headers: &HeaderMap, font_query: Option<&str>) -> Prefs {
        let font = match font_query.or_else(|| cookies::get(headers, "fs")) {
            Some("s") => "s",
            Some("l") => "l",
            _ => "m",
        };
        Prefs { font, elder: cookies::get(headers, "elder") == Some("1") }
    }
}

/// Everything the layout template needs.
pub struct Chrome {
    pub site: Site,
    pub channels: Vec<Channel>,
    pub nav: Vec<NavItem>,
    pub link_rows: Vec<Vec<Link>>,
    pub prefs: Prefs,
    /// Path of this page, for the elder-mode link to come back to.
    pub path: String,
    pub css: &'static str,
    pub js: &'static str,
}

/// What every portal page shows around its content, as stored: settings, channels and
/// friendly links. The render cache keeps one per content version.
#[derive(Debug, Clone)]
pub struct SiteData {
    pub site: Site,
    pub channels: Vec<Channel>,
    pub link_rows: Vec<Vec<Link>>,
}

impl SiteData {
    /// Loads settings, channels and links (three queries).
    pub async fn load(db: &Db) -> dangjian_store::Result<SiteData> {
        let settings = dangjian_store::settings::all(db).await?;
        let channels = dangjian_store::channels::list(db).await?;
        let links = dangjian_store::links::list(db).await?;
        let mut link_rows: Vec<Vec<Link>> = Vec::new();
        for l in links {
            match link_rows.last_mut() {
                Some(row) if row[0].group_name == l.group_name => row.push(l),
                _ => link_rows.push(vec![l]),
            }
        }
        Ok(SiteData { site: Site::from_settings(&settings), channels, link_rows })
    }
}

impl Chrome {
    /// The chrome of a page from already loaded site data (the render cache's); `current`
    /// is the slug to highlight (empty for the home page).
    pub fn new(data: &SiteData, current: &str, prefs: Prefs, path: String) -> Chrome {
        let mut nav = vec![NavItem { href: "/".into(), name: "首页".into(), current: current.is_empty() }];
        nav.extend(data.channels.iter().filter(|c| c.show_in_nav && c.parent_id.is_none()).map(|c| NavItem {
            // A `link` channel points elsewhere (checked to be http(s) when saved).
            href: if c.kind == "link" && !c.external_url.is_empty() {
                c.external_url.clone()
            } else {
                format!("/channel/{}", c.slug)
            },
            name: c.name.clone(),
            current: c.slug == current,
        }));
        Chrome {
            site: data.site.clone(),
            channels: data.channels.clone(),
            nav,
            link_rows: data.link_rows.clone(),
            prefs,
            path,
            css: assets::css_url(),
            js: assets::js_url(),
        }
    }

    /// The channel with this id, if any.
    pub fn channel(&self, id: i64) -> Option<&Channel> {
        self.channels.iter().find(|c| c.id == id)
    }

    /// Class list of `<html>`.
    pub fn html_class(&self) -> &'static str {
        if self.prefs.elder { "elder" } else { "" }
    }

    /// Link of the elder-mode toggle: it flips the mode and comes back here.
    pub fn elder_href(&self) -> String {
        format!("/elder?on={}&back={}", if self.prefs.elder { 0 } else { 1 }, urlencode(&self.path))
    }
}

/// Percent-encodes a path for use inside a query value.
pub fn urlencode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(b as char),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
