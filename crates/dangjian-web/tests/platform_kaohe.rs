//! 党建考核 through the router, on SQLite and (when configured) PostgreSQL: 全员覆盖 refuses
//! to open a scheme with a branch left out and names it; signed-in raters and one-time
//! links vote once each; the domain's validity rules speak before a ballot counts; the
//! results show their computation (per group valid/invalid, mean, weight, contribution,
//! the renormalisation flag) and export to Excel; nothing shows who voted what. One-time
//! links print as cards whose QR codes decode (with an independent reader) to the link.

mod support;

use axum::http::StatusCode;
use dangjian_store::users;
use support::{
    App, apps,
    client::{Client, account},
    tree::{Tree, signed_in, tree},
};

async fn count(app: &App, sql: &'static str) -> i64 {
    dangjian_store::on_pool!(app.db(), |p| sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await).unwrap()
}

/// The accounts of the scenario: the 机关党委's officer (分管领导) and three members.
async fn accounts(app: &App, t: &Tree) {
    let db = app.db();
    let jiguan = account(app, "jiguan", &["officer"], &[], 0).await;
    users::set_platform_binding(db, jiguan, Some(t.committee), None).await.unwrap();
    for (name, member) in [("zhangsan", t.a_members[0]), ("lisi", t.a_members[1]), ("wangwu", t.b_members[0])] {
        let id = account(app, name, &["member"], &[], 0).await;
        users::set_platform_binding(db, id, None, Some(member)).await.unwrap();
    }
}

fn user_id(body: &str, username: &str) -> String {
    // `<input type="checkbox" name="user" value="7"> 测试（jiguan）`
    let at = body.find(&format!("（{username}）")).unwrap_or_else(|| panic!("{username} not offered"));
    let before = &body[..at];
    let v = before.rfind("value=\"").unwrap() + 7;
    before[v..].split('"').next().unwrap().to_owned()
}

/// A ballot body: familiarity 熟悉 and the given level per indicator for each subject.
fn marks(lines: &[(i64, [u8; 4])]) -> String {
    let mut out = String::from("f=0");
    for (s, levels) in lines {
        for (i, l) in levels.iter().enumerate() {
            out.push_str(&format!("&m{s}_{i}={l}"));
        }
    }
    out
}

async fn create_scheme(c: &mut Client<'_>, l: &str, t: &Tree) -> String {
    let form = format!(
        "name=2026%E5%B9%B4%E5%BA%A6%E8%80%83%E6%A0%B8&org_id={}&kind=branch\
         &indicators=%E6%94%BF%E6%B2%BB%E5%BB%BA%E8%AE%BE+25%0D%0A%E7%BB%84%E7%BB%87%E5%BB%BA%E8%AE%BE+25%0D%0A%E4%BD%9C%E9%A3%8E%E5%BB%BA%E8%AE%BE+20%0D%0A%E5%B7%A5%E4%BD%9C%E5%AE%9E%E7%BB%A9+30\
         &groups=%E5%88%86%E7%AE%A1%E9%A2%86%E5%AF%BC+20+%E5%86%85%E9%83%A8%0D%0A%E6%9C%AC%E6%94%AF%E9%83%A8%E5%85%9A%E5%91%98+40+%E5%86%85%E9%83%A8%0D%0A%E6%9C%8D%E5%8A%A1%E5%AF%B9%E8%B1%A1+40+%E7%BE%A4%E4%BC%97\
         &familiarity=1&daily=60",
        t.committee
    );
    let r = c.post("/platform/kaohe", &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
    r.header("location").to_owned()
}

#[tokio::test]
async fn bad_scheme_settings_are_refused_in_chinese_and_nothing_is_written() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        accounts(&app, &t).await;
        let mut c = signed_in(&app, "jiguan").await;
        for (form, expect) in [
            (format!("name=x&org_id={}&kind=branch&indicators=&groups=a+1", t.committee), "请填写考核指标"),
            (format!("name=x&org_id={}&kind=branch&indicators=a+x&groups=a+1", t.committee), "应为大于 0 的数"),
            (format!("name=x&org_id={}&kind=branch&indicators=a+1%0Aa+2&groups=a+1", t.committee), "重复"),
            (format!("name=x&org_id={}&kind=branch&indicators=a+1&groups=a+1+x", t.committee), "内部、群众 或 线下"),
            (format!("name=x&org_id={}&kind=branch&indicators=a+1&groups=a+1&daily=120", t.committee), "0 到 100"),
            (format!("name=x&org_id={}&kind=branch&indicators=a+1&groups=a+1", t.root), "请选择本组织或下级党组织"),
        ] {
            let r = c.post("/platform/kaohe", &form).await;
            assert_eq!(r.status, StatusCode::OK, "{l}: {form}");
            assert!(r.body.contains(expect), "{l}: {form} should say {expect}");
        }
        assert_eq!(count(&app, "SELECT COUNT(*) FROM kaohe_schemes").await, 0, "{l}");
        // A plain member cannot create schemes.
        let mut m = signed_in(&app, "zhangsan").await;
        let r = m.post("/platform/kaohe", &format!("name=x&org_id={}&kind=branch", t.branch_a)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
    }
}

#[tokio::test]
async fn a_scheme_covers_everyone_counts_each_vote_once_and_shows_its_computation() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        accounts(&app, &t).await;
        let (a, b) = (t.branch_a, t.branch_b);
        let mut c = signed_in(&app, "jiguan").await;
        let scheme = create_scheme(&mut c, l, &t).await;
        let page = c.get(&scheme).await;
        assert_eq!(page.status, StatusCode::OK, "{l}");
        assert!(page.body.contains("第一党支部") && page.body.contains("第二党支部"), "{l}");

        // 全员覆盖: leave 第二党支部 out and the scheme refuses to open, naming it.
        let r = c.post(&format!("{scheme}/subjects"), &format!("subject={a}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let r = c.post(&format!("{scheme}/open"), "").await;
        assert!(r.body.contains("全员覆盖") && r.body.contains("第二党支部"), "{l}: {}", r.body);
        assert!(c.get(&scheme).await.body.contains("草稿"), "{l}: still a draft");
        let r = c.post(&format!("{scheme}/subjects"), &format!("subject={a}&subject={b}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");

        // Raters: the committee's officer rates every branch as 分管领导 (g1); members rate
        // their own branch as 本支部党员 (g2); three one-time links for 服务对象 (g3).
        let body = c.get(&scheme).await.body;
        let jiguan = user_id(&body, "jiguan");
        let r = c.post(&format!("{scheme}/assign"), &format!("group=g1&user={jiguan}&mode=all")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let members: Vec<String> = ["zhangsan", "lisi", "wangwu"].iter().map(|u| user_id(&body, u)).collect();
        let form =
            format!("group=g2&mode=own&{}", members.iter().map(|u| format!("user={u}")).collect::<Vec<_>>().join("&"));
        assert_eq!(c.post(&format!("{scheme}/assign"), &form).await.status, StatusCode::SEE_OTHER, "{l}");
        // A public group cannot take accounts, an internal one cannot make links.
        assert!(
            c.post(&format!("{scheme}/assign"), &format!("group=g3&user={jiguan}")).await.body.contains("内部评价主体")
        );
        assert!(c.post(&format!("{scheme}/tokens"), "group=g1&count=3").await.body.contains("群众评价主体"));
        let r = c.post(&format!("{scheme}/tokens"), "group=g3&count=3").await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        let tokens: Vec<String> =
            r.body.split("/vote/").skip(1).map(|s| s.chars().take_while(|c| c.is_ascii_hexdigit()).collect()).collect();
        assert_eq!(tokens.len(), 3, "{l}: {}", r.body);
        // Only hashes are stored.
        assert_eq!(count(&app, "SELECT COUNT(*) FROM kaohe_tokens WHERE LENGTH(token_hash) = 64").await, 3, "{l}");

        // Before opening, the ballot answers 410.
        let mut ji = signed_in(&app, "jiguan").await;
        assert_eq!(ji.get(&format!("{scheme}/ballot")).await.status, StatusCode::GONE, "{l}");
        assert_eq!(c.post(&format!("{scheme}/open"), "").await.status, StatusCode::SEE_OTHER, "{l}");

        // 分管领导: every mark the same is invalid by the scheme's rule; the page says so and
        // nothing is stored until the rater changes it or confirms.
        let ballot = format!("{scheme}/ballot");
        let form = ji.get(&ballot).await;
        assert_eq!(form.status, StatusCode::OK, "{l}");
        assert!(form.body.contains("第一党支部") && form.body.contains("熟悉程度"), "{l}");
        let r = ji.post(&ballot, &marks(&[(a, [0, 0, 0, 0]), (b, [0, 0, 0, 0])])).await;
        assert!(r.body.contains("完全相同") && r.body.contains("confirm_invalid"), "{l}: {}", r.body);
        let r = ji.post(&ballot, &marks(&[(a, [0, 0, 0, 1])])).await;
        assert!(r.body.contains("第二党支部”还有指标没有评价"), "{l}: {}", r.body);
        // A level outside the scale is not a rater's choice: 400, nothing stored.
        assert_eq!(
            ji.post(&ballot, &marks(&[(a, [9, 0, 0, 1]), (b, [1, 1, 1, 0])])).await.status,
            StatusCode::BAD_REQUEST
        );
        assert_eq!(count(&app, "SELECT COUNT(*) FROM kaohe_ballots").await, 0, "{l}");
        let r = ji.post(&ballot, &marks(&[(a, [0, 0, 0, 1]), (b, [1, 1, 1, 0])])).await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        assert!(r.body.contains("投票成功"), "{l}");
        // One ballot per rater.
        assert_eq!(ji.post(&ballot, &marks(&[(a, [1, 1, 1, 1]), (b, [1, 1, 1, 0])])).await.status, StatusCode::GONE);
        assert_eq!(ji.get(&ballot).await.status, StatusCode::GONE, "{l}");

        // 本支部党员 of 第一党支部 rate only their branch; 第二党支部's member does not vote,
        // so that group is left out there and the other weights are renormalised.
        let mut z = signed_in(&app, "zhangsan").await;
        let form = z.get(&ballot).await;
        assert!(form.body.contains("第一党支部") && !form.body.contains("第二党支部"), "{l}");
        assert!(z.post(&ballot, &marks(&[(a, [0, 0, 0, 0])])).await.body.contains("投票成功"), "{l}");
        // A subject outside the rater's assignment is ignored, not counted.
        let mut li = signed_in(&app, "lisi").await;
        assert!(li.post(&ballot, &marks(&[(a, [1, 1, 1, 1]), (b, [0, 0, 0, 0])])).await.body.contains("投票成功"));

        // 服务对象 by link: one ballot per token; unknown and malformed tokens are 404.
        let vote = format!("/vote/{}", tokens[0]);
        let anon = app.get(&vote).await;
        assert_eq!(anon.status, StatusCode::OK, "{l}");
        assert_eq!(anon.header("referrer-policy"), "no-referrer", "{l}");
        assert_eq!(anon.header("cache-control"), "no-store", "{l}");
        let mut p = Client::new(&app);
        let r = p.post(&vote, &marks(&[(a, [0, 1, 1, 1]), (b, [2, 2, 2, 2])])).await;
        assert!(r.body.contains("投票成功"), "{l}: {}", r.body);
        assert_eq!(p.post(&vote, &marks(&[(a, [0, 1, 1, 1]), (b, [2, 2, 2, 2])])).await.status, StatusCode::GONE);
        assert_eq!(app.get(&vote).await.status, StatusCode::GONE, "{l}");
        assert_eq!(app.get(&format!("/vote/{}", "0".repeat(32))).await.status, StatusCode::NOT_FOUND, "{l}");
        let r = app.get("/vote/not-a-token").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
        assert!(r.body.contains("链接无效"), "{l}");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM kaohe_ballots").await, 4, "{l}");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM kaohe_tokens WHERE used").await, 1, "{l}");

        // Turnout per group only, while open; results wait for the close.
        let page = c.get(&scheme).await.body;
        assert!(page.contains("只显示各评价主体的投票数"), "{l}");
        assert_eq!(c.get(&format!("{scheme}/results")).await.status, StatusCode::CONFLICT, "{l}");

        // 日常 scores: bad input is refused, then 第一党支部 gets 90.
        let r = c.post(&format!("{scheme}/daily"), &format!("d{a}=abc")).await;
        assert!(r.body.contains("日常得分“abc”应为 0 到 100"), "{l}");
        assert_eq!(c.post(&format!("{scheme}/daily"), &format!("d{a}=90&d{b}=")).await.status, StatusCode::SEE_OTHER);
        assert_eq!(c.post(&format!("{scheme}/close"), "").await.status, StatusCode::SEE_OTHER, "{l}");
        // Closed: no more ballots.
        assert_eq!(app.get(&format!("/vote/{}", tokens[1])).await.status, StatusCode::GONE, "{l}");

        // Hand-worked: weights 25/25/20/30; 好 100, 较好 80, 一般 60.
        // 第一党支部: 分管领导 94; 党员 (100 + 80) / 2 = 90; 服务对象 85 → 年底 .2×94 + .4×90 + .4×85 = 88.8;
        //   with 日常 90 at 60 %: 54 + 35.52 = 89.52 → 良好 (< 90).
        // 第二党支部: 分管领导 86; 党员 none; 服务对象 60 → (17.2 + 24) / .6 = 68.67 (weights 1/3, 2/3:
        //   contributions 28.67 and 40.00), no 日常 → 68.67 → 一般.
        let r = c.get(&format!("{scheme}/results")).await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        for s in [
            "89.52",
            "88.80",
            "68.67",
            "28.67",
            "40.00",
            "94.00",
            "90.00",
            "85.00",
            "良好",
            "一般",
            "权重已调整",
            "无有效票",
        ] {
            assert!(r.body.contains(s), "{l}: results lack {s}");
        }
        // Anonymity: no account appears on the results (the header names the reader only).
        let main = r.between("<main", "</main>");
        for who in ["jiguan", "zhangsan", "lisi", "wangwu"] {
            assert!(!main.contains(who), "{l}: results name {who}");
        }
        let x = c.get(&format!("{scheme}/results.xlsx")).await;
        assert_eq!(x.status, StatusCode::OK, "{l}");
        assert!(x.body.starts_with("PK"), "{l}");
        assert!(x.header("content-disposition").contains("filename*=UTF-8''"), "{l}");
        // The ballot table has nothing but the random key, scheme, group, familiarity and marks.
        let cols: Vec<String> = dangjian_store::on_pool!(app.db(), |p| sqlx::query_scalar::<_, String>(
            "SELECT id FROM kaohe_ballots ORDER BY id"
        )
        .fetch_all(p)
        .await)
        .unwrap();
        assert!(cols.iter().all(|id| id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())), "{l}");
        let stored: i64 = count(&app, "SELECT COUNT(*) FROM kaohe_ballots WHERE marks LIKE '%:%'").await;
        assert_eq!(stored, 4, "{l}");

        // Publish keeps a snapshot; 日常 can no longer change.
        assert_eq!(c.post(&format!("{scheme}/publish"), "").await.status, StatusCode::SEE_OTHER, "{l}");
        let r = c.get(&format!("{scheme}/results")).await;
        assert!(r.body.contains("公布时的结果") && r.body.contains("89.52"), "{l}");
        let r = c.post(&format!("{scheme}/daily"), &format!("d{a}=10")).await;
        assert!(r.body.contains("已公布"), "{l}: {}", r.body);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM kaohe_schemes WHERE results IS NOT NULL").await, 1, "{l}");
        // A second publish is refused in words.
        assert!(c.post(&format!("{scheme}/publish"), "").await.body.contains("不能公布"), "{l}");
        // A member's list shows their task as done, and no scheme management.
        let list = z.get("/platform/kaohe").await;
        assert!(list.body.contains("已投票") && !list.body.contains("新建考核方案"), "{l}");
        assert_eq!(z.get(&format!("{scheme}/results")).await.status, StatusCode::FORBIDDEN, "{l}");
    }
}

#[tokio::test]
async fn offline_scores_need_evidence_and_count_as_their_own_group() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        accounts(&app, &t).await;
        let mut c = signed_in(&app, "jiguan").await;
        let form = format!(
            "name=x&org_id={}&kind=branch&indicators=a+50%0Ab+50&groups=%E6%A3%80%E6%9F%A5%E7%BB%84+100+%E7%BA%BF%E4%B8%8B&daily=",
            t.committee
        );
        let r = c.post("/platform/kaohe", &form).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let scheme = r.header("location").to_owned();
        assert_eq!(c.post(&format!("{scheme}/open"), "").await.status, StatusCode::SEE_OTHER, "{l}");
        let a = t.branch_a;
        let r = c.post(&format!("{scheme}/offline"), &format!("group=g1&subject={a}&p0=90&p1=80&evidence=")).await;
        assert!(r.body.contains("请填写检查依据"), "{l}");
        let r = c.post(&format!("{scheme}/offline"), &format!("group=g1&subject={a}&p0=190&p1=80&evidence=x")).await;
        assert!(r.body.contains("0 到 100"), "{l}");
        let r = c
            .post(
                &format!("{scheme}/offline"),
                &format!("group=g1&subject={a}&p0=90&p1=80.5&evidence=%E6%9F%A5%E9%98%85"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        assert!(c.get(&scheme).await.body.contains("90 / 80.5"), "{l}");
        c.post(&format!("{scheme}/close"), "").await;
        let r = c.get(&format!("{scheme}/results")).await;
        // (90 + 80.5) / 2 = 85.25; 第二党支部 has no ballot at all.
        assert!(r.body.contains("85.25") && r.body.contains("线下评价"), "{l}: {}", r.body);
    }
}

/// The dark modules of a QR code as the page draws them: the `<svg class="qr">` element's
/// `viewBox` side and its path of `M{x} {y}h{w}v{h}H{x}V{y}` rectangles, read back into a
/// grid of booleans (true = dark).
fn svg_modules(svg: &str) -> Vec<Vec<bool>> {
    let view = svg.split("viewBox=\"0 0 ").nth(1).expect("a viewBox");
    let side: usize = view.split(' ').next().unwrap().parse().expect("a numeric viewBox");
    let d = svg.split(" d=\"").nth(1).expect("a path").split('"').next().unwrap();
    let mut grid = vec![vec![false; side]; side];
    for rect in d.split('M').filter(|r| !r.is_empty()) {
        // "x y" h w v h H x V y
        let nums: Vec<usize> =
            rect.split(|c: char| !c.is_ascii_digit()).filter(|n| !n.is_empty()).map(|n| n.parse().unwrap()).collect();
        let [x, y, w, h, x2, y2] = nums[..] else { panic!("unexpected path segment M{rect}") };
        assert_eq!((x2, y2), (x, y), "a closed rectangle: M{rect}");
        for row in &mut grid[y..y + h] {
            row[x..x + w].fill(true);
        }
    }
    grid
}

/// Decodes a module grid as a phone camera would see it: each module 6×6 pixels, then
/// the independent `rqrr` reader finds and decodes the code.
fn decode(grid: &[Vec<bool>]) -> String {
    const PX: usize = 6;
    let side = grid.len() * PX;
    let mut img = rqrr::PreparedImage::prepare_from_bitmap(side, side, |x, y| grid[y / PX][x / PX]);
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the image");
    grids[0].decode().expect("the QR code decodes").1
}

#[tokio::test]
async fn one_time_links_print_as_qr_codes_that_decode_to_the_absolute_link() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        accounts(&app, &t).await;
        let mut c = signed_in(&app, "jiguan").await;
        let scheme = create_scheme(&mut c, l, &t).await;
        for (count, expect) in [("0", "链接数量应为 1 到 500"), ("501", "链接数量应为 1 到 500"), ("x", "链接数量")]
        {
            let r = c.post(&format!("{scheme}/tokens"), &format!("group=g3&count={count}")).await;
            assert!(r.body.contains(expect), "{l}: count {count}");
        }
        assert_eq!(count(&app, "SELECT COUNT(*) FROM kaohe_tokens").await, 0, "{l}: nothing made on bad input");

        let r = c.post(&format!("{scheme}/tokens"), "group=g3&count=5").await;
        assert_eq!(r.status, StatusCode::OK, "{l}");
        assert_eq!(r.header("cache-control"), "no-store", "{l}");
        let list = r.between("<ol class=\"token-list\">", "</ol>");
        let cards: Vec<&str> = list.split("<li class=\"token-card\">").skip(1).collect();
        assert_eq!(cards.len(), 5, "{l}: one card per link");
        assert_eq!(list.matches("<svg class=\"qr\"").count(), 5, "{l}: one QR code per link");
        assert!(!r.body.contains("<?xml"), "{l}: inline SVG, no XML prologue");
        let mut links = Vec::new();
        for card in cards {
            // What the card prints: the scheme, the rater group, how to use it, the link.
            for want in ["2026年度考核", "评价主体：服务对象", "扫码评价，每码限用一次"] {
                assert!(card.contains(want), "{l}: a card lacks {want}");
            }
            let link = card.split("<code>").nth(1).unwrap().split("</code>").next().unwrap().to_owned();
            assert!(link.starts_with("http://localhost/vote/") && link.len() == 22 + 32, "{l}: absolute: {link}");
            let svg = card.split("<svg").nth(1).unwrap().split("</svg>").next().unwrap();
            assert_eq!(decode(&svg_modules(svg)), link, "{l}: the QR code carries the card's link");
            links.push(link);
        }
        links.sort();
        links.dedup();
        assert_eq!(links.len(), 5, "{l}: five different links");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM kaohe_tokens").await, 5, "{l}");

        // A scanned link is a working ballot, like a typed one.
        let path = links[0].trim_start_matches("http://localhost");
        assert_eq!(app.get(path).await.status, StatusCode::GONE, "{l}: the scheme is not open yet");
        assert_eq!(c.post(&format!("{scheme}/open"), "").await.status, StatusCode::SEE_OTHER, "{l}");
        assert_eq!(app.get(path).await.status, StatusCode::OK, "{l}");
    }
}
