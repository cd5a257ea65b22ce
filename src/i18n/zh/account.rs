use crate::i18n::account::Account;

pub const ACCOUNT: Account = Account {
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
    password_title: "修改密码",
    password_current: "当前密码",
    password_new: "新密码（至少12个字符）",
    password_again: "再次输入新密码",
    password_end_others: "同时退出我在其他设备上的登录",
    password_submit: "修改密码",
    password_wrong_current: "当前密码不正确。",
    password_too_short: "新密码至少需要12个字符。",
    password_mismatch: "两次输入的新密码不一致。",
};
