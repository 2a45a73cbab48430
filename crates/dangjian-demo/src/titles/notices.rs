//! Titles of 公告通知 (notices, 公示, 决定, 批复, 通报) and 党务公开.

use fastrand::Rng;

use super::news::MEETING_KINDS;
use super::{Subject, dept_org, plan_year, review_year};
use crate::text::Day;
use crate::words::{self, COMMITTEE, DEPTS, pick};

const NOTICE_VERBS: &[&str] = &["开展", "做好", "扎实开展", "进一步做好", "认真做好", "组织开展"];
const NOTICE_WORKS: &[&str] = &[
    "党内统计工作",
    "党费收缴情况自查",
    "基层党组织换届工作",
    "基层党组织书记抓党建述职评议",
    "“两优一先”推荐评选",
    "党员教育培训",
    "模范机关创建评估",
    "党建品牌培育选树",
    "党支部标准化规范化建设达标定级",
    "党员量化积分管理",
    "发展党员工作专项检查",
    "党务干部能力提升培训",
    "“我为群众办实事”实践活动",
    "党史知识竞赛",
    "机关党建课题调研",
    "优秀党课评选",
    "志愿服务先进典型推荐",
    "文明单位复查",
    "党建工作责任制考核",
    "民主评议党员",
    "党员组织关系集中排查",
    "“四强”党支部创建",
    "清廉机关建设示范点评选",
    "青年理论学习小组评星定级",
];
const YEARLY_DOCS: &[&str] = &[
    "党建工作要点",
    "党风廉政建设工作要点",
    "宣传思想文化工作要点",
    "党员教育培训工作计划",
    "模范机关创建工作方案",
    "党建工作考核实施方案",
    "发展党员工作计划",
    "党纪学习教育实施方案",
];
const STANDING_DOCS: &[&str] = &[
    "市直机关党支部工作规范（试行）",
    "市直机关党员积分管理办法",
    "市直机关党建工作“三级”责任清单",
    "市直机关基层党组织考核评价办法",
    "市直机关党务干部培训管理办法",
    "市直机关党建品牌创建管理办法",
    "市直机关软弱涣散基层党组织整顿工作指引",
    "市直机关党组织书记抓党建述职评议考核办法",
    "市直机关发展党员工作规程",
    "市直机关党建工作督查问责办法（试行）",
];
const HONORS: &[&str] = &[
    "先进基层党组织",
    "优秀共产党员",
    "优秀党务工作者",
    "“四强”党支部",
    "模范机关创建示范单位",
    "机关党建优秀品牌",
    "优秀党课",
    "机关党建创新案例",
    "优秀青年理论学习小组",
    "志愿服务先进集体",
];
pub(super) const TRAININGS: &[&str] = &[
    "基层党组织书记培训班",
    "党务干部业务培训班",
    "入党积极分子培训班",
    "发展对象培训班",
    "新任机关党委书记培训班",
    "青年干部理论研修班",
    "纪检委员履职能力培训班",
    "党支部书记示范培训班",
    "党建信息员培训班",
];
const HOLIDAY_TASKS: &[&str] =
    &["走访慰问困难党员和老党员", "廉洁过节", "值班值守和安全稳定", "纠治“四风”监督检查", "志愿服务"];
const COLLECTIONS: &[&str] = &[
    "机关党建优秀案例",
    "党建创新成果",
    "“微党课”作品",
    "主题征文",
    "党员先进事迹材料",
    "机关党建调研课题",
    "党建摄影作品",
    "廉洁文化作品",
];
const MEETINGS: &[&str] = &[
    "市直机关党的工作会议",
    "市直机关纪检工作会议",
    "市直机关党建工作推进会",
    "市直机关模范机关创建推进会",
    "市直机关基层党组织书记述职评议会",
    "市直机关宣传思想文化工作会议",
    "市直机关党务工作者座谈会",
];
const EVENTS: &[&str] = &[
    "党纪法规知识网络测试",
    "“红色故事”宣讲比赛",
    "全市机关职工运动会",
    "“书香机关”读书月活动",
    "无偿献血志愿服务活动",
    "“清廉机关”主题征文活动",
    "党史知识网络答题活动",
    "“最美机关干部”推荐评选",
];
const REPLIES: &[&str] = &["换届选举结果", "增补委员", "设立党支部", "调整党支部设置", "委员会委员分工"];
const QUARTERS: &[&str] = &["一", "二", "三", "四"];

fn holiday(month: u8) -> &'static str {
    const BY_MONTH: [&str; 12] = [
        "元旦春节",
        "元宵",
        "清明",
        "“五一”",
        "端午",
        "“七一”前夕",
        "“八一”",
        "中秋",
        "中秋国庆",
        "重阳",
        "元旦",
        "元旦春节",
    ];
    BY_MONTH[usize::from(month.clamp(1, 12)) - 1]
}

const DOC_KINDS: &[&str] = &[
    "实施方案",
    "工作方案",
    "行动方案",
    "工作指引",
    "考核办法",
    "实施细则",
    "工作规则",
    "工作规程（试行）",
    "实施办法（试行）",
];
const THEME_KINDS: &[&str] = &["主题党日活动", "主题实践活动", "主题征文活动", "主题宣讲活动", "主题教育月活动"];
const HONOR_KINDS: &[&str] = &["拟表彰对象", "拟推荐对象"];

pub(super) fn gonggao(rng: &mut Rng, day: Day, s: &mut Subject) {
    s.unit = COMMITTEE.to_owned();
    s.source_unit = "市委市直机关工委办公室".to_owned();
    let organisation = "市委市直机关工委组织部";
    let y = day.year;
    let dept = pick(rng, DEPTS);
    match rng.u32(..24) {
        0 | 1 => {
            let work = pick(rng, NOTICE_WORKS);
            let scope = pick(rng, &["市直机关", "全市机关", "市直机关基层党组织"]);
            s.title = format!("关于{}{}年度{scope}{work}的通知", pick(rng, NOTICE_VERBS), plan_year(day));
            s.extra = work.to_owned();
            s.source_unit = organisation.to_owned();
        }
        2 if rng.u32(..4) == 0 => {
            let doc = if rng.bool() {
                format!("{}年市直机关{}", plan_year(day), pick(rng, YEARLY_DOCS))
            } else {
                pick(rng, STANDING_DOCS).to_owned()
            };
            s.title = format!("关于印发《{doc}》的通知");
            s.extra = doc;
        }
        2 | 3 => {
            let doc = format!("市直机关{}{}", s.topic, pick(rng, DOC_KINDS));
            s.title = format!("关于印发《{doc}》的通知");
            s.extra = doc;
        }
        4 if rng.u32(..4) == 0 => {
            let honor = pick(rng, HONORS);
            s.title = format!("关于{}年度市直机关{honor}{}的公示", review_year(day), pick(rng, HONOR_KINDS));
            s.extra = format!("{honor}评选");
            s.source_unit = organisation.to_owned();
        }
        13 if rng.u32(..6) == 0 => {
            let honor = pick(rng, HONORS);
            s.title = format!(
                "中共{}市委市直机关工作委员会关于表彰{}年度市直机关{honor}的决定",
                words::CITY,
                review_year(day)
            );
            s.extra = format!("{honor}表彰");
            s.source_unit = organisation.to_owned();
        }
        4..=7 | 13 => {
            let honor = pick(rng, HONORS);
            s.title = format!("关于{dept}等{}个单位申报{}年度{honor}的公示", rng.u32(2..12), review_year(day));
            s.extra = format!("{honor}申报");
            s.source_unit = organisation.to_owned();
        }
        8 => {
            let t = pick(rng, TRAININGS);
            s.title = format!("关于举办{y}年市直机关{t}（第{}期）的通知", rng.u32(1..11));
            s.extra = t.to_owned();
            s.source_unit = organisation.to_owned();
        }
        9 if rng.u32(..3) == 0 => {
            let task = pick(rng, HOLIDAY_TASKS);
            s.title = format!("关于做好{}期间{task}工作的通知", holiday(day.month));
            s.extra = task.to_owned();
        }
        10 => {
            let c = pick(rng, COLLECTIONS);
            s.title = format!("关于征集{}{c}的通知", s.topic);
            s.extra = format!("{c}征集");
            s.source_unit = "市委市直机关工委宣传部".to_owned();
        }
        11 => {
            let m = if rng.u32(..5) == 0 {
                format!("{}年{}", plan_year(day), pick(rng, MEETINGS))
            } else {
                format!("市直机关{}{}", s.topic, pick(rng, MEETING_KINDS))
            };
            s.title = format!("关于召开{m}的通知");
            s.extra = m;
        }
        12 => {
            let q = QUARTERS[usize::from((day.month.clamp(1, 12) - 1) / 3)];
            s.title = format!("关于{y}年第{q}季度市直机关{}工作督查情况的通报", s.topic);
            s.extra = format!("{}督查", s.topic_kw);
        }
        14 => {
            let e = pick(rng, EVENTS);
            s.title = format!("关于组织{dept}等单位党员干部参加{e}的通知");
            s.extra = e.to_owned();
        }
        15..=17 => {
            let (_, org) = dept_org(rng);
            let r = pick(rng, REPLIES);
            s.title = format!("关于{org}{r}的批复");
            s.unit = org;
            s.extra = r.to_owned();
            s.source_unit = organisation.to_owned();
        }
        9 | 18..=20 => {
            s.title = format!("关于{dept}等{}个单位{}工作情况的通报", rng.u32(2..10), s.topic);
            s.extra = format!("{}督查", s.topic_kw);
        }
        21 => {
            let theme = pick(rng, words::QUOTED_THEMES);
            let kind = pick(rng, THEME_KINDS);
            s.title = format!("关于在市直机关开展{y}年“{theme}”{kind}的通知");
            s.extra = format!("“{theme}”{kind}");
        }
        22 => {
            let verb = pick(rng, &["进一步加强", "切实抓好", "深入推进", "持续深化"]);
            let form = pick(rng, &["的通知", "的实施意见", "的若干措施"]);
            s.title = format!("关于在市直机关{verb}{}{form}", s.topic);
            s.extra = s.topic.to_owned();
        }
        _ => {
            s.title = format!("关于对{dept}等单位开展{}专项督导的通知", s.topic);
            s.extra = format!("{}专项督导", s.topic_kw);
        }
    }
}

const HALVES: &[&str] = &["上半年", "下半年", "第一季度", "第二季度", "第三季度", "第四季度"];
const ORG_CHANGES: &[&str] = &["设立", "撤并", "更名", "隶属关系调整", "换届"];

pub(super) fn dangwu(rng: &mut Rng, day: Day, s: &mut Subject) {
    s.unit = COMMITTEE.to_owned();
    s.source_unit = "市委市直机关工委组织部".to_owned();
    let y = day.year;
    let dept = pick(rng, DEPTS);
    match rng.u32(..12) {
        0 if rng.u32(..10) == 0 => {
            let (yy, m) = if day.month == 1 { (y - 1, 12) } else { (y, day.month - 1) };
            s.extra = format!("{yy}年{m}月党费收缴情况");
            s.title = format!("市直机关工委{yy}年{m}月党费收缴情况公示");
        }
        5 if rng.u32(..10) == 0 => {
            let (extra, title) = match rng.u32(..3) {
                0 => {
                    ("党组织和党员队伍建设情况", format!("{}年市直机关党组织和党员队伍建设情况公报", review_year(day)))
                }
                1 => (
                    "领导班子民主生活会情况",
                    format!("市直机关工委{}年度领导班子民主生活会情况通报", review_year(day)),
                ),
                _ => (
                    "党建述职评议考核结果",
                    format!("{}年度市直机关基层党组织书记抓党建述职评议考核结果公示", review_year(day)),
                ),
            };
            s.extra = extra.to_owned();
            s.title = title;
        }
        1..=3 | 5 => {
            let mut name = String::new();
            words::person(rng, &mut name);
            let stage = pick(rng, &["确定为发展对象", "接收为预备党员", "转为正式党员", "确定为入党积极分子"]);
            s.unit = format!("{dept}机关党委");
            s.extra = format!("拟{stage}人选");
            s.title = if rng.bool() {
                format!("关于{name}等{}名同志拟{stage}的公示", rng.u32(2..16))
            } else {
                format!("{dept}机关党委关于{name}同志拟{stage}的公示")
            };
        }
        4 => {
            let (_, org) = dept_org(rng);
            s.extra = "换届选举结果".to_owned();
            s.title = format!("{org}换届选举结果公告");
            s.unit = org;
        }
        6 => {
            let c = pick(rng, ORG_CHANGES);
            s.extra = format!("党组织{c}");
            s.title = format!("关于{dept}等{}个单位党组织{c}的公示", rng.u32(2..9));
        }
        7 => {
            s.unit = format!("{dept}机关党委");
            s.extra = "党建工作责任清单".to_owned();
            s.title = format!("{dept}机关党委{}年党建工作责任清单", plan_year(day));
        }
        0 | 8 | 9 => {
            let h = pick(rng, HALVES);
            s.unit = format!("{dept}机关党委");
            s.extra = format!("{h}党费收缴使用情况");
            s.title = format!("{dept}机关党委{y}年{h}党费收缴使用情况公开");
        }
        10 | 11 if rng.u32(..30) != 0 => {
            let (_, org) = dept_org(rng);
            s.extra = "党员民主评议结果".to_owned();
            s.title = format!("{org}{}年度民主评议党员结果公示", review_year(day));
            s.unit = org;
        }
        _ => {
            let h = pick(rng, HALVES);
            s.extra = format!("{h}党务工作");
            s.title = format!("市直机关工委{y}年{h}党务公开事项");
        }
    }
}
