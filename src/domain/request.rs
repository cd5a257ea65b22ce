//! Investors' requests (企业诉求) and the help-and-proxy service levels: what a valid request is,
//! where it stands, and whether the task force kept its promise of working days.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::checklist::{Category, TEXT_MAX, TITLE_MAX};
use super::input::{self, FieldErrors, Problem};
use super::status::ItemState;
use super::working_days::WorkCalendar;

/// The triage decision, as stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    Pending,
    Accepted,
    Declined,
}

impl RequestState {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Pending => "pending",
            RequestState::Accepted => "accepted",
            RequestState::Declined => "declined",
        }
    }

    pub fn parse(s: &str) -> Option<RequestState> {
        [RequestState::Pending, RequestState::Accepted, RequestState::Declined]
            .into_iter()
            .find(|x| x.as_str() == s)
    }
}

/// Where a request stands for the investor: the triage decision and, once accepted, its item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Standing {
    /// Waiting for the task force to accept or decline it.
    Pending,
    Declined,
    /// Accepted; its item is open.
    InProgress,
    /// Its item is done (销号).
    Resolved,
    /// Its item was cancelled.
    Withdrawn,
}

impl Standing {
    pub const ALL: [Standing; 5] = [
        Standing::Pending,
        Standing::Declined,
        Standing::InProgress,
        Standing::Resolved,
        Standing::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Standing::Pending => "pending",
            Standing::Declined => "declined",
            Standing::InProgress => "in_progress",
            Standing::Resolved => "resolved",
            Standing::Withdrawn => "withdrawn",
        }
    }
}

pub fn standing(state: RequestState, item: Option<ItemState>) -> Standing {
    match (state, item) {
        (RequestState::Pending, _) => Standing::Pending,
        (RequestState::Declined, _) => Standing::Declined,
        (RequestState::Accepted, Some(ItemState::Done)) => Standing::Resolved,
        (RequestState::Accepted, Some(ItemState::Cancelled)) => Standing::Withdrawn,
        (RequestState::Accepted, _) => Standing::InProgress,
    }
}

/// The promise, in working days: triage within `triage_days` of the request, resolution within
/// `resolve_days` of its acceptance (settings; 2 and 5 by default).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServiceLevel {
    pub triage_days: i64,
    pub resolve_days: i64,
    /// Which days count.
    pub calendar: WorkCalendar,
}

/// The dates of one request that its service level is judged on (county calendar days).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Dates {
    pub submitted: NaiveDate,
    pub triaged: Option<NaiveDate>,
    /// The day its item was closed or cancelled.
    pub item_closed: Option<NaiveDate>,
}

/// How a request fares against its service level on `today`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timing {
    /// The last day of triage within the promise.
    pub triage_by: NaiveDate,
    /// Working days waited for triage (so far, while pending).
    pub waited: i64,
    pub triage_late: bool,
    /// The last day of resolution within the promise, once accepted.
    pub resolve_by: Option<NaiveDate>,
    pub resolve_late: bool,
}

impl Timing {
    pub fn late(&self) -> bool {
        self.triage_late || self.resolve_late
    }
}

pub fn timing(state: RequestState, dates: Dates, today: NaiveDate, level: &ServiceLevel) -> Timing {
    let calendar = &level.calendar;
    let triage_by = calendar.add(dates.submitted, level.triage_days);
    let triaged_or_today = dates.triaged.unwrap_or(today);
    let resolve_by = match state {
        RequestState::Accepted => dates.triaged.map(|t| calendar.add(t, level.resolve_days)),
        _ => None,
    };
    Timing {
        triage_by,
        waited: calendar.between(dates.submitted, triaged_or_today),
        triage_late: triaged_or_today > triage_by,
        resolve_by,
        resolve_late: resolve_by.is_some_and(|by| dates.item_closed.unwrap_or(today) > by),
    }
}

/// The day a request accepted on `today` is promised to be resolved by.
pub fn promised_resolution(today: NaiveDate, level: &ServiceLevel) -> NaiveDate {
    level.calendar.add(today, level.resolve_days)
}

/// Whether an item's deadline lets its request break the promise (accepted, not refused: the
/// task force may know better, but is told).
pub fn deadline_breaks_promise(deadline: NaiveDate, today: NaiveDate, level: &ServiceLevel) -> bool {
    deadline > promised_resolution(today, level)
}

/// What a pending request's triage deadline calls for on `today`: a reminder on the working day
/// before it (and on the day itself, for a reminder that could not be sent the day before), a
/// warning once it has passed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TriageReminder {
    Due,
    Late,
}

pub fn triage_reminder(triage_by: NaiveDate, today: NaiveDate, calendar: &WorkCalendar) -> Option<TriageReminder> {
    if today > triage_by {
        Some(TriageReminder::Late)
    } else if calendar.add(today, 1) >= triage_by {
        Some(TriageReminder::Due)
    } else {
        None
    }
}

/// A request's figures for a task force or a unit: how many, how many wait, how many broke the
/// service level, and the investors' ratings of the help.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Figures {
    pub total: i64,
    pub pending: i64,
    pub late: i64,
    pub rated: i64,
    pub rating_sum: i64,
}

impl Figures {
    pub fn add(&mut self, state: RequestState, timing: Timing, rating: Option<i16>) {
        self.total += 1;
        self.pending += i64::from(state == RequestState::Pending);
        self.late += i64::from(timing.late());
        if let Some(r) = rating {
            self.rated += 1;
            self.rating_sum += i64::from(r);
        }
    }

    /// The mean rating with one decimal ("4.5"), when any.
    pub fn rating(&self) -> Option<String> {
        (self.rated > 0).then(|| format!("{:.1}", self.rating_sum as f64 / self.rated as f64))
    }
}

/// A request as typed by the investor, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestDraft {
    pub title: String,
    pub body: Option<String>,
    pub wished_on: Option<NaiveDate>,
    pub category: Category,
}

/// The raw fields of the request form or API body.
#[derive(Clone, Debug, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequestFields {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub wished_date: String,
    #[serde(default)]
    pub category: String,
}

impl RequestDraft {
    /// A wished-for date must not be in the past: help cannot be wished for yesterday.
    pub fn parse(f: &RequestFields, today: NaiveDate) -> Result<RequestDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let title = e.check("title", input::required_text(&f.title, TITLE_MAX));
        let body = e.check("body", input::optional_text(&f.body, TEXT_MAX));
        let wished_on = e.check(
            "wished_date",
            input::optional_date(&f.wished_date).and_then(|d| match d {
                Some(d) if d < today => Err(Problem::DateInPast),
                d => Ok(d),
            }),
        );
        let category = if f.category.trim().is_empty() {
            Some(Category::Other)
        } else {
            e.check(
                "category",
                Category::parse(f.category.trim()).ok_or(Problem::UnknownChoice),
            )
        };
        match (title, body, wished_on, category) {
            (Some(title), Some(body), Some(wished_on), Some(category)) if e.is_empty() => Ok(RequestDraft {
                title,
                body,
                wished_on,
                category,
            }),
            _ => Err(e),
        }
    }
}

pub const REASON_MAX: usize = 2000;

/// Declining needs a reason the investor can read.
pub fn decline_reason(value: &str) -> Result<String, Problem> {
    input::required_text(value, REASON_MAX)
}

/// The investor's rating of the help: 1 to 5 with an optional comment.
pub fn rating(score: &str, comment: &str) -> Result<(i16, Option<String>), FieldErrors> {
    let mut e = FieldErrors::default();
    let score = e.check("rating", input::int_in_range(score, 1, 5));
    let comment = e.check("comment", input::optional_text(comment, REASON_MAX));
    match (score, comment) {
        (Some(s), Some(c)) if e.is_empty() => Ok((s as i16, c)),
        _ => Err(e),
    }
}

/// Only a resolved request is rated, and only once.
pub fn may_rate(standing: Standing, already_rated: bool) -> bool {
    standing == Standing::Resolved && !already_rated
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn level() -> ServiceLevel {
        ServiceLevel {
            triage_days: 2,
            resolve_days: 5,
            calendar: WorkCalendar::default(),
        }
    }

    #[test]
    fn an_items_deadline_after_the_promised_resolution_is_flagged() {
        // Accepted Monday 2026-11-23 with five working days: resolved by Monday 2026-11-30.
        let today = d("2026-11-23");
        assert_eq!(promised_resolution(today, &level()), d("2026-11-30"));
        assert!(
            !deadline_breaks_promise(d("2026-11-30"), today, &level()),
            "the promised day itself"
        );
        assert!(deadline_breaks_promise(d("2026-12-01"), today, &level()));
    }

    #[test]
    fn triage_is_reminded_the_working_day_before_its_deadline_and_flagged_after_it() {
        let calendar = WorkCalendar::default();
        // Raised on Thursday 2026-11-26 with two working days: triage by Monday 2026-11-30.
        let by = calendar.add(d("2026-11-26"), 2);
        assert_eq!(by, d("2026-11-30"));
        let on = |today: &str| triage_reminder(by, d(today), &calendar);
        assert_eq!(on("2026-11-26"), None);
        // Friday is the working day before Monday: the weekend does not count.
        assert_eq!(on("2026-11-27"), Some(TriageReminder::Due));
        assert_eq!(on("2026-11-28"), Some(TriageReminder::Due));
        assert_eq!(on("2026-11-30"), Some(TriageReminder::Due), "the last day itself");
        assert_eq!(on("2026-12-01"), Some(TriageReminder::Late));
        // A Friday made a holiday moves the reminder to Thursday.
        let holiday = WorkCalendar::new([(d("2026-11-27"), false)]);
        let by = holiday.add(d("2026-11-25"), 2);
        assert_eq!(by, d("2026-11-30"));
        assert_eq!(triage_reminder(by, d("2026-11-25"), &holiday), None);
        assert_eq!(
            triage_reminder(by, d("2026-11-26"), &holiday),
            Some(TriageReminder::Due)
        );
    }

    // 2026-11-23 is a Monday.
    fn pending_on(submitted: &str, today: &str) -> Timing {
        let dates = Dates {
            submitted: d(submitted),
            triaged: None,
            item_closed: None,
        };
        timing(RequestState::Pending, dates, d(today), &level())
    }

    #[test]
    fn triage_is_late_only_after_the_promised_working_days() {
        let on_limit = pending_on("2026-11-23", "2026-11-25");
        assert_eq!((on_limit.waited, on_limit.triage_late), (2, false));
        assert_eq!(on_limit.triage_by, d("2026-11-25"));
        let past = pending_on("2026-11-23", "2026-11-26");
        assert_eq!((past.waited, past.triage_late), (3, true));
        // Thursday's request may wait over the weekend until Monday.
        let weekend = pending_on("2026-11-26", "2026-11-30");
        assert_eq!((weekend.waited, weekend.triage_late), (2, false));
        assert!(pending_on("2026-11-26", "2026-12-01").late());
    }

    #[test]
    fn triage_in_time_stays_in_time_and_resolution_counts_from_acceptance() {
        let dates = Dates {
            submitted: d("2026-11-23"),
            triaged: Some(d("2026-11-24")),
            item_closed: None,
        };
        let t = timing(RequestState::Accepted, dates, d("2026-12-01"), &level());
        assert_eq!((t.waited, t.triage_late), (1, false));
        assert_eq!(t.resolve_by, Some(d("2026-12-01")));
        assert!(!t.resolve_late, "the fifth working day is still in time");
        let t = timing(RequestState::Accepted, dates, d("2026-12-02"), &level());
        assert!(t.resolve_late && t.late());
        let closed = Dates {
            item_closed: Some(d("2026-11-30")),
            ..dates
        };
        let t = timing(RequestState::Accepted, closed, d("2027-01-10"), &level());
        assert!(!t.late(), "closed in time stays in time");
    }

    #[test]
    fn late_triage_stays_late_and_declined_requests_have_no_resolution_promise() {
        let dates = Dates {
            submitted: d("2026-11-23"),
            triaged: Some(d("2026-11-27")),
            item_closed: None,
        };
        let t = timing(RequestState::Declined, dates, d("2027-01-10"), &level());
        assert!(t.triage_late);
        assert_eq!(t.waited, 4);
        assert_eq!((t.resolve_by, t.resolve_late), (None, false));
    }

    #[test]
    fn standing_follows_the_item() {
        use ItemState::*;
        assert_eq!(standing(RequestState::Pending, None), Standing::Pending);
        assert_eq!(standing(RequestState::Declined, None), Standing::Declined);
        assert_eq!(standing(RequestState::Accepted, Some(Open)), Standing::InProgress);
        assert_eq!(standing(RequestState::Accepted, Some(Done)), Standing::Resolved);
        assert_eq!(standing(RequestState::Accepted, Some(Cancelled)), Standing::Withdrawn);
        assert!(may_rate(Standing::Resolved, false));
        assert!(!may_rate(Standing::Resolved, true));
        assert!(!may_rate(Standing::InProgress, false));
    }

    #[test]
    fn figures_count_waiting_late_and_mean_rating() {
        let mut f = Figures::default();
        assert_eq!(f.rating(), None);
        f.add(RequestState::Pending, pending_on("2026-11-23", "2026-11-30"), None);
        f.add(RequestState::Accepted, pending_on("2026-11-23", "2026-11-24"), Some(5));
        f.add(RequestState::Accepted, pending_on("2026-11-23", "2026-11-24"), Some(4));
        assert_eq!((f.total, f.pending, f.late, f.rated), (3, 1, 1, 2));
        assert_eq!(f.rating().as_deref(), Some("4.5"));
    }

    fn fields(title: &str, wished: &str, category: &str) -> RequestFields {
        RequestFields {
            title: title.into(),
            body: String::new(),
            wished_date: wished.into(),
            category: category.into(),
        }
    }

    #[test]
    fn a_request_needs_a_matter_and_a_date_not_in_the_past() {
        let today = d("2026-11-25");
        let ok = RequestDraft::parse(&fields(" 电网接入 ", "2026-11-25", "utilities"), today).unwrap();
        assert_eq!(ok.title, "电网接入");
        assert_eq!(ok.category, Category::Utilities);
        assert_eq!(ok.wished_on, Some(today));
        let ok = RequestDraft::parse(&fields("电网接入", "", ""), today).unwrap();
        assert_eq!((ok.wished_on, ok.category), (None, Category::Other));
        let e = RequestDraft::parse(&fields("", "2026-11-24", "power"), today).unwrap_err();
        assert_eq!(e.get("title"), Some(Problem::Required));
        assert_eq!(e.get("wished_date"), Some(Problem::DateInPast));
        assert_eq!(e.get("category"), Some(Problem::UnknownChoice));
        let long = "长".repeat(TITLE_MAX + 1);
        let e = RequestDraft::parse(&fields(&long, "", ""), today).unwrap_err();
        assert_eq!(e.get("title"), Some(Problem::TooLong(TITLE_MAX)));
    }

    #[test]
    fn ratings_are_one_to_five_and_reasons_are_required() {
        assert_eq!(rating("5", " 很好 "), Ok((5, Some("很好".into()))));
        assert_eq!(rating("1", ""), Ok((1, None)));
        assert_eq!(
            rating("0", "").unwrap_err().get("rating"),
            Some(Problem::OutOfRange(1, 5))
        );
        assert_eq!(
            rating("6", "").unwrap_err().get("rating"),
            Some(Problem::OutOfRange(1, 5))
        );
        assert!(rating("x", "").is_err());
        assert_eq!(decline_reason("  "), Err(Problem::Required));
        assert_eq!(decline_reason("不属于县级事权").as_deref(), Ok("不属于县级事权"));
    }
}
