//! 民主评议党员 online, through the pages: members write and edit their 个人自评 until voting
//! closes; each participant (正式 or 预备) casts one online ballot grading every 正式党员
//! but themself; incomplete, second, late and outside ballots are refused with a message
//! and write nothing; the branch sees turnout only while voting, then paper plus online per
//! member; no page shows who voted what. Each runs on SQLite and, when configured, PostgreSQL.

mod support;

use axum::http::StatusCode;
use dangjian_store::{
    Db, appraisal,
    members::{self, NewMember},
};
use support::{
    App, apps,
    client::{Client, urlenc},
    test_key,
    tree::{Tree, member, officer, signed_in, this_year, tree},
};

const ME: &str = "/platform/me/appraisal";
const BALLOT: &str = "/platform/me/appraisal/ballot";

/// The tree's branch A (张三, 李四) plus 赵六 (正式) and 钱七 (预备), each with an
/// account; 王五 of branch B; and the branch secretary.
struct Setup {
    t: Tree,
    zhao: i64,
    qian: i64,
}

async fn add_member(app: &App, org: i64, name: &str, status: &str, id: &str) -> i64 {
    let key = test_key();
    members::insert_many(
        app.db(),
        &[NewMember {
            org_id: org,
            name: name.into(),
            id_number_enc: key.encrypt(id),
            id_number_hash: Some(key.hash(id)),
            phone_enc: key.encrypt("13600000000"),
            category: "in_service".into(),
            status: status.into(),
            ..Default::default()
        }],
        0,
    )
    .await
    .unwrap()[0]
}

async fn setup(app: &App) -> Setup {
    let t = tree(app).await;
    let zhao = add_member(app, t.branch_a, "赵六", "full", "110105198805050017").await;
    let qian = add_member(app, t.branch_a, "钱七", "probationary", "110105199909090016").await;
    officer(app, "sec_a", t.branch_a).await;
    member(app, "zhangsan", t.a_members[0]).await;
    member(app, "lisi", t.a_members[1]).await;
    member(app, "zhaoliu", zhao).await;
    member(app, "qianqi", qian).await;
    member(app, "wangwu", t.b_members[0]).await;
    Setup { t, zhao, qian }
}

fn branch_url(s: &Setup) -> String {
    format!("/platform/orgs/{}/appraisal", s.t.branch_a)
}

async fn step(sec: &mut Client<'_>, s: &Setup, action: &str) {
    let y = this_year();
    let r = sec.post(&format!("{}/{action}", branch_url(s)), &format!("year={y}")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{action}: {}", r.body);
}

async fn round_id(db: &Db, s: &Setup) -> i64 {
    appraisal::round_for(db, s.t.branch_a, this_year()).await.unwrap().unwrap().id
}

async fn online_count(db: &Db, round: i64) -> usize {
    appraisal::online_ballots(db, round).await.unwrap().len()
}

#[tokio::test]
async fn self_assessment_is_saved_edited_and_refused_after_closing() {
    for app in apps().await {
        let l = app.label();
        let s = setup(&app).await;
        let db = app.db();
        let mut zs = signed_in(&app, "zhangsan").await;
        let r = zs.get(ME).await;
        assert!(r.status == StatusCode::OK && r.body.contains("您目前没有参加民主评议"), "{l}: {}", r.body);
        // /platform/me links to the page.
        assert!(zs.get("/platform/me").await.body.contains(r#"href="/platform/me/appraisal""#), "{l}");

        let mut sec = signed_in(&app, "sec_a").await;
        step(&mut sec, &s, "open").await;
        let round = round_id(db, &s).await;
        let r = zs.get(ME).await;
        assert!(r.body.contains("个人自评：<strong>未提交</strong>"), "{l}: {}", r.body);
        assert!(
            r.body.contains(r#"action="/platform/me/appraisal""#) && r.body.contains(r#"name="self_grade""#),
            "{l}"
        );

        let post = |text: &str, grade: &str| format!("round={round}&text={}&self_grade={grade}", urlenc(text));
        let r = zs.post(ME, &post("  ", "")).await;
        assert!(r.body.contains("请填写个人自评内容"), "{l}");
        let long = "学".repeat(2001);
        let r = zs.post(ME, &post(&long, "")).await;
        assert!(r.body.contains("个人自评不超过 2000 字，现有 2001 字"), "{l}");
        assert!(r.body.contains(&long), "{l}: the draft is kept to be shortened");
        let r = zs.post(ME, &post("认真学习党章党规", "legendary")).await;
        assert!(r.body.contains("自评等次无效"), "{l}");
        assert_eq!(appraisal::participation(db, s.t.a_members[0]).await.unwrap()[0].self_at, None, "{l}");

        let r = zs.post(ME, &post("认真学习党章党规，按时交纳党费。", "qualified")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let r = zs.get(&format!("{ME}?saved=1")).await;
        assert!(r.body.contains("个人自评已保存") && r.body.contains("<strong>已提交</strong>"), "{l}");
        assert!(r.body.contains("认真学习党章党规，按时交纳党费。"), "{l}");
        assert_eq!(r.headers.get("cache-control").unwrap(), "no-store", "{l}");
        // Edited: the new text replaces the old.
        let r = zs.post(ME, &post("修改后：认真学习，联系群众不够。", "")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        let mine = appraisal::participation(db, s.t.a_members[0]).await.unwrap().remove(0);
        assert_eq!((mine.self_text.as_str(), mine.self_grade), ("修改后：认真学习，联系群众不够。", None), "{l}");

        // A 预备党员 writes one too, but gives no self grade.
        let mut qq = signed_in(&app, "qianqi").await;
        assert!(!qq.get(ME).await.body.contains(r#"name="self_grade""#), "{l}");
        let r = qq.post(ME, &post("预备期思想汇报", "excellent")).await;
        assert!(r.body.contains("预备党员参加评议但不评定等次"), "{l}");
        assert_eq!(qq.post(ME, &post("预备期思想汇报", "")).await.status, StatusCode::SEE_OTHER, "{l}");

        // Another branch's member and an account with no member record are refused.
        let mut ww = signed_in(&app, "wangwu").await;
        let r = ww.post(ME, &post("冒名", "")).await;
        assert!(
            r.status == StatusCode::FORBIDDEN && r.body.contains("不是本次民主评议的参评党员"),
            "{l}: {}",
            r.status
        );
        let r = ww.post(ME, "round=abc&text=x").await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}");
        support::client::account(&app, "nobody", &["member"], &[], 0).await;
        let mut nb = signed_in(&app, "nobody").await;
        let r = nb.get(ME).await;
        assert!(r.status == StatusCode::CONFLICT && r.body.contains("尚未关联党员信息"), "{l}: {}", r.status);

        // The branch reads the self-assessments and who has not written one.
        let page = sec.get(&branch_url(&s)).await.body;
        assert!(page.contains("修改后：认真学习，联系群众不够。") && page.contains("预备期思想汇报"), "{l}");
        assert!(page.contains(r#"<strong class="self-count">2</strong>"#), "{l}");
        assert!(page.contains("尚未提交：李四、赵六"), "{l}: {page}");

        // Still editable while voting; refused after the close, the text unchanged.
        step(&mut sec, &s, "start_voting").await;
        assert_eq!(zs.post(ME, &post("投票期间再改", "qualified")).await.status, StatusCode::SEE_OTHER, "{l}");
        step(&mut sec, &s, "close").await;
        let r = zs.post(ME, &post("截止后还想改", "")).await;
        assert!(r.body.contains("投票已截止，个人自评不能再修改"), "{l}");
        let r = zs.get(ME).await;
        assert!(!r.body.contains(r#"action="/platform/me/appraisal""#), "{l}: the form is gone");
        assert!(r.body.contains("投票期间再改") && r.body.contains("自评等次：合格"), "{l}");
        let mine = appraisal::participation(db, s.t.a_members[0]).await.unwrap().remove(0);
        assert_eq!(mine.self_text, "投票期间再改", "{l}");
    }
}

/// A complete ballot for `voter`: every full member of branch A but the voter.
fn full_ballot(s: &Setup, round: i64, voter: i64, grade: &str) -> String {
    let mut f = format!("round={round}");
    for m in [s.t.a_members[0], s.t.a_members[1], s.zhao] {
        if m != voter {
            f.push_str(&format!("&mark.{m}={grade}"));
        }
    }
    f
}

#[tokio::test]
async fn online_ballots_are_counted_once_and_only_from_participants() {
    for app in apps().await {
        let l = app.label();
        let s = setup(&app).await;
        let db = app.db();
        let (zhang, li, zhao, qian) = (s.t.a_members[0], s.t.a_members[1], s.zhao, s.qian);
        let mut sec = signed_in(&app, "sec_a").await;
        step(&mut sec, &s, "open").await;
        let round = round_id(db, &s).await;
        // 赵八 joins the branch after the round opened: not a participant.
        let zhaoba = add_member(&app, s.t.branch_a, "赵八", "full", "110105197701010018").await;
        member(&app, "zhaoba", zhaoba).await;

        let mut zs = signed_in(&app, "zhangsan").await;
        let r = zs.get(BALLOT).await;
        assert!(r.status == StatusCode::CONFLICT && r.body.contains("支部尚未开始网上投票"), "{l}: {}", r.status);
        let r = zs.post(BALLOT, &full_ballot(&s, round, zhang, "qualified")).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{l}");
        assert!(zs.get(ME).await.body.contains("支部尚未开始网上投票"), "{l}");
        step(&mut sec, &s, "start_voting").await;

        // The sheet: the other full members; not 张三 himself, not the 预备党员.
        let me = zs.get(ME).await.body;
        assert!(
            me.contains("网上测评票：<strong>未投票</strong>") && me.contains(&format!("{BALLOT}?round={round}")),
            "{l}"
        );
        let sheet = zs.get(&format!("{BALLOT}?round={round}")).await;
        assert_eq!(sheet.status, StatusCode::OK, "{l}");
        for m in [li, zhao] {
            assert_eq!(sheet.body.matches(&format!(r#"name="mark.{m}""#)).count(), 4, "{l}: four grades for {m}");
        }
        for m in [zhang, qian, zhaoba] {
            assert!(!sheet.body.contains(&format!(r#"name="mark.{m}""#)), "{l}: {m} is on 张三's sheet");
        }
        assert!(sheet.body.contains("<legend>李四</legend>") && !sheet.body.contains("<legend>钱七</legend>"), "{l}");

        // Incomplete, self-rating, probationary-grading and invalid ballots: refused, nothing written.
        let r = zs.post(BALLOT, &format!("round={round}&mark.{li}=excellent")).await;
        assert!(r.body.contains("还有 1 名党员没有选择等次") && r.body.contains("未评：赵六"), "{l}: {}", r.body);
        assert!(r.body.contains(r#"value="excellent" checked"#), "{l}: the marks already made are kept");
        let with = |extra: &str| format!("{}&{extra}", full_ballot(&s, round, zhang, "qualified"));
        let r = zs.post(BALLOT, &with(&format!("mark.{zhang}=excellent"))).await;
        assert!(r.body.contains("测评票不评价本人"), "{l}");
        let r = zs.post(BALLOT, &with(&format!("mark.{qian}=excellent"))).await;
        assert!(r.body.contains("钱七 是预备党员，参加评议但不评定等次"), "{l}: {}", r.body);
        let r = zs.post(BALLOT, &format!("round={round}&mark.{li}=best&mark.{zhao}=qualified")).await;
        assert!(r.body.contains("测评等次无效"), "{l}");
        assert_eq!(zs.post(BALLOT, &format!("round={round}&mark.x=qualified")).await.status, StatusCode::BAD_REQUEST);
        assert_eq!(online_count(db, round).await, 0, "{l}");
        assert_eq!(appraisal::turnout(db, round).await.unwrap(), (0, 4), "{l}");

        // The ballot counts once; a second one is refused.
        let r = zs.post(BALLOT, &full_ballot(&s, round, zhang, "qualified")).await;
        assert!(r.status == StatusCode::OK && r.body.contains("投票成功"), "{l}: {}", r.body);
        let r = zs.post(BALLOT, &full_ballot(&s, round, zhang, "excellent")).await;
        assert!(r.status == StatusCode::CONFLICT && r.body.contains("已经投过票"), "{l}: {}", r.status);
        assert!(zs.get(BALLOT).await.body.contains("已经投过票"), "{l}");
        assert_eq!(online_count(db, round).await, 1, "{l}");
        let me = zs.get(ME).await.body;
        assert!(me.contains("网上测评票：<strong>已投票</strong>") && !me.contains(BALLOT), "{l}");

        // The 预备党员 votes on all three full members.
        let mut qq = signed_in(&app, "qianqi").await;
        let sheet = qq.get(BALLOT).await.body;
        for m in [zhang, li, zhao] {
            assert!(sheet.contains(&format!(r#"name="mark.{m}""#)), "{l}: {m} missing from 钱七's sheet");
        }
        let r = qq
            .post(
                BALLOT,
                &format!("round={round}&mark.{zhang}=excellent&mark.{li}=qualified&mark.{zhao}=basically_qualified"),
            )
            .await;
        assert!(r.body.contains("投票成功"), "{l}: {}", r.body);

        // Outsiders: a member who joined later, another branch's member with this round.
        for user in ["zhaoba", "wangwu"] {
            let mut c = signed_in(&app, user).await;
            let r = c.post(BALLOT, &format!("round={round}&mark.{li}=excellent&mark.{zhao}=excellent")).await;
            assert!(r.status == StatusCode::FORBIDDEN && r.body.contains("不是本次民主评议的参评党员"), "{l}: {user}");
            let r = c.get(&format!("{BALLOT}?round={round}")).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{l}: {user}");
        }
        assert_eq!(online_count(db, round).await, 2, "{l}");

        // A paper ballot from the meeting, then the close; late ballots are refused.
        let r = sec
            .post(
                &format!("{}/ballot", branch_url(&s)),
                &format!("year={}&mark.{li}=excellent&mark.{zhao}=qualified&mark.{zhang}=qualified", this_year()),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}");
        step(&mut sec, &s, "close").await;
        let mut ls = signed_in(&app, "lisi").await;
        let r = ls.post(BALLOT, &full_ballot(&s, round, li, "qualified")).await;
        assert!(r.status == StatusCode::CONFLICT && r.body.contains("网上投票已经截止"), "{l}: {}", r.status);
        assert!(ls.get(ME).await.body.contains("（投票已截止）"), "{l}");
        assert_eq!(online_count(db, round).await, 2, "{l}");
    }
}

/// The tally row of one member on the branch page.
fn row(page: &str, member: i64) -> String {
    let start = page.find(&format!(r#"<tr data-member="{member}">"#)).expect("tally row");
    page[start..].split("</tr>").next().unwrap().to_owned()
}

#[tokio::test]
async fn the_branch_sees_turnout_then_paper_plus_online_and_never_who_voted_what() {
    for app in apps().await {
        let l = app.label();
        let s = setup(&app).await;
        let db = app.db();
        let (zhang, li, zhao) = (s.t.a_members[0], s.t.a_members[1], s.zhao);
        let y = this_year();
        let mut sec = signed_in(&app, "sec_a").await;
        step(&mut sec, &s, "open").await;
        let round = round_id(db, &s).await;
        step(&mut sec, &s, "start_voting").await;
        let url = branch_url(&s);
        let paper = format!("year={y}&mark.{li}=excellent&mark.{zhao}=qualified&mark.{zhang}=qualified");
        assert_eq!(sec.post(&format!("{url}/ballot"), &paper).await.status, StatusCode::SEE_OTHER, "{l}");

        // While voting the page shows how many voted, not who, and no online counts; it
        // is the same page whichever participant cast the ballot.
        let before = sec.get(&url).await.body;
        let mut zs = signed_in(&app, "zhangsan").await;
        assert!(zs.post(BALLOT, &full_ballot(&s, round, zhang, "qualified")).await.body.contains("投票成功"), "{l}");
        let after_zhang = sec.get(&url).await.body;
        assert!(
            after_zhang
                .contains(r#"已投 <strong class="turnout">1</strong> 人，应投 <strong class="eligible">4</strong> 人"#),
            "{l}"
        );
        assert!(after_zhang.contains("网上测评票在结束投票后计入统计"), "{l}");
        assert!(!after_zhang.contains("网上 1"), "{l}: online counts shown while voting");
        assert_eq!(before.replace(r#"class="turnout">0<"#, r#"class="turnout">1<"#), after_zhang, "{l}");
        // The same again in a round of last year, where 李四 casts the first ballot.
        let old = appraisal::open(
            db,
            s.t.branch_a,
            y - 1,
            &[(zhang, "full".into()), (li, "full".into()), (zhao, "full".into()), (s.qian, "probationary".into())],
            0,
        )
        .await
        .unwrap();
        appraisal::add_ballot(db, old, &format!("{li}:excellent\n{zhao}:qualified\n{zhang}:qualified")).await.unwrap();
        appraisal::take_step(db, old, dangjian_domain::eval::appraisal::RoundStep::StartVoting, 0).await.unwrap();
        appraisal::cast_online(db, old, li, &format!("{zhang}:excellent\n{zhao}:unqualified")).await.unwrap();
        let old_page = sec.get(&format!("{url}?year={}", y - 1)).await.body;
        assert_eq!(
            old_page.replace(&(y - 1).to_string(), &y.to_string()),
            after_zhang,
            "{l}: the page tells who voted"
        );

        // The member pages say only "已投票" to the voter themself.
        let li_page = signed_in(&app, "lisi").await.get(ME).await.body;
        assert!(li_page.contains("<strong>未投票</strong>") && !li_page.contains("张三"), "{l}");

        // After the close: paper, online and their sum per member; the committee decides.
        let mut qq = signed_in(&app, "qianqi").await;
        let r = qq
            .post(BALLOT, &format!("round={round}&mark.{zhang}=excellent&mark.{li}=qualified&mark.{zhao}=qualified"))
            .await;
        assert!(r.body.contains("投票成功"), "{l}");
        step(&mut sec, &s, "close").await;
        let page = sec.get(&url).await.body;
        assert!(page.contains("（网上测评票 2 张）") && page.contains(r#"<strong class="ballots">1</strong>"#), "{l}");
        // 李四: paper 优秀 1; online 合格 from 张三 and 钱七.
        let li_row = row(&page, li);
        assert!(li_row.contains("<strong>1</strong><br><small>网上 0 · 纸质 1</small>"), "{l}: {li_row}");
        assert!(li_row.contains("<strong>2</strong><br><small>网上 2 · 纸质 0</small>"), "{l}: {li_row}");
        assert!(
            li_row.contains("<strong>3</strong><br><small>网上 2 · 纸质 1</small></td><td>合格</td>"),
            "{l}: {li_row}"
        );
        // 张三: not on his own ballot; 优秀 from 钱七 online, 合格 on paper.
        let zhang_row = row(&page, zhang);
        assert!(
            zhang_row.contains("<strong>2</strong><br><small>网上 1 · 纸质 1</small></td><td>合格</td>"),
            "{l}: {zhang_row}"
        );
        assert!(row(&page, s.qian).contains("不评定等次"), "{l}");
        // The decision form is offered now, defaulting to the combined plurality.
        assert!(page.contains(r#"<option value="qualified" selected>合格</option>"#), "{l}");
        let feedback = urlenc("希望多联系群众");
        let r = sec
            .post(
                &format!("{url}/decide"),
                &format!("year={y}&grade.{zhang}=qualified&grade.{li}=qualified&grade.{zhao}=qualified&feedback.{li}={feedback}"),
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{l}: {}", r.body);
        let li_page = signed_in(&app, "lisi").await.get(ME).await.body;
        assert!(li_page.contains("评议结果已确定") && li_page.contains("希望多联系群众"), "{l}");
        assert!(li_page.contains("<th>评定等次</th><td>合格</td>"), "{l}");
        assert!(li_page.contains("历年评议"), "{l}: last year's round is listed too");

        // Nothing of the vote reaches the audit trail: only the branch's own steps.
        let actions: Vec<String> = dangjian_store::on_pool!(db, |p| sqlx::query_scalar::<_, String>(
            "SELECT action FROM audit_log WHERE action LIKE 'appraisal%' ORDER BY id"
        )
        .fetch_all(p)
        .await)
        .unwrap();
        assert_eq!(
            actions,
            ["appraisal.open", "appraisal.start_voting", "appraisal.ballot", "appraisal.close", "appraisal.decide"],
            "{l}"
        );
        let voters: i64 = dangjian_store::on_pool!(db, |p| sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM audit_log WHERE username IN ('zhangsan', 'qianqi', 'lisi') \
             AND action NOT IN ('login', 'logout')"
        )
        .fetch_one(p)
        .await)
        .unwrap();
        assert_eq!(voters, 0, "{l}: a member's vote left an audit line");
    }
}
