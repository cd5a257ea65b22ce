//! Notifications: the inbox, preferences, group robots, digests and supervision orders.

use crate::domain::notification::EventKind;
use crate::domain::todo::Section;

pub struct Notify {
    pub calendar_meeting_chaired: &'static str,
    pub calendar_deadline: &'static str,
    /// The link at the foot of a group robot's message.
    pub robot_open_link: &'static str,
    /// An import's items for one unit, in one message.
    pub items_assigned_many: &'static str,
    /// A notice as the county's robots hear of it, once.
    pub notice_published_county: &'static str,
    /// Per domain::notification::EventKind, in its order: a label, and the text of one event
    /// with `{subject}` `{project}` `{unit}` `{deadline}` `{days}`.
    pub event_kinds: [&'static str; EventKind::ALL.len()],
    pub event_texts: [&'static str; EventKind::ALL.len()],
    pub inbox_title: &'static str,
    pub inbox_empty: &'static str,
    pub inbox_mark_read: &'static str,
    pub inbox_mark_all_read: &'static str,
    pub unread_n: &'static str,
    pub prefs_title: &'static str,
    pub prefs_intro: &'static str,
    pub digest_of: &'static str,
    pub digest_intro: &'static str,
    pub digest_flagged: &'static str,
    pub digest_due_week: &'static str,
    pub digest_none: &'static str,
    pub digest_link: &'static str,
    pub webhooks_title: &'static str,
    pub webhooks_intro: &'static str,
    pub webhooks_none: &'static str,
    pub webhook_url: &'static str,
    pub webhooks_admin_only: &'static str,
    pub webhook_replace: &'static str,
    pub webhook_replace_hint: &'static str,
    pub webhook_format: &'static str,
    pub webhook_message: &'static str,
    pub webhook_unit: &'static str,
    pub webhook_county_wide: &'static str,
    pub webhook_secret: &'static str,
    pub webhook_secret_hint: &'static str,
    pub webhook_add: &'static str,
    pub webhook_signed: &'static str,
    pub webhook_disable: &'static str,
    pub webhook_enable: &'static str,
    pub webhook_disabled: &'static str,
    pub webhook_deliveries: &'static str,
    pub deliveries_none: &'static str,
    pub webhook_wecom: &'static str,
    pub webhook_dingtalk: &'static str,
    pub webhook_plain_text: &'static str,
    pub delivery_sent: &'static str,
    pub delivery_pending: &'static str,
    pub delivery_failing: &'static str,
    pub supervision_title: &'static str,
    pub supervision_none: &'static str,
    pub supervision_issued_by: &'static str,
    pub supervision_reply: &'static str,
    pub supervision_awaiting: &'static str,
    pub supervision_send_reply: &'static str,
    pub supervision_issue: &'static str,
    pub supervision_not_red: &'static str,
    pub supervision_already_open: &'static str,
    pub supervision_already_replied: &'static str,
    pub reply_late_by: &'static str,
    pub todo_heading: &'static str,
    /// The navigation's link to the to-do list, and how many wait (`{n}`).
    pub todo_nav: &'static str,
    pub todo_n: &'static str,
    pub todo_empty: &'static str,
    /// `{n}`: a section's count, under its first entries.
    pub todo_more: &'static str,
    /// Per domain::todo::Section, in its order.
    pub todo_sections: [&'static str; Section::ALL.len()],
}
