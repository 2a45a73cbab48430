//! The city departments under the demo 机关工委, with the internal units (科室) their
//! branches are named after. The city 青澜市 is fictional; the departments are the usual
//! ones of a Chinese prefecture-level city, named as they have been since the 2018–2019
//! institutional reform (机构改革), so the founding years follow that reform.

/// How a department's party organisations are arranged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// A party organ (no 党组): its 机关党委 sits directly under the 工委.
    OrgansOnly,
    /// 部门党组, and under it the 机关党委 that leads the branches.
    LeadingGroup,
    /// A 部门党委 (police and similar systems): 党总支 per sub-unit, branches below.
    DepartmentCommittee,
}

/// One 市直单位.
#[derive(Debug)]
pub(crate) struct Dept {
    /// Short name used in organisation names: 市财政局.
    pub short: &'static str,
    /// Full name, the members' 工作单位.
    pub unit: &'static str,
    pub shape: Shape,
    /// Relative number of members.
    pub weight: usize,
    /// The year the department took its present form (its party organisations were set
    /// up then).
    pub founded: i32,
    /// Has a 离退休干部党支部.
    pub retired: bool,
    /// Internal units: one branch each, in this order.
    pub divisions: &'static [&'static str],
    /// Sub-units large enough for a 党总支 with several branches.
    pub sub_units: &'static [&'static str],
}

pub(crate) const DEPTS: &[Dept] = &[
    Dept {
        short: "市委办公室",
        unit: "中共青澜市委办公室",
        shape: Shape::OrgansOnly,
        weight: 6,
        founded: 1985,
        retired: false,
        divisions: &["秘书科", "综合科", "督查室", "信息科", "机要科", "法规室", "档案科", "保密科"],
        sub_units: &[],
    },
    Dept {
        short: "市发展改革委",
        unit: "青澜市发展和改革委员会",
        shape: Shape::LeadingGroup,
        weight: 10,
        founded: 2004,
        retired: false,
        divisions: &[
            "办公室",
            "发展规划科",
            "固定资产投资科",
            "产业发展科",
            "经济运行科",
            "价格科",
            "农村经济科",
            "社会发展科",
            "能源科",
            "重点项目科",
        ],
        sub_units: &[],
    },
    Dept {
        short: "市教育局",
        unit: "青澜市教育局",
        shape: Shape::LeadingGroup,
        weight: 10,
        founded: 1984,
        retired: false,
        divisions: &[
            "办公室",
            "基础教育科",
            "职业教育与成人教育科",
            "教师工作科",
            "发展规划科",
            "财务审计科",
            "体育卫生与艺术教育科",
            "督导室",
            "招生考试科",
            "安全稳定科",
        ],
        sub_units: &[],
    },
    Dept {
        short: "市公安局",
        unit: "青澜市公安局",
        shape: Shape::DepartmentCommittee,
        weight: 30,
        founded: 1983,
        retired: true,
        divisions: &[],
        sub_units: &[
            "政治部",
            "指挥中心",
            "刑事侦查支队",
            "治安管理支队",
            "交通警察支队",
            "经济犯罪侦查支队",
            "网络安全保卫支队",
            "出入境管理支队",
            "特警支队",
            "警务保障部",
        ],
    },
    Dept {
        short: "市财政局",
        unit: "青澜市财政局",
        shape: Shape::LeadingGroup,
        weight: 10,
        founded: 1984,
        retired: true,
        divisions: &[
            "办公室",
            "预算科",
            "国库科",
            "税政科",
            "经济建设科",
            "社会保障科",
            "农业农村科",
            "行政政法科",
            "会计科",
            "绩效评价科",
            "政府采购监督管理科",
            "债务管理科",
        ],
        sub_units: &[],
    },
    Dept {
        short: "市人社局",
        unit: "青澜市人力资源和社会保障局",
        shape: Shape::LeadingGroup,
        weight: 10,
        founded: 2010,
        retired: false,
        divisions: &[
            "办公室",
            "就业促进科",
            "职业能力建设科",
            "人才开发科",
            "事业单位人事管理科",
            "工资福利科",
            "养老保险科",
            "劳动关系科",
            "劳动保障监察科",
        ],
        sub_units: &[],
    },
    Dept {
        short: "市自然资源局",
        unit: "青澜市自然资源和规划局",
        shape: Shape::LeadingGroup,
        weight: 12,
        founded: 2019,
        retired: true,
        divisions: &[
            "办公室",
            "国土空间规划科",
            "调查监测科",
            "确权登记科",
            "耕地保护监督科",
            "国土空间用途管制科",
            "执法监察科",
            "矿产资源管理科",
            "测绘地理信息科",
            "不动产登记中心",
        ],
        sub_units: &[],
    },
    Dept {
        short: "市生态环境局",
        unit: "青澜市生态环境局",
        shape: Shape::LeadingGroup,
        weight: 8,
        founded: 2019,
        retired: false,
        divisions: &[
            "办公室",
            "大气环境科",
            "水生态环境科",
            "土壤生态环境科",
            "环境影响评价科",
            "生态环境执法支队",
            "生态环境监测站",
        ],
        sub_units: &[],
    },
    Dept {
        short: "市住建局",
        unit: "青澜市住房和城乡建设局",
        shape: Shape::LeadingGroup,
        weight: 10,
        founded: 2010,
        retired: true,
        divisions: &[
            "办公室",
            "房地产市场监管科",
            "建筑市场监管科",
            "城市建设科",
            "住房保障科",
            "工程质量安全监管科",
            "村镇建设科",
            "建筑节能与科技科",
            "物业管理科",
        ],
        sub_units: &[],
    },
    Dept {
        short: "市交通运输局",
        unit: "青澜市交通运输局",
        shape: Shape::LeadingGroup,
        weight: 10,
        founded: 2010,
        retired: false,
        divisions: &[
            "办公室",
            "综合规划科",
            "公路管理科",
            "运输管理科",
            "港航管理科",
            "安全监督科",
            "建设管理科",
            "交通运输综合行政执法支队",
        ],
        sub_units: &[],
    },
    Dept {
        short: "市卫生健康委",
        unit: "青澜市卫生健康委员会",
        shape: Shape::LeadingGroup,
        weight: 12,
        founded: 2019,
        retired: true,
        divisions: &[
            "办公室",
            "医政医管科",
            "疾病预防控制科",
            "基层卫生健康科",
            "妇幼健康科",
            "老龄健康科",
            "人口监测与家庭发展科",
            "卫生应急办公室",
            "综合监督科",
        ],
        sub_units: &[],
    },
    Dept {
        short: "市市场监管局",
        unit: "青澜市市场监督管理局",
        shape: Shape::LeadingGroup,
        weight: 15,
        founded: 2019,
        retired: false,
        divisions: &[
            "办公室",
            "登记注册科",
            "信用监督管理科",
            "价格监督检查科",
            "食品生产安全监督管理科",
            "药品医疗器械监督管理科",
            "特种设备安全监察科",
            "质量发展科",
            "知识产权科",
        ],
        sub_units: &["城东分局", "城西分局", "澜江新区分局", "经济开发区分局", "高新区分局", "青溪分局"],
    },
];

/// A department by its short name (the table above is fixed, so a missing name is a
/// programming error caught by the tests).
pub(crate) fn index_of(short: &str) -> usize {
    DEPTS.iter().position(|d| d.short == short).unwrap_or(0)
}

/// 一, 二, … 九十九: branch and group numbers as they are written in names.
pub(crate) fn chinese_number(n: usize) -> String {
    const DIGITS: [&str; 10] = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        0..=9 => DIGITS[n].to_string(),
        10..=19 => format!("十{}", if n == 10 { "" } else { DIGITS[n - 10] }),
        20..=99 => format!("{}十{}", DIGITS[n / 10], if n.is_multiple_of(10) { "" } else { DIGITS[n % 10] }),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_written_as_in_names() {
        assert_eq!(chinese_number(1), "一");
        assert_eq!(chinese_number(10), "十");
        assert_eq!(chinese_number(12), "十二");
        assert_eq!(chinese_number(20), "二十");
        assert_eq!(chinese_number(37), "三十七");
        assert_eq!(chinese_number(120), "120");
    }

    #[test]
    fn the_table_is_consistent() {
        assert_eq!(DEPTS.len(), 12);
        for d in DEPTS {
            assert!(d.unit.contains("青澜市") && d.short.starts_with('市'), "{}", d.short);
            let has_units = !d.divisions.is_empty() || !d.sub_units.is_empty();
            assert!(has_units, "{}", d.short);
            if d.shape == Shape::DepartmentCommittee {
                assert!(!d.sub_units.is_empty(), "{}", d.short);
            }
        }
        assert_eq!(DEPTS[index_of("市卫生健康委")].short, "市卫生健康委");
    }
}
