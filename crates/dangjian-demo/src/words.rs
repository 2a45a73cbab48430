//! Word pools shared by the title and body generators. Everything here was written for
//! this crate: the city 青澜市, its province 江川省 and the "other cities" are fictional,
//! and the units are the usual departments of a Chinese city government. Titles and
//! bodies are composed from these pools, so the pools are kept long: the number of
//! distinct titles grows with the product of their lengths.

use fastrand::Rng;

/// Picks one entry of a pool.
pub(crate) fn pick<'a>(rng: &mut Rng, pool: &[&'a str]) -> &'a str {
    pool[rng.usize(..pool.len())]
}

/// The fictional city whose 机关工委 runs the demo portal.
pub(crate) const CITY: &str = "青澜";
/// Its fictional province.
pub(crate) const PROVINCE: &str = "江川省";
/// The committee itself, in the short form used in titles.
pub(crate) const COMMITTEE: &str = "市直机关工委";

/// Departments and bodies directly under the city (市直单位).
pub(crate) const DEPTS: &[&str] = &[
    "市委办公室",
    "市政府办公室",
    "市委组织部",
    "市委宣传部",
    "市委统战部",
    "市委政法委",
    "市委政策研究室",
    "市委网信办",
    "市委编办",
    "市人大常委会机关",
    "市政协机关",
    "市纪委监委机关",
    "市中级人民法院",
    "市人民检察院",
    "市发展和改革委员会",
    "市教育局",
    "市科学技术局",
    "市工业和信息化局",
    "市公安局",
    "市民政局",
    "市司法局",
    "市财政局",
    "市人力资源和社会保障局",
    "市自然资源和规划局",
    "市生态环境局",
    "市住房和城乡建设局",
    "市城市管理局",
    "市交通运输局",
    "市水利局",
    "市农业农村局",
    "市商务局",
    "市文化广电和旅游局",
    "市卫生健康委员会",
    "市退役军人事务局",
    "市应急管理局",
    "市审计局",
    "市国资委",
    "市市场监督管理局",
    "市统计局",
    "市医疗保障局",
    "市林业局",
    "市机关事务管理局",
    "市信访局",
    "市政务服务和大数据管理局",
    "市地方金融管理局",
    "市粮食和物资储备局",
    "市档案馆",
    "市总工会",
    "团市委",
    "市妇联",
    "市科协",
    "市残联",
    "市住房公积金管理中心",
    "市气象局",
    "市税务局",
    "市供销合作社",
    "市公共资源交易中心",
    "市社会保险中心",
    "市委党校",
    "市委老干部局",
    "市委党史研究室",
    "市委机要保密局",
    "市文联",
    "市侨联",
    "市工商联",
    "市红十字会",
    "市体育局",
    "市民族宗教事务局",
    "市人防办",
    "市消防救援支队",
];

/// Party organisations inside a department.
pub(crate) const ORGS: &[&str] = &[
    "机关党委",
    "机关党委",
    "机关党总支",
    "机关党支部",
    "机关第一党支部",
    "机关第二党支部",
    "机关第三党支部",
    "机关第四党支部",
    "离退休干部党支部",
    "综合党支部",
    "青年党支部",
    "直属单位党总支",
    "业务科室联合党支部",
];

/// Fictional neighbouring cities, for 他山之石 and the friendly links.
pub(crate) const OTHER_CITIES: &[&str] = &[
    "云岭市",
    "江澄市",
    "北岚市",
    "东桥市",
    "安澜市",
    "明川市",
    "青屏市",
    "鹤汀市",
    "望海市",
    "枫林市",
    "星湖市",
    "嘉澜市",
    "春江市",
    "凌川市",
    "栖凤市",
    "盛川市",
    "银湖市",
    "崇岭市",
];

/// Fictional provinces of those cities.
pub(crate) const OTHER_PROVINCES: &[&str] = &["江川", "岭东", "北原", "湘澜", "西屏", "海清"];

/// Themes of the work: each with a short keyword for the article's keywords.
pub(crate) const TOPICS: &[(&str, &str)] = &[
    ("党纪学习教育", "党纪学习教育"),
    ("主题教育", "主题教育"),
    ("模范机关创建", "模范机关"),
    ("党支部标准化规范化建设", "支部建设"),
    ("“三会一课”制度落实", "三会一课"),
    ("机关作风建设", "作风建设"),
    ("清廉机关建设", "清廉机关"),
    ("整治形式主义为基层减负", "基层减负"),
    ("“我为群众办实事”实践活动", "办实事"),
    ("党建与业务融合发展", "党业融合"),
    ("理论武装工作", "理论武装"),
    ("党员教育管理", "党员教育"),
    ("意识形态工作", "意识形态"),
    ("机关党建品牌创建", "党建品牌"),
    ("党风廉政建设", "党风廉政"),
    ("优化营商环境", "营商环境"),
    ("乡村振兴驻村帮扶", "乡村振兴"),
    ("全国文明城市创建", "文明创建"),
    ("机关志愿服务", "志愿服务"),
    ("青年理论学习", "青年理论学习"),
    ("党员积分管理", "积分管理"),
    ("机关党建考核", "党建考核"),
    ("巡察反馈问题整改", "问题整改"),
    ("大兴调查研究", "调查研究"),
    ("“四强”党支部创建", "四强党支部"),
    ("民主评议党员", "民主评议"),
    ("发展党员工作", "发展党员"),
    ("党费收缴使用管理", "党费管理"),
    ("基层党组织换届", "换届选举"),
    ("机关效能提升", "效能提升"),
    ("安全生产责任落实", "安全生产"),
    ("法治机关建设", "法治机关"),
    ("数字机关建设", "数字机关"),
    ("党建引领基层治理", "基层治理"),
    ("在职党员进社区", "双报到"),
    ("廉洁文化建设", "廉洁文化"),
    ("学习型机关建设", "学习型机关"),
    ("年轻干部培养", "年轻干部"),
    ("政治机关建设", "政治机关"),
    ("机关党建“三级”责任清单落实", "责任清单"),
    ("党性积分和量化评议", "量化评议"),
    ("党史学习教育常态化长效化", "党史学习"),
    ("机关党组织“评星定级”", "评星定级"),
    ("“两在两同”建新功行动", "两在两同"),
    ("党员干部能力作风建设", "能力作风"),
    ("机关党建信息化建设", "智慧党建"),
    ("软弱涣散党组织整顿", "整顿提升"),
    ("党内政治生活规范化", "党内政治生活"),
    ("“三个表率”模范机关建设", "三个表率"),
    ("机关青年工作", "机关青年"),
    ("机关工会和群团工作", "群团工作"),
    ("离退休干部党建工作", "离退休党建"),
    ("党建课题调研", "课题调研"),
    ("党员先锋岗创建", "先锋岗"),
    ("机关党建与驻村帮扶联动", "驻村帮扶"),
    ("党支部书记队伍建设", "支部书记"),
    ("政治能力训练", "政治能力"),
    ("经常性纪律教育", "纪律教育"),
    ("机关内部巡察整改", "内部巡察"),
    ("机关文化建设", "机关文化"),
    ("宣传思想文化工作", "宣传思想"),
    ("统一战线工作", "统战工作"),
    ("保密工作责任制落实", "保密工作"),
    ("平安机关建设", "平安机关"),
    ("节约型机关建设", "节约型机关"),
    ("优化窗口服务", "窗口服务"),
];

/// Activities of a party organisation, as a title names them.
pub(crate) const ACTIVITIES: &[&str] = &[
    "主题党日活动",
    "专题党课",
    "集中学习研讨",
    "理论学习中心组学习会",
    "警示教育大会",
    "组织生活会",
    "民主评议党员大会",
    "党建工作推进会",
    "党员志愿服务活动",
    "红色教育实践活动",
    "“三会一课”观摩交流会",
    "党务干部培训会",
    "青年理论学习小组读书分享会",
    "新党员入党宣誓仪式",
    "党纪知识竞赛",
    "廉政教育基地参观学习活动",
    "支部书记述职评议会",
    "模范机关创建推进会",
    "支部联建共建活动",
    "“光荣在党50年”纪念章颁发仪式",
    "党员大会",
    "专题读书班",
    "“七一”表彰大会",
    "党建业务知识测试",
    "廉政谈话会",
    "以案促改专题会",
    "“书记讲党课”活动",
    "“微党课”比赛",
    "党建观摩交流活动",
    "调研成果交流会",
    "主题演讲比赛",
    "“学习强国”学习经验交流会",
];

/// What members did, as noun phrases after 通过/坚持/推行.
pub(crate) const PRACTICES: &[&str] = &[
    "集中学习与个人自学相结合",
    "专题辅导与交流研讨相结合",
    "支部书记带头讲党课",
    "重温入党誓词",
    "观看警示教育片",
    "参观红色教育基地",
    "剖析身边典型案例",
    "组织应知应会测试",
    "召开座谈交流会",
    "建立问题、任务、责任三张清单",
    "实行“书记项目”制度",
    "推行党员积分量化管理",
    "开展支部结对共建",
    "设立党员先锋岗和责任区",
    "组建党员志愿服务队",
    "开展经常性谈心谈话",
    "落实“第一议题”制度",
    "建立常态化督导机制",
    "开展“微党课”评比",
    "编印学习资料汇编",
    "运用线上学习平台",
    "开展岗位练兵比武",
    "推行“主题党日+”模式",
    "深入基层开展蹲点调研",
    "举办读书分享会",
    "开展“亮身份、亮承诺、亮实绩”活动",
    "实施党建项目化管理",
    "建立月调度、季通报、年考评制度",
    "开展支部互学互评",
    "推行“一支部一品牌”创建",
    "邀请专家学者专题授课",
    "组织党员到窗口一线跟班学习",
];

/// Aims, as the verb phrase that ends a sentence.
pub(crate) const GOALS: &[&str] = &[
    "推动党建工作与业务工作同谋划、同部署、同落实",
    "切实把学习成果转化为推动工作的实际成效",
    "不断提升机关党建工作质量",
    "进一步增强党组织的政治功能和组织功能",
    "引导党员干部在本职岗位上担当作为",
    "以高质量党建引领保障高质量发展",
    "打通服务群众的“最后一公里”",
    "营造风清气正的良好政治生态",
    "推动各项任务落地见效",
    "持续擦亮机关党建品牌",
    "切实为基层减负松绑",
    "着力解决群众急难愁盼问题",
    "全面提升机关干部的履职能力",
    "让党旗在服务一线高高飘扬",
    "筑牢拒腐防变的思想防线",
    "推动机关作风持续向好",
    "确保党的路线方针政策在机关落地生根",
    "把党组织的战斗堡垒作用发挥到最基层",
    "不断夯实机关党建基层基础",
    "服务保障全市经济社会发展大局",
];

/// What the activity achieved.
pub(crate) const EFFECTS: &[&str] = &[
    "进一步坚定了党员干部的理想信念",
    "增强了党员的身份意识和责任意识",
    "为完成全年目标任务凝聚了强大合力",
    "推动党建工作与中心工作实现双提升",
    "在机关内部形成了比学赶超的良好氛围",
    "营造了崇廉尚洁的浓厚氛围",
    "有效提升了基层党组织的组织力",
    "让党员干部在潜移默化中受到教育",
    "激发了党员干部干事创业的热情",
];

/// Who took part.
pub(crate) const PEOPLE: &[&str] = &[
    "机关全体党员",
    "各支部党员代表",
    "党组成员和中层以上干部",
    "新入职年轻干部",
    "全体党员干部",
    "支部委员和党小组长",
    "入党积极分子和发展对象",
    "机关党员和部分离退休老党员",
];

/// Where it took place.
pub(crate) const PLACES: &[&str] = &[
    "机关会议室",
    "党员活动室",
    "市党员教育中心",
    "市革命纪念馆",
    "党群服务中心",
    "市档案馆展厅",
    "市廉政教育基地",
    "新时代文明实践站",
    "市规划展览馆",
    "乡村振兴示范村",
];

/// Quoted slogans of a 主题党日 or campaign.
pub(crate) const QUOTED_THEMES: &[&str] = &[
    "学党纪 守底线",
    "追寻红色足迹 传承红色基因",
    "我为群众办实事",
    "亮身份 作表率",
    "重温入党誓词 牢记初心使命",
    "清风润机关",
    "书香润初心",
    "志愿服务进社区",
    "岗位建功 争先创优",
    "红色引擎 助力发展",
    "党建领航 青春建功",
    "守正创新 担当作为",
    "廉洁齐家 清风传承",
    "践行初心 服务为民",
    "强基固本 提质增效",
    "学思践悟 知行合一",
];

/// Numerals used in slogans such as “三联” or “五个强化”.
pub(crate) const NUMERALS: &[&str] = &["两", "三", "四", "五", "六"];

/// Second halves of such slogans.
pub(crate) const SLOGAN_KEYS: &[&str] = &[
    "联",
    "学",
    "心",
    "力",
    "强",
    "化",
    "抓",
    "色",
    "维",
    "融",
    "个聚焦",
    "个强化",
    "个坚持",
    "项机制",
    "步工作法",
    "张清单",
    "个一",
    "字诀",
];

/// What a slogan-led method achieves, in a title.
pub(crate) const METHOD_AIMS: &[&str] = &[
    "推动党建与业务深度融合",
    "激发基层党组织活力",
    "提升机关党建质量",
    "打造过硬党员队伍",
    "助力模范机关创建",
    "夯实机关党建基层基础",
    "推动党员教育走深走实",
    "擦亮机关党建品牌",
    "提升服务群众效能",
    "推进清廉机关建设",
    "压实党建工作责任",
    "打造机关党员学习教育新体系",
];

/// Second clauses of news titles: " 推动…走深走实" and the like. `{}` is the topic.
const TITLE_TAILS: &[&str] = &["推动{}走深走实", "扎实推进{}", "持续深化{}", "以{}促发展", "奋力开创{}新局面"];

/// Appends, about two times in five, a second clause to a news title: real titles
/// often read "某单位召开某会议 推动某工作走深走实".
pub(crate) fn title_tail(rng: &mut Rng, topic: &str, title: &mut String) {
    match rng.u32(..5) {
        0 => {
            title.push(' ');
            title.push_str(&pick(rng, TITLE_TAILS).replace("{}", topic));
        }
        1 => {
            title.push_str(" 推动");
            title.push_str(pick(rng, SHORT_AIMS));
        }
        _ => {}
    }
}

/// Short results, for "以…为抓手 推动…" titles.
pub(crate) const SHORT_AIMS: &[&str] = &[
    "机关作风持续好转",
    "业务工作提质增效",
    "党员队伍活力迸发",
    "服务效能不断提升",
    "基层基础更加坚实",
    "政治生态持续向好",
    "发展动能不断增强",
];

/// Surnames for fictional editors and people named in notices.
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林", "何", "郭", "马",
    "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾", "彭",
    "吕", "苏", "卢", "蒋", "蔡", "贾", "丁", "魏", "薛", "叶", "阎", "余", "潘", "杜", "戴", "夏", "钟", "汪", "田",
    "任", "姜", "范",
];

/// Characters of given names.
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀", "霞",
    "平", "刚", "桂", "英", "华", "玉", "萍", "红", "鹏", "飞", "宇", "晨", "欣", "怡", "婷", "雪", "琳", "浩", "博",
    "思", "悦", "晓", "颖", "佳", "慧", "宁", "凯", "旭", "嘉", "奕", "然", "子", "雨", "诗", "梦", "蕾", "琪", "彤",
    "瑶", "睿", "哲", "涵", "洁", "倩", "岚", "峰", "斌", "燕", "薇", "文", "志",
];

/// A fictional personal name of two or three characters.
pub(crate) fn person(rng: &mut Rng, out: &mut String) {
    out.push_str(pick(rng, SURNAMES));
    out.push_str(pick(rng, GIVEN));
    if rng.u32(..3) != 0 {
        out.push_str(pick(rng, GIVEN));
    }
}

/// 责编: one or two names joined by 、.
pub(crate) fn editors(rng: &mut Rng) -> String {
    let mut s = String::with_capacity(20);
    person(rng, &mut s);
    if rng.bool() {
        s.push('、');
        person(rng, &mut s);
    }
    s
}

/// A fictional office telephone number of the city (area code 0588).
pub(crate) fn phone(rng: &mut Rng, out: &mut String) {
    use std::fmt::Write;
    let _ = write!(out, "0588-6{:03}{:04}", rng.u32(100..1000), rng.u32(..10000));
}

/// Chinese numerals for ordinals up to 99 (第十二次, 第三季度).
pub(crate) fn chinese_number(n: u32, out: &mut String) {
    const D: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let n = n.min(99);
    if n < 10 {
        out.push_str(D[n as usize]);
    } else {
        let (t, u) = (n / 10, n % 10);
        if t > 1 {
            out.push_str(D[t as usize]);
        }
        out.push('十');
        if u > 0 {
            out.push_str(D[u as usize]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_numbers() {
        let f = |n| {
            let mut s = String::new();
            chinese_number(n, &mut s);
            s
        };
        assert_eq!(f(3), "三");
        assert_eq!(f(10), "十");
        assert_eq!(f(12), "十二");
        assert_eq!(f(20), "二十");
        assert_eq!(f(47), "四十七");
    }

    #[test]
    fn names_are_short() {
        let mut rng = Rng::with_seed(1);
        for _ in 0..100 {
            let e = editors(&mut rng);
            assert!(e.split('、').all(|n| (2..=3).contains(&n.chars().count())), "{e}");
        }
    }
}
