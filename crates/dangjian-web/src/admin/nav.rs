//! The admin modules each role sees, and the frame around every admin page.

use dangjian_domain::roles::Role;

use super::current::CurrentUser;

/// One module of the backend.
#[derive(Debug, Clone)]
pub struct Module {
    pub href: &'static str,
    pub name: &'static str,
    pub summary: &'static str,
    /// Roles that may open it.
    pub roles: &'static [Role],
}

/// Every module, in menu order. The server checks the same roles in each handler; the
/// menu only hides what would answer 403.
pub const MODULES: &[Module] = &[
    Module {
        href: "/platform/orgs",
        name: "组织管理",
        summary: "党组织树、班子与换届提醒、党员名册",
        roles: &[Role::Officer],
    },
    Module {
        href: "/platform/compliance",
        name: "组织生活",
        summary: "三会一课完成情况、会议记录与签到",
        roles: &[Role::Officer],
    },
    Module {
        href: "/platform/dues",
        name: "党费收缴",
        summary: "按月登记、年度汇总、少交免交审批与导出",
        roles: &[Role::Officer],
    },
    Module {
        href: "/platform/transfers",
        name: "组织关系转接",
        summary: "介绍信开具、接收与回执",
        roles: &[Role::Officer],
    },
    Module {
        href: "/platform/grading",
        name: "达标定级",
        summary: "支部自评、初评审核、公示定级、退出整改，党性积分与民主评议",
        roles: &[Role::Officer],
    },
    Module {
        href: "/platform/me/points",
        name: "我的党性积分",
        summary: "积分明细与年度余额、量化评议指数、民主评议反馈、积分申报",
        roles: &[Role::Member],
    },
    Module {
        href: "/platform/quizzes",
        name: "知识测试",
        summary: "出题发布、答题时间、参加情况与成绩分布、导出",
        roles: &[Role::Officer],
    },
    Module {
        href: "/platform/me/quizzes",
        name: "我的知识测试",
        summary: "在线答题、得分与正确答案，得分计入党性积分",
        roles: &[Role::Member],
    },
    Module {
        href: "/platform/kaohe",
        name: "党建考核",
        summary: "考核方案、知者权重与格次赋分、测评投票与结果",
        roles: &[Role::Officer, Role::Member],
    },
    Module {
        href: "/platform/me", name: "我的党员信息", summary: "本人党员档案与发展历程", roles: &[Role::Member]
    },
    Module {
        href: "/admin/articles",
        name: "稿件管理",
        summary: "撰写、修改、提交稿件，查看版本",
        roles: &[Role::Editor, Role::Contributor, Role::Reviewer],
    },
    Module {
        href: "/admin/documents", name: "资料中心", summary: "上传可下载的文件资料", roles: &[Role::Editor]
    },
    Module {
        href: "/admin/videos", name: "视频点播", summary: "上传视频、封面与撤下", roles: &[Role::Editor]
    },
    Module {
        href: "/admin/review", name: "待我审核", summary: "按审核级别处理待审稿件", roles: &[Role::Reviewer]
    },
    Module {
        href: "/admin/channels",
        name: "栏目管理",
        summary: "栏目树、类型、顺序与审核级数（三审）",
        roles: &[Role::Sysadmin],
    },
    Module {
        href: "/admin/links", name: "友情链接", summary: "页脚友情链接的分组与排序", roles: &[Role::Sysadmin]
    },
    Module {
        href: "/admin/terms",
        name: "错敏词词库",
        summary: "禁用词、易错词、领导姓名与职务",
        roles: &[Role::Sysadmin],
    },
    Module {
        href: "/admin/settings",
        name: "站点设置",
        summary: "网站名称、页脚信息、备案号",
        roles: &[Role::Sysadmin],
    },
    Module {
        href: "/admin/users",
        name: "账号管理",
        summary: "创建账号、分配角色（三员分立）",
        roles: &[Role::Secadmin],
    },
    Module {
        href: "/admin/audit", name: "审计日志", summary: "登录与操作记录的查询、导出", roles: &[Role::Auditor]
    },
];

/// The modules this account may open.
pub fn modules(me: &CurrentUser) -> Vec<Module> {
    MODULES.iter().filter(|m| m.roles.iter().any(|r| me.has(*r))).cloned().collect()
}

/// Common data of every admin page.
pub struct Frame {
    pub me: Option<CurrentUser>,
    pub nav: Vec<Module>,
    pub flash: String,
    pub css: &'static str,
    pub js: &'static str,
}

impl Frame {
    pub fn anonymous() -> Frame {
        Frame {
            me: None,
            nav: vec![],
            flash: String::new(),
            css: crate::assets::admin_css_url(),
            js: crate::assets::admin_js_url(),
        }
    }

    pub fn for_user(me: &CurrentUser) -> Frame {
        Frame {
            nav: modules(me),
            me: Some(me.clone()),
            flash: String::new(),
            css: crate::assets::admin_css_url(),
            js: crate::assets::admin_js_url(),
        }
    }

    pub fn with_flash(mut self, flash: impl Into<String>) -> Frame {
        self.flash = flash.into();
        self
    }
}
