//! Status rules of DOMAIN.md: item colours (green / yellow 黄色预警 / red 红色通报), "due soon", and the
//! colour of a project, which is the colour of its worst open item.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Colour {
    Green,
    Yellow,
    Red,
}

impl Colour {
    pub const ALL: [Colour; 3] = [Colour::Green, Colour::Yellow, Colour::Red];

    pub fn as_str(self) -> &'static str {
        match self {
            Colour::Green => "green",
            Colour::Yellow => "yellow",
            Colour::Red => "red",
        }
    }

    pub fn parse(s: &str) -> Option<Colour> {
        Colour::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// The thresholds an admin sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Thresholds {
    /// An open item is red once it is more than this many days overdue (default 7).
    pub red_after_days: i64,
    /// An open item due within this many days is flagged "due soon" (default 3).
    pub due_soon_days: i64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            red_after_days: 7,
            due_soon_days: 3,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ItemState {
    Open,
    Done,
    Cancelled,
}

impl ItemState {
    pub const ALL: [ItemState; 3] = [ItemState::Open, ItemState::Done, ItemState::Cancelled];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemState::Open => "open",
            ItemState::Done => "done",
            ItemState::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<ItemState> {
        match s {
            "open" => Some(ItemState::Open),
            "done" => Some(ItemState::Done),
            "cancelled" => Some(ItemState::Cancelled),
            _ => None,
        }
    }
}

/// The status of an open item on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemStatus {
    pub colour: Colour,
    /// `today − deadline` in calendar days; negative while the deadline is ahead.
    pub overdue_days: i64,
    pub due_soon: bool,
}

/// `overdue_days = today − deadline`, in calendar days of the county's time zone.
pub fn overdue_days(today: NaiveDate, deadline: NaiveDate) -> i64 {
    (today - deadline).num_days()
}

/// The colour an open item has when it is `overdue_days` late.
pub fn colour_for_overdue(overdue_days: i64, t: Thresholds) -> Colour {
    if overdue_days <= 0 {
        Colour::Green
    } else if overdue_days <= t.red_after_days {
        Colour::Yellow
    } else {
        Colour::Red
    }
}

/// The status of an item, or `None` when it is closed (done or cancelled items have no colour).
pub fn item_status(state: ItemState, deadline: NaiveDate, today: NaiveDate, t: Thresholds) -> Option<ItemStatus> {
    if state != ItemState::Open {
        return None;
    }
    let overdue = overdue_days(today, deadline);
    Some(ItemStatus {
        colour: colour_for_overdue(overdue, t),
        overdue_days: overdue,
        due_soon: (-t.due_soon_days..=0).contains(&overdue),
    })
}

/// A closed item is "late" when it was closed after its deadline.
pub fn closed_late(deadline: NaiveDate, closed_on: NaiveDate) -> bool {
    closed_on > deadline
}

/// A project (and its task force) takes the colour of its worst open item; green with none.
pub fn project_colour(open_item_colours: impl IntoIterator<Item = Colour>) -> Colour {
    open_item_colours.into_iter().max().unwrap_or(Colour::Green)
}

/// How many of a project's items are open, and how many of those are red and yellow.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OpenCounts {
    pub open: i64,
    pub red: i64,
    pub yellow: i64,
}

/// Counts open items by colour from their deadlines (the figures the status engine keeps for each
/// project, counted here for one project's page).
pub fn open_counts(deadlines: impl IntoIterator<Item = NaiveDate>, today: NaiveDate, t: Thresholds) -> OpenCounts {
    let mut counts = OpenCounts::default();
    for deadline in deadlines {
        counts.open += 1;
        match colour_for_overdue(overdue_days(today, deadline), t) {
            Colour::Red => counts.red += 1,
            Colour::Yellow => counts.yellow += 1,
            Colour::Green => {}
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const T: Thresholds = Thresholds {
        red_after_days: 7,
        due_soon_days: 3,
    };
    const TODAY: &str = "2026-11-25";

    fn open_status(deadline: &str) -> ItemStatus {
        item_status(ItemState::Open, day(deadline), day(TODAY), T).unwrap()
    }

    #[test]
    fn due_today_is_green_and_due_soon() {
        let s = open_status("2026-11-25");
        assert_eq!((s.colour, s.overdue_days, s.due_soon), (Colour::Green, 0, true));
    }

    #[test]
    fn one_day_overdue_is_yellow() {
        let s = open_status("2026-11-24");
        assert_eq!((s.colour, s.overdue_days, s.due_soon), (Colour::Yellow, 1, false));
    }

    #[test]
    fn red_after_days_overdue_is_still_yellow() {
        assert_eq!(open_status("2026-11-18").overdue_days, 7);
        assert_eq!(open_status("2026-11-18").colour, Colour::Yellow);
    }

    #[test]
    fn one_more_day_is_red() {
        assert_eq!(open_status("2026-11-17").overdue_days, 8);
        assert_eq!(open_status("2026-11-17").colour, Colour::Red);
    }

    #[test]
    fn due_soon_ends_after_due_soon_days() {
        assert!(open_status("2026-11-28").due_soon);
        let later = open_status("2026-11-29");
        assert!(!later.due_soon);
        assert_eq!(later.colour, Colour::Green);
    }

    #[test]
    fn thresholds_move_the_boundaries() {
        let t = Thresholds {
            red_after_days: 0,
            due_soon_days: 0,
        };
        assert_eq!(colour_for_overdue(1, t), Colour::Red);
        assert_eq!(colour_for_overdue(0, t), Colour::Green);
        let s = item_status(ItemState::Open, day("2026-11-26"), day(TODAY), t).unwrap();
        assert!(!s.due_soon);
    }

    #[test]
    fn closed_items_have_no_colour() {
        assert_eq!(item_status(ItemState::Done, day("2026-01-01"), day(TODAY), T), None);
        assert_eq!(
            item_status(ItemState::Cancelled, day("2026-01-01"), day(TODAY), T),
            None
        );
    }

    #[test]
    fn closing_after_the_deadline_is_late() {
        assert!(!closed_late(day("2026-11-25"), day("2026-11-25")));
        assert!(closed_late(day("2026-11-25"), day("2026-11-26")));
    }

    #[test]
    fn a_past_deadline_is_overdue_from_the_start() {
        let s = open_status("2025-11-25");
        assert_eq!(s.overdue_days, 365);
        assert_eq!(s.colour, Colour::Red);
    }

    #[test]
    fn project_takes_the_worst_colour() {
        assert_eq!(project_colour([]), Colour::Green);
        assert_eq!(project_colour([Colour::Green, Colour::Yellow]), Colour::Yellow);
        assert_eq!(
            project_colour([Colour::Yellow, Colour::Red, Colour::Green]),
            Colour::Red
        );
    }

    #[test]
    fn open_counts_split_at_the_thresholds() {
        let today = day(TODAY);
        let days_late = |d: i64| today - chrono::Days::new(d as u64);
        // Due today and due later are green; one day late is yellow; 7 days late (the
        // threshold) is still yellow; 8 days late is red.
        let deadlines = [
            today + chrono::Days::new(3),
            today,
            days_late(1),
            days_late(7),
            days_late(8),
            days_late(40),
        ];
        assert_eq!(
            open_counts(deadlines, today, T),
            OpenCounts {
                open: 6,
                red: 2,
                yellow: 2
            }
        );
        assert_eq!(open_counts([], today, T), OpenCounts::default());
        let strict = Thresholds {
            red_after_days: 0,
            due_soon_days: 3,
        };
        assert_eq!(
            open_counts([days_late(1)], today, strict),
            OpenCounts {
                open: 1,
                red: 1,
                yellow: 0
            }
        );
    }
}
