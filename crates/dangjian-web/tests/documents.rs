//! 资料中心: an editor publishes documents, the portal lists them with type, size, date and
//! download count, and downloads keep their Chinese names and are never served inline.

mod support;

use axum::http::StatusCode;
use dangjian_store::{
    channels::{self, NewChannel},
    documents,
};
use support::{
    T0, apps,
    client::{Client, PW, account, multipart},
    fixture,
};

fn with_title(ct_body: (String, Vec<u8>), channel: i64, title: &str) -> (String, Vec<u8>) {
    let (ct, body) = ct_body;
    let boundary = ct.split("boundary=").nth(1).unwrap().to_owned();
    let mut out = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"channel_id\"\r\n\r\n{channel}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\n{title}\r\n"
    )
    .into_bytes();
    out.extend_from_slice(&body);
    (ct, out)
}

#[tokio::test]
async fn documents_are_published_listed_and_downloaded_under_their_names() {
    for app in apps().await {
        let l = app.label();
        fixture(app.db()).await;
        let ziliao = channels::insert(
            app.db(),
            &NewChannel {
                slug: "ziliao",
                name: "资料中心",
                kind: "download",
                description: "",
                keywords: "",
                sort_order: 90,
            },
            T0,
        )
        .await
        .unwrap();
        account(&app, "bianji", &["editor"], &[ziliao], 0).await;
        account(&app, "other", &["editor"], &[], 0).await;
        let mut o = Client::new(&app);
        o.login("other", PW).await;
        assert_eq!(o.get("/admin/documents").await.status, StatusCode::FORBIDDEN, "{l}");

        let mut c = Client::new(&app);
        c.login("bianji", PW).await;
        assert!(c.get("/admin/documents").await.body.contains("资料中心"), "{l}");
        // Not a document: refused, nothing stored.
        let (ct, body) = with_title(multipart("file", "说明.pdf", b"<html><script>alert(1)</script>"), ziliao, "x");
        let r = c.send_bytes("POST", "/admin/documents", &ct, body).await;
        assert!(r.body.contains("不支持的文件类型"), "{l}");
        assert!(documents::in_channel(app.db(), ziliao, 10).await.unwrap().is_empty(), "{l}");
        assert!(
            !app.state.config.documents_dir.exists()
                || std::fs::read_dir(&app.state.config.documents_dir).unwrap().count() == 0,
            "{l}"
        );

        let pdf = b"%PDF-1.4\n% test\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n".to_vec();
        let (ct, body) = with_title(multipart("file", "2026年党费收缴工作通知.pdf", &pdf), ziliao, "");
        let r = c.send_bytes("POST", "/admin/documents", &ct, body).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let doc = documents::in_channel(app.db(), ziliao, 10).await.unwrap().remove(0);
        assert_eq!(
            (doc.title.as_str(), doc.file_name.as_str()),
            ("2026年党费收缴工作通知", "2026年党费收缴工作通知.pdf"),
            "{l}"
        );

        let list = app.get("/channel/ziliao").await;
        assert_eq!(list.status, StatusCode::OK, "{l}");
        let table = list.between("<tbody>", "</tbody>");
        assert!(
            table.contains("2026年党费收缴工作通知") && table.contains("PDF") && table.contains("1 KB"),
            "{l}: {table}"
        );
        assert!(table.contains("<td>0</td>"), "{l}: no downloads yet");

        let d = app.get(&format!("/download/{}", doc.id)).await;
        assert_eq!(d.status, StatusCode::OK, "{l}");
        assert_eq!(d.body.as_bytes(), &pdf[..], "{l}");
        let cd = d.header("content-disposition");
        assert!(cd.starts_with("attachment;"), "{l}: never inline: {cd}");
        assert!(cd.contains("filename*=UTF-8''2026%E5%B9%B4%E5%85%9A%E8%B4%B9"), "{l}: {cd}");
        assert_eq!(d.header("x-content-type-options"), "nosniff", "{l}");
        assert_eq!(d.header("content-type"), "application/pdf", "{l}");
        // Every download is counted (a single `UPDATE … + 1` each).
        for _ in 0..10 {
            assert_eq!(app.get(&format!("/download/{}", doc.id)).await.status, StatusCode::OK, "{l}");
        }
        assert_eq!(documents::get(app.db(), doc.id).await.unwrap().downloads, 11, "{l}");
        assert!(app.get("/channel/ziliao").await.body.contains("<td>11</td>"), "{l}");
        assert_eq!(app.get("/download/999999").await.status, StatusCode::NOT_FOUND, "{l}");
    }
}
