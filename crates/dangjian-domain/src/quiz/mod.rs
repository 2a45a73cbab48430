//! 知识测试: questions (单选 / 多选 / 判断) with options, correct answers and points; the
//! checks a quiz must pass before members can take it; marking an answer sheet; and the
//! figures officers read (average, score bands).
//!
//! Marking is the server's job alone: the page a member answers on never carries the
//! answers, and a sheet is a set of chosen options per question, so the order in which a
//! member ticked boxes (or in which options are listed) cannot change the score. 多选 is
//! all-or-nothing by default, as in most 答题 apps; a quiz may instead give half marks for
//! a correct subset with no wrong option (学习强国's practice, domain-rules.md §2.8).

pub mod text;

use std::collections::BTreeSet;
use std::fmt;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

/// At most this many questions in a quiz (a phone page stays answerable).
pub const MAX_QUESTIONS: usize = 100;
/// Options of a 单选 / 多选 question.
pub const MIN_OPTIONS: usize = 2;
pub const MAX_OPTIONS: usize = 8;
/// Points of one question.
pub const MAX_POINTS: u32 = 100;
/// Lengths in characters.
pub const MAX_STEM: usize = 500;
pub const MAX_OPTION: usize = 200;
pub const MAX_TITLE: usize = 100;
/// The options of every 判断 question, in this order.
pub const JUDGE_OPTIONS: [&str; 2] = ["正确", "错误"];

/// The kind of a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Kind {
    Single,
    Multiple,
    Judge,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Single => "单选",
            Kind::Multiple => "多选",
            Kind::Judge => "判断",
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        [Kind::Single, Kind::Multiple, Kind::Judge].into_iter().find(|k| k.name() == name)
    }
}

/// One question. `answer` holds indices into `options`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub kind: Kind,
    pub stem: String,
    pub options: Vec<String>,
    pub answer: Vec<usize>,
    pub points: u32,
}

/// The questions of a quiz and how 多选 is marked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Quiz {
    pub questions: Vec<Question>,
    /// Half marks (rounded down) for a 多选 answered with some correct options and no
    /// wrong one; off by default (all-or-nothing).
    #[serde(default)]
    pub partial_multiple: bool,
}

/// Why a quiz cannot be saved; `question` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuizError {
    pub question: Option<usize>,
    pub message: String,
}

impl QuizError {
    pub fn quiz(message: impl Into<String>) -> QuizError {
        QuizError { question: None, message: message.into() }
    }

    pub fn at(question: usize, message: impl Into<String>) -> QuizError {
        QuizError { question: Some(question), message: message.into() }
    }
}

impl fmt::Display for QuizError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.question {
            Some(n) => write!(f, "第 {n} 题：{}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

/// Option letters A, B, C, … as shown to members and used in the text format.
pub fn letter(i: usize) -> char {
    char::from(b'A' + (i % 26) as u8)
}

impl Quiz {
    /// Full marks.
    pub fn max_score(&self) -> u32 {
        self.questions.iter().map(|q| q.points).sum()
    }

    /// Checks everything a member would otherwise trip over: at least one question, every
    /// question answerable and with a correct answer among its options, points > 0, and
    /// lengths that fit a phone page.
    pub fn validate(&self) -> Result<(), QuizError> {
        if self.questions.is_empty() {
            return Err(QuizError::quiz("测试至少要有一道题"));
        }
        if self.questions.len() > MAX_QUESTIONS {
            return Err(QuizError::quiz(format!("一次测试至多 {MAX_QUESTIONS} 道题")));
        }
        for (i, q) in self.questions.iter().enumerate() {
            q.validate().map_err(|m| QuizError::at(i + 1, m))?;
        }
        Ok(())
    }
}

impl Question {
    fn validate(&self) -> Result<(), String> {
        let stem = self.stem.trim();
        if stem.is_empty() {
            return Err("题干不能为空".into());
        }
        if stem.chars().count() > MAX_STEM {
            return Err(format!("题干至多 {MAX_STEM} 字"));
        }
        if self.points == 0 || self.points > MAX_POINTS {
            return Err(format!("分值须在 1 到 {MAX_POINTS} 之间"));
        }
        match self.kind {
            Kind::Judge => {
                if self.options != JUDGE_OPTIONS {
                    return Err("判断题的选项只能是“正确”和“错误”".into());
                }
            }
            Kind::Single | Kind::Multiple => {
                if self.options.len() < MIN_OPTIONS || self.options.len() > MAX_OPTIONS {
                    return Err(format!("{}题须有 {MIN_OPTIONS} 到 {MAX_OPTIONS} 个选项", self.kind.name()));
                }
            }
        }
        for (i, o) in self.options.iter().enumerate() {
            let o = o.trim();
            if o.is_empty() {
                return Err(format!("选项 {} 不能为空", letter(i)));
            }
            if o.chars().count() > MAX_OPTION {
                return Err(format!("选项 {} 至多 {MAX_OPTION} 字", letter(i)));
            }
            if self.options[..i].iter().any(|p| p.trim() == o) {
                return Err(format!("选项 {} 与前面的选项重复", letter(i)));
            }
        }
        if self.answer.is_empty() {
            return Err("没有填写正确答案".into());
        }
        if let Some(bad) = self.answer.iter().find(|a| **a >= self.options.len()) {
            return Err(format!("正确答案 {} 不是本题的选项", letter(*bad)));
        }
        let distinct: BTreeSet<usize> = self.answer.iter().copied().collect();
        match self.kind {
            Kind::Single | Kind::Judge if distinct.len() != 1 => {
                Err(format!("{}题只能有一个正确答案", self.kind.name()))
            }
            Kind::Multiple if distinct.len() < 2 => Err("多选题至少要有两个正确答案（只有一个请改为单选）".into()),
            _ => Ok(()),
        }
    }

    /// Points earned by the chosen options (a set: order and repeats do not matter;
    /// an option that does not exist counts as a wrong choice).
    pub fn mark(&self, chosen: &[usize], partial_multiple: bool) -> u32 {
        let chosen: BTreeSet<usize> = chosen.iter().copied().collect();
        let correct: BTreeSet<usize> = self.answer.iter().copied().collect();
        if chosen == correct {
            return self.points;
        }
        if partial_multiple && self.kind == Kind::Multiple && !chosen.is_empty() && chosen.is_subset(&correct) {
            return self.points / 2;
        }
        0
    }
}

/// A marked answer sheet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marked {
    pub score: u32,
    pub max: u32,
    /// Points per question.
    pub earned: Vec<u32>,
}

impl Marked {
    /// The share of full marks, the quantity of a `quiz` points event (4 decimals).
    pub fn share(&self) -> Decimal {
        if self.max == 0 {
            return Decimal::ZERO;
        }
        (Decimal::from(self.score) / Decimal::from(self.max)).round_dp(4)
    }
}

/// Marks a sheet: for each question, the indices of the options chosen. A missing entry
/// is an unanswered question.
pub fn mark(quiz: &Quiz, sheet: &[Vec<usize>]) -> Marked {
    let earned: Vec<u32> = quiz
        .questions
        .iter()
        .enumerate()
        .map(|(i, q)| q.mark(sheet.get(i).map(Vec::as_slice).unwrap_or_default(), quiz.partial_multiple))
        .collect();
    Marked { score: earned.iter().sum(), max: quiz.max_score(), earned }
}

/// Where today falls relative to a quiz's open window (both days included).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    NotYet,
    Open,
    Over,
}

pub fn window(opens: Date, closes: Date, today: Date) -> Window {
    if today < opens {
        Window::NotYet
    } else if today > closes {
        Window::Over
    } else {
        Window::Open
    }
}

/// Checks a quiz's title and window.
pub fn validate_header(title: &str, opens: Option<Date>, closes: Option<Date>) -> Result<(), QuizError> {
    let title = title.trim();
    if title.is_empty() {
        return Err(QuizError::quiz("请填写测试名称"));
    }
    if title.chars().count() > MAX_TITLE {
        return Err(QuizError::quiz(format!("测试名称至多 {MAX_TITLE} 字")));
    }
    let (Some(opens), Some(closes)) = (opens, closes) else {
        return Err(QuizError::quiz("请填写开始和截止日期（如 2026-05-01）"));
    };
    if closes < opens {
        return Err(QuizError::quiz("截止日期不能早于开始日期"));
    }
    Ok(())
}

/// Score bands officers see, by share of full marks.
pub const BANDS: [&str; 5] = ["60 分以下", "60–69 分", "70–79 分", "80–89 分", "90 分及以上"];

/// The band of a score (on a 100-point scale of the quiz's full marks).
pub fn band(score: u32, max: u32) -> usize {
    if max == 0 {
        return 0;
    }
    let pct = u64::from(score) * 100 / u64::from(max);
    match pct {
        0..=59 => 0,
        60..=69 => 1,
        70..=79 => 2,
        80..=89 => 3,
        _ => 4,
    }
}

/// Counts of scores per band.
pub fn distribution(scores: &[(u32, u32)]) -> [usize; 5] {
    let mut out = [0; 5];
    for (s, m) in scores {
        out[band(*s, *m)] += 1;
    }
    out
}

/// The average score (2 decimals), `None` when nobody took the quiz.
pub fn average(scores: &[u32]) -> Option<Decimal> {
    if scores.is_empty() {
        return None;
    }
    let sum: u64 = scores.iter().map(|s| u64::from(*s)).sum();
    Some((Decimal::from(sum) / Decimal::from(scores.len())).round_dp(2))
}

#[cfg(test)]
mod tests;
