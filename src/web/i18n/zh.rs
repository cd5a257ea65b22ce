//! 简体中文 (default).

use super::{Catalog, Lang, decimal};

fn investment(wan: i64) -> String {
    if wan >= 10_000 {
        format!("{}亿元", decimal(wan as f64 / 10_000.0))
    } else {
        format!("{wan}万元")
    }
}

pub static CATALOG: Catalog = Catalog {
    lang: Lang::Zh,
    html_lang: "zh-CN",
    switch_to_other: "English",
    app_name: "项目专班",
    app_tagline: "重点工业项目服务专班调度平台",
    skip_to_content: "跳到正文",

    nav_home: "首页",
    nav_projects: "项目",
    nav_logout: "退出登录",
    nav_signed_in_as: "当前用户",

    login_title: "登录",
    login_username: "用户名",
    login_password: "密码",
    login_submit: "登录",
    login_failed: "用户名或密码不正确。",
    login_username_invalid: "请输入有效的用户名（字母、数字、点、下划线或连字符）。",
    login_password_missing: "请输入密码。",
    login_throttled: "登录失败次数过多，请约 {minutes} 分钟后再试。",
    login_demo_heading: "演示系统",
    login_demo_body: "这是演示数据库，数据为虚构。演示账号：admin（系统管理员）、official（县工信局调度）、lead（专班联络员）、member（县自然资源局）、investor（祺祥新能源），密码均为 {password}。",
    logged_out: "您已退出登录。",
    session_expired: "登录已过期，请重新登录。",

    home_title: "项目一览",
    home_intro_all: "全县重点工业项目及其专班推进情况。",
    home_intro_own: "您可以查看的项目。",
    home_empty: "暂无可查看的项目。",
    col_project: "项目",
    col_company: "企业",
    col_stage: "阶段",
    col_lead_unit: "牵头单位",
    col_leader: "专班组长",
    col_investment: "总投资",
    col_status: "状态",
    col_open_items: "未销号事项",
    col_park: "园区",

    project_task_force: "项目服务专班",
    project_leader: "组长",
    project_lead_unit: "牵头单位",
    project_member_units: "成员单位",
    project_timeline: "项目进度",
    project_planned: "计划",
    project_actual: "实际",
    project_open_items: "推进清单（未销号）",
    project_no_open_items: "清单事项均已销号。",
    col_item: "具体事项",
    col_unit: "责任单位",
    col_deadline: "完成期限",
    due_soon: "即将到期",
    overdue_by: "逾期 {days} 天",
    days_left: "剩余 {days} 天",

    duration_between: "{from}至{to}：{days} 天",
    project_overview: "概况",
    col_investment_code: "项目代码",
    col_industry: "行业",
    col_note: "备注",
    stage_current: "当前阶段",

    reason_red: "红色：“{item}”已逾期 {days} 天（期限 {deadline}，责任单位 {unit}）",
    reason_yellow: "黄色：“{item}”已逾期 {days} 天（期限 {deadline}，责任单位 {unit}）",
    reason_green: "绿色：未销号事项均未逾期",

    stages: ["洽谈", "签约", "备案", "供地", "开工", "竣工", "投产"],
    colours: ["绿色", "黄色预警", "红色通报"],
    roles: [
        "系统管理员",
        "县领导/调度办",
        "专班组长/联络员",
        "责任单位",
        "投资企业",
    ],
    investment,

    error_back_home: "返回首页",
    error_400: ("请求有误", "请求的格式不正确。"),
    error_401: ("需要登录", "请先登录。"),
    error_403: ("无权访问", "您的账号没有权限执行此操作。"),
    error_404: ("页面不存在", "找不到您要的页面或对象。"),
    error_405: ("不支持的操作", "此地址不支持该请求方式。"),
    error_408: ("请求超时", "服务器处理时间过长，请稍后重试。"),
    error_409: (
        "内容已被他人修改",
        "您编辑的内容已被他人修改，请刷新后重试。",
    ),
    error_413: ("内容过大", "提交的内容超过了允许的大小。"),
    error_422: ("内容有误", "提交的内容无法处理，请检查后重试。"),
    error_429: ("操作过于频繁", "请稍后再试。"),
    error_500: ("系统错误", "系统出现错误，已记录，请稍后重试。"),
    error_503: ("服务暂不可用", "数据库暂时无法访问，请稍后重试。"),
    error_csrf: "表单已过期或来源不明，请返回上一页刷新后重新提交。",
};
