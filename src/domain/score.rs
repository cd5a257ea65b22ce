//! The scored ranking method (Mianyang-style), an alternative to the rule with memory: each task
//! force starts from 100, loses points per red item, per overdue day (capped), per late request
//! and per supervision order answered late, and gains points per item closed on time in the
//! period and for investment ahead of the time progress. Every weight is a setting; a frozen week
//! keeps the weights and scores it was frozen with. The lists drawn by score are
//! domain::ranking's.

use serde::{Deserialize, Serialize};

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

/// The checklist's part of a score (domain::ranking's figures).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Checklist {
    pub red_items: i64,
    /// Overdue days of the open items, summed.
    pub overdue_days: i64,
    /// Items closed on time in the period.
    pub on_time_items: i64,
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

/// A task force's score from its checklist and the other facts.
pub fn breakdown(c: Checklist, x: Extra, w: Weights) -> Breakdown {
    Breakdown {
        red_items: -w.red_item * c.red_items,
        overdue_days: -w.overdue_day * c.overdue_days.min(w.overdue_cap),
        late_requests: -w.late_request * x.late_requests,
        late_orders: -w.late_order * x.late_orders,
        on_time_items: w.on_time_item * c.on_time_items,
        investment: if x.investment_ahead { w.investment_ahead } else { 0 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figures(red_items: i64, overdue_days: i64, on_time_items: i64) -> Checklist {
        Checklist {
            red_items,
            overdue_days,
            on_time_items,
        }
    }

    #[test]
    fn every_fact_moves_the_score_by_its_weight() {
        let x = Extra {
            late_requests: 2,
            late_orders: 1,
            investment_ahead: true,
        };
        let b = breakdown(figures(2, 12, 3), x, Weights::DEFAULT);
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
        assert_eq!(breakdown(figures(0, 30, 0), Extra::default(), w).overdue_days, -30);
        assert_eq!(breakdown(figures(0, 31, 0), Extra::default(), w).overdue_days, -30);
        assert_eq!(breakdown(figures(0, 29, 0), Extra::default(), w).overdue_days, -29);
    }
}
