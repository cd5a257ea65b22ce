//! Working days (工作日), Monday to Friday: service levels for investors' requests are promised
//! in working days, as county services practise them.

use chrono::{Datelike, Days, NaiveDate, Weekday};

fn is_working(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

/// The working days after `from` up to and including `to` (zero when `to` is not after `from`):
/// a request raised on Friday and answered on Monday waited one working day.
pub fn between(from: NaiveDate, to: NaiveDate) -> i64 {
    if to <= from {
        return 0;
    }
    let days = (to - from).num_days();
    let (weeks, rest) = (days / 7, days % 7);
    let extra = (1..=rest).filter(|d| is_working(from + Days::new(*d as u64))).count() as i64;
    weeks * 5 + extra
}

/// The `n`-th working day after `from`: the last day that still keeps a promise of `n` working days.
pub fn add(from: NaiveDate, n: i64) -> NaiveDate {
    let mut day = from;
    let mut left = n.max(0);
    while left > 0 {
        day = day + Days::new(1);
        if is_working(day) {
            left -= 1;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    // 2026-11-23 is a Monday.
    #[test]
    fn counts_weekdays_after_the_start() {
        assert_eq!(between(d("2026-11-23"), d("2026-11-23")), 0);
        assert_eq!(between(d("2026-11-23"), d("2026-11-24")), 1);
        assert_eq!(between(d("2026-11-23"), d("2026-11-27")), 4);
        assert_eq!(between(d("2026-11-23"), d("2026-11-29")), 4, "the weekend adds nothing");
        assert_eq!(between(d("2026-11-23"), d("2026-11-30")), 5);
        assert_eq!(between(d("2026-11-27"), d("2026-11-30")), 1, "Friday to Monday is one");
        assert_eq!(
            between(d("2026-11-28"), d("2026-11-29")),
            0,
            "Saturday to Sunday is none"
        );
        assert_eq!(between(d("2026-11-23"), d("2026-12-21")), 20);
        assert_eq!(between(d("2026-11-30"), d("2026-11-23")), 0, "backwards is none");
    }

    #[test]
    fn adds_working_days_skipping_weekends() {
        assert_eq!(add(d("2026-11-23"), 0), d("2026-11-23"));
        assert_eq!(add(d("2026-11-23"), 2), d("2026-11-25"));
        assert_eq!(add(d("2026-11-26"), 2), d("2026-11-30"), "Thursday + 2 is Monday");
        assert_eq!(
            add(d("2026-11-28"), 1),
            d("2026-11-30"),
            "from Saturday the first is Monday"
        );
        assert_eq!(add(d("2026-11-27"), 5), d("2026-12-04"));
    }

    #[test]
    fn adding_and_counting_agree() {
        let start = d("2026-11-20");
        for offset in 0..30 {
            let from = start + Days::new(offset);
            for n in 0..12 {
                let due = add(from, n);
                assert_eq!(between(from, due), n, "{from} + {n}");
                assert!(between(from, due + Days::new(1)) >= n);
            }
        }
    }
}
