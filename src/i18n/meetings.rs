//! Dispatch meetings, their agendas and decisions, notices and the calendar.

use crate::domain::meeting::MeetingKind;

use crate::domain::meeting::Outcome;

pub struct Meetings {
    /// `{n}`.
    pub place_red: &'static str,
    pub place_black: &'static str,
    pub place_none: &'static str,
    pub meetings_title: &'static str,
    pub meetings_intro: &'static str,
    pub schedule_meeting: &'static str,
    pub meeting_kinds: [&'static str; MeetingKind::ALL.len()],
    pub no_meetings: &'static str,
    pub agenda: &'static str,
    pub agenda_flagged: &'static str,
    pub agenda_open_decisions: &'static str,
    pub agenda_requests: &'static str,
    pub agenda_stage_changes: &'static str,
    pub agenda_nothing: &'static str,
    pub last_decisions: &'static str,
    /// In the order of `domain::meeting::Outcome`.
    pub outcomes: [&'static str; Outcome::ALL.len()],
    pub record_heading: &'static str,
    pub save_record: &'static str,
    pub decisions_heading: &'static str,
    pub add_decision: &'static str,
    pub publish_heading: &'static str,
    pub publish_submit: &'static str,
    pub notices_title: &'static str,
    pub notices_intro: &'static str,
    /// `{year}`, `{number}`.
    pub notice_number: &'static str,
    pub publish_week: &'static str,
    pub no_notices: &'static str,
    pub notice_red_items: &'static str,
    pub notice_yellow_items: &'static str,
    /// `{county}`.
    pub notice_heading: &'static str,
    pub print: &'static str,
    pub meeting_held: &'static str,
    pub calendar_title: &'static str,
    pub calendar_intro: &'static str,
    pub calendar_new_url: &'static str,
    pub calendar_active: &'static str,
    pub calendar_none: &'static str,
    pub calendar_renew: &'static str,
    pub calendar_revoke: &'static str,
    pub agenda_points: &'static str,
    pub add_point: &'static str,
    pub move_up: &'static str,
    pub move_down: &'static str,
    pub notice_supervision: &'static str,
    /// A meeting's notice published again.
    pub notice_exists: &'static str,
    pub notice_preview: &'static str,
    pub notice_preview_heading: &'static str,
    pub notice_preview_hint: &'static str,
    pub notice_preview_stale: &'static str,
    pub notice_confirm: &'static str,
    pub notice_meeting: &'static str,
    pub notice_superseded: &'static str,
    pub notice_corrects: &'static str,
    pub notice_decisions: &'static str,
    /// `{y}`, `{m}`, `{d}` (`{mm}`, `{dd}` with a leading zero): the date at a notice's foot.
    pub notice_date: &'static str,
    pub meeting_notice: &'static str,
    pub reissue_heading: &'static str,
    pub reissue_hint: &'static str,
    pub reissue_reason: &'static str,
    pub reissue_submit: &'static str,
    /// The decision form's choice of a pending request it answers (accepted into its item).
    pub decision_answers: &'static str,
    pub decision_answers_none: &'static str,
}
