//! Rankings (红黑榜) as of a date, as DOMAIN.md defines them, with memory. For each task force:
//! `due` = items whose deadline ≤ as-of (closed or not, cancelled excluded); `on_time` = due items
//! closed on or before their deadline; `rate = on_time / due` (no rank when `due = 0`); `red`,
//! `yellow` = its open items of that colour; `overdue_total` = the sum of overdue days of its open
//! items; `period_due`, `period_on_time` = the same over the rolling period (deadlines in the last
//! `weeks` weeks); `recently_red` = items closed in the last seven days while red.
//! Red list ([`RedRule`]): `red = 0`, `yellow = 0`, `recently_red = 0` (a task force leaving the
//! black list spends a whole week off it before it can be honoured), `period_due ≥ min_due` and a
//! period rate of at least `min_rate_percent`; by period rate desc, period on time desc, name; the
//! first `size`. Black list: `red ≥ 1`, by red desc, overdue_total desc, name.

use std::cmp::Ordering;

use chrono::NaiveDate;

use super::adjustment;
use super::score::{self, Breakdown, Weights};
use super::status::{self, Colour, ItemState, Thresholds};

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub due: i64,
    pub on_time: i64,
    pub red: i64,
    pub yellow: i64,
    pub overdue_total: i64,
    pub period_due: i64,
    pub period_on_time: i64,
    pub recently_red: i64,
}

impl Figures {
    /// `on_time / due`, or `None` when nothing is due yet.
    pub fn rate(&self) -> Option<f64> {
        (self.due > 0).then(|| self.on_time as f64 / self.due as f64)
    }

    /// `period_on_time / period_due` over the rolling period, or `None` when nothing fell due in it.
    pub fn period_rate(&self) -> Option<f64> {
        (self.period_due > 0).then(|| self.period_on_time as f64 / self.period_due as f64)
    }

    /// What a score counts of the checklist (domain::score).
    pub fn checklist(&self) -> score::Checklist {
        score::Checklist {
            red_items: self.red,
            overdue_days: self.overdue_total,
            on_time_items: self.period_on_time,
        }
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
    /// The last day of its exemption: while exempt it counts nowhere.
    pub exempt_until: Option<NaiveDate>,
}

/// The item's state on `as_of`: items recorded later did not exist; items closed later were open;
/// exempt items do not count.
fn state_on(i: &ItemFacts, as_of: NaiveDate) -> Option<ItemState> {
    if i.created_on > as_of || !adjustment::counts(i.exempt_until, as_of) {
        return None;
    }
    match (i.state, i.closed_on) {
        (ItemState::Open, _) => Some(ItemState::Open),
        (closed, Some(day)) if day <= as_of => Some(closed),
        _ => Some(ItemState::Open),
    }
}

/// Who may be honoured: the red list's rule. A frozen week keeps the rule it was frozen with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RedRule {
    /// At most this many task forces.
    pub size: usize,
    /// Items due in the period, at least.
    pub min_due: i64,
    /// On-time rate over the period, at least (percent).
    pub min_rate_percent: i64,
    /// The rolling period, in weeks.
    pub weeks: i64,
}

impl RedRule {
    pub const DEFAULT: RedRule = RedRule {
        size: 3,
        min_due: 3,
        min_rate_percent: 90,
        weeks: 8,
    };

    /// The first deadline of the period ending `as_of`.
    pub fn period_start(&self, as_of: NaiveDate) -> NaiveDate {
        as_of - chrono::Duration::days(7 * self.weeks - 1)
    }

    /// Whether a task force with these figures may be honoured (before the list's size).
    pub fn admits(&self, f: &Figures) -> bool {
        f.red == 0
            && f.yellow == 0
            && f.recently_red == 0
            && f.period_due >= self.min_due.max(1)
            && f.period_on_time * 100 >= self.min_rate_percent * f.period_due
    }
}

/// Days back a red item's closing keeps its task force off the red list: a whole week.
pub const CLEAN_DAYS: i64 = 7;

/// A task force's figures as of a date, from its items, over the rolling period of `rule`.
pub fn figures(items: &[ItemFacts], as_of: NaiveDate, t: Thresholds, rule: RedRule) -> Figures {
    let mut f = Figures::default();
    let period_start = rule.period_start(as_of);
    for i in items {
        let Some(state) = state_on(i, as_of) else { continue };
        if state != ItemState::Cancelled && i.deadline <= as_of {
            let on_time = state == ItemState::Done && i.closed_on.is_some_and(|c| c <= i.deadline);
            f.due += 1;
            f.on_time += i64::from(on_time);
            if i.deadline >= period_start {
                f.period_due += 1;
                f.period_on_time += i64::from(on_time);
            }
        }
        if let (ItemState::Done | ItemState::Cancelled, Some(closed)) = (state, i.closed_on)
            && closed > as_of - chrono::Duration::days(CLEAN_DAYS)
            && status::colour_for_overdue(status::overdue_days(closed, i.deadline), t) == Colour::Red
        {
            f.recently_red += 1;
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

/// A task force and its figures, with its score under the scored method.
#[derive(Clone, Debug, PartialEq)]
pub struct Standing<K> {
    pub key: K,
    pub name: String,
    pub figures: Figures,
    pub score: Option<Breakdown>,
}

/// How the lists are drawn: by the red list's rule with memory, or by score (domain::score) with
/// its weights. A frozen week keeps the method it was frozen with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "method", rename_all = "lowercase")]
pub enum Method {
    Rule,
    Score { weights: Weights },
}

/// The red list and the black list of `all` by `method` (the rule's size bounds both under the
/// scored method).
pub fn lists<K: Clone>(all: &[Standing<K>], rule: RedRule, method: Method) -> (Vec<Standing<K>>, Vec<Standing<K>>) {
    match method {
        Method::Rule => (red_list(all, rule), black_list(all)),
        Method::Score { .. } => (score_top(all, rule.size), score_bottom(all, rule.size)),
    }
}

/// Whether there is anything to judge a task force by: something due, or a red item.
fn judged(f: &Figures) -> bool {
    f.due >= 1 || f.red >= 1
}

fn score_of<K>(s: &Standing<K>) -> i64 {
    s.score.map_or(score::BASE, |b| b.total())
}

fn by_score<K>(a: &Standing<K>, b: &Standing<K>) -> Ordering {
    score_of(b).cmp(&score_of(a)).then_with(|| a.name.cmp(&b.name))
}

/// The top of the scores: at most `size`, none with a red item.
fn score_top<K: Clone>(all: &[Standing<K>], size: usize) -> Vec<Standing<K>> {
    let mut list: Vec<Standing<K>> = all
        .iter()
        .filter(|s| judged(&s.figures) && s.figures.red == 0)
        .cloned()
        .collect();
    list.sort_by(by_score);
    list.truncate(size.max(1));
    list
}

/// The bottom of the scores, lowest first: at most `size`, only those below the base.
fn score_bottom<K: Clone>(all: &[Standing<K>], size: usize) -> Vec<Standing<K>> {
    let mut list: Vec<Standing<K>> = all
        .iter()
        .filter(|s| judged(&s.figures) && score_of(s) < score::BASE)
        .cloned()
        .collect();
    list.sort_by(|a, b| score_of(a).cmp(&score_of(b)).then_with(|| a.name.cmp(&b.name)));
    list.truncate(size.max(1));
    list
}

fn by_rate<K>(a: &Standing<K>, b: &Standing<K>) -> Ordering {
    let rate = |s: &Standing<K>| s.figures.period_rate().unwrap_or(0.0);
    rate(b)
        .partial_cmp(&rate(a))
        .unwrap_or(Ordering::Equal)
        .then(b.figures.period_on_time.cmp(&a.figures.period_on_time))
        .then_with(|| a.name.cmp(&b.name))
}

fn by_lateness<K>(a: &Standing<K>, b: &Standing<K>) -> Ordering {
    b.figures
        .red
        .cmp(&a.figures.red)
        .then(b.figures.overdue_total.cmp(&a.figures.overdue_total))
        .then_with(|| a.name.cmp(&b.name))
}

/// The red list (红榜, honour): the task forces `rule` admits, best period rate first, at most its size.
pub fn red_list<K: Clone>(all: &[Standing<K>], rule: RedRule) -> Vec<Standing<K>> {
    let mut list: Vec<Standing<K>> = all.iter().filter(|s| rule.admits(&s.figures)).cloned().collect();
    list.sort_by(by_rate);
    list.truncate(rule.size.max(1));
    list
}

/// A place on a list against the week before.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RankChange {
    /// Not on this list the week before (新上榜).
    New,
    /// Places gained (↑) or lost (↓, negative); 0: the same place.
    Moved(i32),
}

impl RankChange {
    /// `now` and `before`: (list, place) this week and the week before, if on a list.
    pub fn of(now: Option<(&str, i32)>, before: Option<(&str, i32)>) -> Option<RankChange> {
        let (list, place) = now?;
        Some(match before {
            Some((was, then)) if was == list => RankChange::Moved(then - place),
            _ => RankChange::New,
        })
    }

    /// "new", "+2", "-1", "0": as the API gives it.
    pub fn code(self) -> String {
        match self {
            RankChange::New => "new".into(),
            RankChange::Moved(n) if n > 0 => format!("+{n}"),
            RankChange::Moved(n) => n.to_string(),
        }
    }
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
            exempt_until: None,
        }
    }

    const AS_OF: &str = "2026-11-25";

    fn f(items: &[ItemFacts]) -> Figures {
        figures(items, day(AS_OF), T, RedRule::DEFAULT)
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
        let fig = figures(&[later, closed_after], day("2026-11-10"), T, RedRule::DEFAULT);
        assert_eq!(
            (fig.due, fig.on_time, fig.red, fig.yellow),
            (1, 0, 1, 0),
            "only the earlier item, open and 9 days late"
        );
    }

    #[test]
    fn an_exempt_item_counts_nowhere_until_the_day_after_its_exemption() {
        let mut red = item(ItemState::Open, "2026-11-10", None);
        red.exempt_until = Some(day(AS_OF));
        assert_eq!(f(&[red]), Figures::default(), "exempt through its last day");
        red.exempt_until = Some(day("2026-11-24"));
        let fig = f(&[red]);
        assert_eq!(
            (fig.red, fig.due, fig.overdue_total),
            (1, 1, 15),
            "the exemption has ended"
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

    /// A task force whose `due` and `on_time` fell due in the period too.
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
                period_due: due,
                period_on_time: on_time,
                recently_red: 0,
            },
            score: None,
        }
    }

    const ANY: RedRule = RedRule {
        size: 3,
        min_due: 1,
        min_rate_percent: 0,
        weeks: 8,
    };

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
        let names: Vec<_> = red_list(&all, ANY).into_iter().map(|s| s.name).collect();
        assert_eq!(names, vec!["丙", "乙", "甲"], "rate 1.0: more on time first, then name");
        assert_eq!(
            red_list(&all, RedRule { size: 10, ..ANY }).len(),
            4,
            "no rank without due items; none with yellow"
        );
    }

    #[test]
    fn the_red_list_needs_enough_due_in_the_period_at_the_rate() {
        let rule = RedRule {
            size: 10,
            ..RedRule::DEFAULT
        };
        let all = [
            standing("三项全按期", 3, 3, 0, 0, 0),
            standing("两项", 2, 2, 0, 0, 0),
            standing("九成", 10, 9, 0, 0, 0),
            standing("八成九", 1000, 899, 0, 0, 0),
            standing("三成三", 3, 1, 0, 0, 0),
        ];
        let names: Vec<_> = red_list(&all, rule).into_iter().map(|s| s.name).collect();
        assert_eq!(names, vec!["三项全按期", "九成"], "3 due at least, 90% at least");
        // Only the period counts: many on time long ago do not make up for a late period.
        let mut old_glory = standing("旧功", 40, 38, 0, 0, 0);
        old_glory.figures.period_due = 4;
        old_glory.figures.period_on_time = 3;
        assert!(red_list(&[old_glory], rule).is_empty());
    }

    #[test]
    fn a_task_force_that_closed_a_red_item_waits_a_whole_week() {
        let rule = RedRule { size: 10, ..ANY };
        let mut left_black = standing("刚销号", 5, 5, 0, 0, 0);
        left_black.figures.recently_red = 1;
        assert!(red_list(&[left_black], rule).is_empty());
        // The figures: closed while red 6 days ago counts, 7 days ago no longer; closed while
        // yellow never does.
        let closed = |deadline: &str, on: &str| item(ItemState::Done, deadline, Some(on));
        let as_of = day(AS_OF);
        let f = |items: &[ItemFacts]| figures(items, as_of, T, RedRule::DEFAULT).recently_red;
        assert_eq!(f(&[closed("2026-11-01", "2026-11-19")]), 1, "18 days late, 6 days ago");
        assert_eq!(
            f(&[closed("2026-11-01", "2026-11-18")]),
            0,
            "7 days ago: a whole week since"
        );
        assert_eq!(f(&[closed("2026-11-12", "2026-11-19")]), 0, "7 days late: yellow");
        assert_eq!(f(&[closed("2026-11-11", "2026-11-19")]), 1, "8 days late: red");
        let cancelled = item(ItemState::Cancelled, "2026-11-01", Some("2026-11-24"));
        assert_eq!(f(&[cancelled]), 1, "cancelling a red item leaves the black list too");
    }

    #[test]
    fn rank_changes_compare_places_on_the_same_list() {
        assert_eq!(
            RankChange::of(Some(("red", 1)), Some(("red", 3))),
            Some(RankChange::Moved(2))
        );
        assert_eq!(
            RankChange::of(Some(("black", 4)), Some(("black", 3))),
            Some(RankChange::Moved(-1))
        );
        assert_eq!(
            RankChange::of(Some(("red", 2)), Some(("red", 2))),
            Some(RankChange::Moved(0))
        );
        assert_eq!(
            RankChange::of(Some(("red", 2)), Some(("black", 1))),
            Some(RankChange::New)
        );
        assert_eq!(RankChange::of(Some(("red", 2)), None), Some(RankChange::New));
        assert_eq!(
            RankChange::of(None, Some(("red", 1))),
            None,
            "off the lists: no place to compare"
        );
        let codes: Vec<String> = [
            RankChange::New,
            RankChange::Moved(2),
            RankChange::Moved(-1),
            RankChange::Moved(0),
        ]
        .map(RankChange::code)
        .into();
        assert_eq!(codes, vec!["new", "+2", "-1", "0"]);
    }

    #[test]
    fn the_period_holds_the_deadlines_of_its_weeks() {
        let rule = RedRule {
            weeks: 8,
            ..RedRule::DEFAULT
        };
        let as_of = day(AS_OF);
        assert_eq!(
            rule.period_start(as_of),
            day("2026-10-01"),
            "56 days with the day itself"
        );
        let items = [
            item(ItemState::Done, "2026-10-01", Some("2026-10-01")),
            item(ItemState::Done, "2026-09-30", Some("2026-09-30")),
            item(ItemState::Done, "2026-11-20", Some("2026-11-21")),
            item(ItemState::Open, "2026-11-26", None),
        ];
        let fig = figures(&items, as_of, T, rule);
        assert_eq!((fig.due, fig.on_time), (3, 2));
        assert_eq!((fig.period_due, fig.period_on_time), (2, 1));
        assert_eq!(fig.period_rate(), Some(0.5));
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

    fn scored(name: &str, red: i64, overdue_total: i64, period_on_time: i64) -> Standing<u32> {
        use crate::domain::score::Extra;
        let figures = Figures {
            due: 1,
            red,
            overdue_total,
            period_on_time,
            ..Figures::default()
        };
        Standing {
            key: 0,
            name: name.into(),
            figures,
            score: Some(score::breakdown(
                figures.checklist(),
                Extra::default(),
                Weights::DEFAULT,
            )),
        }
    }

    #[test]
    fn by_score_the_lists_are_the_top_without_red_items_and_the_bottom_below_the_base() {
        let mut nothing_due = scored("己", 0, 0, 0);
        nothing_due.figures.due = 0;
        let all = [
            scored("甲", 0, 0, 5),  // 110
            scored("乙", 0, 0, 1),  // 102
            scored("丙", 1, 9, 9),  // 99: a red item, never honoured
            scored("丁", 2, 40, 0), // 50
            scored("戊", 0, 0, 0),  // 100: not below the base
            nothing_due,            // nothing to judge it by
        ];
        let method = Method::Score {
            weights: Weights::DEFAULT,
        };
        let rule = RedRule {
            size: 3,
            ..RedRule::DEFAULT
        };
        let names = |v: Vec<Standing<u32>>| v.into_iter().map(|s| s.name).collect::<Vec<_>>();
        let (top, bottom) = lists(&all, rule, method);
        assert_eq!(names(top), ["甲", "乙", "戊"]);
        assert_eq!(names(bottom), ["丁", "丙"]);
        let (top, _) = lists(&all, RedRule { size: 1, ..rule }, method);
        assert_eq!(names(top), ["甲"]);
    }
}
