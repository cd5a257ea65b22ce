//! Notification rules: the kinds of events, who receives each, how a delivery that failed is
//! retried, what a group robot (WeCom, DingTalk) is sent, and when a supervision order's reply is late.

use base64::Engine;
use chrono::NaiveDate;
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use sha2::Sha256;

use super::input::{FieldErrors, Problem, optional_text};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    ItemAssigned,
    ItemDueSoon,
    ItemYellow,
    ItemRed,
    DecisionAssigned,
    RequestAccepted,
    RequestDeclined,
    RequestItemClosed,
    NoticePublished,
    SupervisionOrder,
    SupervisionReply,
    /// A unit submitted an item's evidence: the task force's leads and the officials verify it.
    ItemSubmitted,
    /// The verifier sent the evidence back: the unit's turn again.
    ItemSentBack,
    /// An investor raised a request: the task force's leads and the officials triage it.
    RequestSubmitted,
    /// A pending request's triage deadline is the next working day (or today).
    RequestTriageDue,
    /// A pending request's triage deadline passed.
    RequestLate,
    /// A month's investment report is due within days and not in (domain::investment::report_reminder).
    MonthlyReportDue,
    /// A month's investment report is past its due day and not in.
    MonthlyReportLate,
}

/// Who receives an event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Audience {
    /// The staff of the unit the event is about.
    Unit,
    /// The unit's staff and the task force's leaders (escalation).
    UnitAndLeaders,
    /// The investors of the project (their company's events only).
    Company,
    /// The county's officials (the dispatch office that issued the order).
    Officials,
    /// Those who verify and triage for the task force — its leader and its leads, whatever their
    /// duty — and the county's officials.
    TaskForceAndOfficials,
    /// The task force's leader and leads only.
    TaskForce,
}

impl EventKind {
    pub const ALL: [EventKind; 18] = [
        EventKind::ItemAssigned,
        EventKind::ItemDueSoon,
        EventKind::ItemYellow,
        EventKind::ItemRed,
        EventKind::DecisionAssigned,
        EventKind::RequestAccepted,
        EventKind::RequestDeclined,
        EventKind::RequestItemClosed,
        EventKind::NoticePublished,
        EventKind::SupervisionOrder,
        EventKind::SupervisionReply,
        EventKind::ItemSubmitted,
        EventKind::ItemSentBack,
        EventKind::RequestSubmitted,
        EventKind::RequestTriageDue,
        EventKind::RequestLate,
        EventKind::MonthlyReportDue,
        EventKind::MonthlyReportLate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::ItemAssigned => "item_assigned",
            EventKind::ItemDueSoon => "item_due_soon",
            EventKind::ItemYellow => "item_yellow",
            EventKind::ItemRed => "item_red",
            EventKind::DecisionAssigned => "decision_assigned",
            EventKind::RequestAccepted => "request_accepted",
            EventKind::RequestDeclined => "request_declined",
            EventKind::RequestItemClosed => "request_item_closed",
            EventKind::NoticePublished => "notice_published",
            EventKind::SupervisionOrder => "supervision_order",
            EventKind::SupervisionReply => "supervision_reply",
            EventKind::ItemSubmitted => "item_submitted",
            EventKind::ItemSentBack => "item_sent_back",
            EventKind::RequestSubmitted => "request_submitted",
            EventKind::RequestTriageDue => "request_triage_due",
            EventKind::RequestLate => "request_late",
            EventKind::MonthlyReportDue => "monthly_report_due",
            EventKind::MonthlyReportLate => "monthly_report_late",
        }
    }

    pub fn parse(s: &str) -> Option<EventKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn index(self) -> usize {
        Self::ALL.iter().position(|k| *k == self).unwrap_or(0)
    }

    pub fn audience(self) -> Audience {
        match self {
            EventKind::ItemRed => Audience::UnitAndLeaders,
            EventKind::RequestAccepted | EventKind::RequestDeclined | EventKind::RequestItemClosed => Audience::Company,
            EventKind::SupervisionReply => Audience::Officials,
            EventKind::ItemSubmitted
            | EventKind::RequestSubmitted
            | EventKind::RequestTriageDue
            | EventKind::RequestLate
            | EventKind::MonthlyReportLate => Audience::TaskForceAndOfficials,
            EventKind::MonthlyReportDue => Audience::TaskForce,
            EventKind::ItemAssigned
            | EventKind::ItemDueSoon
            | EventKind::ItemYellow
            | EventKind::DecisionAssigned
            | EventKind::NoticePublished
            | EventKind::SupervisionOrder
            | EventKind::ItemSentBack => Audience::Unit,
        }
    }

    /// Investors receive only these (their company's requests); the preferences page offers them only these.
    pub fn for_investors(self) -> bool {
        self.audience() == Audience::Company
    }
}

/// Wait before retry number `attempts + 1` of a delivery that has failed `attempts` times:
/// 30 s, 1 min, 2 min, ... doubling up to an hour, then hourly until the receiver is back.
pub fn retry_after_secs(attempts: i32) -> i64 {
    const FIRST: i64 = 30;
    const MAX: i64 = 3600;
    let doublings = attempts.clamp(1, 20) - 1;
    (FIRST << doublings).min(MAX)
}

/// Webhook formats: the two group robots counties use.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum WebhookFormat {
    Wecom,
    Dingtalk,
}

impl WebhookFormat {
    pub fn as_str(self) -> &'static str {
        match self {
            WebhookFormat::Wecom => "wecom",
            WebhookFormat::Dingtalk => "dingtalk",
        }
    }

    pub fn parse(s: &str) -> Option<WebhookFormat> {
        match s {
            "wecom" => Some(WebhookFormat::Wecom),
            "dingtalk" => Some(WebhookFormat::Dingtalk),
            _ => None,
        }
    }
}

/// A group robot's message type.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MessageStyle {
    Text,
    Markdown,
}

impl MessageStyle {
    pub fn as_str(self) -> &'static str {
        match self {
            MessageStyle::Text => "text",
            MessageStyle::Markdown => "markdown",
        }
    }

    pub fn parse(s: &str) -> Option<MessageStyle> {
        match s {
            "text" => Some(MessageStyle::Text),
            "markdown" => Some(MessageStyle::Markdown),
            _ => None,
        }
    }
}

/// What a notification says, in any language: the catalog puts it in words.
pub struct EventFacts<'a> {
    pub kind: EventKind,
    pub subject: &'a str,
    pub project_name: Option<&'a str>,
    pub unit_name: Option<&'a str>,
    pub deadline: Option<NaiveDate>,
    pub overdue_days: Option<i32>,
    /// How many items (or units) an event about several at once is about.
    pub count: Option<i32>,
}

/// A webhook address: absolute http or https with a host (no `user@` before it), no spaces or
/// control characters, at most 2000 characters as sent.
pub fn webhook_url(value: &str) -> Result<String, Problem> {
    if value.chars().count() > 2000 {
        return Err(Problem::TooLong(2000));
    }
    let v = value.trim();
    if v.is_empty() {
        return Err(Problem::Required);
    }
    let rest = v
        .strip_prefix("https://")
        .or_else(|| v.strip_prefix("http://"))
        .ok_or(Problem::NotAWebAddress)?;
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if host.is_empty()
        || host.starts_with(':')
        || host.contains('@')
        || v.chars().any(|c| c.is_whitespace() || c.is_control())
    {
        return Err(Problem::NotAWebAddress);
    }
    Ok(v.to_string())
}

/// The address a signed DingTalk robot expects: `timestamp` (milliseconds) and `sign`, the
/// base64 HMAC-SHA256 of "timestamp\nsecret" keyed with the secret, url-encoded.
pub fn dingtalk_signed_url(url: &str, secret: &str, timestamp_ms: i64) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(format!("{timestamp_ms}\n{secret}").as_bytes());
    let sign = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
    let query =
        serde_urlencoded::to_string([("timestamp", timestamp_ms.to_string()), ("sign", sign)]).unwrap_or_default();
    let joiner = if url.contains('?') { '&' } else { '?' };
    format!("{url}{joiner}{query}")
}

/// The JSON body a group robot accepts for a message with a title and lines of text.
pub fn robot_message(
    format: WebhookFormat,
    style: MessageStyle,
    title: &str,
    lines: &[String],
    link: Option<(&str, &str)>,
) -> Value {
    match style {
        MessageStyle::Text => {
            let mut content = format!("{title}\n{}", lines.join("\n"));
            if let Some((label, url)) = link {
                content.push_str(&format!("\n{label} {url}"));
            }
            json!({ "msgtype": "text", "text": { "content": content } })
        }
        MessageStyle::Markdown => {
            let mut body = format!(
                "### {title}\n{}",
                lines.iter().map(|l| format!("> {l}")).collect::<Vec<_>>().join("\n")
            );
            if let Some((label, url)) = link {
                body.push_str(&format!("\n\n[{label}]({url})"));
            }
            match format {
                WebhookFormat::Wecom => json!({ "msgtype": "markdown", "markdown": { "content": body } }),
                WebhookFormat::Dingtalk => {
                    json!({ "msgtype": "markdown", "markdown": { "title": title, "text": body } })
                }
            }
        }
    }
}

/// What a group robot accepts per minute (WeCom's and DingTalk's documented limit is 20).
pub const ROBOT_PER_MINUTE: i64 = 20;

/// How many messages a robot may be sent now, given how many it was sent in the last minute.
pub fn robot_allowance(sent_last_minute: i64) -> i64 {
    (ROBOT_PER_MINUTE - sent_last_minute).max(0)
}

/// The query parameters of a robot's address that let anyone post to the group.
const ROBOT_KEYS: [&str; 4] = ["key", "access_token", "token", "secret"];

/// A robot's address as pages show it: the value of its key (`key`, `access_token`...) hidden but
/// for its last four characters, so that a group can be recognised but not posted to.
pub fn masked_url(url: &str) -> String {
    let Some((base, query)) = url.split_once('?') else {
        return url.to_string();
    };
    let (query, fragment) = match query.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (query, None),
    };
    let params: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((name, value)) if ROBOT_KEYS.contains(&name.to_ascii_lowercase().as_str()) => {
                let tail: String = value
                    .chars()
                    .rev()
                    .take(4)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                let hidden = if value.chars().count() > 8 {
                    format!("••••{tail}")
                } else {
                    "••••".into()
                };
                format!("{name}={hidden}")
            }
            _ => pair.to_string(),
        })
        .collect();
    let mut out = format!("{base}?{}", params.join("&"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// Whether a robot's answer means the message was accepted: both robots answer HTTP 200 with
/// `errcode` 0, and report refusals (bad signature, rate limit) as 200 with another `errcode`.
pub fn robot_accepted(status: u16, body: &str) -> Result<(), String> {
    if !(200..300).contains(&status) {
        return Err(format!("HTTP {status}"));
    }
    match serde_json::from_str::<Value>(body)
        .ok()
        .and_then(|v| v.get("errcode").cloned())
    {
        None => Ok(()),
        Some(code) if code == json!(0) => Ok(()),
        Some(code) => {
            let msg: String = body.chars().take(200).collect();
            Err(format!("errcode {code}: {msg}"))
        }
    }
}

/// A webhook as typed in the form or sent to the API, checked.
#[derive(Debug, PartialEq, Eq)]
pub struct WebhookDraft {
    pub url: String,
    pub format: WebhookFormat,
    pub message: MessageStyle,
    /// The unit's code; `None` for a county-wide webhook.
    pub unit: Option<String>,
    /// DingTalk only: WeCom robots are not signed, so a secret given for one is dropped.
    pub secret: Option<String>,
}

impl WebhookDraft {
    pub fn parse(
        url: &str,
        format: &str,
        message: &str,
        unit: &str,
        secret: &str,
    ) -> Result<WebhookDraft, FieldErrors> {
        let mut errors = FieldErrors::default();
        let url = errors.check("url", webhook_url(url));
        let format = errors.check(
            "format",
            WebhookFormat::parse(format.trim()).ok_or(Problem::UnknownChoice),
        );
        let message = match message.trim() {
            "" => Some(MessageStyle::Markdown),
            m => errors.check("message", MessageStyle::parse(m).ok_or(Problem::UnknownChoice)),
        };
        let secret = errors.check("secret", optional_text(secret, 200));
        match (url, format, message, secret) {
            (Some(url), Some(format), Some(message), Some(secret)) if errors.is_empty() => Ok(WebhookDraft {
                url,
                format,
                message,
                unit: Some(unit.trim().to_string()).filter(|u| !u.is_empty()),
                secret: secret.filter(|_| format == WebhookFormat::Dingtalk),
            }),
            _ => Err(errors),
        }
    }
}

/// How late a supervision order's reply is, in days: replied after the deadline, or still
/// unanswered once the deadline has passed. `None` while it is on time.
pub fn reply_days_late(reply_due: NaiveDate, replied_on: Option<NaiveDate>, today: NaiveDate) -> Option<i64> {
    let until = replied_on.unwrap_or(today);
    let late = (until - reply_due).num_days();
    (late > 0).then_some(late)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_reach_their_audience() {
        for k in EventKind::ALL {
            assert_eq!(EventKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(EventKind::ItemRed.audience(), Audience::UnitAndLeaders);
        assert_eq!(EventKind::ItemYellow.audience(), Audience::Unit);
        assert_eq!(EventKind::RequestDeclined.audience(), Audience::Company);
        assert!(EventKind::RequestItemClosed.for_investors());
        assert!(!EventKind::NoticePublished.for_investors());
        // The next actor: whoever verifies or triages, or the unit whose evidence came back.
        for k in [
            EventKind::ItemSubmitted,
            EventKind::RequestSubmitted,
            EventKind::RequestTriageDue,
            EventKind::RequestLate,
        ] {
            assert_eq!(k.audience(), Audience::TaskForceAndOfficials, "{k:?}");
            assert!(!k.for_investors());
        }
        assert_eq!(EventKind::ItemSentBack.audience(), Audience::Unit);
        assert_eq!(EventKind::parse("nothing"), None);
    }

    #[test]
    fn retries_back_off_exponentially_up_to_an_hour() {
        let waits: Vec<i64> = (1..=9).map(retry_after_secs).collect();
        assert_eq!(waits, vec![30, 60, 120, 240, 480, 960, 1920, 3600, 3600]);
        assert_eq!(retry_after_secs(0), 30);
        assert_eq!(retry_after_secs(1000), 3600);
    }

    #[test]
    fn webhook_urls_are_absolute_http_or_https() {
        assert_eq!(
            webhook_url(" https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc "),
            Ok("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc".into())
        );
        assert!(webhook_url("http://127.0.0.1:9000/hook").is_ok());
        assert_eq!(webhook_url(""), Err(Problem::Required));
        for bad in [
            "ftp://x/y",
            "javascript:alert(1)",
            "https://",
            "https:///path",
            "https://a b",
            "//host/x",
            "https://:80/x",
            "https://user@host/x",
        ] {
            assert_eq!(webhook_url(bad), Err(Problem::NotAWebAddress), "{bad}");
        }
        assert_eq!(
            webhook_url(&format!("https://h/{}", "a".repeat(2000))),
            Err(Problem::TooLong(2000))
        );
    }

    #[test]
    fn dingtalk_signature_follows_the_documented_algorithm() {
        // HMAC-SHA256("1700000000000\nSECabc", key "SECabc"), base64, url-encoded.
        let url = dingtalk_signed_url(
            "https://oapi.dingtalk.com/robot/send?access_token=t",
            "SECabc",
            1_700_000_000_000,
        );
        let mut mac = Hmac::<Sha256>::new_from_slice(b"SECabc").unwrap();
        mac.update(b"1700000000000\nSECabc");
        let sign = base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes());
        let encoded = sign.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D");
        assert_eq!(
            url,
            format!("https://oapi.dingtalk.com/robot/send?access_token=t&timestamp=1700000000000&sign={encoded}")
        );
        assert!(dingtalk_signed_url("http://h/x", "s", 1).starts_with("http://h/x?timestamp=1&sign="));
    }

    #[test]
    fn robot_messages_have_each_robots_shape() {
        let lines = vec!["事项A".to_string(), "逾期3天".to_string()];
        let w = robot_message(WebhookFormat::Wecom, MessageStyle::Markdown, "黄色预警", &lines, None);
        assert_eq!(w["msgtype"], "markdown");
        assert_eq!(w["markdown"]["content"], "### 黄色预警\n> 事项A\n> 逾期3天");
        let d = robot_message(
            WebhookFormat::Dingtalk,
            MessageStyle::Markdown,
            "黄色预警",
            &lines,
            None,
        );
        assert_eq!(d["markdown"]["title"], "黄色预警");
        assert_eq!(d["markdown"]["text"], "### 黄色预警\n> 事项A\n> 逾期3天");
        let t = robot_message(WebhookFormat::Dingtalk, MessageStyle::Text, "黄色预警", &lines, None);
        assert_eq!(
            t,
            json!({"msgtype": "text", "text": {"content": "黄色预警\n事项A\n逾期3天"}})
        );
        // With the page it is about.
        let link = Some(("查看详情", "https://zb.example.gov.cn/items/1"));
        let w = robot_message(WebhookFormat::Wecom, MessageStyle::Markdown, "黄色预警", &lines, link);
        assert!(
            w["markdown"]["content"]
                .as_str()
                .unwrap()
                .ends_with("\n\n[查看详情](https://zb.example.gov.cn/items/1)")
        );
        let t = robot_message(WebhookFormat::Wecom, MessageStyle::Text, "黄色预警", &lines, link);
        assert!(
            t["text"]["content"]
                .as_str()
                .unwrap()
                .ends_with("\n查看详情 https://zb.example.gov.cn/items/1")
        );
    }

    #[test]
    fn a_robots_key_is_shown_by_its_last_four_characters_only() {
        assert_eq!(
            masked_url("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693axxxx-7aoc-4bc4-97a0-0ec2sifa5aaa"),
            "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=••••5aaa"
        );
        assert_eq!(
            masked_url("https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef&x=1#f"),
            "https://oapi.dingtalk.com/robot/send?access_token=••••cdef&x=1#f"
        );
        assert_eq!(
            masked_url("https://h/send?Token=short"),
            "https://h/send?Token=••••",
            "a short key shows nothing"
        );
        assert_eq!(masked_url("https://h/send/abc"), "https://h/send/abc");
    }

    #[test]
    fn a_robot_takes_twenty_messages_a_minute() {
        assert_eq!(robot_allowance(0), 20);
        assert_eq!(robot_allowance(19), 1);
        assert_eq!(robot_allowance(20), 0);
        assert_eq!(robot_allowance(35), 0);
    }

    #[test]
    fn robot_refusals_in_a_200_answer_are_failures() {
        assert!(robot_accepted(200, r#"{"errcode":0,"errmsg":"ok"}"#).is_ok());
        assert!(robot_accepted(200, "").is_ok());
        assert!(robot_accepted(200, r#"{"errcode":310000,"errmsg":"sign not match"}"#).is_err());
        assert_eq!(robot_accepted(503, "down"), Err("HTTP 503".into()));
    }

    #[test]
    fn webhook_drafts_name_each_bad_field_and_drop_wecom_secrets() {
        let d = WebhookDraft::parse("https://h/x", "wecom", "", " gxj ", "SEC1").unwrap();
        assert_eq!(
            (d.message, d.unit.as_deref(), d.secret),
            (MessageStyle::Markdown, Some("gxj"), None)
        );
        let d = WebhookDraft::parse("https://h/x", "dingtalk", "text", "", "SEC1").unwrap();
        assert_eq!(
            (d.message, d.unit, d.secret.as_deref()),
            (MessageStyle::Text, None, Some("SEC1"))
        );
        let e = WebhookDraft::parse("ftp://h", "slack", "html", "", "").unwrap_err();
        assert_eq!(e.get("url"), Some(Problem::NotAWebAddress));
        assert_eq!(e.get("format"), Some(Problem::UnknownChoice));
        assert_eq!(e.get("message"), Some(Problem::UnknownChoice));
    }

    #[test]
    fn replies_are_late_after_the_deadline_answered_or_not() {
        let due = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
        assert_eq!(
            reply_days_late(due, Some(day(20)), day(25)),
            None,
            "on the day is on time"
        );
        assert_eq!(reply_days_late(due, Some(day(22)), day(25)), Some(2));
        assert_eq!(reply_days_late(due, None, day(20)), None);
        assert_eq!(reply_days_late(due, None, day(23)), Some(3));
    }
}
