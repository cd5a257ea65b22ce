//! iCalendar (RFC 5545) text for the calendar feed: escaping, line folding and the two kinds of
//! event the feed holds (timed meetings, all-day deadlines).

use chrono::{DateTime, NaiveDate, Utc};

pub enum When {
    At(DateTime<Utc>, DateTime<Utc>),
    Day(NaiveDate),
}

pub struct Event {
    pub uid: String,
    pub when: When,
    pub summary: String,
    pub location: Option<String>,
    pub description: Option<String>,
    /// The page the event is about.
    pub url: Option<String>,
}

/// Escapes text values: backslash, semicolon, comma and newlines.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// Folds a content line at 75 octets without splitting a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
    out
}

pub fn calendar(name: &str, stamp: DateTime<Utc>, events: &[Event]) -> String {
    let mut lines = vec![
        "BEGIN:VCALENDAR".to_string(),
        "VERSION:2.0".into(),
        "PRODID:-//Zhuanban//项目专班//ZH".into(),
        "CALSCALE:GREGORIAN".into(),
        format!("X-WR-CALNAME:{}", escape(name)),
    ];
    let utc = |t: &DateTime<Utc>| t.format("%Y%m%dT%H%M%SZ").to_string();
    for e in events {
        lines.push("BEGIN:VEVENT".into());
        lines.push(format!("UID:{}", e.uid));
        lines.push(format!("DTSTAMP:{}", utc(&stamp)));
        match &e.when {
            When::At(start, end) => {
                lines.push(format!("DTSTART:{}", utc(start)));
                lines.push(format!("DTEND:{}", utc(end)));
            }
            When::Day(day) => {
                lines.push(format!("DTSTART;VALUE=DATE:{}", day.format("%Y%m%d")));
                lines.push(format!(
                    "DTEND;VALUE=DATE:{}",
                    (*day + chrono::Duration::days(1)).format("%Y%m%d")
                ));
            }
        }
        lines.push(format!("SUMMARY:{}", escape(&e.summary)));
        if let Some(l) = &e.location {
            lines.push(format!("LOCATION:{}", escape(l)));
        }
        if let Some(d) = &e.description {
            lines.push(format!("DESCRIPTION:{}", escape(d)));
        }
        if let Some(u) = &e.url {
            lines.push(format!("URL:{u}"));
        }
        // A deadline is a reminder, not an appointment: the day stays free in the calendar.
        if matches!(e.when, When::Day(_)) {
            lines.push("TRANSP:TRANSPARENT".into());
        }
        lines.push("END:VEVENT".into());
    }
    lines.push("END:VCALENDAR".into());
    lines.iter().map(|l| fold(l)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_long_lines_fold_on_character_boundaries() {
        assert_eq!(escape("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let folded = fold(&format!("SUMMARY:{}", "调度".repeat(40)));
        for line in folded.split("\r\n").filter(|l| !l.is_empty()) {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        assert_eq!(
            folded.replace("\r\n ", "").trim_end(),
            format!("SUMMARY:{}", "调度".repeat(40))
        );
    }

    #[test]
    fn a_calendar_holds_timed_and_all_day_events() {
        let at = DateTime::parse_from_rfc3339("2026-11-30T01:00:00Z").unwrap().to_utc();
        let events = [
            Event {
                uid: "m1@zhuanban".into(),
                when: When::At(at, at + chrono::Duration::hours(2)),
                summary: "每周调度会".into(),
                location: Some("县政府".into()),
                description: None,
                url: Some("https://zb.example.gov.cn/meetings/1".into()),
            },
            Event {
                uid: "i1@zhuanban".into(),
                when: When::Day(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()),
                summary: "期限：用地预审".into(),
                location: None,
                description: Some("祺祥项目，县自然资源局".into()),
                url: None,
            },
        ];
        let text = calendar("项目专班", at, &events);
        assert!(text.starts_with("BEGIN:VCALENDAR\r\n") && text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.contains("DTSTART:20261130T010000Z\r\n") && text.contains("DTEND:20261130T030000Z\r\n"));
        assert!(text.contains("DTSTART;VALUE=DATE:20261201\r\nDTEND;VALUE=DATE:20261202\r\n"));
        assert_eq!(text.matches("BEGIN:VEVENT").count(), 2);
        assert!(text.contains("URL:https://zb.example.gov.cn/meetings/1\r\n"));
        assert!(
            text.contains("DESCRIPTION:祺祥项目\\，县自然资源局\r\n")
                || text.contains("DESCRIPTION:祺祥项目，县自然资源局\r\n")
        );
        assert_eq!(
            text.matches("TRANSP:TRANSPARENT").count(),
            1,
            "the deadline leaves the day free; the meeting keeps its time busy"
        );
    }
}
