//! A readable diff between two versions of an article, as HTML: changed lines with the
//! changed characters marked, so a reviewer sees a corrected name at a glance.

use similar::{ChangeTag, TextDiff};

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// One side of a changed line, with the changed characters marked. Chinese has no
/// spaces, so words would be whole sentences: the comparison is by character.
fn marked(old: &str, new: &str) -> (String, String) {
    let d = TextDiff::from_chars(old, new);
    let (mut a, mut b) = (String::new(), String::new());
    for c in d.iter_all_changes() {
        let v = esc(c.value());
        match c.tag() {
            ChangeTag::Equal => {
                a.push_str(&v);
                b.push_str(&v);
            }
            ChangeTag::Delete => a.push_str(&format!("<mark>{v}</mark>")),
            ChangeTag::Insert => b.push_str(&format!("<mark>{v}</mark>")),
        }
    }
    (a.replace("</mark><mark>", ""), b.replace("</mark><mark>", ""))
}

fn row(out: &mut String, class: &str, sign: &str, html: &str) {
    out.push_str(&format!("<tr class=\"{class}\"><td class=\"sign\">{sign}</td><td>{html}</td></tr>"));
}

/// Renders the changes from `old` to `new`; unchanged lines are shown for context.
pub fn render(old: &str, new: &str) -> String {
    let old_lines: Vec<&str> = old.lines().collect();
    let new_lines: Vec<&str> = new.lines().collect();
    let line = |s: &str| s.to_owned();
    let mut out = String::from("<table class=\"diff-table\">");
    for op in similar::capture_diff_slices(similar::Algorithm::Myers, &old_lines, &new_lines) {
        let (tag, o, n) = op.as_tag_tuple();
        match tag {
            similar::DiffTag::Equal => {
                for l in &old_lines[o] {
                    row(&mut out, "eq", " ", &esc(&line(l)));
                }
            }
            similar::DiffTag::Delete => {
                for l in &old_lines[o] {
                    row(&mut out, "del", "−", &esc(&line(l)));
                }
            }
            similar::DiffTag::Insert => {
                for l in &new_lines[n] {
                    row(&mut out, "ins", "+", &esc(&line(l)));
                }
            }
            similar::DiffTag::Replace => {
                let (olds, news) = (&old_lines[o], &new_lines[n]);
                let pairs = olds.len().min(news.len());
                let mut dels = Vec::new();
                let mut inss = Vec::new();
                for k in 0..pairs {
                    let (a, b) = marked(&line(olds[k]), &line(news[k]));
                    dels.push(a);
                    inss.push(b);
                }
                dels.extend(olds[pairs..].iter().map(|l| format!("<mark>{}</mark>", esc(&line(l)))));
                inss.extend(news[pairs..].iter().map(|l| format!("<mark>{}</mark>", esc(&line(l)))));
                for d in dels {
                    row(&mut out, "del", "−", &d);
                }
                for i in inss {
                    row(&mut out, "ins", "+", &i);
                }
            }
        }
    }
    out.push_str("</table>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marks_changed_characters_and_escapes() {
        let d = render("张三同志出席\n第二行\n", "张山同志出席\n第二行\n<b>\n");
        assert!(d.contains("class=\"del\""));
        assert!(d.contains("<mark>三</mark>"), "{d}");
        assert!(d.contains("<mark>山</mark>"), "{d}");
        assert!(d.contains("&lt;b&gt;"));
        assert!(!d.contains("<b>"));
    }
}
