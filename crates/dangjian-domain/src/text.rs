//! Display-width aware text helpers for the portal's title lists.
//!
//! Government portals cut long titles so that each list row stays on one line. Their
//! templates count a CJK character as two columns and a Latin letter as one; cutting by
//! `char` count instead makes rows of mixed text ragged, so we count display columns.

/// Display width of one character: 2 for wide (CJK, full-width forms), 1 otherwise,
/// 0 for combining marks and control characters.
pub fn char_width(c: char) -> usize {
    let cp = c as u32;
    if c.is_control() || (0x0300..=0x036F).contains(&cp) || (0x200B..=0x200F).contains(&cp) {
        return 0;
    }
    let wide = matches!(cp,
        0x1100..=0x115F        // Hangul Jamo
        | 0x2E80..=0x303E      // CJK radicals, punctuation
        | 0x3041..=0x33FF      // kana, CJK compatibility
        | 0x3400..=0x4DBF      // CJK extension A
        | 0x4E00..=0x9FFF      // CJK unified ideographs
        | 0xA000..=0xA4CF      // Yi
        | 0xAC00..=0xD7A3      // Hangul syllables
        | 0xF900..=0xFAFF      // CJK compatibility ideographs
        | 0xFE30..=0xFE4F      // CJK compatibility forms
        | 0xFF00..=0xFF60      // full-width forms
        | 0xFFE0..=0xFFE6
        | 0x1F300..=0x1F64F
        | 0x1F900..=0x1F9FF
        | 0x20000..=0x3FFFD); // CJK extensions B and later
    if wide { 2 } else { 1 }
}

/// Display width of a string (CJK counts as two columns).
pub fn display_width(s: &str) -> usize {
    s.chars().map(char_width).sum()
}

/// Cuts `s` so that it fits in `max` display columns. When it has to cut, it keeps
/// room for an ellipsis `…` (one column) so the reader sees the title goes on.
/// Returns the input unchanged when it already fits.
pub fn truncate_width(s: &str, max: usize) -> String {
    if display_width(s) <= max {
        return s.to_owned();
    }
    let budget = max.saturating_sub(1);
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = char_width(c);
        if used + w > budget {
            break;
        }
        used += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn cjk_counts_two_columns() {
        assert_eq!(display_width("党建"), 4);
        assert_eq!(display_width("ab党"), 4);
        assert_eq!(display_width("“五量”"), 6);
        assert_eq!(display_width("，。"), 4);
    }

    #[test]
    fn short_titles_are_left_alone() {
        assert_eq!(truncate_width("强国复兴有我通知", 16), "强国复兴有我通知");
    }

    #[test]
    fn long_titles_are_cut_with_an_ellipsis() {
        let t = "关于积极参与文化旅游志愿服务的倡议";
        let cut = truncate_width(t, 20);
        assert_eq!(cut, "关于积极参与文化旅…");
        assert!(display_width(&cut) <= 20);
    }

    #[test]
    fn mixed_text_is_cut_by_columns() {
        assert_eq!(truncate_width("2021年市直机关党内统计专报", 12), "2021年市直…");
    }

    proptest! {
        #[test]
        fn never_wider_than_asked(s in "\\PC{0,60}", max in 1usize..60) {
            let cut = truncate_width(&s, max);
            prop_assert!(display_width(&cut) <= max.max(1));
        }

        #[test]
        fn cut_is_a_prefix(s in "[a-z党建工委 ]{0,40}", max in 1usize..40) {
            let cut = truncate_width(&s, max);
            let kept = cut.trim_end_matches('…');
            prop_assert!(s.starts_with(kept));
        }
    }
}
