//! 知识测试 through the router, on SQLite and (when configured) PostgreSQL: an officer
//! writes, validates, publishes and closes a quiz for their subtree; a bad quiz is refused
//! with its reason and writes nothing; a member answers once, the page carries no answers
//! before submission, the score and the 党性积分 are right and the monthly cap holds;
//! answers outside the window and from another branch are refused; the officer sees
//! participation per branch and exports it.

mod support;

use axum::http::StatusCode;
use dangjian_store::users;
use support::{
    App, apps,
    client::{Client, account, multipart, urlenc},
    tree::{Tree, officer, signed_in, tree},
};

async fn count(app: &App, sql: &'static str) -> i64 {
    dangjian_store::on_pool!(app.db(), |p| sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await).unwrap()
}

async fn accounts(app: &App, t: &Tree) {
    officer(app, "jiguan", t.committee).await;
    officer(app, "sec_a", t.branch_a).await;
    for (name, member) in [("zhangsan", t.a_members[0]), ("lisi", t.a_members[1]), ("wangwu", t.b_members[0])] {
        let id = account(app, name, &["member"], &[], 0).await;
        users::set_platform_binding(app.db(), id, None, Some(member)).await.unwrap();
    }
}

/// Three questions, 40 points: 单选 A (10), 多选 ABC (20), 判断 正确 (10).
const QUESTIONS: &str = "1. 党的最高理想和最终目标是什么？\nA. 实现共产主义\nB. 全面建成小康社会\n答案：A\n\n\
                         2. “三会一课”中的“三会”是：\nA. 支部党员大会\nB. 支部委员会\nC. 党小组会\nD. 职工代表大会\n答案：ABC\n分值：20\n\n\
                         3. 预备党员的预备期为一年。\n答案：正确";

/// Today on the platform's calendar (Asia/Shanghai), which the quiz window is checked against.
fn today() -> time::Date {
    dangjian_domain::clock::from_micros(dangjian_domain::clock::now_micros()).date()
}

fn form(title: &str, org: i64, opens: time::Date, closes: time::Date, questions: &str) -> String {
    format!("title={}&org_id={org}&opens_on={opens}&closes_on={closes}&questions={}", urlenc(title), urlenc(questions))
}

/// Creates a quiz and returns its id (from the redirect).
async fn create(c: &mut Client<'_>, l: &str, body: &str) -> i64 {
    let r = c.post("/platform/quizzes", body).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
    r.header("location").rsplit('/').next().unwrap().parse().unwrap()
}

/// Creates and publishes a quiz open today.
async fn published(c: &mut Client<'_>, l: &str, title: &str, org: i64) -> i64 {
    let id = create(c, l, &form(title, org, today(), today() + time::Duration::days(7), QUESTIONS)).await;
    assert_eq!(c.post(&format!("/platform/quizzes/{id}/publish"), "").await.status, StatusCode::SEE_OTHER, "{l}");
    id
}

const PERFECT: &str = "q1=0&q2=2&q2=0&q2=1&q3=0";

#[tokio::test]
async fn bad_quizzes_are_refused_and_write_nothing() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        accounts(&app, &t).await;
        let mut sec = signed_in(&app, "sec_a").await;
        let (d, e) = (today(), today() + time::Duration::days(3));
        for (body, message) in [
            (
                form("测试", t.branch_a, d, e, "党的最高理想？\nA. 共产主义\nB. 小康\n答案：C"),
                "第 1 题：正确答案 C 不是本题的选项",
            ),
            (form("测试", t.branch_a, d, e, "党的最高理想？\nA. 共产主义\nB. 小康"), "第 1 题：缺少“答案：”一行"),
            (form("测试", t.branch_a, d, e, ""), "测试至少要有一道题"),
            (form("测试", t.branch_a, d, e, "题\nA. 甲\nB. 乙\n答案：A\n分值：0"), "分值须在 1 到 100 之间"),
            (form("测试", t.branch_a, e, d, QUESTIONS), "截止日期不能早于开始日期"),
            (form("", t.branch_a, d, e, QUESTIONS), "请填写测试名称"),
        ] {
            let r = sec.post("/platform/quizzes", &body).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {message}");
            assert!(r.body.contains(message), "{l}: {message} not in {}", r.body);
        }
        // A branch secretary cannot write a quiz for another branch.
        let r = sec.post("/platform/quizzes", &form("测试", t.branch_b, d, e, QUESTIONS)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{l}");
        // Members cannot write quizzes at all.
        let mut member = signed_in(&app, "zhangsan").await;
        assert_eq!(
            member.post("/platform/quizzes", &form("测试", t.branch_a, d, e, QUESTIONS)).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(count(&app, "SELECT COUNT(*) FROM quizzes").await, 0, "{l}");
    }
}

#[tokio::test]
async fn member_takes_a_quiz_once_and_earns_capped_points() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        accounts(&app, &t).await;
        let mut sec = signed_in(&app, "sec_a").await;
        let id = create(&mut sec, l, &form("党章知识测试", t.branch_a, today(), today(), QUESTIONS)).await;

        // A draft is invisible to members and can be edited.
        let mut zs = signed_in(&app, "zhangsan").await;
        assert_eq!(zs.get(&format!("/platform/me/quizzes/{id}")).await.status, StatusCode::NOT_FOUND, "{l}");
        let edit = form("党章基本知识测试", t.branch_a, today(), today(), QUESTIONS);
        assert_eq!(sec.post(&format!("/platform/quizzes/{id}/save"), &edit).await.status, StatusCode::SEE_OTHER);
        assert_eq!(sec.post(&format!("/platform/quizzes/{id}/publish"), "").await.status, StatusCode::SEE_OTHER);
        // Published questions are frozen.
        let r = sec
            .post(
                &format!("/platform/quizzes/{id}/save"),
                &form("改", t.branch_a, today(), today(), "题\nA. 甲\nB. 乙\n答案：B"),
            )
            .await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}");
        let page = sec.get(&format!("/platform/quizzes/{id}")).await;
        assert!(page.body.contains("党章基本知识测试") && page.body.contains("已发布"), "{l}");
        assert!(page.body.contains("“三会一课”中的“三会”是："), "{l}");

        // The member's list and the answer page, which carries no answers.
        let list = zs.get("/platform/me/quizzes").await;
        assert!(list.body.contains("党章基本知识测试") && list.body.contains("进行中"), "{l}: {}", list.body);
        let ask = zs.get(&format!("/platform/me/quizzes/{id}")).await;
        assert_eq!(ask.status, StatusCode::OK, "{l}");
        assert!(ask.body.contains("提交答卷") && ask.body.contains("实现共产主义"), "{l}");
        for leak in ["正确答案", "class=\"correct\"", "✓", "答案："] {
            assert!(!ask.body.contains(leak), "{l}: the answer page contains {leak}");
        }

        // A member of another branch finds nothing and can write nothing.
        let mut ww = signed_in(&app, "wangwu").await;
        assert_eq!(ww.get(&format!("/platform/me/quizzes/{id}")).await.status, StatusCode::NOT_FOUND, "{l}");
        assert_eq!(ww.post(&format!("/platform/me/quizzes/{id}"), PERFECT).await.status, StatusCode::NOT_FOUND);
        assert!(!ww.get("/platform/me/quizzes").await.body.contains("党章基本知识测试"), "{l}");

        // Full marks, the 多选 ticked out of order: 40 / 40 earns the rule's 5 points.
        assert_eq!(zs.post(&format!("/platform/me/quizzes/{id}"), PERFECT).await.status, StatusCode::SEE_OTHER);
        let result = zs.get(&format!("/platform/me/quizzes/{id}")).await;
        assert!(result.body.contains("<strong>40</strong> / 40"), "{l}: {}", result.body);
        assert!(result.body.contains("计入党性积分 5.00 分"), "{l}: {}", result.body);
        assert!(result.body.contains("正确答案：ABC"), "{l}");
        // Once only.
        let again = zs.post(&format!("/platform/me/quizzes/{id}"), "q1=1").await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{l}");
        assert!(again.body.contains("每人限答一次"), "{l}");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM quiz_attempts").await, 1, "{l}");
        let key = format!("quiz:{id}:{}", t.a_members[0]);
        let line = dangjian_store::points::entry_by_key(app.db(), &key).await.unwrap().unwrap();
        assert_eq!((line.action.as_str(), line.points.as_str()), ("quiz", "5.00"), "{l}");

        // 10 of 40 (单选 right, 多选 short of one, 判断 unanswered) = a quarter of 5 points.
        let mut ls = signed_in(&app, "lisi").await;
        assert_eq!(
            ls.post(&format!("/platform/me/quizzes/{id}"), "q1=0&q2=0&q2=1").await.status,
            StatusCode::SEE_OTHER
        );
        let r = ls.get(&format!("/platform/me/quizzes/{id}")).await;
        assert!(
            r.body.contains("<strong>10</strong> / 40") && r.body.contains("计入党性积分 1.25 分"),
            "{l}: {}",
            r.body
        );

        // The monthly cap (10): a second full-marks quiz earns 5, a third earns 0 and says why.
        let second = published(&mut sec, l, "第二次测试", t.branch_a).await;
        let third = published(&mut sec, l, "第三次测试", t.branch_a).await;
        zs.post(&format!("/platform/me/quizzes/{second}"), PERFECT).await;
        zs.post(&format!("/platform/me/quizzes/{third}"), PERFECT).await;
        let r = zs.get(&format!("/platform/me/quizzes/{second}")).await;
        assert!(r.body.contains("计入党性积分 5.00 分"), "{l}: {}", r.body);
        let r = zs.get(&format!("/platform/me/quizzes/{third}")).await;
        assert!(r.body.contains("<strong>40</strong> / 40"), "{l}");
        assert!(r.body.contains("计入党性积分 0.00 分") && r.body.contains("已达每月上限 10 分"), "{l}: {}", r.body);

        // The officer's report: the branch 2 of 2, average 25; both in the export.
        let report = sec.get(&format!("/platform/quizzes/{id}")).await;
        assert!(report.body.contains("应参加 2 人，已参加 2 人；平均分 25。"), "{l}: {}", report.body);
        assert!(report.between("<td>第一党支部</td>", "</tr>").contains("2 / 2"), "{l}");
        assert!(report.between("<th>90 分及以上</th>", "</tr>").contains("1 人"), "{l}");
        assert!(report.between("<th>60 分以下</th>", "</tr>").contains("1 人"), "{l}");
        let list = sec.get("/platform/quizzes").await;
        assert!(list.body.contains("2 / 2"), "{l}");
        let x = sec.get(&format!("/platform/quizzes/{id}/results.xlsx")).await;
        assert_eq!(x.status, StatusCode::OK, "{l}");
        assert!(x.header("content-type").contains("spreadsheetml"), "{l}");
        // The committee's officer sees both branches of a committee-wide quiz.
        let mut jg = signed_in(&app, "jiguan").await;
        let wide = published(&mut jg, l, "全委测试", t.committee).await;
        assert_eq!(ww.post(&format!("/platform/me/quizzes/{wide}"), PERFECT).await.status, StatusCode::SEE_OTHER);
        let r = jg.get(&format!("/platform/quizzes/{wide}")).await;
        assert!(r.between("<td>第二党支部</td>", "</tr>").contains("1 / 1"), "{l}");
        assert!(r.between("<td>第一党支部</td>", "</tr>").contains("0 / 2"), "{l}");
        // …which the branch secretary below cannot open.
        assert_eq!(sec.get(&format!("/platform/quizzes/{wide}")).await.status, StatusCode::NOT_FOUND, "{l}");
    }
}

#[tokio::test]
async fn answers_outside_the_window_are_refused() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        accounts(&app, &t).await;
        let mut sec = signed_in(&app, "sec_a").await;
        let past = today() - time::Duration::days(30);
        let future = today() + time::Duration::days(3);
        let over = create(&mut sec, l, &form("上月测试", t.branch_a, past, past, QUESTIONS)).await;
        let later = create(&mut sec, l, &form("下周测试", t.branch_a, future, future, QUESTIONS)).await;
        let closed = published(&mut sec, l, "已结束的测试", t.branch_a).await;
        for id in [over, later] {
            sec.post(&format!("/platform/quizzes/{id}/publish"), "").await;
        }
        assert_eq!(sec.post(&format!("/platform/quizzes/{closed}/close"), "").await.status, StatusCode::SEE_OTHER);
        // Closing twice is a conflict, not a second audit line.
        assert_eq!(sec.post(&format!("/platform/quizzes/{closed}/close"), "").await.status, StatusCode::CONFLICT);
        let mut zs = signed_in(&app, "zhangsan").await;
        for (id, shown, refused) in
            [(over, "已截止", "已截止"), (later, &*format!("{future} 开始"), "才开始"), (closed, "已截止", "已截止")]
        {
            let page = zs.get(&format!("/platform/me/quizzes/{id}")).await;
            assert!(page.body.contains(shown) && !page.body.contains("提交答卷"), "{l}: {id}: {}", page.body);
            let r = zs.post(&format!("/platform/me/quizzes/{id}"), PERFECT).await;
            assert_eq!(r.status, StatusCode::CONFLICT, "{l}: {id}");
            assert!(r.body.contains(refused), "{l}: {}", r.body);
        }
        assert_eq!(count(&app, "SELECT COUNT(*) FROM quiz_attempts").await, 0, "{l}");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM points_ledger").await, 0, "{l}");
    }
}

#[tokio::test]
async fn volunteer_hours_earn_points_and_a_correction_reverses_them() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        accounts(&app, &t).await;
        let mut sec = signed_in(&app, "sec_a").await;
        let (zs, ls) = (t.a_members[0], t.a_members[1]);
        let url = format!("/platform/orgs/{}/volunteer", t.branch_a);
        let base = format!("held_on={}&title={}&place={}", today(), urlenc("社区环境整治"), urlenc("青澜社区"));
        // Bad hours, a future day, nobody: refused with the reason, nothing written.
        for (body, message) in [
            (format!("{base}&h{zs}=25"), "张三的时长应大于 0 且不超过 24 小时"),
            (format!("{base}&h{zs}=%E4%B8%A4"), "张三的时长“两”应为数字（小时）"),
            (format!("{base}&h{zs}=0"), "张三的时长应大于 0 且不超过 24 小时"),
            (base.clone(), "请至少选择一名参加的党员并填写时长"),
            (format!("held_on={}&title=x&h{zs}=1", today() + time::Duration::days(1)), "活动日期不能晚于今天"),
        ] {
            let r = sec.post(&url, &body).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}: {message}");
            assert!(r.body.contains(message), "{l}: {message} not in the page");
        }
        assert_eq!(count(&app, "SELECT COUNT(*) FROM volunteer_activities").await, 0, "{l}");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM points_ledger").await, 0, "{l}");
        // Another branch's roster is out of reach.
        let other = format!("/platform/orgs/{}/volunteer", t.branch_b);
        assert_eq!(sec.post(&other, &format!("{base}&h{}=2", t.b_members[0])).await.status, StatusCode::NOT_FOUND);

        // 3 hours earn 3 points; 10 hours are cut to the daily cap of 8.
        let r = sec.post(&url, &format!("{base}&h{zs}=3&h{ls}=10")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let activity: i64 = r.header("location").rsplit('/').next().unwrap().parse().unwrap();
        let key = |m: i64| format!("volunteer:{activity}:{m}");
        let db = app.db();
        let line = |k: String| async move { dangjian_store::points::entry_by_key(db, &k).await.unwrap().unwrap() };
        assert_eq!(line(key(zs)).await.points, "3.00", "{l}");
        let capped = line(key(ls)).await;
        assert_eq!(capped.points, "8.00", "{l}");
        assert!(capped.reason.contains("已达每日上限 8 分"), "{l}: {}", capped.reason);

        // A correction needs a reason; with one, the 3 hours are reversed and 2 granted.
        let page = format!("/platform/volunteer/{activity}/save");
        let r = sec.post(&page, &format!("h{zs}=2")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(r.body.contains("更正时长须填写理由"), "{l}");
        assert_eq!(count(&app, "SELECT COUNT(*) FROM points_ledger").await, 2, "{l}");
        let r = sec.post(&page, &format!("h{zs}=2&reason={}", urlenc("签到表核对有误"))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let first = line(key(zs)).await;
        let lines = dangjian_store::points::ledger(app.db(), &[zs], "2000-01-01", "2100-12-31").await.unwrap();
        let reversal = lines.iter().find(|x| x.reverses == Some(first.id)).expect("a reversing line");
        assert_eq!(reversal.points, "-3.00", "{l}");
        assert!(reversal.reason.contains("签到表核对有误"), "{l}");
        assert_eq!(line(format!("{}:2", key(zs))).await.points, "2.00", "{l}");
        let sum: rust_decimal::Decimal = lines.iter().map(|x| x.points.parse::<rust_decimal::Decimal>().unwrap()).sum();
        assert_eq!(sum, rust_decimal::Decimal::from(2), "{l}");
        // Saving the same hours again changes nothing.
        sec.post(&page, &format!("h{zs}=2&reason=x")).await;
        assert_eq!(count(&app, "SELECT COUNT(*) FROM points_ledger").await, 4, "{l}");
        let officer_page = sec.get(&format!("/platform/volunteer/{activity}")).await;
        assert!(officer_page.body.contains("已更正"), "{l}");

        // The member's own page.
        let mut m = signed_in(&app, "zhangsan").await;
        let mine = m.get("/platform/me/volunteer").await;
        assert!(mine.body.contains("社区环境整治") && mine.body.contains("累计 2 小时"), "{l}: {}", mine.body);
        assert!(mine.between("社区环境整治", "</tr>").contains("2.00"), "{l}");
        // Members cannot record or correct.
        assert_eq!(m.post(&page, &format!("h{zs}=9&reason=x")).await.status, StatusCode::FORBIDDEN, "{l}");
    }
}

/// A sheet with the template's header and these rows.
fn sheet(rows: &[[&str; 12]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let header =
        ["题型", "题干", "选项A", "选项B", "选项C", "选项D", "选项E", "选项F", "选项G", "选项H", "答案", "分值"];
    for (r, row) in std::iter::once(&header).chain(rows).enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(r as u32, c as u16, *v).unwrap();
            }
        }
    }
    wb.save_to_buffer().unwrap()
}

#[tokio::test]
async fn questions_are_read_from_an_excel_sheet_for_review() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        accounts(&app, &t).await;
        let mut sec = signed_in(&app, "sec_a").await;
        let template = sec.get("/platform/quizzes/template.xlsx").await;
        assert_eq!(template.status, StatusCode::OK, "{l}");
        assert!(template.header("content-type").contains("spreadsheetml"), "{l}");
        let good = sheet(&[
            ["单选", "党的根本宗旨是：", "全心全意为人民服务", "艰苦奋斗", "", "", "", "", "", "", "A", "10"],
            [
                "多选题",
                "“三会”是指：",
                "支部党员大会",
                "支部委员会",
                "党小组会",
                "职工大会",
                "",
                "",
                "",
                "",
                "A,B,C",
                "20",
            ],
            ["判断", "预备期为一年。", "", "", "", "", "", "", "", "", "正确", ""],
        ]);
        let (ct, body) = multipart("file", "题目.xlsx", &good);
        let r = sec.send_bytes("POST", "/platform/quizzes/import", &ct, body).await;
        assert_eq!(r.status, StatusCode::OK, "{l}: {}", r.body);
        assert!(r.body.contains("已从 Excel 读入 3 道题（满分 40 分）"), "{l}: {}", r.body);
        let filled = r.between("name=\"questions\"", "</textarea>");
        assert!(
            filled.contains("[多选] “三会”是指：\nA. 支部党员大会") && filled.contains("C. 党小组会"),
            "{l}: {filled}"
        );
        assert!(filled.contains("答案：A,B,C"), "{l}: {filled}");
        // Nothing is stored until the officer saves the form.
        assert_eq!(count(&app, "SELECT COUNT(*) FROM quizzes").await, 0, "{l}");

        let bad = sheet(&[
            ["单选", "题一", "甲", "乙", "", "", "", "", "", "", "A", ""],
            ["单选", "题二", "甲", "乙", "", "", "", "", "", "", "D", ""],
        ]);
        let (ct, body) = multipart("file", "题目.xlsx", &bad);
        let r = sec.send_bytes("POST", "/platform/quizzes/import", &ct, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{l}");
        assert!(r.body.contains("Excel 中的第 2 题：正确答案 D 不是本题的选项"), "{l}: {}", r.body);
        let (ct, body) = multipart("file", "题目.xlsx", b"not a workbook");
        let r = sec.send_bytes("POST", "/platform/quizzes/import", &ct, body).await;
        assert!(r.body.contains("文件不是有效的 Excel 工作簿"), "{l}");
        // Members cannot import.
        let mut m = signed_in(&app, "zhangsan").await;
        let (ct, body) = multipart("file", "题目.xlsx", &good);
        assert_eq!(m.send_bytes("POST", "/platform/quizzes/import", &ct, body).await.status, StatusCode::FORBIDDEN);
        assert_eq!(count(&app, "SELECT COUNT(*) FROM quizzes").await, 0, "{l}");
    }
}

#[tokio::test]
async fn the_branch_sync_catches_up_an_attempt_whose_points_were_lost() {
    for app in apps().await {
        let l = app.label();
        let t = tree(&app).await;
        accounts(&app, &t).await;
        let mut sec = signed_in(&app, "sec_a").await;
        let id = published(&mut sec, l, "补记积分测试", t.branch_a).await;
        // The attempt is stored but the server stopped before granting its points.
        let zhang = t.a_members[0];
        let now = dangjian_domain::clock::now_micros();
        dangjian_store::quizzes::submit(app.db(), id, zhang, &[vec![0], vec![0, 1, 2], vec![0]], 40, 40, now)
            .await
            .unwrap();
        assert_eq!(count(&app, "SELECT COUNT(*) FROM points_ledger").await, 0, "{l}");
        let url = format!("/platform/orgs/{}/points/sync", t.branch_a);
        let y = today().year();
        let r = sec.post(&url, &format!("year={y}")).await;
        assert!(r.body.contains("新增 1 条"), "{l}: {}", r.status);
        let r = sec.post(&url, &format!("year={y}")).await;
        assert!(r.body.contains("新增 0 条"), "{l}: the attempt counts once");
        let mut zs = signed_in(&app, "zhangsan").await;
        let me = zs.get("/platform/me/points").await;
        assert!(me.body.contains("补记积分测试") && me.body.contains(">5.00</strong>"), "{l}: {}", me.body);
    }
}
