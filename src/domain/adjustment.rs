//! An official's adjustments to what the rules compute, each with a reason and a last day:
//! an **exemption** (不可抗力, 政策调整) keeps an item out of the lists, notices and its project's
//! colour while it lasts (the item keeps its own colour, marked); an **override** sets a
//! project's colour while it lasts (the computed colour stays beside it). Both end by themselves.

use chrono::NaiveDate;

use super::input::{self, FieldErrors, Problem};
use super::status::Colour;

/// The longest reason, in characters.
pub const REASON_MAX: usize = 1000;

/// Whether an item counts in lists, notices and its project's colour on `today`: not while it is
/// exempt (through its last day). The SQL twin is `item_counts` (migration 0021).
pub fn counts(exempt_until: Option<NaiveDate>, today: NaiveDate) -> bool {
    exempt_until.is_none_or(|until| until < today)
}

/// Whether an adjustment lasting through `until` is in force on `today`.
pub fn in_force(until: NaiveDate, today: NaiveDate) -> bool {
    today <= until
}

/// A reason and a last day, as an official typed them: `reason` and `until` in the problems.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Adjustment {
    pub reason: String,
    pub until: NaiveDate,
}

impl Adjustment {
    /// The last day may be today but not before it: an adjustment that has ended adjusts nothing.
    pub fn parse(reason: &str, until: &str, today: NaiveDate) -> Result<Adjustment, FieldErrors> {
        let mut e = FieldErrors::default();
        let reason = e.check("reason", input::required_text(reason, REASON_MAX));
        let until = e.check(
            "until",
            input::date(until).and_then(|d| if d < today { Err(Problem::DateInPast) } else { Ok(d) }),
        );
        match (reason, until) {
            (Some(reason), Some(until)) if e.is_empty() => Ok(Adjustment { reason, until }),
            _ => Err(e),
        }
    }
}

/// A project's colour as an official set it (`colour` in the problems, besides the adjustment's).
pub fn parse_override(
    colour: &str,
    reason: &str,
    until: &str,
    today: NaiveDate,
) -> Result<(Colour, Adjustment), FieldErrors> {
    let colour = Colour::parse(colour.trim()).ok_or(Problem::UnknownChoice);
    match (colour, Adjustment::parse(reason, until, today)) {
        (Ok(c), Ok(a)) => Ok((c, a)),
        (c, a) => {
            let mut e = FieldErrors::default();
            if let Err(p) = c {
                e.add("colour", p);
            }
            e.0.extend(a.err().map(|a| a.0).unwrap_or_default());
            Err(e)
        }
    }
}

/// The colour a project shows: the official's while their override lasts, else the computed one;
/// and whether the override decided it.
pub fn shown_colour(computed: Colour, set: Option<(Colour, NaiveDate)>, today: NaiveDate) -> (Colour, bool) {
    match set {
        Some((colour, until)) if in_force(until, today) => (colour, true),
        _ => (computed, false),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn an_exempt_item_counts_again_the_day_after_its_last_day() {
        let today = day("2026-12-07");
        assert!(counts(None, today));
        assert!(!counts(Some(day("2026-12-08")), today));
        assert!(!counts(Some(today), today), "exempt through its last day");
        assert!(counts(Some(day("2026-12-06")), today));
    }

    #[test]
    fn an_adjustment_needs_a_reason_and_a_last_day_from_today() {
        let today = day("2026-12-07");
        assert_eq!(
            Adjustment::parse(" 暴雨停工 ", "2026-12-07", today),
            Ok(Adjustment {
                reason: "暴雨停工".into(),
                until: today
            })
        );
        let e = Adjustment::parse(" ", "2026-12-06", today).unwrap_err();
        assert_eq!(e.get("reason"), Some(Problem::Required));
        assert_eq!(e.get("until"), Some(Problem::DateInPast));
        let e = Adjustment::parse("政策调整", "", today).unwrap_err();
        assert_eq!(e.0, vec![("until", Problem::Required)]);
        let long = "因".repeat(REASON_MAX + 1);
        assert_eq!(
            Adjustment::parse(&long, "2027-01-01", today).unwrap_err().get("reason"),
            Some(Problem::TooLong(REASON_MAX))
        );
    }

    #[test]
    fn an_override_names_a_colour() {
        let today = day("2026-12-07");
        assert_eq!(
            parse_override("red", "领导研判", "2026-12-31", today).map(|(c, _)| c),
            Ok(Colour::Red)
        );
        let e = parse_override("purple", "", "2026-12-31", today).unwrap_err();
        assert_eq!(
            e.0,
            vec![("colour", Problem::UnknownChoice), ("reason", Problem::Required)]
        );
    }

    #[test]
    fn an_override_shows_through_its_last_day_then_the_computed_colour_returns() {
        let set = Some((Colour::Red, day("2026-12-07")));
        assert_eq!(shown_colour(Colour::Green, set, day("2026-12-07")), (Colour::Red, true));
        assert_eq!(
            shown_colour(Colour::Green, set, day("2026-12-08")),
            (Colour::Green, false)
        );
        assert_eq!(
            shown_colour(Colour::Yellow, None, day("2026-12-08")),
            (Colour::Yellow, false)
        );
    }
}
