//! Page arithmetic for list pages (`/channel/{slug}?page=N`).

/// Articles per channel page, as on the seed site.
pub const PAGE_SIZE: u32 = 20;

/// A validated page request: which rows to show and how many pages exist.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// 1-based page number.
    pub number: u32,
    /// Total number of pages (at least 1, so an empty channel shows an empty page 1).
    pub count: u32,
    /// Number of rows before this page.
    pub offset: u64,
    pub size: u32,
}

/// Why a requested page does not exist. Both answer 404: a bad link must not be a 500.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageError {
    /// Not a positive whole number.
    Malformed,
    /// Past the last page.
    PastEnd,
}

/// Parses the `page` query value (absent means 1) against `total` rows.
pub fn page_for(raw: Option<&str>, total: u64, size: u32) -> Result<Page, PageError> {
    let number = match raw {
        None => 1,
        Some(s) => s.trim().parse::<u32>().map_err(|_| PageError::Malformed)?,
    };
    if number == 0 {
        return Err(PageError::Malformed);
    }
    let count = total.div_ceil(u64::from(size)).max(1);
    let count = u32::try_from(count).unwrap_or(u32::MAX);
    if number > count {
        return Err(PageError::PastEnd);
    }
    Ok(Page { number, count, offset: u64::from(number - 1) * u64::from(size), size })
}

/// Page numbers to link around the current one: first, last, and a window of
/// `radius` either side; `None` marks a gap drawn as "…".
pub fn page_links(current: u32, count: u32, radius: u32) -> Vec<Option<u32>> {
    let mut out = Vec::new();
    let lo = current.saturating_sub(radius).max(1);
    let hi = (current + radius).min(count);
    if lo > 1 {
        out.push(Some(1));
        if lo > 2 {
            out.push(None);
        }
    }
    out.extend((lo..=hi).map(Some));
    if hi < count {
        if hi + 1 < count {
            out.push(None);
        }
        out.push(Some(count));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn absent_page_is_first() {
        let p = page_for(None, 45, 20).unwrap();
        assert_eq!((p.number, p.count, p.offset), (1, 3, 0));
    }

    #[test]
    fn empty_channel_has_one_page() {
        assert_eq!(page_for(Some("1"), 0, 20).unwrap().count, 1);
        assert_eq!(page_for(Some("2"), 0, 20), Err(PageError::PastEnd));
    }

    #[test]
    fn bad_values_are_malformed() {
        for raw in ["0", "-1", "abc", "1.5", "", "99999999999"] {
            assert_eq!(page_for(Some(raw), 100, 20), Err(PageError::Malformed), "{raw}");
        }
    }

    #[test]
    fn past_the_end() {
        assert!(page_for(Some("3"), 40, 20).is_err());
        assert_eq!(page_for(Some("2"), 40, 20).unwrap().offset, 20);
    }

    #[test]
    fn links_have_gaps() {
        assert_eq!(
            page_links(10, 20, 2),
            vec![Some(1), None, Some(8), Some(9), Some(10), Some(11), Some(12), None, Some(20)]
        );
        assert_eq!(page_links(1, 1, 2), vec![Some(1)]);
    }

    proptest! {
        #[test]
        fn every_valid_page_is_in_range(total in 0u64..100_000, n in 1u32..6000) {
            if let Ok(p) = page_for(Some(&n.to_string()), total, 20) {
                prop_assert!(p.offset < total.max(1));
                prop_assert!(p.number <= p.count);
            }
        }

        #[test]
        fn links_are_sorted_and_include_ends(count in 1u32..500, cur in 1u32..500) {
            let cur = cur.min(count);
            let nums: Vec<u32> = page_links(cur, count, 3).into_iter().flatten().collect();
            prop_assert_eq!(nums.first().copied(), Some(1));
            prop_assert_eq!(nums.last().copied(), Some(count));
            prop_assert!(nums.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(nums.contains(&cur));
        }
    }
}
