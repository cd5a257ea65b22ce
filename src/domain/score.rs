//! The scored ranking method (Mianyang-style), an alternative to the rule with memory: each task
//! force starts from 100, loses points per red item, per overdue day (capped), per late request
//! and per supervision order answered late, and gains points per item closed on time in the
//! period and for investment ahead of the time progress. Every weight is a setting; a frozen week
//! keeps the weights and scores it was frozen with. The honour list is the top of the scores
//! (never with a red item), the black list the bottom (only those below 100).

use std::cmp::Ordering;

use serde::{Deserialize, Serialize};

use super::ranking::{Figures, Standing};

/// Where every score starts.
pub const BASE: i64 = 100;

/// Points per fact: lost (the first five) or won (the last two).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Weights {
    pub red_item: i64,
    pub overdue_day: i64,
    /// Overdue days counted at most.
    pub overdue_cap: i64,
    pub late_request: i64,
    pub late_order: i64,
    pub on_time_item: i64,
    pub investment_ahead: i64,
}

impl Weights {
    pub const DEFAULT: Weights = Weights {
        red_item: 10,
        overdue_day: 1,
        overdue_cap: 30,
        late_request: 5,
        late_order: 5,
        on_time_item: 2,
        investment_ahead: 5,
    };
}

/// What a score needs besides the checklist figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Extra {
    /// The task force's requests past their triage or resolution promise.
    pub late_requests: i64,
    /// Supervision orders on its items answered after their day (or still unanswered past it).
    pub late_orders: i64,
    /// Its investment is ahead of the time progress.
    pub investment_ahead: bool,
}

/// A score and where it came from: signed points per fact, added to [`BASE`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Breakdown {
    pub red_items: i64,
    pub overdue_days: i64,
    pub late_requests: i64,
    pub late_orders: i64,
    pub on_time_items: i64,
    pub investment: i64,
}

impl Breakdown {
    pub fn total(&self) -> i64 {
        BASE + self.red_items
            + self.overdue_days
            + self.late_requests
            + self.late_orders
            + self.on_time_items
            + self.investment
    }
}

/// A task force's score from its figures and the other facts.
pub fn breakdown(f: &Figures, x: Extra, w: Weights) -> Breakdown {
    Breakdown {
        red_items: -w.red_item * f.red,
        overdue_days: -w.overdue_day * f.overdue_total.min(w.overdue_cap),
        late_requests: -w.late_request * x.late_requests,
        late_orders: -w.late_order * x.late_orders,
        on_time_items: w.on_time_item * f.period_on_time,
        investment: if x.investment_ahead { w.investment_ahead } else { 0 },
    }
}

/// Whether there is anything to judge a task force by: something due, or a red item.
fn judged(f: &Figures) -> bool {
    f.due >= 1 || f.red >= 1
}

fn total<K>(s: &Standing<K>) -> i64 {
    s.score.map_or(BASE, |b| b.total())
}

fn by_score<K>(a: &Standing<K>, b: &Standing<K>) -> Ordering {
    total(b).cmp(&total(a)).then_with(|| a.name.cmp(&b.name))
}

/// The top of the scores: at most `size`, none with a red item.
pub fn top<K: Clone>(all: &[Standing<K>], size: usize) -> Vec<Standing<K>> {
    let mut list: Vec<Standing<K>> = all
        .iter()
        .filter(|s| judged(&s.figures) && s.figures.red == 0)
        .cloned()
        .collect();
    list.sort_by(by_score);
    list.truncate(size.max(1));
    list
}

/// The bottom of the scores, lowest first: at most `size`, only those below [`BASE`].
pub fn bottom<K: Clone>(all: &[Standing<K>], size: usize) -> Vec<Standing<K>> {
    let mut list: Vec<Standing<K>> = all
        .iter()
        .filter(|s| judged(&s.figures) && total(s) < BASE)
        .cloned()
        .collect();
    list.sort_by(|a, b| by_score(b, a).then_with(|| a.name.cmp(&b.name)));
    list.truncate(size.max(1));
    list
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(red: i64, overdue_total: i64, period_on_time: i64) -> Figures {
        Figures {
            due: 1,
            red,
            overdue_total,
            period_on_time,
            ..Figures::default()
        }
    }

    #[test]
    fn every_fact_moves_the_score_by_its_weight() {
        let x = Extra {
            late_requests: 2,
            late_orders: 1,
            investment_ahead: true,
        };
        let b = breakdown(&figures(2, 12, 3), x, Weights::DEFAULT);
        assert_eq!(
            b,
            Breakdown {
                red_items: -20,
                overdue_days: -12,
                late_requests: -10,
                late_orders: -5,
                on_time_items: 6,
                investment: 5,
            }
        );
        assert_eq!(b.total(), 100 - 20 - 12 - 10 - 5 + 6 + 5);
    }

    #[test]
    fn overdue_days_count_up_to_the_cap() {
        let w = Weights::DEFAULT;
        assert_eq!(breakdown(&figures(0, 30, 0), Extra::default(), w).overdue_days, -30);
        assert_eq!(breakdown(&figures(0, 31, 0), Extra::default(), w).overdue_days, -30);
        assert_eq!(breakdown(&figures(0, 29, 0), Extra::default(), w).overdue_days, -29);
    }

    fn standing(name: &str, f: Figures) -> Standing<u32> {
        Standing {
            key: 0,
            name: name.into(),
            figures: f,
            score: Some(breakdown(&f, Extra::default(), Weights::DEFAULT)),
        }
    }

    #[test]
    fn the_lists_are_the_top_and_the_bottom_of_the_scores() {
        let all = [
            standing("甲", figures(0, 0, 5)),   // 110
            standing("乙", figures(0, 0, 1)),   // 102
            standing("丙", figures(1, 9, 9)),   // 99: a red item, never honoured
            standing("丁", figures(2, 40, 0)),  // 50
            standing("戊", figures(0, 0, 0)),   // 100: not below, not on the bottom
            standing("己", Figures::default()), // nothing due: not judged
        ];
        let names = |v: Vec<Standing<u32>>| v.into_iter().map(|s| s.name).collect::<Vec<_>>();
        assert_eq!(names(top(&all, 3)), ["甲", "乙", "戊"]);
        assert_eq!(names(bottom(&all, 3)), ["丁", "丙"]);
        assert_eq!(names(top(&all, 1)), ["甲"]);
    }
}
