//! The text format officers type (or paste from a Word document) to enter questions:
//! one block per question, blocks separated by a blank line.
//!
//! ```text
//! 1. [单选] 党的最高理想和最终目标是什么？
//! A. 实现共产主义
//! B. 全面建成小康社会
//! 答案：A
//! 分值：10
//! ```
//!
//! The tag (`[单选]`, `【多选】`, `[判断]`) may be left out: a question without options
//! whose answer is 正确/错误 is 判断, one with several answer letters is 多选, else 单选.
//! `分值` defaults to [`DEFAULT_POINTS`]. Numbering before the stem is dropped.

use super::{JUDGE_OPTIONS, Kind, Question, Quiz, QuizError, letter};

/// Points of a question whose block has no `分值` line.
pub const DEFAULT_POINTS: u32 = 10;

/// Parses the text into questions and validates them.
pub fn parse(text: &str, partial_multiple: bool) -> Result<Quiz, QuizError> {
    let text = text.replace("\r\n", "\n").replace('\r', "\n");
    let mut questions = Vec::new();
    let mut block: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim).chain(std::iter::once("")) {
        if line.is_empty() {
            if !block.is_empty() {
                let n = questions.len() + 1;
                questions.push(parse_block(&block).map_err(|m| QuizError::at(n, m))?);
                block.clear();
            }
        } else {
            block.push(line);
        }
    }
    let quiz = Quiz { questions, partial_multiple };
    quiz.validate()?;
    Ok(quiz)
}

/// The quiz in the text format, so a draft can be edited and saved again unchanged.
pub fn to_text(quiz: &Quiz) -> String {
    let mut out = Vec::new();
    for (i, q) in quiz.questions.iter().enumerate() {
        let mut b = format!("{}. [{}] {}\n", i + 1, q.kind.name(), q.stem.trim());
        if q.kind != Kind::Judge {
            for (j, o) in q.options.iter().enumerate() {
                b.push_str(&format!("{}. {}\n", letter(j), o.trim()));
            }
        }
        let answer: String = if q.kind == Kind::Judge {
            q.answer.first().map(|a| JUDGE_OPTIONS.get(*a).copied().unwrap_or("?")).unwrap_or_default().to_owned()
        } else {
            q.answer.iter().map(|a| letter(*a)).collect()
        };
        b.push_str(&format!("答案：{answer}\n分值：{}", q.points));
        out.push(b);
    }
    out.join("\n\n")
}

/// `A. text`, `B、text`, `C．text`, `D：text`, `E)text` → (index, text).
fn option_line(line: &str) -> Option<(usize, &str)> {
    let mut chars = line.chars();
    let first = chars.next()?;
    let sep = chars.next()?;
    let idx = match first {
        'A'..='H' => first as usize - 'A' as usize,
        'Ａ'..='Ｈ' => first as usize - 'Ａ' as usize,
        _ => return None,
    };
    if !matches!(sep, '.' | '、' | '．' | ':' | '：' | ')' | '）' | ' ' | '\u{3000}') {
        return None;
    }
    Some((idx, line[first.len_utf8() + sep.len_utf8()..].trim()))
}

/// The value of a `答案：…` or `分值：…` line.
fn labelled<'a>(line: &'a str, label: &str) -> Option<&'a str> {
    let rest = line.strip_prefix(label)?.trim_start();
    let rest = rest.strip_prefix(['：', ':']).unwrap_or(rest);
    Some(rest.trim())
}

/// Drops `1.`, `1、`, `（1）`, `(1)` and a kind tag from the front of a stem.
fn stem_and_tag(line: &str) -> (Option<Kind>, String) {
    let mut s = line.trim();
    let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if digits > 0 {
        let rest = &s[digits..];
        if let Some(r) = rest.strip_prefix(['.', '、', '．', ' ']) {
            s = r.trim_start();
        }
    } else if let Some(r) = s.strip_prefix(['(', '（']) {
        let close = r.find([')', '）']);
        if let Some(c) = close
            && r[..c].chars().all(|ch| ch.is_ascii_digit())
            && c > 0
        {
            s = r[c..].trim_start_matches([')', '）']).trim_start();
        }
    }
    for (open, close) in [('[', ']'), ('【', '】')] {
        if let Some(r) = s.strip_prefix(open)
            && let Some(end) = r.find(close)
            && let Some(kind) = Kind::from_name(r[..end].trim().trim_end_matches('题'))
        {
            return (Some(kind), r[end + close.len_utf8()..].trim().to_owned());
        }
    }
    (None, s.to_owned())
}

fn judge_answer(a: &str) -> Option<usize> {
    match a {
        "正确" | "对" | "√" | "✓" | "是" | "T" => Some(0),
        "错误" | "错" | "×" | "✗" | "否" | "F" => Some(1),
        _ => None,
    }
}

fn parse_block(lines: &[&str]) -> Result<Question, String> {
    let (tag, mut stem) = stem_and_tag(lines[0]);
    let mut options: Vec<String> = Vec::new();
    let mut answer_text: Option<&str> = None;
    let mut points: Option<u32> = None;
    for line in &lines[1..] {
        if let Some(a) = labelled(line, "答案").or_else(|| labelled(line, "正确答案")) {
            answer_text = Some(a);
        } else if let Some(p) = labelled(line, "分值") {
            let p = p.trim_end_matches('分').trim();
            points = Some(p.parse().map_err(|_| format!("分值“{p}”应为整数"))?);
        } else if let Some((idx, text)) = option_line(line) {
            if idx != options.len() {
                return Err(format!("选项应按 A、B、C… 的顺序排列，“{line}”的位置不对"));
            }
            options.push(text.to_owned());
        } else if options.is_empty() && answer_text.is_none() {
            stem.push('\n');
            stem.push_str(line);
        } else {
            return Err(format!("无法识别“{line}”（选项以 A. 开头，答案写作“答案：A”）"));
        }
    }
    let answer_text = answer_text.ok_or("缺少“答案：”一行")?;
    let judge = judge_answer(answer_text);
    let letters: Vec<char> =
        answer_text.chars().filter(|c| !matches!(c, ',' | '，' | '、' | ' ' | ';' | '；')).collect();
    let kind = tag.unwrap_or(if options.is_empty() && judge.is_some() {
        Kind::Judge
    } else if letters.len() > 1 {
        Kind::Multiple
    } else {
        Kind::Single
    });
    let answer = if kind == Kind::Judge {
        if !options.is_empty() {
            return Err("判断题不用写选项，答案写“正确”或“错误”".into());
        }
        options = JUDGE_OPTIONS.iter().map(|s| (*s).to_owned()).collect();
        vec![judge.ok_or_else(|| format!("判断题的答案应为“正确”或“错误”，而不是“{answer_text}”"))?]
    } else {
        let mut out = Vec::new();
        for c in letters {
            let c = c.to_ascii_uppercase();
            let idx = match c {
                'A'..='Z' => c as usize - 'A' as usize,
                'Ａ'..='Ｚ' => c as usize - 'Ａ' as usize,
                _ => return Err(format!("答案“{answer_text}”应写选项字母，如 A 或 ACD")),
            };
            if !out.contains(&idx) {
                out.push(idx);
            }
        }
        out.sort_unstable();
        out
    };
    Ok(Question { kind, stem: stem.trim().to_owned(), options, answer, points: points.unwrap_or(DEFAULT_POINTS) })
}
