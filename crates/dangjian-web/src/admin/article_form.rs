//! The article editor's form: parsing, validation with field errors in Chinese, and
//! conversion to the stored revision fields (Markdown kept, sanitised HTML rendered).

use std::collections::HashMap;

use dangjian_domain::clock;
use dangjian_store::revisions::{Fields, Revision};
use time::{PrimitiveDateTime, macros::format_description};

/// What the editor posts, as text, so a half-filled form can be shown again as typed.
#[derive(Debug, Clone, Default)]
pub struct ArticleForm {
    pub channel_id: String,
    pub title: String,
    pub summary: String,
    pub body_md: String,
    pub publisher: String,
    pub source_unit: String,
    pub editors: String,
    pub keywords: String,
    pub cover: String,
    pub is_top: bool,
    pub is_headline: bool,
    /// `YYYY-MM-DDTHH:MM` (an `<input type=datetime-local>`), Asia/Shanghai.
    pub publish_at: String,
    pub unpublish_at: String,
    pub backdate_reason: String,
}

/// A field error: which field, and the message.
pub type FieldErrors = Vec<(&'static str, String)>;

const LOCAL: &[time::format_description::FormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]");

/// Parses a `datetime-local` value in Asia/Shanghai to microseconds.
pub fn parse_local(s: &str) -> Option<i64> {
    let s = s.trim();
    let s = if s.len() > 16 { &s[..16] } else { s };
    let t = PrimitiveDateTime::parse(s, LOCAL).ok()?;
    Some(clock::to_micros(t.assume_offset(clock::SHANGHAI)))
}

/// Formats microseconds for a `datetime-local` input.
pub fn format_local(us: i64) -> String {
    clock::from_micros(us).format(LOCAL).unwrap_or_default()
}

impl ArticleForm {
    pub fn from_pairs(pairs: &[(String, String)]) -> ArticleForm {
        let m: HashMap<&str, &str> = pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let g = |k: &str| m.get(k).map(|s| s.to_string()).unwrap_or_default();
        ArticleForm {
            channel_id: g("channel_id"),
            title: g("title"),
            summary: g("summary"),
            body_md: g("body_md"),
            publisher: g("publisher"),
            source_unit: g("source_unit"),
            editors: g("editors"),
            keywords: g("keywords"),
            cover: g("cover"),
            is_top: m.contains_key("is_top"),
            is_headline: m.contains_key("is_headline"),
            publish_at: g("publish_at"),
            unpublish_at: g("unpublish_at"),
            backdate_reason: g("backdate_reason"),
        }
    }

    pub fn from_revision(r: &Revision) -> ArticleForm {
        ArticleForm {
            channel_id: r.channel_id.to_string(),
            title: r.title.clone(),
            summary: r.summary.clone(),
            body_md: r.body_md.clone(),
            publisher: r.publisher.clone(),
            source_unit: r.source_unit.clone(),
            editors: r.editors.clone(),
            keywords: r.keywords.clone(),
            cover: r.cover.clone(),
            is_top: r.is_top,
            is_headline: r.is_headline,
            publish_at: if r.publish_at == 0 { String::new() } else { format_local(r.publish_at) },
            unpublish_at: r.unpublish_at.map(format_local).unwrap_or_default(),
            backdate_reason: r.backdate_reason.clone(),
        }
    }

    /// Validates against the channels this account may write in and returns the fields
    /// to store, or every field error at once.
    pub fn validate(&self, allowed_channels: &[i64], now: i64) -> Result<Fields, FieldErrors> {
        let mut errors: FieldErrors = Vec::new();
        let channel_id = self.channel_id.trim().parse::<i64>().ok().filter(|c| allowed_channels.contains(c));
        if channel_id.is_none() {
            errors.push(("channel_id", "请选择您有权编辑的栏目".into()));
        }
        let title = self.title.trim();
        if title.is_empty() {
            errors.push(("title", "标题不能为空".into()));
        } else if title.chars().count() > 200 {
            errors.push(("title", "标题不能超过 200 个字".into()));
        }
        if self.body_md.trim().is_empty() {
            errors.push(("body_md", "正文不能为空".into()));
        } else if self.body_md.len() > 2_000_000 {
            errors.push(("body_md", "正文过长（不能超过 2 MB）".into()));
        }
        for (field, label, value, max) in [
            ("summary", "摘要", &self.summary, 500),
            ("publisher", "发布者", &self.publisher, 64),
            ("source_unit", "供稿单位", &self.source_unit, 100),
            ("editors", "责编", &self.editors, 100),
            ("keywords", "关键词", &self.keywords, 200),
            ("cover", "封面图片", &self.cover, 500),
            ("backdate_reason", "理由", &self.backdate_reason, 500),
        ] {
            if value.trim().chars().count() > max {
                errors.push((field, format!("{label}不能超过 {max} 个字")));
            }
        }
        let cover = self.cover.trim();
        let cover_ok = cover.is_empty() || cover.starts_with("/media/") || cover.starts_with("https://");
        if !cover_ok {
            errors.push(("cover", "封面图片须为本站媒体库地址（/media/…）或 https 地址".into()));
        }
        // Blank means "when the last review passes" (stored as 0), so a draft saved today
        // and submitted next week is not refused as backdated.
        let publish_at = if self.publish_at.trim().is_empty() {
            Some(0)
        } else {
            let p = parse_local(&self.publish_at);
            if p.is_none() {
                errors.push(("publish_at", "发布时间格式应为 年-月-日 时:分".into()));
            }
            p
        };
        let unpublish_at = if self.unpublish_at.trim().is_empty() {
            None
        } else {
            match parse_local(&self.unpublish_at) {
                None => {
                    errors.push(("unpublish_at", "下线时间格式应为 年-月-日 时:分".into()));
                    None
                }
                Some(u) if publish_at.is_some_and(|p| u <= p.max(now)) => {
                    errors.push(("unpublish_at", "下线时间须晚于发布时间".into()));
                    None
                }
                Some(u) => Some(u),
            }
        };
        if !errors.is_empty() {
            return Err(errors);
        }
        let body_html = dangjian_markup::render(&self.body_md);
        let summary = if self.summary.trim().is_empty() {
            dangjian_domain::text::truncate_width(&dangjian_markup::plain_text(&body_html), 160)
        } else {
            self.summary.trim().to_owned()
        };
        Ok(Fields {
            channel_id: channel_id.unwrap_or_default(),
            title: title.to_owned(),
            summary,
            body_md: self.body_md.clone(),
            body_html,
            publisher: self.publisher.trim().to_owned(),
            source_unit: self.source_unit.trim().to_owned(),
            editors: self.editors.trim().to_owned(),
            keywords: self.keywords.trim().to_owned(),
            cover: cover.to_owned(),
            is_top: self.is_top,
            is_headline: self.is_headline,
            publish_at: publish_at.unwrap_or(0),
            unpublish_at,
            backdate_reason: self.backdate_reason.trim().to_owned(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ArticleForm {
        ArticleForm {
            channel_id: "3".into(),
            title: "标题".into(),
            body_md: "正文".into(),
            publish_at: "2024-03-01T10:00".into(),
            ..Default::default()
        }
    }

    #[test]
    fn local_times_are_shanghai() {
        assert_eq!(parse_local("2024-03-01T10:00"), Some(1_709_258_400_000_000));
        assert_eq!(format_local(1_709_258_400_000_000), "2024-03-01T10:00");
        assert_eq!(parse_local("2024-02-30T10:00"), None);
        assert_eq!(parse_local("昨天"), None);
    }

    #[test]
    fn every_error_at_once() {
        let f = ArticleForm {
            channel_id: "99".into(),
            title: " ".into(),
            body_md: "".into(),
            publish_at: "x".into(),
            ..form()
        };
        let errs = f.validate(&[3], 0).unwrap_err();
        let fields: Vec<&str> = errs.iter().map(|e| e.0).collect();
        assert_eq!(fields, ["channel_id", "title", "body_md", "publish_at"]);
    }

    #[test]
    fn unpublish_after_publish() {
        let f = ArticleForm { unpublish_at: "2024-03-01T09:00".into(), ..form() };
        assert_eq!(f.validate(&[3], 0).unwrap_err()[0].0, "unpublish_at");
        let ok = ArticleForm { unpublish_at: "2024-03-02T09:00".into(), ..form() }.validate(&[3], 0).unwrap();
        assert!(ok.unpublish_at.unwrap() > ok.publish_at);
    }

    #[test]
    fn summary_defaults_to_the_body_text() {
        let f = ArticleForm { body_md: "## 小标题\n\n第一段**正文**。".into(), ..form() };
        let v = f.validate(&[3], 0).unwrap();
        assert!(v.summary.contains("第一段正文"), "{}", v.summary);
        assert!(v.body_html.contains("<strong>正文</strong>"));
    }

    #[test]
    fn covers_are_local_or_https() {
        let f = ArticleForm { cover: "javascript:alert(1)".into(), ..form() };
        assert_eq!(f.validate(&[3], 0).unwrap_err()[0].0, "cover");
    }
}
