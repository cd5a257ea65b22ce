//! Rankings (红黑榜) as of a date, as DOMAIN.md defines them. For each task force:
//! `due` = items whose deadline ≤ as-of (closed or not, cancelled excluded); `on_time` = due items
//! closed on or before their deadline; `rate = on_time / due` (no rank when `due = 0`); `red`,
//! `yellow` = its open items of that colour; `overdue_total` = the sum of overdue days of its open items.
//! Red list: `red = 0`, `yellow = 0`, `due ≥ 1`, by rate desc, on_time desc, name; the first
//! `red_list_size`. Black list: `red ≥ 1`, by red desc, overdue_total desc, name.

use std::cmp::Ordering;

use chrono::NaiveDate;

use super::status::{self, Colour, ItemState, Thresholds};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub due: i64,
    pub on_time: i64,
    pub red: i64,
    pub yellow: i64,
    pub overdue_total: i64,
}

impl Figures {
    /// `on_time / due`, or `None` when nothing is due yet.
    pub fn rate(&self) -> Option<f64> {
        (self.due > 0).then(|| self.on_time as f64 / self.due as f64)
    }

    /// The task force's colour: that of its worst open item.
    pub fn colour(&self) -> Colour {
        if self.red > 0 {
            Colour::Red
        } else if self.yellow > 0 {
            Colour::Yellow
        } else {
            Colour::Green
        }
    }
}

/// What the rules need to know of one item, as it stands today.
#[derive(Clone, Copy, Debug)]
pub struct ItemFacts {
    pub state: ItemState,
    pub deadline: NaiveDate,
    /// The day it was closed (done or cancelled).
    pub closed_on: Option<NaiveDate>,
    /// The day it was recorded.
    pub created_on: NaiveDate,
}

/// The item's state on `as_of`: items recorded later did not exist; items closed later were open.
fn state_on(i: &ItemFacts, as_of: NaiveDate) -> Option<ItemState> {
    if i.created_on > as_of {
        return None;
    }
    match (i.state, i.closed_on) {
        (ItemState::Open, _) => Some(ItemState::Open),
        (closed, Some(day)) if day <= as_of => Some(closed),
        _ => Some(ItemState::Open),
    }
}

/// A task force's figures as of a date, from its items.
pub fn figures(items: &[ItemFacts], as_of: NaiveDate, t: Thresholds) -> Figures {
    let mut f = Figures::default();
    for i in items {
        let Some(state) = state_on(i, as_of) else { continue };
        if state != ItemState::Cancelled && i.deadline <= as_of {
            f.due += 1;
            if state == ItemState::Done && i.closed_on.is_some_and(|c| c <= i.deadline) {
                f.on_time += 1;
            }
        }
        if state == ItemState::Open {
            let overdue = status::overdue_days(as_of, i.deadline);
            match status::colour_for_overdue(overdue, t) {
                Colour::Red => f.red += 1,
                Colour::Yellow => f.yellow += 1,
                Colour::Green => {}
            }
            f.overdue_total += overdue.max(0);
        }
    }
    f
}

/// The last whole week (Monday to Sunday) before `today`: its snapshot is frozen once it is over.
pub fn last_week(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    use chrono::Datelike;
    let since_monday = i64::from(today.weekday().num_days_from_monday());
    let sunday = today - chrono::Duration::days(since_monday + 1);
    (sunday - chrono::Duration::days(6), sunday)
}

/// A task force and its figures.
#[derive(Clone, Debug, PartialEq)]
pub struct Standing<K> {
    pub key: K,
    pub name: String,
    pub figures: Figures,
}

fn by_rate<K>(a: &Standing<K>, b: &Standing<K>) -> Ordering {
    let rate = |s: &Standing<K>| s.figures.rate().unwrap_or(0.0);
    rate(b)
        .partial_cmp(&rate(a))
        .unwrap_or(Ordering::Equal)
        .then(b.figures.on_time.cmp(&a.figures.on_time))
        .then_with(|| a.name.cmp(&b.name))
}

fn by_lateness<K>(a: &Standing<K>, b: &Standing<K>) -> Ordering {
    b.figures
        .red
        .cmp(&a.figures.red)
        .then(b.figures.overdue_total.cmp(&a.figures.overdue_total))
        .then_with(|| a.name.cmp(&b.name))
}

/// The red list (红榜, honour): clean task forces with something due, best rate first, at most `size`.
pub fn red_list<K: Clone>(all: &[Standing<K>], size: usize) -> Vec<Standing<K>> {
    let mut list: Vec<Standing<K>> = all
        .iter()
        .filter(|s| s.figures.red == 0 && s.figures.yellow == 0 && s.figures.due >= 1)
        .cloned()
        .collect();
    list.sort_by(by_rate);
    list.truncate(size);
    list
}

/// The black list (黑榜): every task force with a red item, most red first.
pub fn black_list<K: Clone>(all: &[Standing<K>]) -> Vec<Standing<K>> {
    let mut list: Vec<Standing<K>> = all.iter().filter(|s| s.figures.red >= 1).cloned().collect();
    list.sort_by(by_lateness);
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Thresholds = Thresholds {
        red_after_days: 7,
        due_soon_days: 3,
    };

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn item(state: ItemState, deadline: &str, closed: Option<&str>) -> ItemFacts {
        ItemFacts {
            state,
            deadline: day(deadline),
            closed_on: closed.map(day),
            created_on: day("2026-01-01"),
        }
    }

    const AS_OF: &str = "2026-11-25";

    fn f(items: &[ItemFacts]) -> Figures {
        figures(items, day(AS_OF), T)
    }

    #[test]
    fn due_counts_deadlines_up_to_the_day_and_never_cancelled_items() {
        let items = [
            item(ItemState::Open, "2026-11-25", None),
            item(ItemState::Open, "2026-11-26", None),
            item(ItemState::Done, "2026-11-01", Some("2026-10-30")),
            item(ItemState::Cancelled, "2026-11-01", Some("2026-10-30")),
        ];
        assert_eq!(f(&items).due, 2);
    }

    #[test]
    fn on_time_is_closed_on_or_before_the_deadline() {
        let items = [
            item(ItemState::Done, "2026-11-10", Some("2026-11-10")),
            item(ItemState::Done, "2026-11-10", Some("2026-11-11")),
        ];
        let fig = f(&items);
        assert_eq!((fig.due, fig.on_time), (2, 1));
        assert_eq!(fig.rate(), Some(0.5));
    }

    #[test]
    fn open_items_count_by_colour_at_the_boundaries() {
        let items = [
            item(ItemState::Open, "2026-11-25", None), // 0 days: green
            item(ItemState::Open, "2026-11-24", None), // 1: yellow
            item(ItemState::Open, "2026-11-18", None), // 7: yellow
            item(ItemState::Open, "2026-11-17", None), // 8: red
        ];
        let fig = f(&items);
        assert_eq!((fig.red, fig.yellow, fig.overdue_total), (1, 2, 1 + 7 + 8));
        assert_eq!(fig.colour(), Colour::Red);
    }

    #[test]
    fn no_rate_without_anything_due() {
        let fig = f(&[item(ItemState::Open, "2026-12-31", None)]);
        assert_eq!(fig.due, 0);
        assert_eq!(fig.rate(), None);
    }

    #[test]
    fn figures_as_of_a_past_day_see_the_items_as_they_were() {
        let mut later = item(ItemState::Open, "2026-11-01", None);
        later.created_on = day("2026-11-20");
        let closed_after = item(ItemState::Done, "2026-11-01", Some("2026-11-20"));
        let fig = figures(&[later, closed_after], day("2026-11-10"), T);
        assert_eq!(
            (fig.due, fig.on_time, fig.red, fig.yellow),
            (1, 0, 1, 0),
            "only the earlier item, open and 9 days late"
        );
    }

    #[test]
    fn last_week_is_the_whole_week_before() {
        // 2026-11-25 is a Wednesday.
        assert_eq!(last_week(day("2026-11-25")), (day("2026-11-16"), day("2026-11-22")));
        assert_eq!(
            last_week(day("2026-11-23")),
            (day("2026-11-16"), day("2026-11-22")),
            "on Monday"
        );
        assert_eq!(
            last_week(day("2026-11-22")),
            (day("2026-11-09"), day("2026-11-15")),
            "on Sunday the week is not over"
        );
    }

    fn standing(name: &str, due: i64, on_time: i64, red: i64, yellow: i64, overdue_total: i64) -> Standing<u32> {
        Standing {
            key: 0,
            name: name.into(),
            figures: Figures {
                due,
                on_time,
                red,
                yellow,
                overdue_total,
            },
        }
    }

    #[test]
    fn the_red_list_takes_clean_task_forces_by_rate_then_on_time_then_name() {
        let all = [
            standing("丙", 4, 4, 0, 0, 0),
            standing("甲", 2, 2, 0, 0, 0),
            standing("乙", 2, 2, 0, 0, 0),
            standing("丁", 4, 3, 0, 0, 0),
            standing("戊", 0, 0, 0, 0, 0),
            standing("己", 5, 5, 0, 1, 1),
        ];
        let names: Vec<_> = red_list(&all, 3).into_iter().map(|s| s.name).collect();
        assert_eq!(names, vec!["丙", "乙", "甲"], "rate 1.0: more on time first, then name");
        assert_eq!(
            red_list(&all, 10).len(),
            4,
            "no rank without due items; none with yellow"
        );
    }

    #[test]
    fn the_black_list_takes_every_red_task_force_by_red_then_overdue_then_name() {
        let all = [
            standing("甲", 1, 0, 1, 0, 30),
            standing("乙", 1, 0, 2, 0, 20),
            standing("丙", 1, 0, 1, 0, 30),
            standing("丁", 1, 0, 0, 3, 9),
        ];
        let names: Vec<_> = black_list(&all).into_iter().map(|s| s.name).collect();
        assert_eq!(names, vec!["乙", "丙", "甲"]);
    }
}
