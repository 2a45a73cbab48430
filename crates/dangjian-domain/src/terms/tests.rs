use super::*;
use proptest::prelude::*;

fn dict(text: &str) -> Dictionary {
    Dictionary::parse(text).unwrap_or_else(|e| panic!("{e:?}"))
}

fn starter() -> Dictionary {
    Dictionary::default()
}

fn errors(text: &str) -> Vec<String> {
    Dictionary::parse(text).expect_err("should not parse").iter().map(ToString::to_string).collect()
}

/// The flagged strings of a check, for compact assertions.
fn flagged(d: &Dictionary, text: &str) -> Vec<String> {
    check(d, text).into_iter().map(|h| h.text).collect()
}

// ---- the starter dictionary ----

#[test]
fn starter_parses_and_has_each_kind() {
    let d = starter();
    let count = |f: fn(&Entry) -> bool| d.entries().iter().filter(|e| f(e)).count();
    assert!(count(|e| matches!(e, Entry::Forbidden { .. })) >= 10);
    assert!(count(|e| matches!(e, Entry::Suspect { .. })) >= 40);
    assert!(count(|e| matches!(e, Entry::Leader { .. })) >= 5);
    assert!(d.titles().iter().any(|t| t == "副书记"));
    assert!(Dictionary::starter().contains("虚构"), "the starter says its leaders are fictional");
}

#[test]
fn starter_round_trips_through_the_text_form() {
    let d = starter();
    let text = d.to_text();
    let again = dict(&text);
    assert_eq!(again.entries(), d.entries());
    assert_eq!(again.titles(), d.titles());
    assert_eq!(again.to_text(), text, "the canonical form is a fixed point");
}

#[test]
fn empty_dictionary_flags_nothing() {
    assert!(check(&Dictionary::empty(), "党的19大").is_empty());
    assert!(check(&dict("# 只有注释\n\n"), "党的19大").is_empty());
}

// ---- each kind ----

#[test]
fn forbidden_terms_block() {
    let hits = check(&starter(), "点击进入博彩网址领取");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].kind, HitKind::Forbidden);
    assert_eq!(hits[0].severity, Severity::Block);
    assert_eq!(hits[0].message, "禁用词“博彩网址”");
    assert!(blocks(&hits));
}

#[test]
fn suspect_terms_warn_with_the_right_form() {
    let hits = check(&starter(), "深入学习贯彻党的19大精神");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].severity, Severity::Warn);
    assert_eq!(hits[0].kind, HitKind::Suspect { suggestion: "党的十九大".into() });
    assert_eq!(hits[0].message, "疑似错误：“党的19大”应为“党的十九大”");
    assert!(!blocks(&hits));
    let d = starter();
    assert_eq!(flagged(&d, "开展两学一作学习教育"), ["两学一作"]);
    assert_eq!(flagged(&d, "全新全意为人民服务"), ["全新全意为人民服务"]);
    assert_eq!(flagged(&d, "坚持中国特色社会主意道路"), ["中国特色社会主意"]);
    assert!(check(&d, "深入学习贯彻党的十九大精神，全心全意为人民服务").is_empty());
}

#[test]
fn misspelled_leader_names_are_flagged() {
    let hits = check(&starter(), "林卫冬同志出席会议");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].kind, HitKind::LeaderName { name: "林卫东".into() });
    assert_eq!(hits[0].message, "领导姓名疑似写错：“林卫冬”应为“林卫东”");
    assert!(check(&starter(), "林卫东同志出席会议").is_empty());
}

#[test]
fn a_title_after_a_name_must_be_one_of_theirs() {
    let d = starter();
    // 陈嘉禾 is 市委副书记 and 市长: calling them 书记 is the classic error.
    let hits = check(&d, "陈嘉禾书记主持会议");
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].text, "书记");
    assert_eq!(hits[0].bytes, "陈嘉禾".len().."陈嘉禾书记".len());
    assert!(matches!(&hits[0].kind, HitKind::LeaderTitle { name, .. } if name == "陈嘉禾"));
    assert_eq!(hits[0].message, "领导职务不符：陈嘉禾的职务为“市委副书记、副书记、青澜市市长、市长”，此处写作“书记”");
    assert_eq!(flagged(&d, "林卫东副书记讲话"), ["副书记"]);
    assert!(check(&d, "陈嘉禾副书记、林卫东书记、韩立新书记出席").is_empty());
    assert!(check(&d, "陈嘉禾市长").is_empty());
    assert!(check(&d, "林卫东（市委书记）").is_empty(), "an opening bracket may stand between");
    assert!(check(&d, "林卫东 市委书记").is_empty());
}

#[test]
fn the_longest_title_is_the_one_compared() {
    let d = starter();
    // "市委副书记" is read whole, not as "副书记" or "书记".
    assert_eq!(flagged(&d, "林卫东市委副书记"), ["市委副书记"]);
    assert!(check(&d, "陈嘉禾市委副书记").is_empty());
    assert_eq!(flagged(&d, "周敏澄常务副市长、林卫东常务副市长"), ["常务副市长"]);
}

#[test]
fn a_title_before_a_name_is_checked_too() {
    let d = starter();
    assert_eq!(flagged(&d, "市委书记陈嘉禾调研"), ["市委书记"]);
    assert!(check(&d, "市委副书记陈嘉禾调研").is_empty());
    assert!(check(&d, "青澜市委书记林卫东、市长陈嘉禾").is_empty());
}

#[test]
fn titles_out_of_reach_or_shared_are_left_alone() {
    let d = starter();
    // Someone else's title: a word that is not filler ends the window.
    assert!(check(&d, "林卫东和周敏澄副市长").is_empty());
    assert!(check(&d, "副市长和林卫东").is_empty());
    assert!(check(&d, "林卫东在市委副书记陈嘉禾陪同下").is_empty());
    // "书记" may belong to 林卫东 (right) or to 陈嘉禾 (wrong): no guess.
    assert!(check(&d, "林卫东书记陈嘉禾").is_empty());
    // A title past the window.
    assert!(check(&d, "林卫东   副书记").is_empty());
}

// ---- boundaries ----

#[test]
fn empty_text_and_exact_term() {
    let d = starter();
    assert!(check(&d, "").is_empty());
    let hits = check(&d, "党的19大");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].bytes, 0.."党的19大".len());
    assert_eq!(hits[0].chars, 0..5);
}

#[test]
fn hits_at_start_and_end() {
    let d = starter();
    let text = "裸聊中间文字党的20大";
    let hits = check(&d, text);
    assert_eq!(hits.len(), 2);
    assert_eq!(hits[0].bytes.start, 0);
    assert_eq!(hits[0].chars, 0..2);
    assert_eq!(hits[1].bytes.end, text.len());
    assert_eq!(hits[1].chars, 6..11);
}

#[test]
fn mixed_cjk_and_ascii_ranges() {
    let d = dict("禁 BadWord\n疑 党的19大 => 党的十九大");
    let text = "abc党的19大xyz，badword。";
    let hits = check(&d, text);
    assert_eq!(hits.len(), 2, "{hits:?}");
    assert_eq!(hits[0].chars, 3..8);
    assert_eq!(&text[hits[0].bytes.clone()], "党的19大");
    assert_eq!(hits[1].text, "badword", "ASCII case is ignored");
    assert_eq!(hits[1].chars, 12..19);
    assert_eq!(&text[hits[1].bytes.clone()], "badword");
}

#[test]
fn overlapping_entries_take_the_leftmost_longest() {
    let d = dict("禁 赌博网站\n疑 赌博网 => 不应出现\n疑 甲乙 => 乙丙\n禁 乙丙丁");
    assert_eq!(flagged(&d, "这是赌博网站"), ["赌博网站"]);
    assert_eq!(flagged(&d, "这是赌博网"), ["赌博网"]);
    assert_eq!(flagged(&d, "甲乙丙丁"), ["甲乙"], "the leftmost match wins");
}

#[test]
fn a_right_form_containing_a_wrong_form_is_not_flagged() {
    let d = dict("疑 两学一 => 两学一做");
    assert!(check(&d, "两学一做").is_empty());
    assert_eq!(flagged(&d, "两学一要求"), ["两学一"]);
}

#[test]
fn a_block_wins_over_an_overlapping_warning() {
    let d = dict("领导 张三 | 书记\n职务 副书记\n禁 书记处罚");
    let hits = check(&d, "张三副书记处罚");
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert_eq!(hits[0].severity, Severity::Block);
    assert_eq!(hits[0].text, "书记处罚");
}

#[test]
fn a_large_dictionary_still_works() {
    // Past the DFA limit the automaton kind changes; the answers must not.
    let mut text = String::from("疑 党的19大 => 党的十九大\n");
    for i in 0..DFA_MAX_PATTERNS + 500 {
        text.push_str(&format!("禁 违禁词{i}号\n"));
    }
    let d = dict(&text);
    assert_eq!(flagged(&d, "党的19大和违禁词2100号，违禁词7号"), ["党的19大", "违禁词2100号", "违禁词7号"]);
}

// ---- parsing ----

#[test]
fn parse_accepts_full_width_separators() {
    let d = dict("领导 张三 ｜ 书记，副书记 ｜ 张叁、章三\n疑 错字 ＝＞ 正字\n职务 书记、主任");
    assert_eq!(
        d.entries()[0],
        Entry::Leader {
            name: "张三".into(),
            titles: vec!["书记".into(), "副书记".into()],
            misspellings: vec!["张叁".into(), "章三".into()],
        }
    );
    assert_eq!(d.entries()[1], Entry::Suspect { term: "错字".into(), suggestion: "正字".into() });
    assert_eq!(d.titles(), ["书记", "主任"]);
}

#[test]
fn parse_errors_name_the_line_and_reason() {
    let text = "# 注释\n禁 好词\n坏 东西\n疑 没有箭头\n领导 张三\n领导 李四 |  | 李肆\n禁\n疑 同 => 同\n职务";
    assert_eq!(
        errors(text),
        [
            "第3行：未知的词条类型“坏”，应为“禁”“疑”“领导”或“职务”",
            "第4行：“疑”词条应写作“疑 错误写法 => 正确写法”，缺少“=>”",
            "第5行：“领导”词条应写作“领导 姓名 | 职务1, 职务2 | 错写1, 错写2”",
            "第6行：领导“李四”至少需要一个职务",
            "第7行：“禁”后缺少词语",
            "第8行：错误写法与正确写法相同",
            "第9行：“职务”后缺少职务名称",
        ]
    );
}

#[test]
fn parse_rejects_duplicates_and_contradictions() {
    assert_eq!(errors("禁 坏词\n\n疑 坏词 => 好词"), ["第3行：“坏词”与第1行重复"]);
    assert_eq!(errors("禁 ABC\n禁 abc"), ["第2行：“abc”与第1行重复"]);
    assert_eq!(errors("领导 张三 | 书记 | 张叁\n禁 张叁"), ["第2行：“张叁”与第1行重复"]);
    assert_eq!(errors("疑 甲 => 乙\n禁 乙"), ["第1行：正确写法“乙”在第2行被列为禁用词或错误写法"]);
    assert_eq!(errors("领导 张三 | 书记 | 张三"), ["第1行：领导“张三”的错写与姓名相同"]);
    // A right form may be a leader's name.
    assert!(Dictionary::parse("领导 张三 | 书记\n疑 张叁 => 张三").is_ok());
}

// ---- highlight ----

#[test]
fn highlight_wraps_hits_and_escapes_everything() {
    let d = starter();
    let text = "<script>alert(1)</script>党的19大&裸聊";
    let html = highlight(text, &check(&d, text));
    assert_eq!(
        html,
        "&lt;script&gt;alert(1)&lt;/script&gt;\
         <mark class=\"term-warn\" title=\"疑似错误：“党的19大”应为“党的十九大”\">党的19大</mark>&amp;\
         <mark class=\"term-block\" title=\"禁用词“裸聊”\">裸聊</mark>"
    );
    assert!(!html.contains("<script"));
}

#[test]
fn highlight_escapes_the_title() {
    let d = dict("疑 x\"y => <b onclick='1'>");
    let html = highlight("ax\"yb", &check(&d, "ax\"yb"));
    assert_eq!(
        html,
        "a<mark class=\"term-warn\" title=\"疑似错误：“x&quot;y”应为“&lt;b onclick=&#39;1&#39;&gt;”\">x&quot;y</mark>b"
    );
}

#[test]
fn highlight_skips_hits_it_cannot_trust() {
    let text = "党的19大";
    let mut hits = check(&starter(), text);
    let good = hits[0].clone();
    let mut bad = good.clone();
    bad.bytes = 1..3; // inside a character
    hits.push(bad);
    let mut past = good.clone();
    past.bytes = 0..100;
    hits.insert(0, past);
    hits.push(good); // overlaps the first
    assert_eq!(highlight(text, &hits), highlight(text, &check(&starter(), text)));
}

// ---- properties ----

/// Text built from dictionary fragments and noise, so that hits actually occur.
fn pieces() -> impl Strategy<Value = String> {
    let parts = prop::sample::select(vec![
        "党的19大",
        "党的十九大",
        "林卫东",
        "陈嘉禾",
        "林卫冬",
        "书记",
        "副书记",
        "市委",
        "市长",
        "裸聊",
        "两学一",
        "做",
        " ",
        "（",
        "和",
        "a",
        "é",
        "😀",
        "<",
        "&",
    ]);
    prop::collection::vec(prop_oneof![parts.prop_map(str::to_owned), any::<String>()], 0..24).prop_map(|v| v.concat())
}

proptest! {
    #[test]
    fn hits_are_in_bounds_sorted_and_disjoint(text in pieces()) {
        let hits = check(&starter(), &text);
        let mut last_end = 0;
        for h in &hits {
            prop_assert!(h.bytes.start >= last_end, "sorted and non-overlapping: {:?}", hits);
            prop_assert!(h.bytes.start < h.bytes.end && h.bytes.end <= text.len());
            prop_assert_eq!(&text[h.bytes.clone()], h.text.as_str());
            prop_assert_eq!(h.chars.start, text[..h.bytes.start].chars().count());
            prop_assert_eq!(h.chars.end, text[..h.bytes.end].chars().count());
            last_end = h.bytes.end;
        }
    }

    #[test]
    fn highlight_without_hits_is_escaping(text in any::<String>()) {
        prop_assert_eq!(highlight(&text, &[]), escape(&text));
    }

    #[test]
    fn highlight_only_adds_marks(text in pieces()) {
        let hits = check(&starter(), &text);
        let mut html = highlight(&text, &hits);
        for h in &hits {
            let open = format!("<mark class=\"{}\" title=\"{}\">",
                if h.severity == Severity::Block { "term-block" } else { "term-warn" }, escape(&h.message));
            html = html.replacen(&open, "", 1);
        }
        prop_assert_eq!(html.replace("</mark>", ""), escape(&text));
    }

    #[test]
    fn check_never_panics_on_arbitrary_unicode(text in any::<String>()) {
        let hits = check(&starter(), &text);
        prop_assert!(hits.iter().all(|h| h.bytes.end <= text.len()));
    }

    #[test]
    fn parse_never_panics(text in any::<String>()) {
        let _ = Dictionary::parse(&text);
    }
}
