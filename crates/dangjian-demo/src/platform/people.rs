//! Demo people: names composed from surname and given-name pools, ethnicity, birth date,
//! education, post, a checksum-valid FAKE ID number, a random mobile number, and a dated
//! 发展党员 history that keeps every time limit of the development rules.
//!
//! The names are random combinations, not anyone's list; the ID numbers use address codes
//! with the prefecture digits 99, which no real prefecture has, so they cannot be a real
//! person's number while still passing the same validation (province, date, checksum).

use std::collections::HashSet;

use dangjian_domain::dues::Category;
use dangjian_domain::members::{Gender, Stage, Step, fake_id_number};
use dangjian_domain::month::{add_years, age_on};
use fastrand::Rng;
use time::{Date, Duration, Month};

use super::tree::day_in;

/// Common surnames, most frequent first (picked with a bias towards the front).
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于",
    "蒋", "蔡", "余", "杜", "叶", "程", "苏", "魏", "吕", "丁", "任", "沈", "姚", "卢", "姜", "崔", "钟", "谭", "陆",
    "汪", "范", "金", "石", "廖", "贾", "夏", "韦", "付", "方", "白", "邹", "孟", "熊", "秦", "邱", "江", "尹", "薛",
    "闫", "段", "雷", "侯", "龙", "史", "陶", "黎", "贺", "顾", "毛", "郝", "龚", "邵", "万", "钱", "严", "覃", "武",
    "戴", "莫", "孔", "向", "汤",
];
/// Rare two-character surnames.
const COMPOUND_SURNAMES: &[&str] = &["欧阳", "上官", "司马", "诸葛", "东方", "令狐"];

/// First characters of given names, by generation (born before 1975 or later).
const MALE_FIRST_OLD: &[&str] =
    &["建", "国", "志", "永", "振", "德", "立", "文", "明", "海", "红", "卫", "向", "洪", "长", "春", "新", "光", "庆"];
const MALE_FIRST_NEW: &[&str] =
    &["俊", "宏", "晓", "子", "浩", "宇", "博", "思", "嘉", "一", "天", "泽", "家", "承", "晨", "云", "志", "明", "振"];
const MALE_SECOND: &[&str] = &[
    "伟", "强", "军", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华", "飞", "波", "宇", "浩", "凯",
    "健", "峰", "林", "东", "龙", "阳", "成", "亮", "磊", "轩", "然", "睿", "航", "哲", "远", "铭", "翔", "彬", "川",
    "毅", "晖",
];
const FEMALE_FIRST_OLD: &[&str] =
    &["秀", "桂", "玉", "丽", "淑", "春", "雪", "海", "红", "美", "金", "素", "爱", "晓", "月", "彩", "凤", "小"];
const FEMALE_FIRST_NEW: &[&str] =
    &["静", "雅", "欣", "梦", "诗", "佳", "子", "思", "雨", "若", "晓", "语", "可", "心", "一", "嘉", "文", "婉"];
const FEMALE_SECOND: &[&str] = &[
    "芳", "英", "兰", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪", "琳", "颖", "倩", "洁", "慧",
    "莉", "萍", "红", "梅", "丹", "怡", "悦", "晶", "璐", "瑶", "雯", "蕾", "涵", "萱", "彤", "琪", "岚", "茜", "薇",
    "菲", "宁",
];

/// 民族, with weights per thousand (most members are 汉族).
const ETHNICITIES: &[(&str, u32)] = &[
    ("汉族", 928),
    ("回族", 18),
    ("满族", 14),
    ("壮族", 10),
    ("蒙古族", 8),
    ("土家族", 7),
    ("苗族", 5),
    ("朝鲜族", 4),
    ("彝族", 3),
    ("藏族", 3),
];

/// Address codes of the fake ID numbers: a real province prefix (so validation accepts
/// them) and the prefecture digits 99, which no real prefecture uses. Most members were
/// registered "locally"; the rest in other provinces.
const LOCAL_REGIONS: &[&str] = &["369901", "369902", "369903", "369904", "369921", "369922", "369981"];
const OTHER_REGIONS: &[&str] = &["329901", "349902", "419903", "429904", "439905", "449906", "519907", "379908"];

/// Mobile prefixes (three digits; eight random digits follow).
const PHONE_PREFIXES: &[&str] =
    &["130", "131", "132", "133", "135", "136", "137", "138", "139", "191", "193", "195", "198", "199"];

/// Birth dates of demo people lie in these years.
const BIRTH_YEARS: (i32, i32) = (1960, 2003);

/// What kind of person to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Profile {
    pub category: Category,
    pub stage: Stage,
}

/// One generated person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Person {
    pub name: String,
    pub gender: Gender,
    pub ethnicity: &'static str,
    pub birth: Date,
    pub id_number: String,
    pub phone: String,
    pub education: &'static str,
    pub post: &'static str,
    pub category: Category,
    pub stage: Stage,
    /// The development history, oldest first.
    pub steps: Vec<(Step, Date)>,
}

/// Makes people, keeping ID numbers (unique in the store) and phones distinct.
#[derive(Debug)]
pub(crate) struct People {
    today: Date,
    ids: HashSet<String>,
    phones: HashSet<String>,
}

impl People {
    pub(crate) fn new(today: Date) -> People {
        People { today, ids: HashSet::new(), phones: HashSet::new() }
    }

    pub(crate) fn person(&mut self, rng: &mut Rng, p: Profile) -> Person {
        let today = self.today;
        let male_percent = if p.category == Category::Retired { 62 } else { 55 };
        let gender = if rng.u32(0..100) < male_percent { Gender::Male } else { Gender::Female };
        let (min_age, max_age, young) = match (p.category, p.stage) {
            (Category::Retired, _) => (58, 65, false),
            (Category::Student, _) => (22, 26, true),
            (_, Stage::Full | Stage::ProbationExtended | Stage::ProbationCancelled) => (24, 59, false),
            (_, Stage::Probationary) => (22, 45, true),
            (_, Stage::Candidate) => (22, 40, true),
            (_, Stage::Activist) => (21, 38, true),
            (_, Stage::Applicant) => (20, 35, true),
        };
        let mut birth = birth_date(rng, today, min_age, max_age, young);
        let steps = history(rng, p.stage, birth, today);
        // The histories are built to fit; should one not (an unusual `today`), the birth
        // date gives way, so the application is never made under 18.
        let applied = steps.first().map_or(today, |s| s.1);
        if age_on(birth, applied) < 18 {
            birth = day_in(rng, add_years(applied, -25), add_years(applied, -18) - Duration::days(2));
        }
        let name = name(rng, gender, birth.year() < 1975);
        let age = age_on(birth, today);
        Person {
            id_number: self.id_number(rng, birth, gender),
            phone: self.phone(rng),
            name,
            gender,
            ethnicity: weighted(rng, ETHNICITIES),
            birth,
            education: education(rng, p.category, birth.year()),
            post: post(rng, p.category, age),
            category: p.category,
            stage: p.stage,
            steps,
        }
    }

    /// A FAKE number (see the module comment) for this birth date and gender, not used
    /// before in this run.
    fn id_number(&mut self, rng: &mut Rng, birth: Date, gender: Gender) -> String {
        let region = if rng.u32(0..100) < 80 { pick(rng, LOCAL_REGIONS) } else { pick(rng, OTHER_REGIONS) };
        let parity = u16::from(gender == Gender::Male);
        let mut seq = rng.u16(0..500) * 2 + parity;
        for _ in 0..500 {
            if let Ok(id) = fake_id_number(region, birth, seq)
                && self.ids.insert(id.as_str().to_string())
            {
                return id.as_str().to_string();
            }
            seq = (seq + 2) % 1000;
        }
        // 500 people of one gender born on one day in one region: not with these sizes.
        unreachable!("demo ID numbers exhausted for {region} {birth}")
    }

    fn phone(&mut self, rng: &mut Rng) -> String {
        loop {
            let phone = format!("{}{:08}", pick(rng, PHONE_PREFIXES), rng.u32(0..100_000_000));
            if self.phones.insert(phone.clone()) {
                return phone;
            }
        }
    }
}

pub(crate) fn pick<'a>(rng: &mut Rng, pool: &[&'a str]) -> &'a str {
    pool[rng.usize(..pool.len())]
}

fn weighted<'a>(rng: &mut Rng, pool: &[(&'a str, u32)]) -> &'a str {
    let total: u32 = pool.iter().map(|p| p.1).sum();
    let mut r = rng.u32(0..total);
    for &(item, w) in pool {
        if r < w {
            return item;
        }
        r -= w;
    }
    pool[0].0
}

/// A name: a common surname (rarely a compound one) and one or two given characters.
fn name(rng: &mut Rng, gender: Gender, older: bool) -> String {
    let surname = if rng.u32(0..200) == 0 {
        pick(rng, COMPOUND_SURNAMES)
    } else {
        // Square of a uniform number: the front of the list (王, 李, 张…) comes up most.
        let r = rng.f64();
        SURNAMES[((r * r) * SURNAMES.len() as f64) as usize]
    };
    let (first, second) = match (gender, older) {
        (Gender::Male, true) => (MALE_FIRST_OLD, MALE_SECOND),
        (Gender::Male, false) => (MALE_FIRST_NEW, MALE_SECOND),
        (Gender::Female, true) => (FEMALE_FIRST_OLD, FEMALE_SECOND),
        (Gender::Female, false) => (FEMALE_FIRST_NEW, FEMALE_SECOND),
    };
    let single_percent = if older { 35 } else { 20 };
    if rng.u32(0..100) < single_percent {
        format!("{surname}{}", pick(rng, second))
    } else {
        let a = pick(rng, first);
        let mut b = pick(rng, second);
        while b == a {
            b = pick(rng, second);
        }
        format!("{surname}{a}{b}")
    }
}

/// A birth date giving an age of `min_age..=max_age` today, inside [`BIRTH_YEARS`] when
/// that leaves any choice; `young` favours the lower ages.
fn birth_date(rng: &mut Rng, today: Date, min_age: i64, max_age: i64, young: bool) -> Date {
    let mut latest = add_years(today, -min_age);
    let mut earliest = add_years(today, -(max_age + 1)) + Duration::days(1);
    let first = date(BIRTH_YEARS.0, Month::January, 1);
    let last = date(BIRTH_YEARS.1, Month::December, 31);
    if earliest.max(first) <= latest.min(last) {
        earliest = earliest.max(first);
        latest = latest.min(last);
    }
    let span = (latest - earliest).whole_days().max(0);
    let r = rng.f64();
    let back = if young { r * r } else { r };
    latest - Duration::days((back * span as f64) as i64)
}

/// Random gaps between the steps, in days. Each is inside the rules with room to spare:
/// the talk within 25 days (the rule: one month), 积极分子 one year plus up to 300 days
/// before 发展对象, 转正 up to 45 days after the year of probation.
#[derive(Debug, Clone, Copy)]
struct Gaps {
    talk: i64,
    activist: i64,
    candidate_extra: i64,
    admit: i64,
    full_extra: i64,
}

impl Gaps {
    const MIN: Gaps = Gaps { talk: 3, activist: 30, candidate_extra: 0, admit: 60, full_extra: 0 };

    fn random(rng: &mut Rng) -> Gaps {
        Gaps {
            talk: rng.i64(3..=25),
            activist: rng.i64(30..=240),
            candidate_extra: rng.i64(0..=300),
            admit: rng.i64(60..=240),
            full_extra: rng.i64(0..=45),
        }
    }
}

const PATH: [Step; 6] =
    [Step::Apply, Step::ApplicationTalk, Step::ConfirmActivist, Step::ConfirmCandidate, Step::Admit, Step::ConfirmFull];

/// The steps up to `PATH[last]`, which happens on `anchor`, worked out backwards. A year
/// subtracted with `add_years` and added back never lands after the start, so the
/// one-year rules hold on the way forward.
fn chain_back(last: usize, anchor: Date, g: &Gaps) -> Vec<(Step, Date)> {
    let mut dates = [anchor; 6];
    for k in (1..=last).rev() {
        let d = dates[k];
        dates[k - 1] = match k {
            5 => add_years(d, -1) - Duration::days(g.full_extra),
            4 => d - Duration::days(g.admit),
            3 => add_years(d, -1) - Duration::days(g.candidate_extra),
            2 => d - Duration::days(g.activist),
            _ => d - Duration::days(g.talk),
        };
    }
    PATH[..=last].iter().copied().zip(dates).collect()
}

/// A history that ends in `stage` by `today` for someone born on `birth`.
fn history(rng: &mut Rng, stage: Stage, birth: Date, today: Date) -> Vec<(Step, Date)> {
    let days = Duration::days;
    let g = Gaps::random(rng);
    match stage {
        Stage::Applicant => {
            let applied = day_in(rng, today - days(200), today - days(3));
            let mut steps = vec![(Step::Apply, applied)];
            let talk = applied + days(g.talk);
            if talk <= today {
                steps.push((Step::ApplicationTalk, talk));
            }
            steps
        }
        Stage::Activist => chain_back(2, day_in(rng, today - days(700), today - days(7)), &g),
        Stage::Candidate => chain_back(3, day_in(rng, today - days(200), today - days(7)), &g),
        Stage::Probationary | Stage::ProbationExtended | Stage::ProbationCancelled => {
            chain_back(4, day_in(rng, today - days(330), today - days(7)), &g)
        }
        Stage::Full => {
            // Joined at any time between turning 18 (plus the path) and last week, mostly
            // in the earlier years.
            let eligible = add_years(birth, 18) + days(1);
            let latest = today - days(7);
            let g = if apply_date(5, latest, &g) >= eligible { g } else { Gaps::MIN };
            let span = latest - apply_date(5, latest, &g);
            let earliest = eligible + span + days(2);
            let range = (latest - earliest).whole_days().max(0);
            let r = rng.f64();
            let mut anchor = earliest + days((r * r * range as f64) as i64);
            anchor = anchor.min(latest);
            let mut steps = chain_back(5, anchor, &g);
            // add_years around 02-29 can shift a day: move forward until the start fits.
            while steps[0].1 < eligible && anchor < latest {
                anchor = (anchor + (eligible - steps[0].1)).min(latest);
                steps = chain_back(5, anchor, &g);
            }
            steps
        }
    }
}

fn apply_date(last: usize, anchor: Date, g: &Gaps) -> Date {
    chain_back(last, anchor, g)[0].1
}

/// 学历, by category and birth year.
fn education(rng: &mut Rng, category: Category, born: i32) -> &'static str {
    if category == Category::Student {
        return "硕士研究生";
    }
    let table: &[(&str, u32)] = if born >= 1985 {
        &[("大学本科", 58), ("硕士研究生", 32), ("博士研究生", 3), ("大学专科", 7)]
    } else if born >= 1970 {
        &[("大学本科", 62), ("硕士研究生", 18), ("博士研究生", 2), ("大学专科", 15), ("中专", 3)]
    } else {
        &[("大学本科", 45), ("大学专科", 35), ("中专", 10), ("高中", 5), ("硕士研究生", 5)]
    };
    weighted(rng, table)
}

/// 职务/职级 in a city department, by age.
fn post(rng: &mut Rng, category: Category, age: i32) -> &'static str {
    match category {
        Category::Retired => "退休干部",
        Category::Student => "在读研究生（实习）",
        _ => pick(
            rng,
            match age {
                ..28 => &["科员", "一级科员", "一级科员", "四级主任科员"],
                28..35 => &["一级科员", "四级主任科员", "三级主任科员", "副科长"],
                35..45 => &["三级主任科员", "二级主任科员", "一级主任科员", "副科长", "科长"],
                _ => &["一级主任科员", "四级调研员", "三级调研员", "科长", "科长", "二级调研员", "副局长"],
            },
        ),
    }
}

fn date(year: i32, month: Month, day: u8) -> Date {
    Date::from_calendar_date(year, month, day).unwrap_or(Date::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;
    use dangjian_domain::members::IdNumber;
    use time::macros::date;

    #[test]
    fn names_are_two_to_four_characters() {
        let mut rng = Rng::with_seed(3);
        for i in 0..2000 {
            let n = name(&mut rng, if i % 2 == 0 { Gender::Male } else { Gender::Female }, i % 3 == 0);
            let len = n.chars().count();
            assert!((2..=4).contains(&len), "{n}");
        }
    }

    #[test]
    fn id_numbers_are_fake_unique_and_valid() {
        let mut people = People::new(date!(2025 - 06 - 15));
        let mut rng = Rng::with_seed(9);
        let birth = date!(1990 - 03 - 07);
        for i in 0..600 {
            let gender = if i % 2 == 0 { Gender::Male } else { Gender::Female };
            let id = people.id_number(&mut rng, birth, gender);
            let parsed = IdNumber::parse(&id).unwrap();
            assert_eq!(parsed.birth_date(), birth);
            assert_eq!(parsed.gender(), gender);
            assert_eq!(&id[2..4], "99", "fictional prefecture");
        }
        assert_eq!(people.ids.len(), 600);
    }

    #[test]
    fn birth_dates_stay_in_range() {
        let mut rng = Rng::with_seed(5);
        let today = date!(2025 - 06 - 15);
        for _ in 0..2000 {
            let b = birth_date(&mut rng, today, 24, 59, false);
            assert!((1960..=2003).contains(&b.year()), "{b}");
            assert!((24..=59).contains(&age_on(b, today)), "{b}");
        }
    }
}
