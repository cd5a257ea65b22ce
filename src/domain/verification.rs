//! How long a submitted item has waited for verification, in working days (Monday to Friday;
//! public holidays are not known to the product), and when that is too long.

use chrono::{Datelike, NaiveDate, Weekday};

/// A submission waiting more than this many working days is flagged to the verifiers.
pub const VERIFY_WITHIN_WORKING_DAYS: i64 = 2;

/// Working days after `from` up to and including `to`: submitted on a Friday, it has waited one
/// working day on Monday. Zero when `to` is not after `from`.
pub fn working_days_between(from: NaiveDate, to: NaiveDate) -> i64 {
    if to <= from {
        return 0;
    }
    let days = (to - from).num_days();
    let (weeks, rest) = (days / 7, days % 7);
    let mut count = weeks * 5;
    // The remaining days are the `rest` days after `from` + whole weeks; count their weekdays.
    let mut day = from + chrono::Duration::days(weeks * 7);
    for _ in 0..rest {
        day = day.succ_opt().unwrap_or(day);
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            count += 1;
        }
    }
    count
}

/// Whether a submission made on `submitted_on` has waited too long by `today`.
pub fn overdue_for_verification(submitted_on: NaiveDate, today: NaiveDate) -> bool {
    working_days_between(submitted_on, today) > VERIFY_WITHIN_WORKING_DAYS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    // 2026-11-20 is a Friday, 2026-11-23 a Monday.
    #[test]
    fn the_same_day_and_earlier_are_zero() {
        assert_eq!(working_days_between(d("2026-11-23"), d("2026-11-23")), 0);
        assert_eq!(working_days_between(d("2026-11-23"), d("2026-11-20")), 0);
    }

    #[test]
    fn weekends_do_not_count() {
        assert_eq!(working_days_between(d("2026-11-20"), d("2026-11-21")), 0);
        assert_eq!(working_days_between(d("2026-11-20"), d("2026-11-22")), 0);
        assert_eq!(working_days_between(d("2026-11-20"), d("2026-11-23")), 1);
        assert_eq!(working_days_between(d("2026-11-21"), d("2026-11-23")), 1);
    }

    #[test]
    fn whole_weeks_are_five_days() {
        assert_eq!(working_days_between(d("2026-11-23"), d("2026-11-30")), 5);
        assert_eq!(working_days_between(d("2026-11-20"), d("2026-12-04")), 10);
        assert_eq!(working_days_between(d("2026-11-24"), d("2026-12-03")), 7);
    }

    #[test]
    fn two_working_days_are_fine_the_third_is_flagged() {
        // Submitted on Thursday: Friday is 1, Monday is 2, Tuesday is 3.
        assert!(!overdue_for_verification(d("2026-11-19"), d("2026-11-20")));
        assert!(!overdue_for_verification(d("2026-11-19"), d("2026-11-23")));
        assert!(overdue_for_verification(d("2026-11-19"), d("2026-11-24")));
        // Submitted on Saturday: Monday is 1, Tuesday 2, Wednesday 3.
        assert!(!overdue_for_verification(d("2026-11-21"), d("2026-11-24")));
        assert!(overdue_for_verification(d("2026-11-21"), d("2026-11-25")));
    }
}
