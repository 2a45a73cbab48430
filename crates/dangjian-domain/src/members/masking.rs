//! Masked forms of personal data for lists, exports and screens shown to roles that do not
//! need the full value (DESIGN.md: "Personal data of members … is masked in lists").
//! The shapes are the ones Chinese government systems use, so users recognise them:
//! `110105********123X` and `138****5678`.
//!
//! The helpers work on characters, never bytes, so stray non-ASCII input cannot panic,
//! and they never reveal more than the shape below even for odd lengths.

/// How many characters of an ID number stay visible at each end.
const ID_HEAD: usize = 6;
const ID_TAIL: usize = 4;
/// How many characters of a phone number stay visible at each end.
const PHONE_HEAD: usize = 3;
const PHONE_TAIL: usize = 4;

fn mask(value: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = value.trim().chars().collect();
    let n = chars.len();
    if n <= head + tail {
        // Too short to show both ends without showing everything.
        return "*".repeat(n);
    }
    let mut out: String = chars[..head].iter().collect();
    out.extend(std::iter::repeat_n('*', n - head - tail));
    out.extend(&chars[n - tail..]);
    out
}

/// An ID number with only the address code and the last 4 characters visible:
/// `110105199003071239` → `110105********1239`. The birth date, which identifies the
/// person together with the name, is always hidden.
pub fn mask_id_number(id: &str) -> String {
    mask(id, ID_HEAD, ID_TAIL)
}

/// A phone number with the first 3 and last 4 digits visible: `13812345678` →
/// `138****5678`. Spaces and hyphens are dropped first so `138-1234-5678` masks the same.
pub fn mask_phone(phone: &str) -> String {
    let compact: String = phone.chars().filter(|c| !c.is_whitespace() && *c != '-').collect();
    mask(&compact, PHONE_HEAD, PHONE_TAIL)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn id_numbers() {
        assert_eq!(mask_id_number("11010519900307123X"), "110105********123X");
        assert_eq!(mask_id_number(" 110105199003071239 "), "110105********1239");
        // An old 15-digit number keeps the same ends.
        assert_eq!(mask_id_number("110105900307123"), "110105*****7123");
        assert_eq!(mask_id_number("1234567890"), "**********");
        assert_eq!(mask_id_number(""), "");
    }

    #[test]
    fn phones() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("138-1234-5678"), "138****5678");
        assert_eq!(mask_phone("138 1234 5678"), "138****5678");
        assert_eq!(mask_phone("01012345678"), "010****5678");
        assert_eq!(mask_phone("1234567"), "*******");
        assert_eq!(mask_phone("电话号码未登记"), "*******");
    }

    proptest! {
        #[test]
        fn masking_keeps_length_and_hides_the_middle(s in "[0-9X]{0,30}") {
            let masked = mask_id_number(&s);
            prop_assert_eq!(masked.chars().count(), s.chars().count());
            let visible = masked.chars().filter(|&c| c != '*').count();
            prop_assert!(visible <= ID_HEAD + ID_TAIL);
            if s.len() > ID_HEAD + ID_TAIL {
                prop_assert!(masked.starts_with(&s[..ID_HEAD]));
                prop_assert!(masked.ends_with(&s[s.len() - ID_TAIL..]));
            }
        }

        #[test]
        fn never_panics_on_any_text(s in ".{0,40}") {
            let _ = mask_id_number(&s);
            let _ = mask_phone(&s);
        }
    }
}
