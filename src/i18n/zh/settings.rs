use crate::i18n::settings::Settings;

pub const SETTINGS: Settings = Settings {
    settings_title: "系统设置",
    settings_fields: [
        "逾期超过多少天转为红色",
        "提前多少天提示即将到期",
        "红榜名额",
        "时区（如 Asia/Shanghai）",
        "企业诉求受理时限（工作日）",
        "企业诉求办结时限（工作日）",
        "闲置多少分钟后退出登录",
        "登录最长有效小时数",
        "县名",
        "通报落款（发文单位）",
        "每次导入最多事项数（行）",
    ],
    settings_working_days: "节假日与调休",
    settings_working_days_hint: "每行一条：日期或日期范围，后接“休”（法定节假日）或“班”（调休上班），例如 2026-10-01~2026-10-07 休、2026-10-10 班。周一至周五之外的其他日子照常计算。企业诉求的受理和办结时限按工作日计算。",
};
