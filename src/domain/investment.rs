//! Investment against the time line (序时进度) of DOMAIN.md: a project's year plan, the monthly
//! figures its task force reports, and what the office reports upward from them — completion rate,
//! time progress, deviation in percentage points, the investment colour and the start rate.

use std::fmt;
use std::iter::Sum;
use std::ops::Add;

use chrono::{Datelike, NaiveDate};
use uuid::Uuid;

use super::input::Problem;
use super::status::Colour;

/// An amount in 万元 with at most two decimals, kept in hundredths so that sums are exact.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Wan(i64);

impl Wan {
    pub const ZERO: Wan = Wan(0);
    /// A trillion 万元: far above any project, and safe from overflow in any county's sum.
    const MAX_HUNDREDTHS: i64 = 100_000_000_000_000;

    pub fn from_hundredths(h: i64) -> Wan {
        Wan(h)
    }

    /// Whole 万元.
    pub fn whole(w: i64) -> Wan {
        Wan(w * 100)
    }

    pub fn hundredths(self) -> i64 {
        self.0
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / 100.0
    }

    /// 亿元 with one decimal, as the reports upward give county totals ("629.0亿元").
    pub fn yi(self) -> String {
        format!("{:.1}", self.0 as f64 / 1_000_000.0)
    }

    /// A typed amount: digits with at most two decimals, not negative ("1200", "350.5").
    pub fn parse(text: &str) -> Result<Wan, Problem> {
        let t = text.trim().replace([',', '，'], "");
        if t.is_empty() {
            return Err(Problem::Required);
        }
        let (whole, fraction) = t.split_once('.').unwrap_or((&t, ""));
        let digits = |s: &str| s.chars().all(|c| c.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 2 || whole.len() > 13 {
            return Err(Problem::NotAnAmount);
        }
        let cents = format!("{fraction:0<2}").parse::<i64>().unwrap_or(0);
        let h = whole.parse::<i64>().map_err(|_| Problem::NotAnAmount)? * 100 + cents;
        if h > Wan::MAX_HUNDREDTHS {
            return Err(Problem::NotAnAmount);
        }
        Ok(Wan(h))
    }

    /// From a JSON number of 万元: at most two decimals, not negative.
    pub fn from_number(n: f64) -> Result<Wan, Problem> {
        let h = (n * 100.0).round();
        if !n.is_finite() || n < 0.0 || (n * 100.0 - h).abs() > 1e-6 || h > Wan::MAX_HUNDREDTHS as f64 {
            return Err(Problem::NotAnAmount);
        }
        Ok(Wan(h as i64))
    }
}

impl fmt::Display for Wan {
    /// Without needless decimals: "1200", "350.5", "0.05".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (whole, cents) = (self.0 / 100, self.0 % 100);
        match cents {
            0 => write!(f, "{whole}"),
            c if c % 10 == 0 => write!(f, "{whole}.{}", c / 10),
            c => write!(f, "{whole}.{c:02}"),
        }
    }
}

impl Add for Wan {
    type Output = Wan;
    fn add(self, other: Wan) -> Wan {
        Wan(self.0 + other.0)
    }
}

impl Sum for Wan {
    fn sum<I: Iterator<Item = Wan>>(iter: I) -> Wan {
        iter.fold(Wan::ZERO, Add::add)
    }
}

/// A calendar month, the period of a monthly report ("2026-11").
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Month> {
        ((2000..=2100).contains(&year) && (1..=12).contains(&month)).then_some(Month { year, month })
    }

    pub fn of(day: NaiveDate) -> Month {
        Month {
            year: day.year(),
            month: day.month(),
        }
    }

    /// "2026-11".
    pub fn parse(text: &str) -> Option<Month> {
        let (y, m) = text.trim().split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        Month::new(y.parse().ok()?, m.parse().ok()?)
    }

    pub fn year(self) -> i32 {
        self.year
    }

    /// 1 to 12.
    pub fn number(self) -> u32 {
        self.month
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).expect("a checked month")
    }

    pub fn previous(self) -> Month {
        match self.month {
            1 => Month {
                year: self.year - 1,
                month: 12,
            },
            m => Month { month: m - 1, ..self },
        }
    }

    pub fn next(self) -> Month {
        match self.month {
            12 => Month {
                year: self.year + 1,
                month: 1,
            },
            m => Month { month: m + 1, ..self },
        }
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().expect("a day before a month")
    }

    /// The last day its report may come in: the `due_day` of the next month (the 5th by default).
    pub fn report_due(self, due_day: u32) -> NaiveDate {
        let next = self.next();
        NaiveDate::from_ymd_opt(next.year, next.month, due_day.clamp(1, 28)).expect("a day of a month")
    }
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:02}", self.year, self.month)
    }
}

/// The month a county reports now: the one before today's.
pub fn reporting_month(today: NaiveDate) -> Month {
    Month::of(today).previous()
}

/// Days before its due day that a missing report is reminded of.
pub const REMIND_DAYS_BEFORE: i64 = 2;

/// What a task force is told of a month's report not in yet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReportReminder {
    /// Due within `REMIND_DAYS_BEFORE` days (or today).
    Due,
    /// Its due day has passed.
    Late,
}

/// The reminder a month's missing report gets `today`: none while the month runs or while its due
/// day is more than `REMIND_DAYS_BEFORE` days off.
pub fn report_reminder(month: Month, today: NaiveDate, due_day: u32) -> Option<ReportReminder> {
    let due = month.report_due(due_day);
    if today <= month.last_day() {
        None
    } else if today > due {
        Some(ReportReminder::Late)
    } else if (due - today).num_days() <= REMIND_DAYS_BEFORE {
        Some(ReportReminder::Due)
    } else {
        None
    }
}

/// A project's plan for one year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Plan {
    /// 年度计划投资.
    pub annual: Wan,
    /// The twelve months' planned amounts, when the office plans by month; they add up to `annual`.
    pub monthly: Option<[Wan; 12]>,
    /// 计划开工: the month (1–12) construction is planned to start this year.
    pub planned_start_month: Option<u32>,
}

/// Why a plan is refused, by field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanProblem {
    /// The twelve monthly amounts do not add up to the year's plan.
    MonthsDoNotAddUp {
        months: Wan,
        annual: Wan,
    },
    StartMonth,
}

impl Plan {
    pub fn check(&self) -> Result<(), PlanProblem> {
        if let Some(months) = &self.monthly {
            let sum: Wan = months.iter().copied().sum();
            if sum != self.annual {
                return Err(PlanProblem::MonthsDoNotAddUp {
                    months: sum,
                    annual: self.annual,
                });
            }
        }
        if self.planned_start_month.is_some_and(|m| !(1..=12).contains(&m)) {
            return Err(PlanProblem::StartMonth);
        }
        Ok(())
    }

    /// What was planned to be invested through month `through` (1–12): the monthly plan's sum,
    /// or the year's plan spread evenly (m/12 of it).
    pub fn planned_to_date(&self, through: u32) -> f64 {
        let m = through.min(12) as usize;
        match &self.monthly {
            Some(months) => months[..m].iter().copied().sum::<Wan>().as_f64(),
            None => self.annual.as_f64() * m as f64 / 12.0,
        }
    }

    /// 序时进度 through month `through`: m/12, or planned to date ÷ the year's plan with a
    /// monthly plan; none without a plan to measure against (a zero plan).
    pub fn time_progress(&self, through: u32) -> Option<f64> {
        (self.annual > Wan::ZERO).then(|| self.planned_to_date(through) / self.annual.as_f64())
    }
}

/// Completed this year ÷ the year's plan; none without a plan.
pub fn completion_rate(completed: Wan, annual: Wan) -> Option<f64> {
    (annual > Wan::ZERO).then(|| completed.as_f64() / annual.as_f64())
}

/// (rate − time progress) × 100, to one decimal as the reports print it (positive: ahead of the
/// time line, 超过; negative: behind, 落后). Colours are judged on this printed figure, so exactly
/// "落后10.0个百分点" is what it says, not a hair more.
pub fn deviation_points(rate: f64, time_progress: f64) -> f64 {
    ((rate - time_progress) * 1000.0).round() / 10.0
}

/// When a project's investment colours it (settings).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ColourRule {
    /// Yellow when behind the time line by more than this many points (default 10).
    pub yellow_behind: f64,
    /// Red when behind by more than this many points (default 30).
    pub red_behind: f64,
    /// Whether investment colours projects at all.
    pub on: bool,
}

impl Default for ColourRule {
    fn default() -> Self {
        ColourRule {
            yellow_behind: 10.0,
            red_behind: 30.0,
            on: true,
        }
    }
}

/// The investment colour of a deviation; none without one (no plan) or with the rule off.
pub fn investment_colour(deviation: Option<f64>, rule: ColourRule) -> Option<Colour> {
    let behind = -deviation?;
    if !rule.on {
        None
    } else if behind > rule.red_behind {
        Some(Colour::Red)
    } else if behind > rule.yellow_behind {
        Some(Colour::Yellow)
    } else {
        Some(Colour::Green)
    }
}

/// Which of a project's two colours decides its overall colour (or an official's setting, which
/// overrules both while it lasts: domain::adjustment).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Decider {
    Checklist,
    Investment,
    Both,
    Override,
}

/// A project's overall colour: the worse of its checklist colour and its investment colour, and
/// which of them made it so (both when they are equal and not green).
pub fn overall_colour(checklist: Colour, investment: Option<Colour>) -> (Colour, Decider) {
    match investment {
        Some(i) if i > checklist => (i, Decider::Investment),
        Some(i) if i == checklist && i != Colour::Green => (i, Decider::Both),
        _ => (checklist, Decider::Checklist),
    }
}

/// 开工率: started ÷ planned to start; none when none was planned.
pub fn start_rate(planned: usize, started: usize) -> Option<f64> {
    (planned > 0).then(|| started as f64 / planned as f64)
}

/// A project's year as reported: its plan, its confirmed monthly figures (index 0 is January),
/// what it completed in earlier years, and its construction start.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ProjectYear {
    pub plan: Option<Plan>,
    pub months: [Option<Wan>; 12],
    pub before_this_year: Wan,
    /// The actual start of construction, when it has started.
    pub started_on: Option<NaiveDate>,
}

/// Where a project stands through a month.
#[derive(Clone, Debug, PartialEq)]
pub struct Standing {
    /// 1–m月累计完成投资.
    pub completed_this_year: Wan,
    /// Since the project's first report.
    pub completed_since_start: Wan,
    pub rate: Option<f64>,
    pub time_progress: Option<f64>,
    pub deviation: Option<f64>,
    /// None without a plan, with the rule off, or while the month's report is not yet due and
    /// not in: a missing report counts as nothing done only once it is late.
    pub colour: Option<Colour>,
    /// The month's report is in.
    pub reported: bool,
    /// The month's report is owed (there is a plan) and missing past its due day.
    pub late: bool,
    pub planned_to_start: bool,
    pub started: bool,
}

impl ProjectYear {
    /// Its standing through `month` (of the plan's year) as seen on `today`.
    pub fn standing(&self, month: Month, today: NaiveDate, due_day: u32, rule: ColourRule) -> Standing {
        let m = month.number();
        let completed_this_year: Wan = self.months[..m as usize].iter().flatten().copied().sum();
        let reported = self.months[m as usize - 1].is_some();
        // Reports are owed by projects with a plan for the year.
        let late = self.plan.is_some() && !reported && today > month.report_due(due_day);
        let annual = self.plan.as_ref().map(|p| p.annual).unwrap_or_default();
        let rate = completion_rate(completed_this_year, annual);
        let time_progress = self.plan.as_ref().and_then(|p| p.time_progress(m));
        let deviation = rate.zip(time_progress).map(|(r, t)| deviation_points(r, t));
        let judged = reported || today > month.report_due(due_day);
        let planned_to_start = self
            .plan
            .as_ref()
            .and_then(|p| p.planned_start_month)
            .is_some_and(|s| s <= m);
        Standing {
            completed_this_year,
            completed_since_start: self.before_this_year + completed_this_year,
            rate,
            time_progress,
            deviation,
            colour: if judged {
                investment_colour(deviation, rule)
            } else {
                None
            },
            reported,
            late,
            planned_to_start,
            started: planned_to_start && self.started_on.is_some_and(|d| d <= month.last_day()),
        }
    }

    /// The colour it has today: through the month being reported once its report is in or late,
    /// through the month before until then (so colours do not vanish on the 1st of each month).
    /// `previous_year` is the same project's year before, for January's reports.
    pub fn colour_today(
        &self,
        previous_year: Option<&ProjectYear>,
        today: NaiveDate,
        due_day: u32,
        rule: ColourRule,
    ) -> Option<(Month, Standing)> {
        let month = reporting_month(today);
        let year_of = |m: Month| {
            if m.year() == today.year() {
                Some(self)
            } else {
                previous_year
            }
        };
        let now = year_of(month)?.standing(month, today, due_day, rule);
        if now.colour.is_some() || now.reported || now.late {
            return Some((month, now));
        }
        let before = month.previous();
        Some((before, year_of(before)?.standing(before, today, due_day, rule)))
    }
}

/// A project's investment colour as judged today: through which month, by how many points.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Judged {
    pub month: Month,
    pub colour: Colour,
    pub deviation: f64,
}

impl ProjectYear {
    /// [`ProjectYear::colour_today`] as the colour it gives, when it gives one.
    pub fn judged_today(
        &self,
        previous_year: Option<&ProjectYear>,
        today: NaiveDate,
        due_day: u32,
        rule: ColourRule,
    ) -> Option<Judged> {
        let (month, s) = self.colour_today(previous_year, today, due_day, rule)?;
        Some(Judged {
            month,
            colour: s.colour?,
            deviation: s.deviation?,
        })
    }
}

/// The county's figures through a month, summed over its projects' standings and plans.
#[derive(Clone, Debug, PartialEq)]
pub struct Totals {
    pub plan: Wan,
    pub completed: Wan,
    pub rate: Option<f64>,
    pub time_progress: Option<f64>,
    pub deviation: Option<f64>,
    pub planned_starts: usize,
    pub started: usize,
    pub start_rate: Option<f64>,
    pub reported: usize,
    pub late: usize,
}

/// Sums projects' plans and standings through month `through`: the time progress is what all
/// plans together planned to date ÷ all plans (m/12 when no project plans by month).
pub fn totals<'a>(projects: impl IntoIterator<Item = (Option<&'a Plan>, &'a Standing)>, through: u32) -> Totals {
    let (mut plan, mut completed, mut planned_to_date) = (Wan::ZERO, Wan::ZERO, 0.0);
    let (mut planned_starts, mut started, mut reported, mut late) = (0, 0, 0, 0);
    for (p, s) in projects {
        if let Some(p) = p {
            plan = plan + p.annual;
            planned_to_date += p.planned_to_date(through);
        }
        completed = completed + s.completed_this_year;
        planned_starts += usize::from(s.planned_to_start);
        started += usize::from(s.started);
        reported += usize::from(s.reported);
        late += usize::from(s.late);
    }
    let rate = completion_rate(completed, plan);
    let time_progress = (plan > Wan::ZERO).then(|| planned_to_date / plan.as_f64());
    Totals {
        plan,
        completed,
        rate,
        time_progress,
        deviation: rate.zip(time_progress).map(|(r, t)| deviation_points(r, t)),
        planned_starts,
        started,
        start_rate: start_rate(planned_starts, started),
        reported,
        late,
    }
}

/// One row of the month's statement up (月度调度表), in its usual columns.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct StatementRow {
    pub project_id: Uuid,
    pub name: String,
    pub company: String,
    pub description: Option<String>,
    /// 万元.
    pub total_investment: Option<i64>,
    pub annual_plan: Option<String>,
    pub completed: String,
    /// A fraction, 0–1 and above.
    pub completion_rate: Option<f64>,
    /// Percentage points ahead (+) or behind (−) the time progress.
    pub deviation_points: Option<f64>,
    pub status: Option<Colour>,
    pub progress: Option<String>,
    pub problems: Option<String>,
    pub lead_unit: Option<String>,
    pub leader: Option<String>,
    pub reported: bool,
}

/// The month's statement: the county's totals and one row per project, as frozen.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct Statement {
    /// "YYYY-MM".
    pub month: String,
    pub county: String,
    pub plan_total: String,
    pub completed_total: String,
    pub completion_rate: Option<f64>,
    pub time_progress: Option<f64>,
    pub deviation_points: Option<f64>,
    pub planned_starts: usize,
    pub started: usize,
    pub start_rate: Option<f64>,
    pub reported: usize,
    pub rows: Vec<StatementRow>,
}

/// A rate as a percentage with one decimal ("97.2").
pub fn percent(rate: f64) -> String {
    format!("{:.1}", rate * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn month(s: &str) -> Month {
        Month::parse(s).unwrap()
    }

    fn plan(annual: i64) -> Plan {
        Plan {
            annual: Wan::whole(annual),
            monthly: None,
            planned_start_month: None,
        }
    }

    #[test]
    fn a_missing_report_is_reminded_two_days_before_its_due_day_and_late_after_it() {
        let nov = month("2026-11");
        let at = |d: &str, due_day| report_reminder(nov, day(d), due_day);
        assert_eq!(at("2026-11-30", 5), None, "the month still runs");
        assert_eq!(at("2026-12-01", 5), None);
        assert_eq!(at("2026-12-02", 5), None);
        assert_eq!(at("2026-12-03", 5), Some(ReportReminder::Due));
        assert_eq!(at("2026-12-05", 5), Some(ReportReminder::Due));
        assert_eq!(at("2026-12-06", 5), Some(ReportReminder::Late));
        assert_eq!(at("2027-01-20", 5), Some(ReportReminder::Late));
        // A due day of the 1st is reminded as soon as the month ends.
        assert_eq!(at("2026-12-01", 1), Some(ReportReminder::Due));
        assert_eq!(at("2026-12-02", 1), Some(ReportReminder::Late));
        // December's report is due in January of the next year.
        assert_eq!(
            report_reminder(month("2026-12"), day("2027-01-03"), 5),
            Some(ReportReminder::Due)
        );
    }

    #[test]
    fn amounts_parse_with_at_most_two_decimals_and_print_without_needless_ones() {
        assert_eq!(Wan::parse("1200"), Ok(Wan::whole(1200)));
        assert_eq!(Wan::parse(" 350.5 "), Ok(Wan::from_hundredths(35_050)));
        assert_eq!(Wan::parse("1,200.05"), Ok(Wan::from_hundredths(120_005)));
        assert_eq!(Wan::parse("0"), Ok(Wan::ZERO));
        assert_eq!(Wan::parse(""), Err(Problem::Required));
        for bad in ["-1", "1.234", "abc", ".5", "1e3", "1.2.3", "99999999999999"] {
            assert_eq!(Wan::parse(bad), Err(Problem::NotAnAmount), "{bad}");
        }
        assert_eq!(Wan::from_number(350.5), Ok(Wan::from_hundredths(35_050)));
        assert_eq!(Wan::from_number(0.1 + 0.2), Ok(Wan::from_hundredths(30)));
        assert_eq!(Wan::from_number(-0.01), Err(Problem::NotAnAmount));
        assert_eq!(Wan::from_number(1.005), Err(Problem::NotAnAmount));
        assert_eq!(Wan::from_number(f64::NAN), Err(Problem::NotAnAmount));
        let shown: Vec<String> = [120_000, 35_050, 5, 120_005]
            .map(|h| Wan::from_hundredths(h).to_string())
            .into();
        assert_eq!(shown, ["1200", "350.5", "0.05", "1200.05"]);
        assert_eq!(Wan::whole(6_290_000).yi(), "629.0");
    }

    #[test]
    fn months_parse_step_and_fall_due_on_the_day_of_the_next_month() {
        assert_eq!(month("2026-11").to_string(), "2026-11");
        for bad in ["2026-13", "2026-00", "2026-1", "26-11", "2026/11", "1999-12", ""] {
            assert_eq!(Month::parse(bad), None, "{bad}");
        }
        assert_eq!(month("2026-01").previous(), month("2025-12"));
        assert_eq!(month("2026-12").next(), month("2027-01"));
        assert_eq!(month("2028-02").last_day(), day("2028-02-29"));
        assert_eq!(month("2026-12").report_due(5), day("2027-01-05"));
        assert_eq!(reporting_month(day("2026-12-02")), month("2026-11"));
        assert_eq!(reporting_month(day("2027-01-01")), month("2026-12"));
    }

    #[test]
    fn the_time_progress_is_months_over_twelve_or_the_monthly_plan_to_date() {
        let even = plan(1200);
        assert_eq!(even.time_progress(10), Some(10.0 / 12.0));
        assert_eq!(even.time_progress(12), Some(1.0));
        assert_eq!(plan(0).time_progress(10), None, "nothing to measure against");
        let mut months = [Wan::ZERO; 12];
        months[0] = Wan::whole(600);
        months[11] = Wan::whole(600);
        let front = Plan {
            monthly: Some(months),
            ..even.clone()
        };
        assert_eq!(front.check(), Ok(()));
        assert_eq!(front.time_progress(1), Some(0.5));
        assert_eq!(front.time_progress(11), Some(0.5));
        months[11] = Wan::whole(599);
        let short = Plan {
            monthly: Some(months),
            ..even
        };
        assert_eq!(
            short.check(),
            Err(PlanProblem::MonthsDoNotAddUp {
                months: Wan::whole(1199),
                annual: Wan::whole(1200)
            })
        );
        let start = Plan {
            planned_start_month: Some(13),
            ..plan(1)
        };
        assert_eq!(start.check(), Err(PlanProblem::StartMonth));
    }

    #[test]
    fn the_citys_report_reads_ahead_by_thirteen_point_eight_points() {
        // 1–10月累计完成投资 629.0亿元，占年度计划 647.4亿元 的 97.2%，超过时间进度 13.8 个百分点.
        let rate = completion_rate(Wan::whole(6_290_000), Wan::whole(6_474_000)).unwrap();
        assert_eq!(percent(rate), "97.2");
        let points = deviation_points(rate, plan(6_474_000).time_progress(10).unwrap());
        assert_eq!(points, 13.8);
        assert_eq!(completion_rate(Wan::whole(5), Wan::ZERO), None);
    }

    #[test]
    fn investment_turns_yellow_past_ten_points_behind_and_red_past_thirty() {
        let rule = ColourRule::default();
        let colour = |points: f64| investment_colour(Some(points), rule);
        assert_eq!(colour(25.0), Some(Colour::Green), "ahead");
        assert_eq!(colour(-10.0), Some(Colour::Green), "exactly ten behind");
        assert_eq!(colour(-10.1), Some(Colour::Yellow));
        assert_eq!(colour(-30.0), Some(Colour::Yellow), "exactly thirty behind");
        assert_eq!(colour(-30.1), Some(Colour::Red));
        assert_eq!(investment_colour(None, rule), None, "no colour without a plan");
        let off = ColourRule { on: false, ..rule };
        assert_eq!(investment_colour(Some(-50.0), off), None);
        // A deviation that prints as exactly ten points is judged as ten.
        let rate = completion_rate(Wan::whole(7), Wan::whole(10)).unwrap();
        assert!((rate - 0.8) * 100.0 < -10.0, "in floating point, a hair more than ten");
        let points = deviation_points(rate, 0.8);
        assert_eq!(points, -10.0);
        assert_eq!(investment_colour(Some(points), rule), Some(Colour::Green));
    }

    #[test]
    fn the_overall_colour_is_the_worse_and_names_which() {
        use Colour::*;
        assert_eq!(overall_colour(Green, Some(Red)), (Red, Decider::Investment));
        assert_eq!(overall_colour(Red, Some(Yellow)), (Red, Decider::Checklist));
        assert_eq!(overall_colour(Yellow, Some(Yellow)), (Yellow, Decider::Both));
        assert_eq!(overall_colour(Green, Some(Green)), (Green, Decider::Checklist));
        assert_eq!(overall_colour(Yellow, None), (Yellow, Decider::Checklist));
    }

    #[test]
    fn the_start_rate_counts_projects_planned_to_start_by_the_month() {
        assert_eq!(start_rate(255, 206).map(percent).as_deref(), Some("80.8"));
        assert_eq!(start_rate(0, 0), None);
        let year = ProjectYear {
            plan: Some(Plan {
                planned_start_month: Some(6),
                ..plan(1200)
            }),
            started_on: Some(day("2026-07-03")),
            ..ProjectYear::default()
        };
        let rule = ColourRule::default();
        let at = |m: &str| year.standing(month(m), day("2026-12-10"), 5, rule);
        assert!(!at("2026-05").planned_to_start);
        assert!(
            at("2026-06").planned_to_start && !at("2026-06").started,
            "not started in June"
        );
        assert!(at("2026-07").started, "started by the end of July");
    }

    fn reporting(months: &[(usize, i64)]) -> ProjectYear {
        let mut year = ProjectYear {
            plan: Some(plan(1200)),
            before_this_year: Wan::whole(300),
            ..ProjectYear::default()
        };
        for (i, w) in months {
            year.months[*i] = Some(Wan::whole(*w));
        }
        year
    }

    #[test]
    fn a_standing_sums_the_year_and_since_the_start() {
        let year = reporting(&[(0, 100), (1, 100), (2, 100)]);
        let s = year.standing(month("2026-03"), day("2026-04-02"), 5, ColourRule::default());
        assert_eq!(s.completed_this_year, Wan::whole(300));
        assert_eq!(s.completed_since_start, Wan::whole(600));
        assert_eq!(s.rate, Some(0.25));
        assert_eq!(s.deviation, Some(0.0));
        assert_eq!(s.colour, Some(Colour::Green));
        assert!(s.reported && !s.late);
    }

    #[test]
    fn a_missing_report_counts_as_nothing_only_once_it_is_late() {
        // Through October: 300 of 1200 against 10/12 is 58.3 points behind.
        let year = reporting(&[(0, 100), (1, 100), (2, 100)]);
        let rule = ColourRule::default();
        let on = |d: &str| year.standing(month("2026-10"), day(d), 5, rule);
        assert_eq!(on("2026-11-05").colour, None, "not due until the 5th");
        assert!(!on("2026-11-05").late);
        assert_eq!(on("2026-11-06").colour, Some(Colour::Red));
        assert!(on("2026-11-06").late);
        // Today's colour stays on the month before until the month's report is in or late.
        let reported = reporting(&[(8, 900), (9, 100)]);
        let (m, s) = reported.colour_today(None, day("2026-11-02"), 5, rule).unwrap();
        assert_eq!((m, s.colour), (month("2026-10"), Some(Colour::Green)));
        let quiet = reporting(&[(8, 900)]);
        let (m, s) = quiet.colour_today(None, day("2026-11-02"), 5, rule).unwrap();
        assert_eq!(
            (m, s.colour),
            (month("2026-09"), Some(Colour::Green)),
            "September, while October is not due"
        );
        let (m, s) = quiet.colour_today(None, day("2026-11-06"), 5, rule).unwrap();
        assert_eq!(m, month("2026-10"));
        assert!(s.late);
        assert_eq!(s.deviation, Some(-8.3));
        assert_eq!(
            s.colour,
            Some(Colour::Green),
            "900 of 1200 against 10/12 is 8.3 points behind"
        );
    }

    #[test]
    fn januarys_colour_reads_the_year_before() {
        let last_year = reporting(&[(11, 1200)]);
        let this_year = ProjectYear::default();
        let rule = ColourRule::default();
        let (m, s) = this_year
            .colour_today(Some(&last_year), day("2027-01-10"), 5, rule)
            .unwrap();
        assert_eq!(m, month("2026-12"));
        assert_eq!(s.rate, Some(1.0));
        assert_eq!(this_year.colour_today(None, day("2027-01-10"), 5, rule), None);
    }

    #[test]
    fn county_totals_add_plans_and_measure_against_all_plans_together() {
        let rule = ColourRule::default();
        let today = day("2026-11-20");
        let a = reporting(&[(9, 1000)]);
        let mut b = reporting(&[]);
        b.plan = Some(Plan {
            planned_start_month: Some(3),
            ..plan(1200)
        });
        b.started_on = Some(day("2026-02-01"));
        let unplanned = ProjectYear::default();
        let years = [&a, &b, &unplanned];
        let standings: Vec<Standing> = years
            .iter()
            .map(|y| y.standing(month("2026-10"), today, 5, rule))
            .collect();
        let t = totals(years.iter().map(|y| y.plan.as_ref()).zip(&standings), 10);
        assert_eq!(t.plan, Wan::whole(2400));
        assert_eq!(t.completed, Wan::whole(1000));
        assert_eq!(t.time_progress, Some(10.0 / 12.0));
        assert_eq!(t.deviation, Some(-41.7));
        assert_eq!((t.planned_starts, t.started, t.start_rate), (1, 1, Some(1.0)));
        assert_eq!((t.reported, t.late), (1, 1), "no report is owed without a plan");
        let none = totals([(None, &standings[2])], 10);
        assert_eq!((none.rate, none.deviation), (None, None));
    }
}
