//! 简体中文 (default).

use super::{Catalog, Lang, Problems, decimal};

fn investment(wan: i64) -> String {
    if wan >= 10_000 {
        format!("{}亿元", decimal(wan as f64 / 10_000.0))
    } else {
        format!("{wan}万元")
    }
}

mod account;
mod columns;
mod items;
mod labels;
mod meetings;
mod notify;
mod projects;
mod requests;
mod settings;
mod sheets;
mod standings;

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
    logged_out: "您已退出登录。",
    session_expired: "登录已过期，请重新登录。",
    roles: ["系统管理员", "县领导/调度办", "专班组长/联络员", "责任单位", "投资企业"],
    nav_units: "单位",
    nav_my_queue: "本单位待办",
    page_prev: "上一页",
    page_next: "下一页",
    page_of: "第 {page} / {pages} 页，共 {total} 条",
    list_empty_filtered: "没有符合条件的项目。",
    choose: "请选择",
    save: "保存",
    cancel: "取消",
    form_has_errors: "请修改标出的内容后再提交。",
    yes: "是",
    no: "否",
    conflict_title: "内容已被他人修改",
    conflict_body: "您打开表单之后，这条内容已被他人修改并保存。下面列出当前内容与您提交的内容；您的输入仍保留在表单中，核对后可再次保存。",
    conflict_current: "当前内容",
    conflict_yours: "您提交的内容",
    conflict_field: "项目",
    problems: Problems {
        required: "必填。",
        too_long: "不能超过 {max} 个字。",
        not_a_date: "请输入有效日期（年-月-日）。",
        not_a_number: "请输入不小于 0 的整数。",
        unknown_unit: "没有这个单位。",
        unknown_choice: "请从列表中选择。",
        bad_investment_code: "项目代码应为 24 位：年份-6位区划代码-2位行业代码-2位类型代码-6位流水号。",
        date_in_future: "日期不能晚于今天。",
        stage_not_later: "只能推进到当前阶段之后的阶段。",
        taken_name: "已被使用。",
        bad_characters: "含有无法保存的字符。",
        reason_required: "请填写原因。",
        closed_item: "已关闭的事项不能调整期限，请先重新打开。",
        out_of_range: "应为 {min} 到 {max} 之间的整数。",
        date_in_past: "日期不能早于今天。",
        not_a_web_address: "请填写以 http:// 或 https:// 开头的完整地址。",
        not_accepted: "不是可接受的值。",
    },
    nav_dashboard: "总览",
    nav_rankings: "红黑榜",
    nav_since: "周变化",
    nav_settings: "设置",
    rows_more: "共 {total} 个，列出前 {shown} 个",
    show_all: "查看全部",
    days_n: "{n} 天",
    list_empty: "暂无",
    nav_meetings: "调度会",
    nav_notices: "通报",
    nav_calendar: "日历",
    error_back_home: "返回首页",
    error_400: ("请求有误", "请求的格式不正确。"),
    error_401: ("需要登录", "请先登录。"),
    error_403: ("无权访问", "您的账号没有权限执行此操作。"),
    error_404: ("页面不存在", "找不到您要的页面或对象。"),
    error_405: ("不支持的操作", "此地址不支持该请求方式。"),
    error_408: ("请求超时", "服务器处理时间过长，请稍后重试。"),
    error_409: ("内容已被他人修改", "您编辑的内容已被他人修改，请刷新后重试。"),
    error_413: ("内容过大", "提交的内容超过了允许的大小。"),
    error_422: ("内容有误", "提交的内容无法处理，请检查后重试。"),
    error_429: ("操作过于频繁", "请稍后再试。"),
    error_500: ("系统错误", "系统出现错误，已记录，请稍后重试。"),
    error_503: ("服务暂不可用", "数据库暂时无法访问，请稍后重试。"),
    error_csrf: "表单已过期或来源不明，请返回上一页刷新后重新提交。",
    // issue 6: investor portal and requests
    nav_portal: "我的项目",
    nav_requests: "企业诉求",
    line_problem: "第 {n} 行：{problem}",
    // issue 9: password change
    nav_password: "修改密码",
    nav_verifications: "待核验",
    api_unknown_field: "没有这个字段。",
    nav_templates: "清单模板",
    nav_inbox: "通知",
    nav_webhooks: "群机器人",
    done: [
        "已新增事项。",
        "已保存事项。",
        "已记录进展。",
        "已销号。",
        "已重新打开事项。",
        "已取消事项。",
        "已提交验收，专班将收到通知。",
        "已验收销号。",
        "已退回，责任单位将收到通知。",
        "已上传办结材料。",
        "已导入 {n} 个事项。",
        "已创建项目及其专班。",
        "已保存项目。",
        "已推进项目阶段。",
        "已导入 {n} 个项目。",
        "已提交诉求，专班将尽快受理。",
        "已受理诉求并列入事项清单。",
        "已受理诉求并列入事项清单。注意：事项期限晚于办结承诺，届时诉求将显示超时未办结。",
        "已答复不予受理。",
        "感谢评价。",
        "已安排会议。",
        "已保存会议记录。",
        "已记录 {n} 项会议决定。",
        "已添加议题。",
        "已发布通报。",
    ],
    account: account::ACCOUNT,
    columns: columns::COLUMNS,
    labels: labels::LABELS,
    sheets: sheets::SHEETS,
    notify: notify::NOTIFY,
    meetings: meetings::MEETINGS,
    standings: standings::STANDINGS,
    requests: requests::REQUESTS,
    items: items::ITEMS,
    projects: projects::PROJECTS,
    settings: settings::SETTINGS,
};
