//! When a submitted item has waited too long for verification: more than two working days of the
//! county's calendar (see `working_days`).

use chrono::NaiveDate;

use super::working_days::WorkCalendar;

/// A submission waiting more than this many working days is flagged to the verifiers.
pub const VERIFY_WITHIN_WORKING_DAYS: i64 = 2;

/// Whether a submission made on `submitted_on` has waited too long by `today`.
pub fn overdue_for_verification(calendar: &WorkCalendar, submitted_on: NaiveDate, today: NaiveDate) -> bool {
    calendar.between(submitted_on, today) > VERIFY_WITHIN_WORKING_DAYS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::working_days::parse_calendar;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    // 2026-11-19 is a Thursday.
    #[test]
    fn two_working_days_are_fine_the_third_is_flagged() {
        let c = WorkCalendar::default();
        // Submitted on Thursday: Friday is 1, Monday is 2, Tuesday is 3.
        assert!(!overdue_for_verification(&c, d("2026-11-19"), d("2026-11-20")));
        assert!(!overdue_for_verification(&c, d("2026-11-19"), d("2026-11-23")));
        assert!(overdue_for_verification(&c, d("2026-11-19"), d("2026-11-24")));
        // Submitted on Saturday: Monday is 1, Tuesday 2, Wednesday 3.
        assert!(!overdue_for_verification(&c, d("2026-11-21"), d("2026-11-24")));
        assert!(overdue_for_verification(&c, d("2026-11-21"), d("2026-11-25")));
    }

    #[test]
    fn holidays_do_not_count_against_the_verifier() {
        let c = parse_calendar("2026-11-23~2026-11-24 休").unwrap();
        assert!(!overdue_for_verification(&c, d("2026-11-19"), d("2026-11-25")));
        assert!(overdue_for_verification(&c, d("2026-11-19"), d("2026-11-26")));
    }
}
