//! 居民身份证号码 (GB 11643-1999, 公民身份号码): 6-digit address code, 8-digit birth date
//! (YYYYMMDD), 3-digit sequence (odd for men, even for women) and an ISO 7064 MOD 11-2
//! check character (0–9 or X for 10).
//!
//! A member record carries the number, and a mistyped digit is the commonest data error in
//! member registers; the check character catches every single-digit error and every swap
//! of adjacent digits, so the form refuses a wrong number before it is saved.

use std::fmt;

use time::{Date, Month};

/// Weights of positions 1–17: 2^(18-i) mod 11.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The check character for each value of `Σ digit × weight mod 11`.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// First two digits of the address code: the provincial-level divisions of GB/T 2260, plus
/// 71 (台湾) and 81–83, used on 港澳台居民居住证 numbers that follow the same scheme.
const PROVINCES: [u8; 35] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
    64, 65, 71, 81, 82, 83,
];

/// Why a number is not a valid 居民身份证号码. Shown on the member form as it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdNumberError {
    WrongLength { chars: usize },
    NotDigit { position: usize },
    UnknownRegion { code: String },
    InvalidBirthDate { digits: String },
    WrongCheckChar { expected: char, found: char },
    BadSequence { sequence: u16 },
}

impl fmt::Display for IdNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IdNumberError::WrongLength { chars } => write!(f, "身份证号码应为 18 位，填写的是 {chars} 位"),
            IdNumberError::NotDigit { position } => {
                write!(f, "身份证号码第 {position} 位应为数字（只有最后一位可以是 X）")
            }
            IdNumberError::UnknownRegion { code } => write!(f, "身份证号码的地址码 {code} 不是有效的行政区划代码"),
            IdNumberError::InvalidBirthDate { digits } => {
                write!(f, "身份证号码中的出生日期 {digits} 不是有效日期")
            }
            IdNumberError::WrongCheckChar { .. } => {
                write!(f, "身份证号码校验位不正确，请核对是否有数字填错")
            }
            IdNumberError::BadSequence { sequence } => write!(f, "顺序码 {sequence} 应在 0 到 999 之间"),
        }
    }
}

impl std::error::Error for IdNumberError {}

/// 性别, as the sequence code encodes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn name(self) -> &'static str {
        match self {
            Gender::Male => "男",
            Gender::Female => "女",
        }
    }
}

/// A number that passed every check. Always 18 characters, upper-case X.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

/// The check character for the first 17 digits (ISO 7064 MOD 11-2).
fn check_char(body: &[u8; 17]) -> char {
    let sum: u32 = body.iter().zip(WEIGHTS).map(|(&d, w)| u32::from(d) * w).sum();
    CHECK_CHARS[(sum % 11) as usize]
}

fn birth_date_of(body: &[u8; 17]) -> Option<Date> {
    let num = |range: std::ops::Range<usize>| body[range].iter().fold(0u32, |acc, &d| acc * 10 + u32::from(d));
    let year = i32::try_from(num(6..10)).ok()?;
    let month = Month::try_from(u8::try_from(num(10..12)).ok()?).ok()?;
    let day = u8::try_from(num(12..14)).ok()?;
    // Nobody alive was born before 1900; a year like 0990 is a typo.
    if year < 1900 {
        return None;
    }
    Date::from_calendar_date(year, month, day).ok()
}

impl IdNumber {
    /// Checks a number as typed: surrounding spaces are ignored and a lower-case x is
    /// accepted, since that is how people type it.
    pub fn parse(input: &str) -> Result<IdNumber, IdNumberError> {
        let chars: Vec<char> = input.trim().chars().collect();
        if chars.len() != 18 {
            return Err(IdNumberError::WrongLength { chars: chars.len() });
        }
        let mut body = [0u8; 17];
        for (i, c) in chars[..17].iter().enumerate() {
            body[i] = c.to_digit(10).ok_or(IdNumberError::NotDigit { position: i + 1 })? as u8;
        }
        let found = chars[17].to_ascii_uppercase();
        if !(found.is_ascii_digit() || found == 'X') {
            return Err(IdNumberError::NotDigit { position: 18 });
        }
        let province = body[0] * 10 + body[1];
        if !PROVINCES.contains(&province) {
            return Err(IdNumberError::UnknownRegion { code: chars[..6].iter().collect() });
        }
        if birth_date_of(&body).is_none() {
            return Err(IdNumberError::InvalidBirthDate { digits: chars[6..14].iter().collect() });
        }
        let expected = check_char(&body);
        if found != expected {
            return Err(IdNumberError::WrongCheckChar { expected, found });
        }
        Ok(IdNumber(chars[..17].iter().chain(std::iter::once(&found)).collect()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 6-digit address code (the place of first registration, not of residence).
    pub fn region_code(&self) -> &str {
        &self.0[..6]
    }

    pub fn birth_date(&self) -> Date {
        let body: [u8; 17] = std::array::from_fn(|i| self.0.as_bytes()[i] - b'0');
        birth_date_of(&body).unwrap_or(Date::MIN)
    }

    /// Odd sequence code (17th digit) for men, even for women.
    pub fn gender(&self) -> Gender {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 { Gender::Male } else { Gender::Female }
    }

    /// The masked form for lists and exports (`110105********123X`).
    pub fn masked(&self) -> String {
        super::masking::mask_id_number(&self.0)
    }
}

/// Prints the full number: only call this where the viewer may see it.
impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The birth date and gender in a number, for pre-filling the member form. Fails as
/// [`IdNumber::parse`] does.
pub fn birth_date_and_gender(input: &str) -> Result<(Date, Gender), IdNumberError> {
    let id = IdNumber::parse(input)?;
    Ok((id.birth_date(), id.gender()))
}

/// A checksum-valid number for **demo data**, built from an address code, a birth date and
/// a sequence (0–999; odd gives a man). Demo members need numbers that pass the same
/// validation as real ones, and deriving them from a counter keeps the demo reproducible.
/// The result is a made-up number; demo data must never be filled with real people's.
pub fn fake_id_number(region_code: &str, birth: Date, sequence: u16) -> Result<IdNumber, IdNumberError> {
    if sequence > 999 {
        return Err(IdNumberError::BadSequence { sequence });
    }
    if region_code.len() != 6 || !region_code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(IdNumberError::UnknownRegion { code: region_code.to_string() });
    }
    let body = format!("{region_code}{:04}{:02}{:02}{sequence:03}", birth.year(), u8::from(birth.month()), birth.day());
    let bytes = body.as_bytes();
    // A year before 1000 or after 9999 would not fit the 8 digits.
    if bytes.len() != 17 || !bytes.iter().all(u8::is_ascii_digit) {
        return Err(IdNumberError::InvalidBirthDate { digits: body });
    }
    let digits: [u8; 17] = std::array::from_fn(|i| bytes[i] - b'0');
    IdNumber::parse(&format!("{body}{}", check_char(&digits)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    // Check characters below were computed by hand from the weights
    // 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 and the table 1 0 X 9 8 7 6 5 4 3 2.
    //
    // 11010519900307123: 7+9+0+5+0+20+2+9+54+0+0+27+0+35+8+8+6 = 190; 190 mod 11 = 3 → 9.
    const MALE_1990: &str = "110105199003071239";
    // 44030519851120001: the first 14 digits sum to 209 (≡ 0); 0·8+0·4+1·2 = 2 → X.
    const MALE_X: &str = "44030519851120001X";
    // 44030519851120108: 209 + 1·8+0·4+8·2 = 233; 233 mod 11 = 2 → X.
    const FEMALE_X: &str = "44030519851120108X";
    // 44030519851120000: 209 ≡ 0 → 1.
    const FEMALE_1: &str = "440305198511200001";
    // 32010220000229456: 21+18+0+5+0+8+4+0+0+0+0+18+20+45+32+20+12 = 203; 203 mod 11 = 5 → 7.
    const LEAP_DAY: &str = "320102200002294567";

    #[test]
    fn accepts_hand_checked_numbers() {
        for n in [MALE_1990, MALE_X, FEMALE_X, FEMALE_1, LEAP_DAY] {
            assert_eq!(IdNumber::parse(n).unwrap().as_str(), n);
        }
    }

    #[test]
    fn extracts_birth_date_and_gender() {
        assert_eq!(birth_date_and_gender(MALE_1990).unwrap(), (date!(1990 - 03 - 07), Gender::Male));
        assert_eq!(birth_date_and_gender(MALE_X).unwrap(), (date!(1985 - 11 - 20), Gender::Male));
        assert_eq!(birth_date_and_gender(FEMALE_X).unwrap(), (date!(1985 - 11 - 20), Gender::Female));
        assert_eq!(birth_date_and_gender(LEAP_DAY).unwrap(), (date!(2000 - 02 - 29), Gender::Female));
        let id = IdNumber::parse(MALE_1990).unwrap();
        assert_eq!(id.region_code(), "110105");
        assert_eq!(id.gender().name(), "男");
        assert_eq!(id.masked(), "110105********1239");
        assert_eq!(id.to_string(), MALE_1990);
    }

    #[test]
    fn lower_case_x_and_spaces_are_normalised() {
        assert_eq!(IdNumber::parse(" 44030519851120001x ").unwrap().as_str(), MALE_X);
    }

    #[test]
    fn wrong_check_char_is_refused() {
        let err = IdNumber::parse("110105199003071238").unwrap_err();
        assert_eq!(err, IdNumberError::WrongCheckChar { expected: '9', found: '8' });
        assert_eq!(err.to_string(), "身份证号码校验位不正确，请核对是否有数字填错");
        assert!(IdNumber::parse("11010519900307123X").is_err());
        assert_eq!(
            IdNumber::parse("440305198511200010").unwrap_err(),
            IdNumberError::WrongCheckChar { expected: 'X', found: '0' }
        );
    }

    #[test]
    fn single_digit_typo_and_adjacent_swap_are_caught() {
        // 1990 → 1909 swaps two adjacent digits of the birth year.
        assert!(IdNumber::parse("110105190903071239").is_err());
        // One digit of the sequence mistyped.
        assert!(IdNumber::parse("110105199003071229").is_err());
    }

    #[test]
    fn length_and_characters() {
        assert_eq!(IdNumber::parse("11010519900307123").unwrap_err(), IdNumberError::WrongLength { chars: 17 });
        assert_eq!(IdNumber::parse("1101051990030712399").unwrap_err(), IdNumberError::WrongLength { chars: 19 });
        assert_eq!(IdNumber::parse("").unwrap_err().to_string(), "身份证号码应为 18 位，填写的是 0 位");
        // An old 15-digit number is not accepted: members' records use the 18-digit form.
        assert!(IdNumber::parse("110105900307123").is_err());
        assert_eq!(IdNumber::parse("1101051990030712X9").unwrap_err(), IdNumberError::NotDigit { position: 17 });
        assert_eq!(IdNumber::parse("11010519900307123Y").unwrap_err(), IdNumberError::NotDigit { position: 18 });
        // Full-width digits are not digits here.
        assert_eq!(IdNumber::parse("１10105199003071239").unwrap_err(), IdNumberError::NotDigit { position: 1 });
    }

    #[test]
    fn birth_date_must_exist() {
        // 2001-02-29 does not exist (check char computed for the body anyway: the date is
        // checked first).
        let err = IdNumber::parse("320102200102294567").unwrap_err();
        assert_eq!(err, IdNumberError::InvalidBirthDate { digits: "20010229".into() });
        assert_eq!(err.to_string(), "身份证号码中的出生日期 20010229 不是有效日期");
        assert!(IdNumber::parse("110105199013071239").is_err(), "month 13");
        assert!(IdNumber::parse("110105199004311239").is_err(), "April 31");
        assert!(IdNumber::parse("110105089003071239").is_err(), "year 0890");
    }

    #[test]
    fn region_must_be_a_province() {
        let err = IdNumber::parse("990105199003071239").unwrap_err();
        assert_eq!(err, IdNumberError::UnknownRegion { code: "990105".into() });
        assert!(IdNumber::parse("000105199003071239").is_err());
    }

    #[test]
    fn fake_numbers_match_the_hand_checked_ones() {
        assert_eq!(fake_id_number("110105", date!(1990 - 03 - 07), 123).unwrap().as_str(), MALE_1990);
        assert_eq!(fake_id_number("440305", date!(1985 - 11 - 20), 1).unwrap().as_str(), MALE_X);
        assert_eq!(fake_id_number("440305", date!(1985 - 11 - 20), 108).unwrap().as_str(), FEMALE_X);
        assert_eq!(fake_id_number("440305", date!(1985 - 11 - 20), 0).unwrap().as_str(), FEMALE_1);
        assert_eq!(fake_id_number("320102", date!(2000 - 02 - 29), 456).unwrap().as_str(), LEAP_DAY);
    }

    #[test]
    fn fake_numbers_refuse_bad_input() {
        assert_eq!(
            fake_id_number("110105", date!(1990 - 03 - 07), 1000).unwrap_err(),
            IdNumberError::BadSequence { sequence: 1000 }
        );
        assert!(fake_id_number("11010", date!(1990 - 03 - 07), 1).is_err());
        assert!(fake_id_number("11010a", date!(1990 - 03 - 07), 1).is_err());
        assert!(fake_id_number("990105", date!(1990 - 03 - 07), 1).is_err());
        assert!(fake_id_number("110105", date!(1850 - 03 - 07), 1).is_err());
    }

    proptest! {
        #[test]
        fn generated_numbers_round_trip(
            province in 0usize..35,
            rest in 0u32..10_000,
            days in 0i64..45_000,
            sequence in 0u16..1000,
        ) {
            let region = format!("{:02}{:04}", PROVINCES[province], rest);
            let birth = date!(1900 - 01 - 01) + time::Duration::days(days);
            let id = fake_id_number(&region, birth, sequence).unwrap();
            prop_assert_eq!(id.birth_date(), birth);
            prop_assert_eq!(id.region_code(), region.as_str());
            prop_assert_eq!(id.gender() == Gender::Male, sequence % 2 == 1);
            prop_assert_eq!(IdNumber::parse(id.as_str()).unwrap(), id.clone());
            let masked = id.masked();
            prop_assert_eq!(masked.chars().count(), 18);
            prop_assert!(masked.contains("********"));
        }

        #[test]
        fn any_single_digit_change_is_caught(
            days in 0i64..45_000,
            sequence in 0u16..1000,
            pos in 0usize..17,
            delta in 1u8..10,
        ) {
            let birth = date!(1900 - 01 - 01) + time::Duration::days(days);
            let id = fake_id_number("110105", birth, sequence).unwrap();
            let mut bytes = id.as_str().as_bytes().to_vec();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(IdNumber::parse(&changed).is_err());
        }
    }
}
