//! The projects list's orders.

use std::cmp::Ordering;

use chrono::NaiveDate;
use uuid::Uuid;

use crate::domain::lifecycle::Stage;
use crate::domain::status::Colour;

/// What the list sorts one project by.
pub struct SortKeys<'a> {
    pub red_items: i64,
    pub yellow_items: i64,
    /// The earliest deadline among its open items.
    pub worst_deadline: Option<NaiveDate>,
    pub total_investment_wan: Option<i64>,
    pub stage: Stage,
    /// Its overall colour (checklist and investment).
    pub colour: Colour,
    pub name: &'a str,
    pub id: Uuid,
}

/// How the projects list is sorted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sort {
    /// Red first, then yellow (the default).
    Colour,
    /// The nearest open deadline first.
    Deadline,
    /// The largest investment first.
    Investment,
    /// Earliest lifecycle stage first.
    Stage,
}

impl Sort {
    pub const ALL: [Sort; 4] = [Sort::Colour, Sort::Deadline, Sort::Investment, Sort::Stage];

    pub fn as_str(self) -> &'static str {
        match self {
            Sort::Colour => "colour",
            Sort::Deadline => "deadline",
            Sort::Investment => "investment",
            Sort::Stage => "stage",
        }
    }

    pub fn parse(s: &str) -> Option<Sort> {
        Sort::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Orders two projects, ties broken by name and id so that pages never overlap.
    pub fn compare(self, a: &SortKeys, b: &SortKeys) -> Ordering {
        let by_name = || a.name.cmp(b.name).then(a.id.cmp(&b.id));
        // Nearest deadline first, projects without an open item last.
        let deadline = || {
            let (x, y) = (a.worst_deadline, b.worst_deadline);
            x.is_none().cmp(&y.is_none()).then(x.cmp(&y))
        };
        match self {
            Sort::Colour => (b.colour, b.red_items)
                .cmp(&(a.colour, a.red_items))
                .then_with(deadline)
                .then_with(by_name),
            Sort::Deadline => deadline().then_with(by_name),
            Sort::Investment => b.total_investment_wan.cmp(&a.total_investment_wan).then_with(by_name),
            Sort::Stage => a.stage.cmp(&b.stage).then_with(by_name),
        }
    }
}
