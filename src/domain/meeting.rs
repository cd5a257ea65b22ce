//! Dispatch meetings (每周调度, 随时现场调度): their kinds, and how a decision turned out.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::checklist::Source;
use super::input::{self, FieldErrors};
use super::status::ItemState;

/// The longest name of an invitee or attendee (one per line).
pub const NAME_MAX: usize = 100;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum MeetingKind {
    /// The weekly county-wide dispatch.
    Weekly,
    /// On-site dispatch for one project, at any time.
    Onsite,
    Special,
}

impl MeetingKind {
    pub const ALL: [MeetingKind; 3] = [MeetingKind::Weekly, MeetingKind::Onsite, MeetingKind::Special];

    pub fn as_str(self) -> &'static str {
        match self {
            MeetingKind::Weekly => "weekly",
            MeetingKind::Onsite => "onsite",
            MeetingKind::Special => "special",
        }
    }

    pub fn parse(s: &str) -> Option<MeetingKind> {
        MeetingKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// What the items this meeting decides record as their source.
    pub fn decision_source(self) -> Source {
        match self {
            MeetingKind::Onsite => Source::OnsiteDispatch,
            MeetingKind::Weekly | MeetingKind::Special => Source::MeetingDecision,
        }
    }
}

/// How a meeting's decision (an item it created) has gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    DoneOnTime,
    DoneLate,
    StillOpen,
    Cancelled,
}

impl Outcome {
    pub const ALL: [Outcome; 4] = [
        Outcome::DoneOnTime,
        Outcome::DoneLate,
        Outcome::StillOpen,
        Outcome::Cancelled,
    ];

    pub fn index(self) -> usize {
        self as usize
    }
}

pub fn outcome(state: ItemState, deadline: NaiveDate, closed_on: Option<NaiveDate>) -> Outcome {
    match (state, closed_on) {
        (ItemState::Open, _) => Outcome::StillOpen,
        (ItemState::Cancelled, _) => Outcome::Cancelled,
        (ItemState::Done, Some(day)) if day > deadline => Outcome::DoneLate,
        (ItemState::Done, _) => Outcome::DoneOnTime,
    }
}

/// The title and text a notice is published with, as typed (fields `notice_title`,
/// `notice_body`); empty means the default. Too long is refused, never cut.
pub fn notice_text(title: &str, body: &str) -> Result<(Option<String>, Option<String>), FieldErrors> {
    let mut e = FieldErrors::default();
    let title = e.check("notice_title", input::optional_text(title, 200));
    let body = e.check("notice_body", input::optional_text(body, 20_000));
    match (title, body) {
        (Some(title), Some(body)) => Ok((title, body)),
        _ => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_notices_text_is_refused_past_its_limits_never_cut() {
        assert_eq!(notice_text("", ""), Ok((None, None)));
        assert_eq!(
            notice_text(&"通".repeat(200), "正文"),
            Ok((Some("通".repeat(200)), Some("正文".into())))
        );
        let e = notice_text(&"通".repeat(201), &"文".repeat(20_001)).unwrap_err();
        assert_eq!(e.get("notice_title"), Some(input::Problem::TooLong(200)));
        assert_eq!(e.get("notice_body"), Some(input::Problem::TooLong(20_000)));
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_decision_done_on_its_deadline_is_on_time_and_a_day_later_is_late() {
        let d = day("2026-11-20");
        assert_eq!(outcome(ItemState::Done, d, Some(d)), Outcome::DoneOnTime);
        assert_eq!(outcome(ItemState::Done, d, Some(day("2026-11-21"))), Outcome::DoneLate);
        assert_eq!(outcome(ItemState::Open, d, None), Outcome::StillOpen);
        assert_eq!(outcome(ItemState::Cancelled, d, Some(d)), Outcome::Cancelled);
    }

    #[test]
    fn on_site_decisions_say_so() {
        assert_eq!(MeetingKind::Onsite.decision_source(), Source::OnsiteDispatch);
        assert_eq!(MeetingKind::Weekly.decision_source(), Source::MeetingDecision);
    }

    #[test]
    fn kinds_round_trip() {
        for k in MeetingKind::ALL {
            assert_eq!(MeetingKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(MeetingKind::parse("party"), None);
    }
}
