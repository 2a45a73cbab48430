//! The `<meta>` tags that government sites are checked for (国办 website rules, as the
//! 开普云 template guide names them): 3 on the home page, 7 on list pages, 10 on
//! article pages, plus the recommended Keywords/Description/Author/Url.

use dangjian_domain::clock;
use dangjian_store::{articles::Article, channels::Channel};

use crate::chrome::Site;

pub type Meta = Vec<(&'static str, String)>;

/// SiteName, SiteDomain, SiteIDCode.
pub fn site(site: &Site) -> Meta {
    vec![("SiteName", site.name.clone()), ("SiteDomain", site.domain.clone()), ("SiteIDCode", site.id_code.clone())]
}

/// The site tags plus Keywords and Description, for the home page.
pub fn home(s: &Site) -> Meta {
    let mut m = site(s);
    m.push(("Keywords", s.keywords.clone()));
    m.push(("Description", s.description.clone()));
    m
}

/// The site tags plus ColumnName, ColumnDescription, ColumnKeywords, ColumnType.
pub fn column(s: &Site, c: &Channel) -> Meta {
    let mut m = site(s);
    m.push(("ColumnName", c.name.clone()));
    m.push(("ColumnDescription", c.description.clone()));
    m.push(("ColumnKeywords", c.keywords.clone()));
    m.push(("ColumnType", c.name.clone()));
    m
}

/// The column tags plus ArticleTitle, PubDate (`yyyy-MM-dd HH:mm`), ContentSource.
pub fn article(s: &Site, c: &Channel, a: &Article) -> Meta {
    let mut m = column(s, c);
    m.push(("ArticleTitle", a.title.clone()));
    m.push(("PubDate", clock::format_minute(a.published_at)));
    m.push(("ContentSource", if a.source_unit.is_empty() { s.name.clone() } else { a.source_unit.clone() }));
    m.push(("Keywords", a.keywords.clone()));
    m.push(("Description", a.summary.clone()));
    m.push(("Author", a.publisher.clone()));
    m.push(("Url", format!("/article/{}", a.id)));
    m
}
