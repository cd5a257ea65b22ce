//! Checking what people type: each check names its problem, so forms can say which field is
//! wrong and keep what was typed.

use chrono::NaiveDate;
use serde::Serialize;

/// What is wrong with one field.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Problem {
    Required,
    TooLong(usize),
    NotADate,
    NotANumber,
    UnknownUnit,
    UnknownChoice,
    BadInvestmentCode,
    DateInFuture,
    DateInPast,
    StageNotLater,
    TakenName,
    BadCharacters,
    ReasonRequired,
    ClosedItem,
    OutOfRange(i64, i64),
    NotAWebAddress,
    /// Not an amount of 万元: digits with at most two decimals, not negative.
    NotAnAmount,
    /// The twelve monthly amounts do not add up to the year's plan.
    MonthsDoNotAddUp,
    /// A value the database's own rule refused, which no rule of the form caught first.
    NotAccepted,
}

/// Problems by field name, in form order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldErrors(pub Vec<(&'static str, Problem)>);

impl FieldErrors {
    pub fn add(&mut self, field: &'static str, problem: Problem) {
        self.0.push((field, problem));
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn get(&self, field: &str) -> Option<Problem> {
        self.0.iter().find(|(f, _)| *f == field).map(|(_, p)| *p)
    }

    /// Records the problem of `result` under `field`, returning its value if there was none.
    pub fn check<T>(&mut self, field: &'static str, result: Result<T, Problem>) -> Option<T> {
        result.map_err(|p| self.add(field, p)).ok()
    }
}

/// Whether a checkbox's value says it is ticked: present and not "", "false" or "0".
pub fn ticked(value: &str) -> bool {
    !matches!(value, "" | "false" | "0")
}

/// A checkbox field read from a form ([`ticked`]) or from JSON (`true`/`false`).
pub fn checkbox<'de, D: serde::Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Sent {
        Flag(bool),
        Text(String),
    }
    Ok(match <Sent as serde::Deserialize>::deserialize(d)? {
        Sent::Flag(b) => b,
        Sent::Text(t) => ticked(&t),
    })
}

/// Trimmed, non-empty text of at most `max` characters (NUL characters are refused: PostgreSQL
/// cannot store them in text).
pub fn required_text(value: &str, max: usize) -> Result<String, Problem> {
    match optional_text(value, max)? {
        Some(v) => Ok(v),
        None => Err(Problem::Required),
    }
}

/// Like [`required_text`], but empty means "none". Text of nothing but [`BLANK`] characters
/// (white space, and invisible ones: zero-width spaces, joiners, direction marks, a byte-order
/// mark) is empty too: it would show as a blank title. The limit counts the text as sent, before
/// trimming, as a form field's `maxlength` and the API's `maxLength` do. Line breaks are stored
/// as `\n` whoever sent them (a browser's form sends `\r\n`, a script `\n`).
pub fn optional_text(value: &str, max: usize) -> Result<Option<String>, Problem> {
    if value.chars().count() > max {
        return Err(Problem::TooLong(max));
    }
    let v = value.trim();
    if v.chars().all(blank) {
        return Ok(None);
    }
    if v.contains('\0') {
        return Err(Problem::BadCharacters);
    }
    Ok(Some(if v.contains('\r') {
        v.replace("\r\n", "\n").replace('\r', "\n")
    } else {
        v.to_string()
    }))
}

/// The characters that take no room on the page, as ranges: every white-space character
/// (`char::is_whitespace`, what `trim` removes) and the invisible format characters.
pub const BLANK: [(char, char); 13] = [
    ('\u{0009}', '\u{000D}'),
    (' ', ' '),
    ('\u{0085}', '\u{0085}'),
    ('\u{00A0}', '\u{00A0}'),
    ('\u{00AD}', '\u{00AD}'),
    ('\u{1680}', '\u{1680}'),
    ('\u{180E}', '\u{180E}'),
    ('\u{2000}', '\u{200F}'),
    ('\u{2028}', '\u{202F}'),
    ('\u{205F}', '\u{2064}'),
    ('\u{2066}', '\u{2069}'),
    ('\u{3000}', '\u{3000}'),
    ('\u{FEFF}', '\u{FEFF}'),
];

fn blank(c: char) -> bool {
    BLANK.iter().any(|(from, to)| (*from..=*to).contains(&c))
}

/// The JSON Schema pattern of text that must show something: no NUL, and a character outside
/// [`BLANK`]. The API's schemas spell it out (attributes take literals); the contract test holds
/// them to this.
pub fn visible_text_pattern() -> String {
    let class: String = BLANK
        .iter()
        .map(|(from, to)| {
            let u = |c: &char| format!("\\u{:04X}", *c as u32);
            if from == to {
                u(from)
            } else {
                format!("{}-{}", u(from), u(to))
            }
        })
        .collect();
    format!("^[^\\u0000]*[^\\u0000{class}][^\\u0000]*$")
}

/// Names typed one per line (invitees, attendees): each trimmed, blank lines dropped, each at most
/// `max` characters; a longer line or one with a NUL is refused, never cut or dropped.
pub fn name_lines(value: &str, max: usize) -> Result<Vec<String>, Problem> {
    value
        .lines()
        .filter_map(|line| optional_text(line, max).transpose())
        .collect()
}

/// A real calendar date written `YYYY-MM-DD` (what `<input type=date>` sends).
pub fn date(value: &str) -> Result<NaiveDate, Problem> {
    optional_date(value)?.ok_or(Problem::Required)
}

pub fn optional_date(value: &str) -> Result<Option<NaiveDate>, Problem> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let parsed = NaiveDate::parse_from_str(v, "%Y-%m-%d").map_err(|_| Problem::NotADate)?;
    // Years outside this range are typing slips, and would not survive a spreadsheet either.
    if !(1990..=2200).contains(&chrono::Datelike::year(&parsed)) {
        return Err(Problem::NotADate);
    }
    Ok(Some(parsed))
}

/// A local date and time as `<input type=datetime-local>` sends it (`YYYY-MM-DDTHH:MM`).
pub fn local_datetime(value: &str) -> Result<chrono::NaiveDateTime, Problem> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Problem::Required);
    }
    let parsed = chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M")
        .or_else(|_| chrono::NaiveDateTime::parse_from_str(v, "%Y-%m-%dT%H:%M:%S"))
        .map_err(|_| Problem::NotADate)?;
    if !(1990..=2200).contains(&chrono::Datelike::year(&parsed)) {
        return Err(Problem::NotADate);
    }
    Ok(parsed)
}

/// A whole, non-negative number (investment in 万元), or none.
pub fn optional_amount(value: &str) -> Result<Option<i64>, Problem> {
    let v = value.trim().replace([',', '，'], "");
    if v.is_empty() {
        return Ok(None);
    }
    const MAX: i64 = 1_000_000_000;
    match v.parse::<i64>() {
        Ok(n) if (0..=MAX).contains(&n) => Ok(Some(n)),
        // Negative: "a whole number not below 0" says it; too large says the range.
        Ok(n) if n > MAX => Err(Problem::OutOfRange(0, MAX)),
        // Digits too many for a number are a number out of range too.
        Err(_) if v.chars().all(|c| c.is_ascii_digit()) => Err(Problem::OutOfRange(0, MAX)),
        _ => Err(Problem::NotANumber),
    }
}

/// A whole number from `min` to `max`.
pub fn int_in_range(value: &str, min: i64, max: i64) -> Result<i64, Problem> {
    let v = value.trim();
    if v.is_empty() {
        return Err(Problem::Required);
    }
    match v.parse::<i64>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(Problem::OutOfRange(min, max)),
    }
}

/// The national investment project code (项目代码): `YYYY-RRRRRR-II-TT-NNNNNN`, 24 characters:
/// year, 6-digit region code, 2-digit industry code, 2-digit type code, 6-digit serial.
pub fn optional_investment_code(value: &str) -> Result<Option<String>, Problem> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    let groups: Vec<&str> = v.split('-').collect();
    let lengths: Vec<usize> = groups.iter().map(|g| g.len()).collect();
    let digits = groups.iter().all(|g| g.chars().all(|c| c.is_ascii_digit()));
    if lengths == [4, 6, 2, 2, 6] && digits {
        Ok(Some(v.to_string()))
    } else {
        Err(Problem::BadInvestmentCode)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_breaks_are_stored_one_way_whoever_sent_them() {
        for sent in ["一行\r\n二行\r\n三行", "一行\n二行\n三行", "一行\r二行\r\n三行"] {
            assert_eq!(
                optional_text(sent, 100),
                Ok(Some("一行\n二行\n三行".into())),
                "{sent:?}"
            );
        }
        assert_eq!(optional_text("\r\n", 100), Ok(None));
    }

    #[test]
    fn blank_holds_every_white_space_character() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            if c.is_whitespace() {
                assert!(blank(c), "{:04X} is white space", c as u32);
            }
        }
        assert!(!blank('a') && !blank('字') && !blank('\u{2065}') && !blank('\u{0084}'));
        assert!(visible_text_pattern().starts_with("^[^\\u0000]*[^\\u0000\\u0009-\\u000D\\u0020"));
    }

    #[test]
    fn text_of_invisible_characters_only_is_empty() {
        for blank in ["\u{200B}", " \u{200B}\u{FEFF} ", "\u{200E}\u{2060}", "\u{00AD}"] {
            assert_eq!(required_text(blank, 10), Err(Problem::Required), "{blank:?}");
            assert_eq!(optional_text(blank, 10), Ok(None), "{blank:?}");
        }
        // Invisible characters inside visible text are kept as typed.
        assert_eq!(required_text("用地\u{200B}预审", 10), Ok("用地\u{200B}预审".into()));
    }

    #[test]
    fn name_lines_are_refused_rather_than_cut_or_dropped() {
        assert_eq!(
            name_lines(" 张华 \n\n李明\r\n", 100),
            Ok(vec!["张华".into(), "李明".into()])
        );
        assert_eq!(name_lines(&"长".repeat(100), 100), Ok(vec!["长".repeat(100)]));
        assert_eq!(
            name_lines(&format!("张华\n{}", "长".repeat(101)), 100),
            Err(Problem::TooLong(100))
        );
        assert_eq!(name_lines("张华\n坏\0字", 100), Err(Problem::BadCharacters));
        assert_eq!(name_lines("", 100), Ok(vec![]));
    }

    #[test]
    fn an_amount_too_large_says_its_range() {
        assert_eq!(optional_amount("1,000,000,000"), Ok(Some(1_000_000_000)));
        assert_eq!(
            optional_amount("1000000001"),
            Err(Problem::OutOfRange(0, 1_000_000_000))
        );
        assert_eq!(
            optional_amount("99999999999999999999999"),
            Err(Problem::OutOfRange(0, 1_000_000_000))
        );
        assert_eq!(optional_amount("-5"), Err(Problem::NotANumber), "says: not below 0");
        assert_eq!(optional_amount("二十"), Err(Problem::NotANumber));
        assert_eq!(optional_amount("-"), Err(Problem::NotANumber));
    }

    #[test]
    fn text_is_trimmed_and_limited() {
        assert_eq!(required_text("  用地预审 ", 10), Ok("用地预审".into()));
        assert_eq!(required_text("   ", 10), Err(Problem::Required));
        assert_eq!(required_text(&"字".repeat(10), 10), Ok("字".repeat(10)));
        assert_eq!(required_text(&"字".repeat(11), 10), Err(Problem::TooLong(10)));
        // As sent: the blanks around count too, as `maxlength` counts them.
        assert_eq!(
            required_text(&format!("{} ", "字".repeat(10)), 10),
            Err(Problem::TooLong(10))
        );
        assert_eq!(optional_text("", 10), Ok(None));
        assert!(required_text("a\0b", 10).is_err());
    }

    #[test]
    fn dates_must_be_real() {
        assert_eq!(date("2026-11-30").unwrap().to_string(), "2026-11-30");
        assert_eq!(date("2026-02-30"), Err(Problem::NotADate));
        assert_eq!(date("30/11/2026"), Err(Problem::NotADate));
        assert_eq!(date("0026-11-30"), Err(Problem::NotADate));
        assert_eq!(date(""), Err(Problem::Required));
        assert_eq!(optional_date(" "), Ok(None));
    }

    #[test]
    fn local_times_come_from_datetime_inputs() {
        assert_eq!(
            local_datetime("2026-11-30T09:00").unwrap().to_string(),
            "2026-11-30 09:00:00"
        );
        assert_eq!(local_datetime("2026-11-30 09:00"), Err(Problem::NotADate));
        assert_eq!(local_datetime("2026-02-30T09:00"), Err(Problem::NotADate));
        assert_eq!(local_datetime(""), Err(Problem::Required));
    }

    #[test]
    fn amounts_are_whole_and_not_negative() {
        assert_eq!(optional_amount("200,000"), Ok(Some(200_000)));
        assert_eq!(optional_amount("0"), Ok(Some(0)));
        assert_eq!(optional_amount("-1"), Err(Problem::NotANumber));
        assert_eq!(optional_amount("1.5"), Err(Problem::NotANumber));
        assert_eq!(optional_amount(""), Ok(None));
    }

    #[test]
    fn numbers_in_range_include_their_bounds() {
        assert_eq!(int_in_range("0", 0, 365), Ok(0));
        assert_eq!(int_in_range(" 365 ", 0, 365), Ok(365));
        assert_eq!(int_in_range("366", 0, 365), Err(Problem::OutOfRange(0, 365)));
        assert_eq!(int_in_range("-1", 0, 365), Err(Problem::OutOfRange(0, 365)));
        assert_eq!(int_in_range("七", 0, 365), Err(Problem::OutOfRange(0, 365)));
        assert_eq!(int_in_range("", 0, 365), Err(Problem::Required));
    }

    #[test]
    fn investment_codes_have_the_national_shape() {
        assert_eq!(
            optional_investment_code("2023-360725-30-03-012345"),
            Ok(Some("2023-360725-30-03-012345".into()))
        );
        for bad in [
            "2023-360725-30-03-01234",
            "2023-36072A-30-03-012345",
            "2023360725300301234500",
        ] {
            assert_eq!(optional_investment_code(bad), Err(Problem::BadInvestmentCode), "{bad}");
        }
        assert_eq!(optional_investment_code(""), Ok(None));
    }

    #[test]
    fn field_errors_remember_the_first_problem_of_a_field() {
        let mut e = FieldErrors::default();
        assert_eq!(e.check("title", required_text("", 5)), None);
        assert_eq!(e.check("note", optional_text("ok", 5)), Some(Some("ok".into())));
        assert_eq!(e.get("title"), Some(Problem::Required));
        assert_eq!(e.get("note"), None);
    }
}
