//! Working days (工作日): Monday to Friday, except the public holidays the State Council announces
//! each year (法定节假日) and with the weekend days worked in exchange (调休上班). Service levels for
//! investors' requests are promised in working days, as county services practise them.

use std::collections::BTreeMap;

use chrono::{Datelike, Days, NaiveDate, Weekday};

use super::input::Problem;

/// The year's exceptions to Monday–Friday: `true` for a weekend day worked, `false` for a weekday off.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    exceptions: BTreeMap<NaiveDate, bool>,
}

fn weekday(day: NaiveDate) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun)
}

impl WorkCalendar {
    pub fn new(exceptions: impl IntoIterator<Item = (NaiveDate, bool)>) -> WorkCalendar {
        WorkCalendar {
            exceptions: exceptions.into_iter().collect(),
        }
    }

    pub fn is_working(&self, day: NaiveDate) -> bool {
        self.exceptions.get(&day).copied().unwrap_or_else(|| weekday(day))
    }

    /// The working days after `from` up to and including `to` (zero when `to` is not after
    /// `from`): a request raised on Friday and answered on Monday waited one working day.
    pub fn between(&self, from: NaiveDate, to: NaiveDate) -> i64 {
        if to <= from {
            return 0;
        }
        let days = (to - from).num_days();
        let (weeks, rest) = (days / 7, days % 7);
        let extra = (1..=rest).filter(|d| weekday(from + Days::new(*d as u64))).count() as i64;
        // Exceptions inside the span turn their day's count over.
        let adjust: i64 = self
            .exceptions
            .range(from + Days::new(1)..=to)
            .map(|(day, working)| i64::from(*working) - i64::from(weekday(*day)))
            .sum();
        weeks * 5 + extra + adjust
    }

    /// The `n`-th working day after `from`: the last day that still keeps a promise of `n` working days.
    pub fn add(&self, from: NaiveDate, n: i64) -> NaiveDate {
        let mut day = from;
        let mut left = n.max(0);
        while left > 0 {
            day = day + Days::new(1);
            if self.is_working(day) {
                left -= 1;
            }
        }
        day
    }

    /// The exceptions as the settings form shows them, one per line.
    pub fn to_text(&self) -> String {
        self.exceptions
            .iter()
            .map(|(day, working)| format!("{day} {}", if *working { "work" } else { "off" }))
            .collect::<Vec<_>>()
            .join("\n")
    }

    pub fn exceptions(&self) -> impl Iterator<Item = (NaiveDate, bool)> + '_ {
        self.exceptions.iter().map(|(d, w)| (*d, *w))
    }
}

/// How many days one line may span (a holiday is a week at most; a typo should not make a year).
const SPAN_MAX: i64 = 31;

/// Reads the exceptions an admin types, one per line: a date or a span (`2026-10-01~2026-10-07`
/// or `..`), then `off`/`休` or `work`/`班`; anything after is a comment. Blank lines and lines
/// starting with `#` are skipped. The first bad line is returned with its number (from 1).
pub fn parse_calendar(text: &str) -> Result<WorkCalendar, (usize, Problem)> {
    let mut exceptions = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |p| (i + 1, p);
        let mut words = line.split_whitespace();
        let span = words.next().unwrap_or_default();
        let (first, last) = span
            .split_once('~')
            .or_else(|| span.split_once(".."))
            .unwrap_or((span, span));
        let parse = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|_| bad(Problem::NotADate));
        let (first, last) = (parse(first)?, parse(last)?);
        if last < first || (last - first).num_days() >= SPAN_MAX {
            return Err(bad(Problem::OutOfRange(1, SPAN_MAX)));
        }
        let working = match words.next() {
            Some("off" | "休") => false,
            Some("work" | "班") => true,
            _ => return Err(bad(Problem::UnknownChoice)),
        };
        let mut day = first;
        while day <= last {
            exceptions.insert(day, working);
            day = day + Days::new(1);
        }
    }
    Ok(WorkCalendar { exceptions })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn plain() -> WorkCalendar {
        WorkCalendar::default()
    }

    // 2026-11-23 is a Monday.
    #[test]
    fn counts_weekdays_after_the_start() {
        let c = plain();
        assert_eq!(c.between(d("2026-11-23"), d("2026-11-23")), 0);
        assert_eq!(c.between(d("2026-11-23"), d("2026-11-24")), 1);
        assert_eq!(c.between(d("2026-11-23"), d("2026-11-27")), 4);
        assert_eq!(
            c.between(d("2026-11-23"), d("2026-11-29")),
            4,
            "the weekend adds nothing"
        );
        assert_eq!(c.between(d("2026-11-23"), d("2026-11-30")), 5);
        assert_eq!(
            c.between(d("2026-11-27"), d("2026-11-30")),
            1,
            "Friday to Monday is one"
        );
        assert_eq!(
            c.between(d("2026-11-28"), d("2026-11-29")),
            0,
            "Saturday to Sunday is none"
        );
        assert_eq!(c.between(d("2026-11-23"), d("2026-12-21")), 20);
        assert_eq!(c.between(d("2026-11-30"), d("2026-11-23")), 0, "backwards is none");
    }

    #[test]
    fn adds_working_days_skipping_weekends() {
        let c = plain();
        assert_eq!(c.add(d("2026-11-23"), 0), d("2026-11-23"));
        assert_eq!(c.add(d("2026-11-23"), 2), d("2026-11-25"));
        assert_eq!(c.add(d("2026-11-26"), 2), d("2026-11-30"), "Thursday + 2 is Monday");
        assert_eq!(
            c.add(d("2026-11-28"), 1),
            d("2026-11-30"),
            "from Saturday the first is Monday"
        );
        assert_eq!(c.add(d("2026-11-27"), 5), d("2026-12-04"));
    }

    /// National Day 2026: 1–7 October off, Saturday 10 October worked (调休).
    fn national_day() -> WorkCalendar {
        parse_calendar("# 国庆节\n2026-10-01~2026-10-07 休 国庆节\n\n2026-10-10 班 调休").unwrap()
    }

    #[test]
    fn holidays_stop_the_count_and_worked_weekends_add_to_it() {
        let c = national_day();
        assert!(!c.is_working(d("2026-10-05")), "a Monday of the holiday");
        assert!(c.is_working(d("2026-10-10")), "the Saturday worked");
        // Raised on Wednesday 30 September: Thursday 1 to Wednesday 7 October are all off.
        assert_eq!(c.between(d("2026-09-30"), d("2026-10-07")), 0);
        assert_eq!(c.add(d("2026-09-30"), 2), d("2026-10-09"), "Thursday 8 and Friday 9");
        assert_eq!(c.add(d("2026-09-30"), 3), d("2026-10-10"), "then the Saturday worked");
        assert_eq!(c.between(d("2026-09-30"), d("2026-10-12")), 4);
    }

    #[test]
    fn adding_and_counting_agree() {
        for c in [plain(), national_day()] {
            let start = d("2026-09-20");
            for offset in 0..30 {
                let from = start + Days::new(offset);
                for n in 0..12 {
                    let due = c.add(from, n);
                    assert_eq!(c.between(from, due), n, "{from} + {n}");
                }
            }
        }
    }

    #[test]
    fn bad_lines_are_named_by_number() {
        assert_eq!(
            parse_calendar("2026-10-01 休\n2026-13-01 休"),
            Err((2, Problem::NotADate))
        );
        assert_eq!(parse_calendar("2026-10-01 holiday"), Err((1, Problem::UnknownChoice)));
        assert_eq!(parse_calendar("2026-10-01"), Err((1, Problem::UnknownChoice)));
        assert_eq!(
            parse_calendar("2026-10-07~2026-10-01 off"),
            Err((1, Problem::OutOfRange(1, SPAN_MAX)))
        );
        assert_eq!(
            parse_calendar("2026-01-01..2026-12-31 off"),
            Err((1, Problem::OutOfRange(1, SPAN_MAX)))
        );
        assert_eq!(parse_calendar(" \n# nothing\n"), Ok(WorkCalendar::default()));
    }

    #[test]
    fn the_text_reads_back_the_same() {
        let c = national_day();
        assert_eq!(parse_calendar(&c.to_text()), Ok(c));
    }
}
