//! Titles of 视频点播, 他山之石 and 资料中心.

use fastrand::Rng;

use super::{Subject, dept_org, method, plan_year, review_year};
use crate::text::Day;
use crate::words::{self, COMMITTEE, DEPTS, pick};

const SERIES: &[&str] = &["我身边的共产党员", "红色故事", "机关新风貌", "清廉机关", "奋斗者说", "支部风采"];
const FILMS: &[&str] = &[
    "初心如磐",
    "热土丹心",
    "青澜答卷",
    "守望",
    "一线党旗红",
    "奋斗的足迹",
    "岗位上的光",
    "时代新风",
    "春风化雨",
    "逐梦前行",
];
const STORIES: &[&str] = &[
    "一盏马灯的故事",
    "老党员的入党志愿书",
    "一封家书",
    "渡江前夜",
    "一本党费账",
    "山村里的第一所学校",
    "一面珍藏的党旗",
    "老支书的笔记本",
    "一张泛黄的入党证明",
    "油灯下的誓言",
    "一双草鞋",
    "一张借条",
    "小木船上的交通站",
    "一枚珍藏的纪念章",
    "一本手抄的党章",
    "深山里的电话线",
];

pub(super) fn shipin(rng: &mut Rng, day: Day, s: &mut Subject) {
    let (_, org) = dept_org(rng);
    s.unit = org.clone();
    s.source_unit = "市委市直机关工委宣传部".to_owned();
    match rng.u32(..7) {
        0 | 1 => {
            let t = s.topic;
            let lesson = match rng.u32(..5) {
                0 => format!("{t}的实践与思考"),
                1 => format!("在{t}中践行初心使命"),
                2 => format!("{t}，我们这样干"),
                3 => format!("把{t}抓在日常、严在经常"),
                _ => format!("从细微处推进{t}"),
            };
            s.title = if rng.u32(..4) == 0 {
                format!("【微党课】{lesson}")
            } else {
                format!("【微党课】{}：{lesson}", pick(rng, DEPTS))
            };
            s.extra = lesson;
        }
        4 if rng.u32(..4) == 0 => {
            let f = pick(rng, FILMS);
            s.unit = COMMITTEE.to_owned();
            s.extra = format!("《{f}》");
            s.title = format!("党员教育专题片《{f}》第{}集", rng.u32(1..9));
        }
        2 | 4 => {
            let act = pick(rng, words::ACTIVITIES);
            s.extra = act.to_owned();
            s.title = format!("视频：{org}{act}");
        }
        3 => {
            let series = pick(rng, SERIES);
            s.unit = COMMITTEE.to_owned();
            s.extra = format!("“{series}”微视频");
            s.title = format!("{}年市直机关“{series}”微视频展播（{}）", day.year, rng.u32(1..30));
        }
        5 => {
            let st = pick(rng, STORIES);
            s.extra = st.to_owned();
            s.title = format!("【党史故事·第{}期】{st}", rng.u32(1..41));
        }
        _ => {
            s.extra = format!("{}专题党课", s.topic);
            s.title = format!("{org}书记讲党课：深入推进{}", s.topic);
        }
    }
}

const PRACTICE_SHORT: &[&str] = &[
    "推行机关党建“项目化”管理",
    "建立党员积分“红黑榜”",
    "实施党支部“星级”评定",
    "打造“15分钟”党群服务圈",
    "推行“清单+闭环”督查机制",
    "建立机关党建“双述双评”制度",
    "探索党建考核“知者赋分”",
    "开展机关干部“下沉一线”行动",
    "推行支部书记“擂台比武”",
    "建立党建联系点“周走访”制度",
    "实施青年干部“导师帮带”计划",
    "打造机关党建“一支部一品牌”",
    "推行党员“承诺践诺评诺”",
    "开展党建业务“双向述职”",
    "建立机关党员“服务积分银行”",
    "推行党建工作“月清单”管理",
];
const HARD_TARGETS: &[&str] = &["机关党委工作力量", "党务干部队伍建设", "基层党组织建设", "党员日常管理"];

pub(super) fn tashan(rng: &mut Rng, s: &mut Subject) {
    let city = pick(rng, words::OTHER_CITIES);
    // 云岭市 → 云岭市直机关工委; with a province in front the 市 goes: 岭东云岭.
    let short = city.trim_end_matches('市');
    s.unit = format!("{city}直机关工委");
    s.source_unit = s.unit.clone();
    s.extra = format!("{}经验", s.topic_kw);
    match rng.u32(..9) {
        0 | 1 => s.title = format!("{city}：{}", method(rng)),
        7 | 8 => {
            // 市财政局 → 云岭市财政局; for 团市委 and the like the city stands alone.
            let dept = pick(rng, DEPTS);
            let local = dept.strip_prefix('市').map_or_else(|| city.to_owned(), |d| format!("{city}{d}"));
            s.unit = format!("{local}机关党委");
            s.title = format!("{local}：{}", method(rng));
        }
        2 => s.title = format!("{city}直机关工委：{}", method(rng)),
        3 => {
            let prov = pick(rng, words::OTHER_PROVINCES);
            let kw = pick(rng, &["硬核", "精准", "闭环", "清单式", "全链条"]);
            s.title = format!("{prov}{short}：“{kw}”加强{}", pick(rng, HARD_TARGETS));
        }
        4 => s.title = format!("{city}以{}为抓手 推动{}", s.topic, pick(rng, words::SHORT_AIMS)),
        5 => {
            let place =
                if rng.bool() { format!("{}{short}", pick(rng, words::OTHER_PROVINCES)) } else { city.to_owned() };
            s.title = format!("学习借鉴｜{place}{}", pick(rng, PRACTICE_SHORT));
        }
        _ => {
            s.title = format!("{city}探索{}新机制 推动机关党建从“有形覆盖”向“有效覆盖”转变", s.topic_kw);
        }
    }
}

const MANUALS: &[&str] = &[
    "党费收缴工作手册",
    "党支部工作手册",
    "发展党员工作手册",
    "党务工作实用手册",
    "机关党建工作指导手册",
    "“三会一课”工作指引",
    "党员积分管理操作指南",
    "党组织换届选举工作指引",
    "机关党建档案管理规范",
];
const FORMS: &[&str] = &[
    "党支部委员会会议记录表",
    "党员大会记录表",
    "民主评议党员测评表",
    "入党申请书参考格式",
    "党费缴纳登记表",
    "谈心谈话记录表",
    "组织生活会问题清单",
    "党员组织关系介绍信",
    "主题党日活动记录表",
    "党员积分登记表",
];
const PROCESSES: &[&str] =
    &["发展党员工作", "党组织关系转接", "党支部换届选举", "党费收缴", "民主评议党员", "党员组织处置"];
const POLICIES: &[&str] = &[
    "中国共产党支部工作条例（试行）",
    "中国共产党党员教育管理工作条例",
    "中国共产党发展党员工作细则",
    "中国共产党党和国家机关基层组织工作条例",
    "中国共产党纪律处分条例",
];

const EDITIONS: &[&str] = &["年版", "年修订版", "年简明版"];
const POLICY_AIDS: &[&str] = &["解读材料", "学习问答", "辅导课件", "知识测试题", "学习笔记参考"];
const QUIZ_SIZES: &[u32] = &[50, 80, 100, 120, 150, 200];

pub(super) fn ziliao(rng: &mut Rng, day: Day, s: &mut Subject) {
    s.unit = "市直机关工委组织部".to_owned();
    s.source_unit = "市委市直机关工委组织部".to_owned();
    let y = day.year;
    let dept = pick(rng, DEPTS);
    // Yearly and fixed documents are rare; most downloads are a unit's own material.
    let doc = match rng.u32(..14) {
        0 if rng.u32(..3) == 0 => format!("{}（{y}{}）", pick(rng, MANUALS), pick(rng, EDITIONS)),
        1 => format!("{}学习资料汇编（第{}辑）", s.topic, rng.u32(1..13)),
        2 if rng.u32(..8) == 0 => format!("{}（模板下载）", pick(rng, FORMS)),
        0 | 2..=5 => {
            s.unit = format!("{dept}机关党委");
            s.source_unit = s.unit.clone();
            format!("{dept}{}填写范例（{y}年）", pick(rng, FORMS))
        }
        6..=8 => {
            let (_, org) = dept_org(rng);
            s.unit = org.clone();
            s.source_unit = format!("{dept}机关党委");
            format!("{org}{}学习参考资料", s.topic)
        }
        9 => format!("{}应知应会{}题", s.topic, QUIZ_SIZES[rng.usize(..QUIZ_SIZES.len())]),
        10 => format!("{}专题辅导课件（{}）", s.topic, rng.u32(1..7)),
        11 => {
            if rng.bool() {
                format!("{y}年{}月“主题党日”学习参考资料", day.month)
            } else {
                format!("{}政策文件选编（{y}年{}月）", s.topic, day.month)
            }
        }
        12 if rng.u32(..20) == 0 => {
            if rng.bool() {
                format!("{}年度市直机关党建工作考核细则", plan_year(day))
            } else {
                format!("市直机关{}流程图及说明", pick(rng, PROCESSES))
            }
        }
        12 => {
            s.unit = "市直机关工委宣传部".to_owned();
            s.source_unit = "市委市直机关工委宣传部".to_owned();
            format!("{}年市直机关党建课题调研成果汇编（{}）", review_year(day), s.topic_kw)
        }
        _ if rng.u32(..3) == 0 => format!("《{}》{}", pick(rng, POLICIES), pick(rng, POLICY_AIDS)),
        _ => format!("{}应知应会{}题", s.topic, QUIZ_SIZES[rng.usize(..QUIZ_SIZES.len())]),
    };
    s.title = doc.clone();
    s.extra = doc;
}
