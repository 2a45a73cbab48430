//! Titles of the news channels: 时政要闻, 党建动态, 工委工作, 文明创建.

use fastrand::Rng;

use super::notices::TRAININGS;
use super::{Subject, dept_org, method, review_year};
use crate::text::{CITY_TASKS, Day};
use crate::words::{self, COMMITTEE, DEPTS, pick};

/// Bodies that meet and decide; also the actor of the body text.
const CITY_BODIES: &[&str] = &[
    "市委常委会",
    "市政府",
    "市委理论学习中心组",
    "市人大常委会",
    "市政协",
    "市委全面深化改革委员会",
    "市委财经委员会",
    "市委全面依法治市委员会",
];
/// Fictional districts and counties of the city.
const COUNTIES: &[&str] =
    &["澜城区", "江北区", "东湖区", "新港区", "临溪县", "白石县", "松岭县", "云台县", "青澜高新区", "青澜经开区"];
const SLOGAN_PAIRS: &[&str] = &[
    "坚持问题导向 狠抓工作落实",
    "锚定目标任务 奋力攻坚突破",
    "压实工作责任 确保取得实效",
    "聚焦群众关切 提升服务效能",
    "坚定发展信心 推动提质增效",
    "守牢安全底线 服务发展大局",
    "以实干实绩 答好时代答卷",
    "抢抓发展机遇 跑出加速度",
];
const CITY_NEWS: &[&str] = &[
    "个项目入选省级重点项目名单",
    "家企业获评省级专精特新企业",
    "个村入选省级乡村振兴示范村",
    "项民生实事全部按期完成",
    "个社区获评省级文明社区",
    "家单位获评全省模范机关",
    "个案例入选全省基层治理优秀案例",
    "所学校获评省级文明校园",
    "家医院通过省级等级评审",
    "个乡镇获评省级卫生乡镇",
    "项改革经验在全省推广",
    "个重点项目集中开工",
];
const PROGRESS: &[&str] = &["取得新进展", "跑出加速度", "开创新局面", "交出亮眼成绩单", "按下快进键", "呈现良好态势"];
pub(super) const MEETING_KINDS: &[&str] = &["推进会", "座谈会", "现场观摩会", "培训会", "部署会", "调度会", "总结会"];

fn pick_pair<'a, T>(rng: &mut Rng, pool: &'a [T]) -> &'a T {
    &pool[rng.usize(..pool.len())]
}

pub(super) fn shizheng(rng: &mut Rng, day: Day, s: &mut Subject) {
    let y = day.year;
    let task = pick(rng, CITY_TASKS);
    let body = pick(rng, CITY_BODIES);
    s.unit = body.to_owned();
    s.extra = task.to_owned();
    s.source_unit = pick(rng, &["青澜日报", "青澜新闻网", "青澜广播电视台", "市委宣传部"]).to_owned();
    let mut other = pick(rng, CITY_TASKS);
    if other == task {
        other = CITY_TASKS[0];
    }
    match rng.u32(..17) {
        0 | 1 => s.title = format!("{body}召开会议 研究部署{task}和{other}等工作"),
        2 => {
            let mut n = String::new();
            words::chinese_number(u32::from(day.month) + rng.u32(..3), &mut n);
            s.unit = "市委理论学习中心组".to_owned();
            s.title = match rng.u32(..5) {
                0 => format!("市委理论学习中心组举行{y}年第{n}次集体学习"),
                1 | 2 => format!("市委理论学习中心组围绕{}开展专题学习研讨", s.topic),
                _ => {
                    let c = pick(rng, COUNTIES);
                    s.unit = format!("{c}委理论学习中心组");
                    format!("{c}委理论学习中心组围绕{}开展专题学习", s.topic)
                }
            };
        }
        3 => {
            s.unit = "市委".to_owned();
            s.title = format!("全市{}工作{}召开 {}", s.topic, pick(rng, MEETING_KINDS), pick(rng, SLOGAN_PAIRS));
        }
        4 | 5 => {
            let (who, unit) = *pick_pair(rng, &[("市委主要负责同志", "市委"), ("市政府主要负责同志", "市政府")]);
            s.unit = unit.to_owned();
            s.title = format!("{who}在{}调研{task}工作时强调 {}", pick(rng, COUNTIES), pick(rng, SLOGAN_PAIRS));
        }
        6 => {
            s.unit = "市政府".to_owned();
            s.title = format!("市政府常务会议研究{task}和{other}等工作");
        }
        7 => {
            let mut n = String::new();
            words::chinese_number(rng.u32(3..40), &mut n);
            s.unit = "市人大常委会".to_owned();
            s.title = format!("市人大常委会举行第{n}次会议 审议{task}工作情况报告");
        }
        8 => {
            s.unit = format!("{}委", words::PROVINCE);
            let kind = pick(rng, MEETING_KINDS);
            s.title = format!("{}召开{}工作{kind}", words::PROVINCE, s.topic);
            if rng.bool() {
                s.title.push_str(" 我市作交流发言");
            }
        }
        9 => {
            s.unit = "市政府".to_owned();
            s.title = format!("我市{}{}", rng.u32(3..40), pick(rng, CITY_NEWS));
        }
        11 if rng.bool() => {
            s.unit = "市政协".to_owned();
            s.title = if rng.bool() {
                format!("市政协召开“{task}”专题协商会")
            } else {
                format!("市政协围绕{task}开展民主监督调研")
            };
        }
        10 | 11 => {
            let c = pick(rng, COUNTIES);
            s.unit = format!("{c}委");
            s.title = format!("{c}{task}{}", pick(rng, PROGRESS));
        }
        13 => {
            let c = pick(rng, COUNTIES);
            s.unit = format!("{c}委");
            s.title = format!("{c}召开{}工作{}", s.topic, pick(rng, MEETING_KINDS));
        }
        14 => {
            let (who, unit) = *pick_pair(
                rng,
                &[("市委主要负责同志", "市委"), ("市政府主要负责同志", "市政府"), ("市领导", "市政府")],
            );
            s.unit = unit.to_owned();
            s.title = format!("{who}到{}督导检查{task}工作", pick(rng, COUNTIES));
        }
        15 => {
            s.unit = "市政府".to_owned();
            s.title = format!("我市{}个重大项目集中签约 总投资{}亿元", rng.u32(6..60), rng.u32(20..600));
        }
        _ => {
            let who = pick(rng, &["市委", "市委常委会", "市委全面深化改革委员会", "市政府", "市委机构编制委员会"]);
            s.unit = who.to_owned();
            s.title = format!("{who}召开{}专题会议 强调{}", s.topic, pick(rng, SLOGAN_PAIRS));
        }
    }
    // A title about a city task, not a party-building theme: the body follows the task.
    if !s.title.contains(s.topic) {
        s.topic = task;
        s.topic_kw = task;
    }
}

const COMMUNITY_NAMES: &[&str] = &[
    "春晖",
    "锦绣",
    "和平路",
    "东湖",
    "滨河",
    "新华",
    "兴隆",
    "青澜湾",
    "翠苑",
    "南门",
    "桂花",
    "阳光",
    "柳岸",
    "北关",
    "望江",
    "紫荆",
    "迎春",
    "文昌",
    "金桥",
    "康乐",
];
const TRAINING_SHORT: &[&str] = &[
    "党务知识培训班",
    "青年干部读书班",
    "党纪学习教育专题讲座",
    "廉政专题党课",
    "意识形态工作专题培训",
    "公文写作与调查研究培训",
];

pub(super) fn dongtai(rng: &mut Rng, day: Day, s: &mut Subject) {
    let (dept, org) = dept_org(rng);
    s.unit = org.clone();
    s.source_unit = format!("{dept}机关党委");
    let act = pick(rng, words::ACTIVITIES);
    s.extra = act.to_owned();
    match rng.u32(..11) {
        0 | 1 => s.title = format!("{org}召开{act}"),
        2 | 3 => {
            let theme = pick(rng, words::QUOTED_THEMES);
            s.extra = format!("“{theme}”主题党日活动");
            s.title = format!("{org}开展“{theme}”主题党日活动");
        }
        4 => s.title = format!("{dept}：{}", method(rng)),
        5 => {
            s.unit = format!("{dept}党组理论学习中心组");
            s.extra = format!("{}专题学习", s.topic);
            s.title = format!("{dept}党组理论学习中心组开展{}专题学习", s.topic);
        }
        6 => {
            let t = pick(rng, TRAINING_SHORT);
            s.extra = t.to_owned();
            s.title = format!("{dept}举办{t}");
        }
        7 => {
            let place = pick(rng, &["市革命纪念馆", "烈士陵园", "红色教育基地", "廉政教育基地", "老区纪念馆"]);
            s.extra = "红色教育实践活动".to_owned();
            s.title = format!("{org}赴{place}开展红色教育实践活动");
        }
        8 => {
            let c = pick(rng, COMMUNITY_NAMES);
            s.extra = "联建共建活动".to_owned();
            s.unit = format!("{dept}机关党委");
            s.title = format!("{dept}机关党委与{c}社区党委开展联建共建活动");
        }
        9 => {
            s.extra = "组织生活会和民主评议党员".to_owned();
            s.title = format!("{org}召开{}年度组织生活会和民主评议党员会议", review_year(day));
        }
        _ => s.title = format!("{dept}：以{}为抓手 推动{}", s.topic, pick(rng, words::SHORT_AIMS)),
    }
    if !s.title.contains(['：', ' ']) {
        words::title_tail(rng, s.topic, &mut s.title);
    }
}

const COMMITTEE_MEETINGS: &[&str] = &[
    "理论学习中心组专题学习会",
    "全体干部会议",
    "机关党建工作推进会",
    "党风廉政建设工作会议",
    "意识形态工作专题会议",
    "机关党建重点任务调度会",
];
const POSITIONS: &[&str] = &["书记", "常务副书记", "副书记", "纪工委书记"];
const CAMPAIGNS: &[&str] = &["专项行动", "集中整治", "“回头看”", "专项督查", "提质行动"];

pub(super) fn gongwei(rng: &mut Rng, day: Day, s: &mut Subject) {
    s.unit = COMMITTEE.to_owned();
    s.source_unit = "市委市直机关工委办公室".to_owned();
    s.extra = format!("{}推进工作", s.topic_kw);
    let y = day.year;
    let dept = pick(rng, DEPTS);
    match rng.u32(..14) {
        0 if rng.u32(..10) == 0 => {
            let m = pick(rng, COMMITTEE_MEETINGS);
            s.extra = m.to_owned();
            s.title = format!("市直机关工委召开{y}年{m}");
        }
        0..=2 if rng.bool() => {
            let kind = pick(rng, MEETING_KINDS);
            s.extra = format!("{}{kind}", s.topic_kw);
            s.title = format!("市直机关工委召开{}{kind}", s.topic);
        }
        0..=2 => {
            s.extra = format!("{}现场推进会", s.topic_kw);
            s.title = format!("市直机关工委在{dept}召开{}现场推进会", s.topic);
        }
        3 => {
            s.extra = format!("{}调研", s.topic_kw);
            s.title = format!("市直机关工委领导赴{dept}调研{}工作", s.topic);
        }
        4 => {
            let t = pick(rng, TRAININGS);
            s.extra = t.to_owned();
            s.title = format!("市直机关工委举办{y}年{t}（第{}期）", rng.u32(1..7));
        }
        8 if rng.u32(..20) == 0 => {
            s.extra = "党建工作考核反馈会议".to_owned();
            s.title = format!("市直机关工委召开{}年度机关党建工作考核反馈会议 推动问题整改落实", review_year(day));
        }
        5 | 6 | 8 => {
            let p = pick(rng, POSITIONS);
            s.extra = format!("{}督导", s.topic_kw);
            s.title = format!("市直机关工委{p}带队督导{dept}等单位{}工作", s.topic);
        }
        7 => {
            let c = pick(rng, CAMPAIGNS);
            s.extra = format!("{}{c}", s.topic);
            s.title = format!("市直机关工委部署开展{}{c}", s.topic);
        }
        9 => s.title = format!("市直机关工委：{}", method(rng)),
        10 => {
            let act = pick(rng, words::ACTIVITIES);
            s.extra = act.to_owned();
            s.title = format!("市直机关工委与{dept}联合开展{act}");
        }
        11 => {
            let p = pick(rng, POSITIONS);
            s.extra = format!("{}专题党课", s.topic_kw);
            s.title = format!("市直机关工委{p}到{dept}讲授{}专题党课", s.topic_kw);
        }
        _ => {
            s.extra = format!("{}蹲点调研", s.topic_kw);
            s.title = format!("市直机关工委深入{dept}开展{}蹲点调研", s.topic);
        }
    }
    if !s.title.contains(['：', ' ']) {
        words::title_tail(rng, s.topic, &mut s.title);
    }
}

const CIVIC_THEMES: &[&str] = &[
    "文明交通劝导",
    "垃圾分类我先行",
    "关爱空巢老人",
    "爱心助考",
    "清洁家园",
    "文明餐桌 光盘行动",
    "学雷锋",
    "义务植树",
    "环保骑行",
    "邻里守望",
    "爱心献血",
    "文明旅游",
    "关爱留守儿童",
    "护河净滩",
    "敬老助残",
    "文明出行",
    "节约用水",
    "书香社区",
];
const CIVIC_HONORS: &[&str] =
    &["市级文明单位", "省级文明单位", "市级文明单位标兵", "文明实践志愿服务优秀项目", "最佳志愿服务组织", "文明机关"];
const CIVIC_ACTS: &[&str] = &[
    "“双报到”进社区志愿服务",
    "背街小巷环境整治",
    "文明创建知识宣传",
    "交通路口文明值守",
    "农贸市场秩序维护",
    "公益广告宣传",
    "老旧小区清洁行动",
    "文明养犬宣传劝导",
    "公共场所控烟宣传",
    "反诈宣传进社区",
    "共享单车规范停放整治",
    "“小手拉大手”文明宣传",
];
const MORALS: &[&str] = &[
    "家风家教",
    "诚信建设",
    "敬业奉献",
    "孝老爱亲",
    "见义勇为",
    "助人为乐",
    "勤俭节约",
    "爱岗敬业",
    "邻里和睦",
    "尊师重教",
];
const BESTS: &[&str] = &["机关干部", "家庭", "志愿者", "窗口服务之星", "文明科室"];

pub(super) fn wenming(rng: &mut Rng, day: Day, s: &mut Subject) {
    let dept = pick(rng, DEPTS);
    s.unit = dept.to_owned();
    s.source_unit = format!("{dept}机关党委");
    let theme = pick(rng, CIVIC_THEMES);
    s.extra = format!("“{theme}”志愿服务活动");
    match rng.u32(..10) {
        0 => s.title = format!("{dept}开展“{theme}”志愿服务活动"),
        1 | 2 => {
            let c = pick(rng, COMMUNITY_NAMES);
            s.title = format!("{dept}党员志愿者走进{c}社区开展“{theme}”志愿服务");
        }
        3 => s.title = format!("{dept}获评{}年度{}", review_year(day), pick(rng, CIVIC_HONORS)),
        4 => {
            let a = pick(rng, CIVIC_ACTS);
            s.extra = a.to_owned();
            s.title = format!("{dept}组织开展{a} 助力全国文明城市创建");
        }
        5 => {
            let a = pick(rng, CIVIC_ACTS);
            s.extra = a.to_owned();
            s.title = format!("文明实践在身边｜{dept}开展{a}");
        }
        6 => {
            let m = pick(rng, MORALS);
            s.extra = format!("“{m}”道德讲堂");
            s.title = match rng.u32(..3) {
                0 => format!("{dept}道德讲堂开讲 聚焦{m}"),
                1 => format!("{dept}举办“{m}”主题道德讲堂"),
                _ => format!("{dept}道德讲堂：{m}故事分享会"),
            };
        }
        7 => {
            let b = pick(rng, BESTS);
            s.extra = format!("“最美{b}”评选");
            s.title = format!("{dept}开展“最美{b}”评选活动");
        }
        8 => {
            let c = pick(rng, COMMUNITY_NAMES);
            let a = pick(rng, CIVIC_ACTS);
            s.extra = a.to_owned();
            s.title = format!("文明实践在身边｜{dept}在{c}社区开展{a}");
        }
        _ => {
            s.unit = "市直机关各单位".to_owned();
            s.source_unit = "市委市直机关工委宣传部".to_owned();
            s.title = format!("市直机关{}家单位联合开展“{theme}”志愿服务 为文明城市创建添砖加瓦", rng.u32(8..40));
        }
    }
    if !s.title.contains(['：', '｜', ' ']) && rng.bool() {
        s.title.push_str(pick(rng, WENMING_TAILS));
    }
}

const WENMING_TAILS: &[&str] = &[" 助力文明城市创建", " 传递文明新风尚", " 争当文明创建排头兵", " 让文明之花处处绽放"];
