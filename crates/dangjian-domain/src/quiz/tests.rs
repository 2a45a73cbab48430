use proptest::prelude::*;
use rust_decimal::Decimal;
use time::macros::date;

use super::text::{DEFAULT_POINTS, parse, to_text};
use super::*;

fn single(stem: &str, options: &[&str], answer: usize, points: u32) -> Question {
    Question {
        kind: Kind::Single,
        stem: stem.into(),
        options: options.iter().map(|s| (*s).to_owned()).collect(),
        answer: vec![answer],
        points,
    }
}

fn sample() -> Quiz {
    Quiz {
        questions: vec![
            single("党的最高理想和最终目标是？", &["实现共产主义", "实现小康"], 0, 10),
            Question {
                kind: Kind::Multiple,
                stem: "“三会一课”中的“三会”包括？".into(),
                options: vec!["支部党员大会".into(), "支部委员会".into(), "党小组会".into(), "职工大会".into()],
                answer: vec![0, 1, 2],
                points: 20,
            },
            Question {
                kind: Kind::Judge,
                stem: "预备党员的预备期为一年。".into(),
                options: JUDGE_OPTIONS.iter().map(|s| (*s).to_owned()).collect(),
                answer: vec![0],
                points: 10,
            },
        ],
        partial_multiple: false,
    }
}

#[test]
fn hand_marked_sheet() {
    let q = sample();
    assert_eq!(q.max_score(), 40);
    // Right, 多选 missing one (all-or-nothing: 0), right.
    let m = mark(&q, &[vec![0], vec![1, 0], vec![0]]);
    assert_eq!((m.score, m.max, m.earned.clone()), (20, 40, vec![10, 0, 10]));
    assert_eq!(m.share(), Decimal::new(5, 1));
    // The 多选 ticked in another order still scores; an unanswered judge earns nothing.
    let m = mark(&q, &[vec![1], vec![2, 0, 1]]);
    assert_eq!(m.earned, vec![0, 20, 0]);
    // With half marks for a correct subset: 10 of 20; a wrong option spoils it.
    let partial = Quiz { partial_multiple: true, ..q };
    assert_eq!(mark(&partial, &[vec![], vec![0, 1]]).earned[1], 10);
    assert_eq!(mark(&partial, &[vec![], vec![0, 3]]).earned[1], 0);
    // An option that does not exist is a wrong choice, not a crash.
    assert_eq!(mark(&partial, &[vec![9]]).score, 0);
}

#[test]
fn validation_messages_name_the_question() {
    assert_eq!(Quiz::default().validate().unwrap_err().to_string(), "测试至少要有一道题");
    let mut q = sample();
    q.questions[1].answer = vec![0];
    assert_eq!(q.validate().unwrap_err().to_string(), "第 2 题：多选题至少要有两个正确答案（只有一个请改为单选）");
    let mut q = sample();
    q.questions[0].answer = vec![2];
    assert_eq!(q.validate().unwrap_err().to_string(), "第 1 题：正确答案 C 不是本题的选项");
    let mut q = sample();
    q.questions[0].answer = vec![];
    assert!(q.validate().unwrap_err().message.contains("没有填写正确答案"));
    let mut q = sample();
    q.questions[2].points = 0;
    assert!(q.validate().unwrap_err().message.contains("分值"));
    let mut q = sample();
    q.questions[0].options = vec!["甲".into()];
    assert!(q.validate().unwrap_err().message.contains("2 到 8 个选项"));
    let mut q = sample();
    q.questions[0].options[1] = " 实现共产主义 ".into();
    assert!(q.validate().unwrap_err().message.contains("重复"));
    let mut q = sample();
    q.questions[2].options = vec!["对".into(), "错".into()];
    assert!(q.validate().unwrap_err().message.contains("判断题"));
    assert!(sample().validate().is_ok());
}

#[test]
fn header_and_window() {
    assert!(validate_header("", Some(date!(2026 - 05 - 01)), Some(date!(2026 - 05 - 31))).is_err());
    let e = validate_header("测试", Some(date!(2026 - 05 - 31)), Some(date!(2026 - 05 - 01))).unwrap_err();
    assert_eq!(e.message, "截止日期不能早于开始日期");
    assert!(validate_header("测试", None, Some(date!(2026 - 05 - 01))).is_err());
    let (o, c) = (date!(2026 - 05 - 01), date!(2026 - 05 - 31));
    assert_eq!(window(o, c, date!(2026 - 04 - 30)), Window::NotYet);
    assert_eq!(window(o, c, o), Window::Open);
    assert_eq!(window(o, c, c), Window::Open);
    assert_eq!(window(o, c, date!(2026 - 06 - 01)), Window::Over);
}

#[test]
fn bands_and_average() {
    assert_eq!(band(59, 100), 0);
    assert_eq!(band(60, 100), 1);
    assert_eq!(band(18, 20), 4);
    assert_eq!(band(0, 0), 0);
    assert_eq!(distribution(&[(10, 40), (30, 40), (40, 40), (36, 40)]), [1, 0, 1, 0, 2]);
    assert_eq!(average(&[]), None);
    assert_eq!(average(&[10, 20, 20]), Some(Decimal::new(1667, 2)));
}

#[test]
fn text_format_reads_what_officers_type() {
    let text = "1. 党的最高理想和最终目标是什么？\nA. 实现共产主义\nB、全面建成小康社会\n答案：A\n\n\
                2．【多选题】“三会一课”中的“三会”是：\nA．支部党员大会\nB．支部委员会\nC．党小组会\nD．职工大会\n答案：A、B、C\n分值：20分\n\n\
                （3）预备党员的预备期为一年。\n答案：正确\n分值: 5";
    let q = parse(text, false).unwrap();
    assert_eq!(q.questions.len(), 3);
    assert_eq!(q.questions[0].kind, Kind::Single);
    assert_eq!(q.questions[0].stem, "党的最高理想和最终目标是什么？");
    assert_eq!(q.questions[0].options[1], "全面建成小康社会");
    assert_eq!(q.questions[0].points, DEFAULT_POINTS);
    assert_eq!(q.questions[1].kind, Kind::Multiple);
    assert_eq!(q.questions[1].stem, "“三会一课”中的“三会”是：");
    assert_eq!((q.questions[1].answer.clone(), q.questions[1].points), (vec![0, 1, 2], 20));
    assert_eq!((q.questions[2].kind, q.questions[2].answer.clone(), q.questions[2].points), (Kind::Judge, vec![0], 5));
    assert_eq!(parse(&to_text(&q), false).unwrap(), q);
}

#[test]
fn text_format_errors_say_where() {
    assert_eq!(parse("", false).unwrap_err().to_string(), "测试至少要有一道题");
    let e = parse("题一\nA. 甲\nB. 乙\n答案：A\n\n题二\nA. 甲\nB. 乙", false).unwrap_err();
    assert_eq!(e.to_string(), "第 2 题：缺少“答案：”一行");
    let e = parse("题一\nA. 甲\nB. 乙\n答案：C", false).unwrap_err();
    assert_eq!(e.to_string(), "第 1 题：正确答案 C 不是本题的选项");
    let e = parse("题一\nA. 甲\nC. 乙\n答案：A", false).unwrap_err();
    assert!(e.message.contains("顺序"), "{e}");
    let e = parse("[判断] 题一\n答案：也许", false).unwrap_err();
    assert!(e.message.contains("正确"), "{e}");
    let e = parse("题一\nA. 甲\nB. 乙\n答案：A\n分值：很多", false).unwrap_err();
    assert!(e.message.contains("整数"), "{e}");
}

fn arb_question() -> impl Strategy<Value = Question> {
    (0..3u8, 2..=MAX_OPTIONS, 1..=MAX_POINTS, proptest::collection::vec(any::<bool>(), MAX_OPTIONS)).prop_map(
        |(k, n, points, picks)| {
            let kind = [Kind::Single, Kind::Multiple, Kind::Judge][usize::from(k)];
            let n = if kind == Kind::Judge { 2 } else { n };
            let options: Vec<String> = if kind == Kind::Judge {
                JUDGE_OPTIONS.iter().map(|s| (*s).to_owned()).collect()
            } else {
                (0..n).map(|i| format!("选项{i}")).collect()
            };
            let mut answer: Vec<usize> = (0..n).filter(|i| picks[*i]).collect();
            match kind {
                Kind::Multiple if answer.len() < 2 => answer = vec![0, n - 1],
                Kind::Single | Kind::Judge => answer = vec![answer.first().copied().unwrap_or(0)],
                _ => {}
            }
            Question { kind, stem: "题干".into(), options, answer, points }
        },
    )
}

fn arb_quiz() -> impl Strategy<Value = Quiz> {
    (proptest::collection::vec(arb_question(), 1..12), any::<bool>())
        .prop_map(|(questions, partial_multiple)| Quiz { questions, partial_multiple })
}

fn arb_sheet() -> impl Strategy<Value = Vec<Vec<usize>>> {
    proptest::collection::vec(proptest::collection::vec(0..MAX_OPTIONS + 1, 0..4), 0..14)
}

proptest! {
    #[test]
    fn generated_quizzes_are_valid(q in arb_quiz()) {
        prop_assert!(q.validate().is_ok());
        prop_assert_eq!(parse(&to_text(&q), q.partial_multiple).unwrap(), q);
    }

    #[test]
    fn score_within_bounds(q in arb_quiz(), sheet in arb_sheet()) {
        let m = mark(&q, &sheet);
        prop_assert!(m.score <= m.max);
        prop_assert_eq!(m.max, q.max_score());
        prop_assert!(m.share() >= Decimal::ZERO && m.share() <= Decimal::ONE);
    }

    #[test]
    fn perfect_sheet_scores_max(q in arb_quiz()) {
        let sheet: Vec<Vec<usize>> = q.questions.iter().map(|x| x.answer.clone()).collect();
        let m = mark(&q, &sheet);
        prop_assert_eq!(m.score, m.max);
        prop_assert_eq!(m.share(), Decimal::ONE);
    }

    #[test]
    fn answer_order_does_not_matter(q in arb_quiz(), sheet in arb_sheet()) {
        let reversed: Vec<Vec<usize>> = sheet.iter().map(|a| a.iter().rev().copied().collect()).collect();
        let doubled: Vec<Vec<usize>> = sheet.iter().map(|a| a.iter().chain(a).copied().collect()).collect();
        prop_assert_eq!(mark(&q, &sheet).score, mark(&q, &reversed).score);
        prop_assert_eq!(mark(&q, &sheet).score, mark(&q, &doubled).score);
    }

    #[test]
    fn option_order_does_not_matter(q in arb_quiz(), sheet in arb_sheet(), shift in 1..MAX_OPTIONS) {
        // Rotate the options of every question, and the answers and choices with them.
        let mut rotated = q.clone();
        let mut moved = sheet.clone();
        for (i, x) in rotated.questions.iter_mut().enumerate() {
            let n = x.options.len();
            let to = |a: usize| if a < n { (a + shift) % n } else { a };
            x.options.rotate_right(shift % n);
            x.answer = x.answer.iter().map(|a| to(*a)).collect();
            if let Some(s) = moved.get_mut(i) {
                *s = s.iter().map(|a| to(*a)).collect();
            }
        }
        prop_assert_eq!(mark(&q, &sheet).score, mark(&rotated, &moved).score);
    }
}
