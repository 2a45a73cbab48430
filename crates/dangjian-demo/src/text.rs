//! Sentence templates and their filling. A template is plain text with `{slot}` names;
//! [`render`] replaces each slot either from the article's [`Ctx`] (so a body keeps
//! talking about the unit and topic its title named) or with a fresh pick from a pool
//! (so two bodies on the same topic still read differently).

use std::fmt::Write;

use fastrand::Rng;

use crate::words::{self, pick};

/// A calendar date in Asia/Shanghai.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Day {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Day {
    /// The Shanghai date of a Unix-microsecond timestamp.
    pub(crate) fn of(us: i64) -> Day {
        let t = dangjian_domain::clock::from_micros(us);
        Day { year: t.year(), month: t.month() as u8, day: t.day() }
    }
}

/// What one article is about: shared by its title, body, keywords and 供稿单位.
pub(crate) struct Ctx {
    /// Who acts in the story (a department's party committee, the 工委, a sister city…).
    pub unit: String,
    pub topic: &'static str,
    /// Channel-specific object: the activity, the notice's task, the document's name.
    pub extra: String,
    pub date: Day,
    /// A date some weeks after publication, for notices' deadlines.
    pub deadline: Day,
}

/// Leaders who speak at meetings (no names: roles only).
const LEADERS: &[&str] = &["主要负责同志", "负责同志", "分管负责同志", "有关负责同志"];

/// Leaders of the 工委 itself.
const COMMITTEE_LEADERS: &[&str] = &["工委书记", "工委常务副书记", "工委副书记", "工委主要负责同志", "工委纪工委书记"];

/// How a video tells its story.
const VIDEO_STYLES: &[&str] = &["情景再现", "人物访谈", "纪实拍摄", "动画演示", "现场直击", "故事讲述"];

/// What a video shows people doing.
const VIDEO_DOINGS: &[&str] =
    &["扎根基层、服务群众", "攻坚克难、担当作为", "勤勉敬业、无私奉献", "守正创新、砥砺前行", "坚守岗位、默默付出"];

/// What volunteers did.
const CIVIC_DOINGS: &[&str] = &[
    "在路口劝导行人和非机动车遵守交通规则",
    "清理小区楼道杂物和卫生死角",
    "上门看望慰问独居老人",
    "向居民宣传垃圾分类知识",
    "在公园绿地开展环保捡拾",
    "为社区群众提供政策咨询",
    "在公交站台开展文明引导",
    "整治背街小巷环境卫生",
    "为困难家庭送去米面油等生活物资",
    "开展义务理发、义诊等便民服务",
];

/// Tasks of the city government, for 时政要闻.
pub(crate) const CITY_TASKS: &[&str] = &[
    "经济运行",
    "重点项目建设",
    "民生实事项目推进",
    "城市更新",
    "安全生产",
    "防汛抗旱",
    "冬季供暖保障",
    "高标准农田建设",
    "招商引资",
    "生态环境保护",
    "就业创业",
    "养老服务体系建设",
    "老旧小区改造",
    "科技创新",
    "县域经济发展",
    "消费市场提振",
    "农村人居环境整治",
    "产业链招商",
    "政务服务改革",
    "文化旅游融合发展",
    "教育强市建设",
    "健康青澜建设",
    "交通基础设施建设",
    "社会治安综合治理",
    "信访工作",
    "河湖长制落实",
    "森林防火",
    "粮食安全",
    "外贸稳增长",
    "城乡融合发展",
];

/// Verb phrases of government work, for 时政要闻 bodies.
const CITY_ACTIONS: &[&str] =
    &["细化工作举措", "加强督促检查", "压紧压实责任", "强化要素保障", "加强统筹调度", "狠抓工作落实"];

// `render` tracks the practices of one sentence in a u64.
const _: () = assert!(words::PRACTICES.len() <= 64);

/// Writes the text of one template into `out`.
pub(crate) fn render(rng: &mut Rng, ctx: &Ctx, tpl: &str, out: &mut String) {
    // Practices already named in this sentence, so "一是…二是…三是…" names three.
    let mut seen = 0u64;
    let mut rest = tpl;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let close = open + rest[open..].find('}').expect("unclosed slot in template");
        slot(rng, ctx, &rest[open + 1..close], &mut seen, out);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
}

fn slot(rng: &mut Rng, ctx: &Ctx, key: &str, seen: &mut u64, out: &mut String) {
    match key {
        "unit" => out.push_str(&ctx.unit),
        "topic" => out.push_str(ctx.topic),
        "extra" => out.push_str(&ctx.extra),
        "year" => {
            let _ = write!(out, "{}", ctx.date.year);
        }
        "date" => {
            let _ = write!(out, "{}月{}日", ctx.date.month, ctx.date.day);
        }
        "when" => match rng.u32(..4) {
            0 => out.push_str("近日"),
            1 => out.push_str("日前"),
            _ => {
                let _ = write!(out, "{}月{}日", ctx.date.month, ctx.date.day);
            }
        },
        "deadline" => {
            let _ = write!(out, "{}月{}日", ctx.deadline.month, ctx.deadline.day);
        }
        "few" => {
            let _ = write!(out, "{}", rng.u32(2..7));
        }
        "n" => {
            let _ = write!(out, "{}", rng.u32(3..31));
        }
        "many" => {
            let _ = write!(out, "{}", rng.u32(20..600));
        }
        "big" => {
            let _ = write!(out, "{}", rng.u32(1000..9000));
        }
        "money" => {
            let _ = write!(out, "{}.{:02}", rng.u32(20_000..400_000), rng.u32(..100));
        }
        "practice" => {
            let mut i = rng.usize(..words::PRACTICES.len());
            while *seen & (1 << i) != 0 {
                i = rng.usize(..words::PRACTICES.len());
            }
            *seen |= 1 << i;
            out.push_str(words::PRACTICES[i]);
        }
        "goal" => out.push_str(pick(rng, words::GOALS)),
        "effect" => out.push_str(pick(rng, words::EFFECTS)),
        "people" => out.push_str(pick(rng, words::PEOPLE)),
        "place" => out.push_str(pick(rng, words::PLACES)),
        "theme" => {
            out.push('“');
            out.push_str(pick(rng, words::QUOTED_THEMES));
            out.push('”');
        }
        "slogan" => {
            out.push('“');
            out.push_str(pick(rng, words::NUMERALS));
            out.push_str(pick(rng, words::SLOGAN_KEYS));
            out.push('”');
        }
        "dept" => out.push_str(pick(rng, words::DEPTS)),
        "leader" => out.push_str(pick(rng, LEADERS)),
        "chief" => out.push_str(pick(rng, COMMITTEE_LEADERS)),
        "style" => out.push_str(pick(rng, VIDEO_STYLES)),
        "doing" => out.push_str(pick(rng, VIDEO_DOINGS)),
        "civic" => out.push_str(pick(rng, CIVIC_DOINGS)),
        "task" => out.push_str(pick(rng, CITY_TASKS)),
        "act" => out.push_str(pick(rng, CITY_ACTIONS)),
        "city" => out.push_str(words::CITY),
        "committee" => out.push_str(words::COMMITTEE),
        "phone" => words::phone(rng, out),
        "person" => words::person(rng, out),
        other => panic!("unknown template slot {{{other}}}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Ctx {
        Ctx {
            unit: "市财政局机关党委".into(),
            topic: "清廉机关建设",
            extra: "主题党日活动".into(),
            date: Day { year: 2024, month: 5, day: 12 },
            deadline: Day { year: 2024, month: 6, day: 1 },
        }
    }

    #[test]
    fn fills_slots_from_context() {
        let mut rng = Rng::with_seed(7);
        let mut s = String::new();
        render(&mut rng, &ctx(), "{date}，{unit}围绕{topic}开展{extra}，请于{deadline}前报送。", &mut s);
        assert_eq!(s, "5月12日，市财政局机关党委围绕清廉机关建设开展主题党日活动，请于6月1日前报送。");
    }

    #[test]
    fn shanghai_dates() {
        // 2023-12-31 16:30 UTC is already 1 January in Shanghai.
        assert_eq!(Day::of(1_704_040_200_000_000), Day { year: 2024, month: 1, day: 1 });
    }
}
