//! Article bodies are stored as sanitised HTML; the index wants the words only.

/// Block-level tags: their boundaries separate words, so they become a line break
/// (otherwise the last word of one paragraph would run into the first of the next).
const BLOCKS: &[&str] =
    &["p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "th", "table", "blockquote"];

/// The text of an HTML fragment: tags removed, common entities decoded, blocks on lines
/// of their own, runs of blank space collapsed. Scripts and styles never reach stored
/// bodies (they are sanitised), so their content needs no special case.
pub fn html_to_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        push_decoded(&mut out, &rest[..lt]);
        let Some(gt) = rest[lt..].find('>') else {
            rest = &rest[lt..];
            break;
        };
        let tag = rest[lt + 1..lt + gt].trim_start_matches('/');
        let name: String = tag.chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase();
        if BLOCKS.contains(&name.as_str()) && !out.ends_with('\n') && !out.is_empty() {
            out.push('\n');
        }
        rest = &rest[lt + gt + 1..];
    }
    push_decoded(&mut out, rest);
    collapse(&out)
}

fn push_decoded(out: &mut String, s: &str) {
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let tail = &rest[amp..];
        let end = tail.find(';').filter(|e| *e <= 10);
        let decoded = end.and_then(|e| decode_entity(&tail[1..e]));
        match (end, decoded) {
            (Some(e), Some(c)) => {
                out.push(c);
                rest = &tail[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &tail[1..];
            }
        }
    }
    out.push_str(rest);
}

fn decode_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ldquo" => '“',
        "rdquo" => '”',
        "mdash" => '—',
        "hellip" => '…',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code)?
        }
    })
}

/// Trims each line, drops empty ones, and collapses runs of spaces within a line.
fn collapse(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for line in s.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&words.join(" "));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::html_to_text;

    #[test]
    fn tags_go_entities_decode_blocks_separate() {
        assert_eq!(
            html_to_text("<h2>标题</h2><p>第一段&amp;<strong>加粗</strong></p><p>第二&lt;段&gt;&#x4e00;&#20108;</p>"),
            "标题\n第一段&加粗\n第二<段>一二"
        );
        assert_eq!(html_to_text("a &unknown; b &"), "a &unknown; b &");
        assert_eq!(html_to_text("x<br>y <img src=\"a.png\" alt=\"图\"> z"), "x\ny z");
        assert_eq!(html_to_text("未闭合 <p"), "未闭合 <p");
    }
}
