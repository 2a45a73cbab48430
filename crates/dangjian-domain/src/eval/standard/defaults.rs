//! The default standard: the six aspects the 苏州 article names, with items drawn from the
//! public deduction sheets of domain-rules.md §3 (荆门: late 换届 −3, dues not paid in full
//! −2, each missing 三会一课 −1; 中铁: 一票否决 for serious violations and accidents).
//!
//! The article's own sheet was not found, so the weights and most maxima are a
//! **proposal**: a 机关工委 copies this standard and edits it before its first round.

use rust_decimal::Decimal;

use super::{Aspect, AutoMapping, AutoRule, AutoSource, Item, ItemKind, Standard};
use crate::eval::grading::GradeBands;

fn item(code: &str, name: &str, kind: ItemKind, max: i64, evidence: &str) -> Item {
    Item {
        code: code.to_owned(),
        name: name.to_owned(),
        kind,
        max_points: Decimal::from(max),
        evidence: evidence.to_owned(),
        auto: None,
    }
}

fn auto(mut item: Item, source: AutoSource, mapping: AutoMapping) -> Item {
    item.auto = Some(AutoRule { source, mapping });
    item
}

fn per_unit(points: i64) -> AutoMapping {
    AutoMapping::PerUnit { points_per_unit: Decimal::from(points) }
}

fn aspect(code: &str, name: &str, weight: i64, items: Vec<Item>) -> Aspect {
    Aspect { code: code.to_owned(), name: name.to_owned(), weight: Decimal::from(weight), items }
}

/// The six aspects with weights 15 / 25 / 20 / 10 / 15 / 15 (sum 100, proposal).
pub fn default_aspects() -> Vec<Aspect> {
    use ItemKind::{Bonus, Deduction, Scored, Veto};
    vec![
        aspect(
            "org_setup",
            "组织设置",
            15,
            vec![
                item("org_setup.structure", "支部设置和委员配备符合规定", Deduction, 5, "成立批复、选举结果批复"),
                auto(item("org_setup.term", "按期换届", Deduction, 5, ""), AutoSource::OverdueTermRenewal, per_unit(3)),
                item("org_setup.officers", "配备党务干部", Deduction, 5, "党务干部任职文件"),
            ],
        ),
        aspect(
            "org_life",
            "组织生活",
            25,
            vec![
                auto(
                    item("org_life.three_meetings", "三会一课按规定开展", Scored, 15, ""),
                    AutoSource::MeetingComplianceRate,
                    AutoMapping::Linear { full_at: Decimal::ONE, zero_at: Decimal::ZERO },
                ),
                item("org_life.life_meeting", "组织生活会和民主评议党员", Deduction, 5, "会议记录、评议结果"),
                item("org_life.themed_day", "主题党日", Deduction, 5, "活动记录和照片"),
            ],
        ),
        aspect(
            "education",
            "党员教育管理",
            20,
            vec![
                item("education.study", "集中学习教育", Deduction, 8, "学习记录"),
                auto(
                    item("education.dues", "按时足额交纳党费", Deduction, 6, ""),
                    AutoSource::DuesArrears,
                    per_unit(2),
                ),
                item("education.management", "组织关系和流动党员管理", Deduction, 6, "党员管理台账"),
            ],
        ),
        aspect(
            "development",
            "发展党员",
            10,
            vec![auto(
                item("development.procedure", "发展党员程序规范", Deduction, 10, ""),
                AutoSource::DevelopmentRuleBreaches,
                per_unit(2),
            )],
        ),
        aspect(
            "support",
            "基本保障",
            15,
            vec![
                item("support.venue", "党员活动场所", Deduction, 5, "场所照片"),
                item("support.funds", "党建工作经费", Deduction, 5, "经费台账"),
                item("support.records", "档案资料规范", Deduction, 5, "档案目录"),
            ],
        ),
        aspect(
            "mechanism",
            "工作机制",
            15,
            vec![
                item("mechanism.responsibility", "责任清单落实", Deduction, 8, "责任清单和落实记录"),
                item("mechanism.rules", "制度建设", Deduction, 7, "制度文件"),
                item("mechanism.innovation", "党建品牌、工作法获上级推广", Bonus, 3, "推广文件"),
                item("veto.discipline", "班子成员发生严重违纪违法", Veto, 0, ""),
                item("veto.incident", "发生重大责任事故或群体性事件", Veto, 0, ""),
            ],
        ),
    ]
}

/// The default standard, version 1, total capped at 100, bands 示范 ≥ 90 / 达标 ≥ 80.
pub fn default_standard() -> Standard {
    Standard {
        code: "branch_standard".to_owned(),
        version: 1,
        name: "党支部标准化规范化建设达标定级标准".to_owned(),
        aspects: default_aspects(),
        total_cap: Some(Decimal::ONE_HUNDRED),
        bands: GradeBands::default(),
    }
}
