//! The editorial workflow end to end through the router: write, check, submit, three
//! levels of review, publish, edit a published article, reject, backdating, scope.

mod support;

use axum::http::StatusCode;
use dangjian_store::{articles, audit, revisions, settings};
use support::{
    App, apps,
    client::{Client, account, urlenc},
    fixture,
};

async fn signed_in<'a>(app: &'a App, name: &str) -> Client<'a> {
    let mut c = Client::new(app);
    let r = c.login(name, support::client::PW).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{name} signs in");
    c
}

fn article_form(channel: i64, title: &str, body: &str, action: &str) -> String {
    format!(
        "channel_id={channel}&title={}&body_md={}&publisher=%E5%8A%9E%E5%85%AC%E5%AE%A4&source_unit=x&editors=y&do={action}",
        urlenc(title),
        urlenc(body)
    )
}

/// The id in `/admin/articles/{id}/edit…` or the newest article of the channel.
async fn newest(app: &App, channel: i64) -> i64 {
    revisions::admin_list(app.db(), &[channel], None, 1).await.unwrap()[0].id
}

#[tokio::test]
async fn three_reviewers_approve_in_turn_and_the_article_appears() {
    for app in apps().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        revisions::set_review_levels(app.db(), f.notice, 3).await.unwrap();
        account(&app, "editor", &["editor"], &[f.notice], 0).await;
        for lv in 1..=3 {
            account(&app, &format!("rev{lv}"), &["reviewer"], &[f.notice], lv).await;
        }
        let mut ed = signed_in(&app, "editor").await;
        let form = ed.get("/admin/articles/new").await;
        assert!(form.body.contains("公告通知") && !form.body.contains(">党建动态<"), "{l}: only granted channels");

        // Field errors in Chinese; nothing written.
        let before = articles::count_all(app.db()).await.unwrap();
        let r = ed.post("/admin/articles", &article_form(f.notice, "", "", "save")).await;
        assert!(r.body.contains("标题不能为空") && r.body.contains("正文不能为空"), "{l}");
        assert_eq!(articles::count_all(app.db()).await.unwrap(), before, "{l}: no half-written article");

        let body = "## 会议精神\n\n市委书记**王明远**出席会议。\n\n![合影](/media/photo.jpg)";
        let r = ed
            .post("/admin/articles", &article_form(f.notice, "关于召开全市机关党建工作会议的通知", body, "submit"))
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let id = newest(&app, f.notice).await;
        assert_eq!(app.get(&format!("/article/{id}")).await.status, StatusCode::NOT_FOUND, "{l}: not yet public");

        let mut r1 = signed_in(&app, "rev1").await;
        let mut r2 = signed_in(&app, "rev2").await;
        let mut r3 = signed_in(&app, "rev3").await;
        assert!(r2.get("/admin/review").await.body.contains("暂无待审稿件"), "{l}");
        let q = r1.get("/admin/review").await;
        assert!(q.body.contains("关于召开全市机关党建工作会议的通知"), "{l}");
        let rev_id = revisions::for_article(app.db(), id).await.unwrap()[0].id;
        // The second level cannot act before the first.
        let early = r2.post(&format!("/admin/revisions/{rev_id}/review"), "do=approve&opinion=").await;
        assert!(early.body.contains("待第 1 级审核"), "{l}: {}", early.status);
        for (c, lv) in [(&mut r1, 1), (&mut r2, 2), (&mut r3, 3)] {
            let page = c.get(&format!("/admin/revisions/{rev_id}")).await;
            assert!(page.body.contains("通过"), "{l}: level {lv} sees the buttons");
            let r = c
                .post(
                    &format!("/admin/revisions/{rev_id}/review"),
                    &format!("do=approve&opinion=%E5%90%8C%E6%84%8F{lv}"),
                )
                .await;
            assert_eq!(r.header("location"), "/admin/review", "{l}: level {lv}");
        }
        let page = app.get(&format!("/article/{id}")).await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        assert!(page.body.contains("<h2>会议精神</h2>") && page.body.contains("<strong>王明远</strong>"), "{l}");
        assert!(page.body.contains("src=\"/media/photo.jpg\""), "{l}");
        let steps = revisions::steps(app.db(), rev_id).await.unwrap();
        let trail: Vec<(String, i32, String)> =
            steps.iter().map(|s| (s.action.clone(), s.level, s.reviewer.clone())).collect();
        assert_eq!(
            trail,
            [
                ("submit".into(), 0, "editor".into()),
                ("approve".into(), 1, "rev1".into()),
                ("approve".into(), 2, "rev2".into()),
                ("approve".into(), 3, "rev3".into())
            ],
            "{l}"
        );
        assert!(steps[3].opinion.contains("同意3"), "{l}");

        // Editing the published article: the live version stays up during review.
        let r = ed
            .post(
                &format!("/admin/articles/{id}"),
                &article_form(f.notice, "关于召开全市机关党建工作会议的通知（更正）", body, "submit"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        assert!(!app.get(&format!("/article/{id}")).await.body.contains("（更正）"), "{l}: live version unchanged");
        let rev2 = revisions::for_article(app.db(), id).await.unwrap()[0].id;
        // Rejection needs an opinion, and returns the draft to its author.
        let r = r1.post(&format!("/admin/revisions/{rev2}/review"), "do=reject&opinion=").await;
        assert!(r.body.contains("须填写审核意见"), "{l}");
        r1.post(&format!("/admin/revisions/{rev2}/review"), "do=reject&opinion=%E6%A0%87%E9%A2%98%E6%9C%89%E8%AF%AF")
            .await;
        let back = ed.get(&format!("/admin/revisions/{rev2}")).await;
        assert!(back.body.contains("退回") && back.body.contains("标题有误"), "{l}");
        assert!(
            ed.get(&format!("/admin/articles/{id}/edit")).await.body.contains("（更正）"),
            "{l}: the draft is editable again"
        );
        // History shows both versions and a readable diff.
        let h = ed.get(&format!("/admin/articles/{id}/history?diff={rev2}")).await;
        assert!(h.body.contains("第 2 版") && h.body.contains("<mark>"), "{l}");

        let actions: Vec<String> = audit::list(app.db(), &audit::Filter { limit: 100, ..Default::default() })
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.action)
            .collect();
        for a in ["article.create", "article.submit", "article.approve", "article.reject", "article.save"] {
            assert!(actions.iter().any(|x| x == a), "{l}: {a} audited");
        }
    }
}

#[tokio::test]
async fn forged_dates_are_refused_and_only_a_sysadmin_can_backdate_with_a_reason() {
    for app in apps().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        account(&app, "editor", &["editor"], &[f.empty], 0).await;
        account(&app, "sys", &["sysadmin"], &[], 0).await;
        let mut ed = signed_in(&app, "editor").await;
        let early = format!("{}&publish_at=2020-01-01T09:00", article_form(f.empty, "补发的旧闻", "正文", "submit"));
        let r = ed.post("/admin/articles", &early).await;
        assert!(r.body.contains("发布时间不能早于"), "{l}");
        // No review levels: submitting publishes at once.
        let r = ed.post("/admin/articles", &article_form(f.empty, "当天的新闻", "正文", "submit")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        let id = newest(&app, f.empty).await;
        assert_eq!(app.get(&format!("/article/{id}")).await.status, StatusCode::OK, "{l}");
        let mut sys = signed_in(&app, "sys").await;
        let r = sys.post(&format!("/admin/articles/{id}/publish-time"), "publish_at=2020-01-01T09%3A00&reason=").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}");
        assert!(r.body.contains("须填写理由"), "{l}");
        let r = sys
            .post(
                &format!("/admin/articles/{id}/publish-time"),
                "publish_at=2020-01-01T09%3A00&reason=%E8%A1%A5%E5%BD%95",
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        assert!(app.get(&format!("/article/{id}")).await.body.contains("2020-01-01 09:00:00"), "{l}");
        let ev = audit::list(
            app.db(),
            &audit::Filter { action: Some("article.retime".into()), limit: 5, ..Default::default() },
        )
        .await
        .unwrap();
        assert!(ev[0].detail.contains("补录"), "{l}: the reason is audited");
        // The editor cannot use that route.
        let r = ed.post(&format!("/admin/articles/{id}/publish-time"), "publish_at=2020-01-01T09%3A00&reason=x").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
    }
}

#[tokio::test]
async fn forbidden_terms_block_submission_and_suspect_terms_warn() {
    for app in apps().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        settings::set(app.db(), "terms_dictionary", "禁 某某反动口号\n疑 党的19大 => 党的十九大\n").await.unwrap();
        account(&app, "editor", &["editor"], &[f.empty], 0).await;
        let mut ed = signed_in(&app, "editor").await;
        let r = ed.post("/admin/articles", &article_form(f.empty, "学习体会", "认真学习党的19大精神。", "check")).await;
        assert!(r.body.contains("党的十九大"), "{l}: suggestion shown");
        assert!(r.body.contains("<mark class=\"term-warn\""), "{l}: the hit is marked in the text");
        let before = articles::count_all(app.db()).await.unwrap();
        let r =
            ed.post("/admin/articles", &article_form(f.empty, "学习体会", "其中夹带某某反动口号。", "submit")).await;
        assert!(r.body.contains("含有禁用词"), "{l}");
        assert_eq!(articles::count_all(app.db()).await.unwrap(), before, "{l}: nothing written");
    }
}

#[tokio::test]
async fn scripts_typed_into_the_editor_never_reach_the_portal() {
    const VECTORS: &[&str] = &[
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        "[点我](javascript:alert(1))",
        "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
        "<svg onload=alert(1)>",
        "<iframe srcdoc=\"<script>alert(1)</script>\"></iframe>",
        "<p style=\"background:url(javascript:alert(1))\">x</p>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
        "<form action=javascript:alert(1)><button>x</button></form>",
        "<meta http-equiv=refresh content=\"0;url=javascript:alert(1)\">",
        "<object data=\"javascript:alert(1)\"></object>",
        "![x](javascript:alert(1))",
        "<details open ontoggle=alert(1)>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
    ];
    for app in apps().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        account(&app, "editor", &["editor"], &[f.empty], 0).await;
        let mut ed = signed_in(&app, "editor").await;
        for (i, v) in VECTORS.iter().enumerate() {
            let r = ed
                .post("/admin/articles", &article_form(f.empty, &format!("测试{i}"), &format!("正文\n\n{v}"), "submit"))
                .await;
            assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {v}");
            let id = newest(&app, f.empty).await;
            let page = app.get(&format!("/article/{id}")).await;
            assert_eq!(page.status, StatusCode::OK, "{l}");
            let body = page.between("id=\"article-body\"", "class=\"prev-next\"");
            let lower = body.to_lowercase();
            for bad in [
                "<script",
                "javascript:",
                "onerror",
                "onload",
                "ontoggle",
                "<iframe",
                "<svg",
                "<object",
                "<form",
                "<meta",
                "data:text",
                "style=",
            ] {
                assert!(!lower.contains(bad), "{l}: {v} left {bad} in {body}");
            }
        }
    }
}

#[tokio::test]
async fn accounts_only_touch_their_own_channels() {
    for app in apps().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        account(&app, "ed_news", &["editor"], &[f.news], 0).await;
        account(&app, "ed_notice", &["editor"], &[f.notice], 0).await;
        account(&app, "rev_news", &["reviewer"], &[f.news], 1).await;
        let mut a = signed_in(&app, "ed_notice").await;
        let other = f.news_ids[0];
        assert_eq!(a.get(&format!("/admin/articles/{other}/edit")).await.status, StatusCode::FORBIDDEN, "{l}");
        let r = a.post(&format!("/admin/articles/{other}"), &article_form(f.news, "篡改", "x", "save")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
        // Posting into a channel not granted is a field error, not a write.
        let r = a.post("/admin/articles", &article_form(f.news, "越权", "x", "save")).await;
        assert!(r.body.contains("请选择您有权编辑的栏目"), "{l}");
        // A news draft is invisible to the notice editor and to reviewers of other channels.
        let mut b = signed_in(&app, "ed_news").await;
        b.post("/admin/articles", &article_form(f.news, "动态稿", "x", "save")).await;
        let id = newest(&app, f.news).await;
        let rev = revisions::for_article(app.db(), id).await.unwrap()[0].id;
        assert_eq!(a.get(&format!("/admin/revisions/{rev}")).await.status, StatusCode::FORBIDDEN, "{l}");
        let mut r = signed_in(&app, "rev_news").await;
        assert_eq!(r.get(&format!("/admin/revisions/{rev}")).await.status, StatusCode::OK, "{l}");
        assert_eq!(a.get("/admin/articles/999999/edit").await.status, StatusCode::NOT_FOUND, "{l}");
    }
}

#[tokio::test]
async fn the_job_runner_publishes_and_withdraws_on_time() {
    for app in apps().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        account(&app, "editor", &["editor"], &[f.empty], 0).await;
        let mut ed = signed_in(&app, "editor").await;
        let form = format!(
            "{}&publish_at=2099-01-01T08:00&unpublish_at=2099-01-02T08:00",
            article_form(f.empty, "定时发布的通知", "正文", "submit")
        );
        assert_eq!(ed.post("/admin/articles", &form).await.status, StatusCode::SEE_OTHER, "{l}");
        let id = newest(&app, f.empty).await;
        assert_eq!(app.get(&format!("/article/{id}")).await.status, StatusCode::NOT_FOUND, "{l}: scheduled");
        let at = dangjian_web::jobs::tick(&app.state, 4_070_908_800_000_000).await.unwrap(); // 2099-01-01 08:00 +08
        assert_eq!(at.published, [id], "{l}");
        assert_eq!(app.get(&format!("/article/{id}")).await.status, StatusCode::OK, "{l}");
        let again = dangjian_web::jobs::tick(&app.state, 4_070_908_800_000_001).await.unwrap();
        assert!(again.published.is_empty(), "{l}: fires once");
        let later = dangjian_web::jobs::tick(&app.state, 4_070_995_200_000_000).await.unwrap();
        assert_eq!(later.withdrawn, [id], "{l}");
        assert_eq!(app.get(&format!("/article/{id}")).await.status, StatusCode::NOT_FOUND, "{l}: withdrawn");
    }
}

fn multipart(name: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----djtestboundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

/// A tiny valid PNG (1×1, red), built byte by byte.
fn png() -> Vec<u8> {
    vec![
        0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00,
        0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53, 0xde, 0x00, 0x00, 0x00,
        0x0c, 0x49, 0x44, 0x41, 0x54, 0x08, 0xd7, 0x63, 0xf8, 0xcf, 0xc0, 0x00, 0x00, 0x03, 0x01, 0x01, 0x00, 0x18,
        0xdd, 0x8d, 0xb0, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82,
    ]
}

#[tokio::test]
async fn images_upload_by_content_type_and_are_served() {
    use axum::{body::Body, http::Request};
    use tower::ServiceExt;
    for app in apps().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        account(&app, "editor", &["editor"], &[f.empty], 0).await;
        let ed = signed_in(&app, "editor").await;
        let cookie = ed.cookie.clone().unwrap();
        let send = |name: &str, bytes: Vec<u8>| {
            let (ct, body) = multipart(name, &bytes);
            Request::post("/admin/media")
                .header("cookie", &cookie)
                .header("content-type", ct)
                .header("accept", "application/json")
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(body))
                .unwrap()
        };
        let r = app.router.clone().oneshot(send("合影.png", png())).await.unwrap();
        assert_eq!(r.status(), StatusCode::OK, "{l}");
        let json: serde_json::Value =
            serde_json::from_slice(&axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap()).unwrap();
        let url = json["url"].as_str().unwrap().to_owned();
        assert!(url.starts_with("/media/") && url.ends_with(".png"), "{l}: {url}");
        assert_eq!(json["markdown"].as_str().unwrap(), format!("![合影]({url})"), "{l}");
        let got = app.get(&url).await;
        assert_eq!(got.status, StatusCode::OK, "{l}");
        assert_eq!(got.header("content-type"), "image/png", "{l}");
        // An HTML file named .png is refused: the content decides.
        let r = app
            .router
            .clone()
            .oneshot(send("evil.png", b"<html><script>alert(1)</script></html>".to_vec()))
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        let body = String::from_utf8(axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap().to_vec()).unwrap();
        assert!(body.contains("不支持的文件类型"), "{l}");
        // Anonymous uploads go to sign-in.
        let (ct, body) = multipart("a.png", &png());
        let anon = Request::post("/admin/media").header("content-type", ct).body(Body::from(body)).unwrap();
        assert_eq!(app.router.clone().oneshot(anon).await.unwrap().status(), StatusCode::SEE_OTHER, "{l}");
        assert_eq!(app.get("/media/../dangjian.db").await.status, StatusCode::NOT_FOUND, "{l}");
    }
}

#[tokio::test]
async fn a_blank_time_means_when_approved_and_edits_keep_the_date() {
    for app in apps().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        account(&app, "editor", &["editor"], &[f.empty], 0).await;
        let mut ed = signed_in(&app, "editor").await;
        // Saved as a draft with no time, submitted later: never refused as backdated.
        ed.post("/admin/articles", &article_form(f.empty, "先存草稿", "正文", "save")).await;
        let id = newest(&app, f.empty).await;
        let before = dangjian_domain::clock::now_micros();
        let r = ed.post(&format!("/admin/articles/{id}"), &article_form(f.empty, "先存草稿", "正文", "submit")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let published = revisions::article_meta(app.db(), id).await.unwrap().published_at;
        assert!(published >= before, "{l}: shown as published when approved");
        // A new version keeps the date readers have seen.
        let form = ed.get(&format!("/admin/articles/{id}/edit")).await;
        let shown = form.between("name=\"publish_at\" type=\"datetime-local\" value=\"", "\"");
        assert!(!shown.is_empty(), "{l}: the live date is prefilled");
        let r = ed
            .post(
                &format!("/admin/articles/{id}"),
                &format!(
                    "{}&publish_at={}",
                    article_form(f.empty, "先存草稿（修改）", "正文", "submit"),
                    urlenc(&shown)
                ),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let after = revisions::article_meta(app.db(), id).await.unwrap();
        assert_eq!(after.title, "先存草稿（修改）", "{l}");
        assert_eq!(after.published_at / 60_000_000, published / 60_000_000, "{l}: same minute as before");
    }
}

/// A minimal Word document built in the test: a heading, a bold run, and an image.
fn docx() -> Vec<u8> {
    use std::io::Write;
    let mut buf = std::io::Cursor::new(Vec::new());
    {
        let mut z = zip::ZipWriter::new(&mut buf);
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        let files: [(&str, &[u8]); 4] = [
            (
                "[Content_Types].xml",
                br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Default Extension="png" ContentType="image/png"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>"#,
            ),
            (
                "_rels/.rels",
                br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>"#,
            ),
            (
                "word/_rels/document.xml.rels",
                br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId5" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/image" Target="media/image1.png"/></Relationships>"#,
            ),
            (
                "word/document.xml",
                r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture"><w:body><w:p><w:pPr><w:pStyle w:val="Title"/></w:pPr><w:r><w:t>关于Word导入的通知</w:t></w:r></w:p><w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>一、背景</w:t></w:r></w:p><w:p><w:r><w:t xml:space="preserve">普通文字，</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>加粗文字</w:t></w:r><w:r><w:t>&lt;script&gt;alert(1)&lt;/script&gt;</w:t></w:r></w:p><w:p><w:r><w:drawing><wp:inline><a:graphic><a:graphicData><pic:pic><pic:blipFill><a:blip r:embed="rId5"/></pic:blipFill></pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p></w:body></w:document>"#.as_bytes(),
            ),
        ];
        for (name, data) in files {
            z.start_file(name, opts).unwrap();
            z.write_all(data).unwrap();
        }
        z.start_file("word/media/image1.png", opts).unwrap();
        z.write_all(&png()).unwrap();
        z.finish().unwrap();
    }
    buf.into_inner()
}

#[tokio::test]
async fn a_word_document_becomes_a_draft_with_its_images() {
    use axum::{body::Body, http::Request};
    use tower::ServiceExt;
    for app in apps().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        account(&app, "editor", &["editor"], &[f.empty], 0).await;
        let ed = signed_in(&app, "editor").await;
        let cookie = ed.cookie.clone().unwrap();
        let boundary = "----djdocx";
        let send = |bytes: Vec<u8>, channel: i64| {
            let mut body = format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"import_channel\"\r\n\r\n{channel}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"通知.docx\"\r\nContent-Type: application/octet-stream\r\n\r\n"
            )
            .into_bytes();
            body.extend_from_slice(&bytes);
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            Request::post("/admin/articles/import")
                .header("cookie", &cookie)
                .header("content-type", format!("multipart/form-data; boundary={boundary}"))
                .header("sec-fetch-site", "same-origin")
                .body(Body::from(body))
                .unwrap()
        };
        let r = app.router.clone().oneshot(send(docx(), f.empty)).await.unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER, "{l}");
        let id = newest(&app, f.empty).await;
        let rev = &revisions::for_article(app.db(), id).await.unwrap()[0];
        assert_eq!(rev.title, "关于Word导入的通知", "{l}");
        assert!(rev.body_md.contains("## 一、背景") && rev.body_md.contains("**加粗文字**"), "{l}: {}", rev.body_md);
        assert!(rev.body_md.contains("](/media/"), "{l}: the image is in the media store: {}", rev.body_md);
        assert!(!rev.body_html.contains("<script"), "{l}: document text never becomes markup");
        assert_eq!(rev.state, "draft", "{l}");
        // Not a Word file: a clear message, nothing written.
        let before = articles::count_all(app.db()).await.unwrap();
        let r = app.router.clone().oneshot(send(b"not a zip at all".to_vec(), f.empty)).await.unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT, "{l}");
        let body = String::from_utf8(axum::body::to_bytes(r.into_body(), 1 << 20).await.unwrap().to_vec()).unwrap();
        assert!(body.contains("Word"), "{l}");
        // A channel not granted is refused.
        let r = app.router.clone().oneshot(send(docx(), f.news)).await.unwrap();
        assert_eq!(r.status(), StatusCode::CONFLICT, "{l}");
        assert_eq!(articles::count_all(app.db()).await.unwrap(), before, "{l}: nothing written");
    }
}

#[tokio::test]
async fn an_old_version_is_restored_as_a_new_draft() {
    for app in apps().await {
        let l = app.label();
        let f = fixture(app.db()).await;
        account(&app, "editor", &["editor"], &[f.empty], 0).await;
        let mut ed = signed_in(&app, "editor").await;
        ed.post("/admin/articles", &article_form(f.empty, "第一版标题", "第一版正文", "submit")).await;
        let id = newest(&app, f.empty).await;
        ed.post(&format!("/admin/articles/{id}"), &article_form(f.empty, "第二版标题", "第二版正文", "submit")).await;
        assert!(app.get(&format!("/article/{id}")).await.body.contains("第二版标题"), "{l}");
        let revs = revisions::for_article(app.db(), id).await.unwrap();
        let first = revs.iter().find(|r| r.number == 1).unwrap().id;
        let r = ed.post(&format!("/admin/revisions/{first}/restore"), "").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        // The restored text is a new draft (version 3); the live page is unchanged until submitted.
        let revs = revisions::for_article(app.db(), id).await.unwrap();
        assert_eq!((revs[0].number, revs[0].state.as_str(), revs[0].title.as_str()), (3, "draft", "第一版标题"), "{l}");
        assert!(app.get(&format!("/article/{id}")).await.body.contains("第二版标题"), "{l}");
        // A second restore while a draft is open is refused with a message.
        let r = ed.post(&format!("/admin/revisions/{first}/restore"), "").await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}");
        let h = ed.get(&format!("/admin/articles/{id}/history")).await;
        assert!(h.body.contains("第 3 版") && h.body.contains("线上版本"), "{l}");
    }
}
