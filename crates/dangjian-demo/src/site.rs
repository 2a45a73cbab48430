//! The fixed part of the demo site: settings for the header and footer, the nine
//! channels of the seed page's channel bar (首页 is added by the navigation itself) and
//! the friendly links. The city, its committee, its numbers and its domains are made up.

/// A channel of the demo site. The order is the navigation order of the seed page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ch {
    Gonggao,
    Shizheng,
    Dongtai,
    Dangwu,
    Gongwei,
    Wenming,
    Shipin,
    Tashan,
    Ziliao,
}

/// A channel as it is inserted, plus its share of the articles.
pub(crate) struct ChannelDef {
    pub ch: Ch,
    pub slug: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    pub description: &'static str,
    pub keywords: &'static str,
    /// Relative share of the articles beyond the guaranteed minimum.
    pub weight: u32,
}

/// The nine channels, in navigation order (sort_order 10, 20, …).
pub(crate) const CHANNELS: [ChannelDef; 9] = [
    ChannelDef {
        ch: Ch::Gonggao,
        slug: "gonggao",
        name: "公告通知",
        kind: "list",
        description: "发布中共青澜市委市直机关工委的通知、公告、公示和通报。",
        keywords: "公告,通知,公示,通报,市直机关工委",
        weight: 12,
    },
    ChannelDef {
        ch: Ch::Shizheng,
        slug: "shizheng",
        name: "时政要闻",
        kind: "list",
        description: "报道青澜市和江川省的重要时政新闻、重要会议和重大活动。",
        keywords: "时政要闻,市委,市政府,重要会议",
        weight: 13,
    },
    ChannelDef {
        ch: Ch::Dongtai,
        slug: "dongtai",
        name: "党建动态",
        kind: "list",
        description: "反映市直机关各级党组织开展党建工作的最新动态。",
        keywords: "党建动态,机关党建,主题党日,基层党组织",
        weight: 29,
    },
    ChannelDef {
        ch: Ch::Dangwu,
        slug: "dangwu",
        name: "党务公开",
        kind: "list",
        description: "依规公开市直机关党组织建设、发展党员、党费收缴使用等党务信息。",
        keywords: "党务公开,党费,发展党员,换届选举,公示",
        weight: 7,
    },
    ChannelDef {
        ch: Ch::Gongwei,
        slug: "gongwei",
        name: "工委工作",
        kind: "list",
        description: "介绍市直机关工委重点工作的部署、推进和落实情况。",
        keywords: "工委工作,机关工委,工作部署,督导调研",
        weight: 12,
    },
    ChannelDef {
        ch: Ch::Wenming,
        slug: "wenming",
        name: "文明创建",
        kind: "list",
        description: "展示市直机关文明单位创建、志愿服务和新时代文明实践的成效。",
        keywords: "文明创建,志愿服务,文明单位,新时代文明实践",
        weight: 9,
    },
    ChannelDef {
        ch: Ch::Shipin,
        slug: "shipin",
        name: "视频点播",
        kind: "video",
        description: "提供微党课、党员教育专题片和机关党建微视频的在线点播。",
        keywords: "视频点播,微党课,党员教育,专题片",
        weight: 4,
    },
    ChannelDef {
        ch: Ch::Tashan,
        slug: "tashan",
        name: "他山之石",
        kind: "list",
        description: "学习借鉴兄弟城市机关党建工作的好经验、好做法。",
        keywords: "他山之石,经验交流,机关党建,创新做法",
        weight: 9,
    },
    ChannelDef {
        ch: Ch::Ziliao,
        slug: "ziliao",
        name: "资料中心",
        kind: "download",
        description: "提供党务工作手册、政策文件汇编、学习资料和常用表格下载。",
        keywords: "资料中心,党务手册,表格模板,学习资料",
        weight: 5,
    },
];

/// Site settings: header, footer and meta tags. Keys are what the portal reads.
pub(crate) const SETTINGS: &[(&str, &str)] = &[
    ("site_name", "青澜市机关党建网"),
    ("welcome", "您好，欢迎访问青澜市机关党建网！"),
    ("site_domain", "www.qinglanjgdj.gov.cn"),
    // 990000 is outside every real province code, so the 网站标识码 cannot clash.
    ("site_id_code", "9901000017"),
    ("owner", "中共青澜市委市直机关工作委员会"),
    ("host_unit", "中共青澜市委市直机关工作委员会"),
    ("phone", "0588-63935108"),
    ("fax", "0588-63935109"),
    ("icp", "江ICP备13027415号-1"),
    ("tech_support", "青澜云帆信息技术有限公司"),
    ("police_record", "江公网安备 99010002000123号"),
    ("copyright_year", "2013"),
    (
        "description",
        "青澜市机关党建网是中共青澜市委市直机关工作委员会主办的机关党建门户网站，发布机关党建工作动态、通知公告、党务公开信息和学习资料。",
    ),
    ("keywords", "青澜机关党建,机关党建,市直机关工委,党建动态,党务公开,模范机关"),
];

/// Friendly links as (group, name, URL). Groups are rows of the footer block: sister
/// cities (fictional domains), the city and province (fictional), national sites (real).
pub(crate) const LINKS: &[(&str, &str, &str)] = &[
    ("01", "云岭机关党建网", "http://www.yljgdj.gov.cn/"),
    ("01", "江澄机关党建网", "http://jgdj.jiangcheng.gov.cn/"),
    ("01", "北岚机关党建", "http://www.beilanjgdj.gov.cn/"),
    ("01", "东桥市直机关党建网", "http://www.dqszjg.gov.cn/"),
    ("01", "安澜机关党建在线", "http://dj.anlan.gov.cn/"),
    ("01", "明川机关党建网", "http://www.mcjgdj.gov.cn/"),
    ("01", "鹤汀市机关党建", "http://jgdj.heting.gov.cn/"),
    ("01", "望海党建网", "http://www.wanghaidj.gov.cn/"),
    ("02", "青澜市人民政府", "http://www.qinglan.gov.cn/"),
    ("02", "江川省委省直机关工委", "http://www.jcszjg.gov.cn/"),
    ("02", "青澜市委组织部", "http://zzb.qinglan.gov.cn/"),
    ("02", "青澜市纪委监委", "http://jw.qinglan.gov.cn/"),
    ("02", "青澜文明网", "http://wm.qinglan.gov.cn/"),
    ("02", "青澜党员教育网", "http://dyjy.qinglan.gov.cn/"),
    ("02", "枫林机关党建网", "http://www.fljgdj.gov.cn/"),
    ("02", "星湖机关党建", "http://jgdj.xinghu.gov.cn/"),
    ("03", "中国共产党新闻网", "http://cpc.people.com.cn/"),
    ("03", "新华网", "http://www.xinhuanet.com/"),
    ("03", "人民网", "http://www.people.com.cn/"),
    ("03", "共产党员网", "https://www.12371.cn/"),
    ("03", "中国文明网", "http://www.wenming.cn/"),
    ("03", "中央纪委国家监委", "https://www.ccdi.gov.cn/"),
    ("03", "求是网", "http://www.qstheory.cn/"),
    ("03", "中国政府网", "https://www.gov.cn/"),
];
