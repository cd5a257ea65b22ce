//! The advancement checklist (推进清单): item categories and sources, the shape of a valid item,
//! and which state changes are allowed (销号, reopening, cancelling — never deleting).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::input::{self, FieldErrors, Problem};
use super::status::ItemState;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Land,
    PlanningApproval,
    EnvironmentEnergy,
    Construction,
    Utilities,
    FinanceTax,
    Other,
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Land,
        Category::PlanningApproval,
        Category::EnvironmentEnergy,
        Category::Construction,
        Category::Utilities,
        Category::FinanceTax,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Land => "land",
            Category::PlanningApproval => "planning_approval",
            Category::EnvironmentEnergy => "environment_energy",
            Category::Construction => "construction",
            Category::Utilities => "utilities",
            Category::FinanceTax => "finance_tax",
            Category::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Plan,
    MeetingDecision,
    InvestorRequest,
    OnsiteDispatch,
}

impl Source {
    pub const ALL: [Source; 4] = [
        Source::Plan,
        Source::MeetingDecision,
        Source::InvestorRequest,
        Source::OnsiteDispatch,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Source::Plan => "plan",
            Source::MeetingDecision => "meeting_decision",
            Source::InvestorRequest => "investor_request",
            Source::OnsiteDispatch => "onsite_dispatch",
        }
    }

    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn index(self) -> usize {
        self as usize
    }
}

pub const TITLE_MAX: usize = 200;
pub const TEXT_MAX: usize = 5000;

/// A checklist item as typed, checked. The responsible unit is still a code: whether it exists
/// is the database's to say.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemDraft {
    pub title: String,
    pub category: Category,
    pub unit_code: String,
    pub deadline: NaiveDate,
    pub note: Option<String>,
    /// Whether the project's investors may read the note.
    pub note_for_investor: bool,
}

/// The raw fields of an item form or request.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct ItemFields {
    pub title: String,
    pub category: String,
    pub responsible_unit: String,
    pub deadline: String,
    pub note: String,
    #[serde(deserialize_with = "input::checkbox")]
    pub note_for_investor: bool,
}

impl ItemDraft {
    pub fn parse(f: &ItemFields) -> Result<ItemDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let title = e.check("title", input::required_text(&f.title, TITLE_MAX));
        let category = if f.category.trim().is_empty() {
            Some(Category::Other)
        } else {
            e.check(
                "category",
                Category::parse(f.category.trim()).ok_or(Problem::UnknownChoice),
            )
        };
        let unit_code = e.check("responsible_unit", input::required_text(&f.responsible_unit, 32));
        let deadline = e.check("deadline", input::date(&f.deadline));
        let note = e.check("note", input::optional_text(&f.note, TEXT_MAX));
        match (title, category, unit_code, deadline, note) {
            (Some(title), Some(category), Some(unit_code), Some(deadline), Some(note)) if e.is_empty() => {
                Ok(ItemDraft {
                    title,
                    category,
                    unit_code,
                    deadline,
                    note,
                    note_for_investor: f.note_for_investor,
                })
            }
            _ => Err(e),
        }
    }
}

/// Where an item stands: its state, with "submitted" for an open item whose responsible unit has
/// reported it done and which waits for verification (it keeps its colour until then).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Open,
    Submitted,
    Done,
    Cancelled,
}

impl Phase {
    pub fn of(state: ItemState, submitted: bool) -> Phase {
        match state {
            ItemState::Open if submitted => Phase::Submitted,
            ItemState::Open => Phase::Open,
            ItemState::Done => Phase::Done,
            ItemState::Cancelled => Phase::Cancelled,
        }
    }
}

/// A change of state of an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transition {
    /// 销号 by a lead or an official, with a note: the matter is done.
    Close,
    /// A closed or cancelled item comes back, with a reason.
    Reopen,
    /// The matter is no longer needed, with a reason.
    Cancel,
    /// The responsible unit reports the matter done, with its evidence.
    Submit,
    /// A lead or an official accepts the evidence: the item is done.
    Verify,
    /// A lead or an official refuses the evidence, with a reason: the item is open again.
    SendBack,
}

/// Whether a change must say something: verifying may (it keeps the unit's evidence note), the
/// others must (a closing note, a reason).
pub fn needs_text(change: Transition) -> bool {
    change != Transition::Verify
}

impl Transition {
    pub fn allowed_from(self, phase: Phase) -> bool {
        match self {
            Transition::Close | Transition::Cancel => matches!(phase, Phase::Open | Phase::Submitted),
            Transition::Reopen => matches!(phase, Phase::Done | Phase::Cancelled),
            Transition::Submit => phase == Phase::Open,
            Transition::Verify | Transition::SendBack => phase == Phase::Submitted,
        }
    }

    pub fn target(self) -> Phase {
        match self {
            Transition::Close | Transition::Verify => Phase::Done,
            Transition::Reopen | Transition::SendBack => Phase::Open,
            Transition::Cancel => Phase::Cancelled,
            Transition::Submit => Phase::Submitted,
        }
    }
}

/// A deadline change keeps the original deadline and needs a reason.
pub fn check_deadline_change(old: NaiveDate, new: NaiveDate, reason: Option<&str>) -> Result<(), Problem> {
    if old != new && reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(Problem::ReasonRequired);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_verifying_may_go_without_text() {
        assert!(!needs_text(Transition::Verify));
        for change in [
            Transition::Close,
            Transition::Reopen,
            Transition::Cancel,
            Transition::Submit,
            Transition::SendBack,
        ] {
            assert!(needs_text(change), "{change:?}");
        }
    }

    fn fields(title: &str, category: &str, unit: &str, deadline: &str) -> ItemFields {
        ItemFields {
            title: title.into(),
            category: category.into(),
            responsible_unit: unit.into(),
            deadline: deadline.into(),
            note: String::new(),
            note_for_investor: false,
        }
    }

    #[test]
    fn a_valid_item_is_trimmed_and_defaults_to_other() {
        let d = ItemDraft::parse(&fields("  用地预审  ", "", "zrzyj", "2026-12-01")).unwrap();
        assert_eq!(d.title, "用地预审");
        assert_eq!(d.category, Category::Other);
        assert_eq!(d.note, None);
    }

    #[test]
    fn every_bad_field_is_named() {
        let e = ItemDraft::parse(&fields("", "weather", "", "2026-13-01")).unwrap_err();
        assert_eq!(e.get("title"), Some(Problem::Required));
        assert_eq!(e.get("category"), Some(Problem::UnknownChoice));
        assert_eq!(e.get("responsible_unit"), Some(Problem::Required));
        assert_eq!(e.get("deadline"), Some(Problem::NotADate));
        let long = "事".repeat(TITLE_MAX + 1);
        let e = ItemDraft::parse(&fields(&long, "land", "zrzyj", "2026-12-01")).unwrap_err();
        assert_eq!(e.get("title"), Some(Problem::TooLong(TITLE_MAX)));
    }

    #[test]
    fn past_deadlines_are_valid_input() {
        assert!(ItemDraft::parse(&fields("补录事项", "land", "zrzyj", "2024-01-01")).is_ok());
    }

    #[test]
    fn only_open_items_close_or_cancel_and_only_closed_ones_reopen() {
        assert!(Transition::Close.allowed_from(Phase::Open));
        assert!(Transition::Close.allowed_from(Phase::Submitted));
        assert!(!Transition::Close.allowed_from(Phase::Done));
        assert!(!Transition::Cancel.allowed_from(Phase::Cancelled));
        assert!(Transition::Reopen.allowed_from(Phase::Done));
        assert!(Transition::Reopen.allowed_from(Phase::Cancelled));
        assert!(!Transition::Reopen.allowed_from(Phase::Open));
        assert!(!Transition::Reopen.allowed_from(Phase::Submitted));
        assert_eq!(Transition::Close.target(), Phase::Done);
    }

    #[test]
    fn only_open_items_are_submitted_and_only_submitted_ones_verified_or_sent_back() {
        assert!(Transition::Submit.allowed_from(Phase::Open));
        for phase in [Phase::Submitted, Phase::Done, Phase::Cancelled] {
            assert!(!Transition::Submit.allowed_from(phase), "{phase:?}");
        }
        for change in [Transition::Verify, Transition::SendBack] {
            assert!(change.allowed_from(Phase::Submitted));
            for phase in [Phase::Open, Phase::Done, Phase::Cancelled] {
                assert!(!change.allowed_from(phase), "{change:?} from {phase:?}");
            }
        }
        assert_eq!(Transition::Verify.target(), Phase::Done);
        assert_eq!(Transition::SendBack.target(), Phase::Open);
        assert_eq!(Phase::of(ItemState::Open, true), Phase::Submitted);
        assert_eq!(Phase::of(ItemState::Open, false), Phase::Open);
        assert_eq!(Phase::of(ItemState::Done, true), Phase::Done);
    }

    #[test]
    fn moving_a_deadline_needs_a_reason() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert_eq!(check_deadline_change(d("2026-11-01"), d("2026-11-01"), None), Ok(()));
        assert_eq!(
            check_deadline_change(d("2026-11-01"), d("2026-11-09"), None),
            Err(Problem::ReasonRequired)
        );
        assert_eq!(
            check_deadline_change(d("2026-11-01"), d("2026-11-09"), Some("  ")),
            Err(Problem::ReasonRequired)
        );
        assert_eq!(
            check_deadline_change(d("2026-11-01"), d("2026-11-09"), Some("省厅退件")),
            Ok(())
        );
    }

    #[test]
    fn names_round_trip() {
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()), Some(c));
        }
        for s in Source::ALL {
            assert_eq!(Source::parse(s.as_str()), Some(s));
        }
    }
}
