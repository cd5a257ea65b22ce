//! Items and projects as lists and pages show them (and the API where it says them in words):
//! their colour, timing and labels in the reader's language.

use chrono::NaiveDate;
use uuid::Uuid;

use crate::db::items::Line;
use crate::db::projects::ProjectSummary;
use crate::domain::adjustment;
use crate::domain::checklist::Phase;
use crate::domain::investment::Decider;
use crate::domain::status::{self, Colour, ItemState, Thresholds};
use crate::domain::verification;
use crate::domain::working_days::WorkCalendar;
use crate::i18n::Catalog;

/// An item as a row of a list or the head of its page, ready to show.
pub struct ItemRow {
    pub id: Uuid,
    pub project_id: Uuid,
    pub project_name: String,
    pub title: String,
    pub category: &'static str,
    pub unit: String,
    pub deadline: NaiveDate,
    pub original_deadline: Option<NaiveDate>,
    pub state: ItemState,
    pub state_label: &'static str,
    pub source: &'static str,
    /// `None` for closed items.
    pub colour: Option<Colour>,
    pub colour_label: &'static str,
    pub reason: String,
    pub timing: String,
    pub due_soon: bool,
    pub closed_on: Option<NaiveDate>,
    pub closed_late: bool,
    pub meeting_id: Option<Uuid>,
    /// Working days a submitted item has waited for verification, and whether that is too long.
    pub waiting: Option<(i64, bool)>,
    /// The last day of its exemption, while it is exempt (it keeps its colour, marked).
    pub exempt: Option<NaiveDate>,
}

impl ItemRow {
    pub fn new(i: &Line, t: &'static Catalog, today: NaiveDate, th: Thresholds, calendar: &WorkCalendar) -> ItemRow {
        let s = status::item_status(i.state, i.deadline, today, th);
        let timing = match s {
            Some(s) if s.overdue_days > 0 => t.overdue(s.overdue_days),
            Some(s) => t.left(-s.overdue_days),
            None => String::new(),
        };
        ItemRow {
            id: i.id,
            project_id: i.project_id,
            project_name: i.project_name.clone(),
            title: i.title.clone(),
            category: t.category(&i.category),
            unit: i.unit_name.clone(),
            deadline: i.deadline,
            original_deadline: (i.original_deadline != i.deadline).then_some(i.original_deadline),
            state: i.state,
            state_label: t.phase(i.phase()),
            source: t.source(&i.source),
            colour: s.map(|s| s.colour),
            colour_label: s.map_or("", |s| t.colour(s.colour)),
            reason: t.item_reason(s, th.red_after_days),
            timing,
            due_soon: s.is_some_and(|s| s.due_soon),
            closed_on: i.closed_on,
            meeting_id: i.meeting_id,
            waiting: i.submitted_on.filter(|_| i.phase() == Phase::Submitted).map(|on| {
                (
                    calendar.between(on, today),
                    verification::overdue_for_verification(calendar, on, today),
                )
            }),
            closed_late: i
                .closed_on
                .is_some_and(|c| i.state == ItemState::Done && status::closed_late(i.deadline, c)),
            exempt: i.exempt_until.filter(|_| !adjustment::counts(i.exempt_until, today)),
        }
    }

    pub fn colour_class(&self) -> &'static str {
        self.colour.map_or("closed", Colour::as_str)
    }
}

/// Why a project has its colour: its checklist's reason, and its investment's when that is not
/// green (both when both count); the checklist's alone when the investment is on the time line.
fn reason(
    p: &ProjectSummary,
    checklist: Colour,
    worst: Option<(&str, i64, NaiveDate, &str)>,
    t: &'static Catalog,
) -> String {
    let items = t.colour_reason(checklist, worst);
    match &p.investment {
        Some(j) if j.colour != Colour::Green && checklist == Colour::Green => t.investment_reason(j),
        Some(j) if j.colour != Colour::Green => format!("{items}；{}", t.investment_reason(j)),
        _ => items,
    }
}

/// A project as a row of a list, ready to show.
pub struct ProjectRow {
    pub id: Uuid,
    pub name: String,
    pub company: String,
    pub park: String,
    pub stage: &'static str,
    pub leader: String,
    pub lead_unit: String,
    pub investment: String,
    pub colour: Colour,
    pub colour_label: &'static str,
    pub reason: String,
    pub open_items: i64,
    pub red_items: i64,
    pub yellow_items: i64,
    pub next_deadline: Option<NaiveDate>,
}

impl ProjectRow {
    pub fn from_summary(p: &ProjectSummary, t: &'static Catalog, today: NaiveDate, th: Thresholds) -> ProjectRow {
        let checklist = p.colour(today, th);
        let (colour, decider) = p.overall(today, th);
        let worst = match (
            &p.worst_title,
            p.worst_deadline,
            &p.worst_unit,
            p.worst_overdue_days(today),
        ) {
            (Some(title), Some(deadline), Some(unit), Some(days)) if checklist != Colour::Green => {
                Some((title.as_str(), days, deadline, unit.as_str()))
            }
            _ => None,
        };
        ProjectRow {
            id: p.id,
            name: p.name.clone(),
            company: p.company.clone(),
            park: p.park.clone().unwrap_or_default(),
            stage: t.stage(p.stage),
            leader: p.leader_name.clone().unwrap_or_default(),
            lead_unit: p.lead_unit.clone().unwrap_or_default(),
            investment: p.total_investment_wan.map(|w| t.money(w)).unwrap_or_default(),
            colour,
            colour_label: t.colour(colour),
            reason: match (decider, &p.override_reason, p.override_until) {
                (Decider::Override, Some(why), Some(until)) => t.override_line(
                    colour,
                    p.override_by.as_deref().unwrap_or_default(),
                    until,
                    why,
                    p.computed(today, th).0,
                ),
                _ => reason(p, checklist, worst, t),
            },
            open_items: p.open_items,
            red_items: p.red_items,
            yellow_items: p.yellow_items,
            next_deadline: p.worst_deadline,
        }
    }
}
