//! The settings row.

use chrono::{NaiveDate, Utc};
use sqlx::postgres::PgRow;
use sqlx::{FromRow, PgPool, Row};

use crate::domain::investment::ColourRule;
use crate::domain::ranking::{Method, RedRule};
use crate::domain::request::ServiceLevel;
use crate::domain::score::Weights;
use crate::domain::status::Thresholds;
use crate::domain::working_days::WorkCalendar;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Settings {
    pub red_after_days: i32,
    pub due_soon_days: i32,
    pub red_list_size: i32,
    pub time_zone: String,
    pub county_name: String,
    /// Who issues the notices, at their foot (落款).
    pub notice_issuer: String,
    pub session_idle_minutes: i32,
    pub request_triage_days: i32,
    pub request_resolve_days: i32,
    /// The most items (or projects) one import may create.
    pub import_max_rows: i32,
    /// Monthly reports are due by this day of the next month.
    pub report_due_day: i32,
    pub investment_yellow_points: i32,
    pub investment_red_points: i32,
    /// 1 when the investment colour counts in a project's colour.
    pub investment_colour: i32,
    /// The red list's rule (domain::ranking::RedRule).
    pub red_min_due: i32,
    pub red_min_rate: i32,
    pub ranking_weeks: i32,
    /// 1 when the public disclosure pages (亮屏) are on.
    pub public_disclosure: i32,
    /// 1 when the lists are drawn by score (domain::score), with its weights.
    pub ranking_method: i32,
    pub score_red_item: i32,
    pub score_overdue_day: i32,
    pub score_overdue_cap: i32,
    pub score_late_request: i32,
    pub score_late_order: i32,
    pub score_on_time_item: i32,
    pub score_investment_ahead: i32,
    pub is_demo: bool,
    #[sqlx(flatten)]
    service: Service,
}

/// The settings row's columns as [`Settings`] reads them, from `settings s`: also read with the
/// user of every request (`db::users`), so that a page needs no statement of its own for them.
pub const COLUMNS: &str =
    "s.red_after_days, s.due_soon_days, s.red_list_size, s.time_zone, s.county_name, s.notice_issuer,
    s.session_idle_minutes, s.request_triage_days, s.request_resolve_days, s.import_max_rows,
    s.report_due_day, s.investment_yellow_points, s.investment_red_points, s.investment_colour,
    s.red_min_due, s.red_min_rate, s.ranking_weeks, s.public_disclosure, s.ranking_method, s.score_red_item,
    s.score_overdue_day, s.score_overdue_cap, s.score_late_request, s.score_late_order, s.score_on_time_item,
    s.score_investment_ahead, s.demo_seeded_at IS NOT NULL AS is_demo,
    ARRAY(SELECT day FROM working_day_exceptions WHERE NOT working) AS days_off,
    ARRAY(SELECT day FROM working_day_exceptions WHERE working) AS days_worked";

/// The service level promised to investors, built from the request limits and the year's
/// exceptions to Monday–Friday: weekdays off (holidays) and weekend days worked.
#[derive(Clone, Debug)]
struct Service(ServiceLevel);

impl<'r> FromRow<'r, PgRow> for Service {
    fn from_row(row: &'r PgRow) -> Result<Self, sqlx::Error> {
        let off: Vec<NaiveDate> = row.try_get("days_off")?;
        let worked: Vec<NaiveDate> = row.try_get("days_worked")?;
        let exceptions = off.into_iter().map(|d| (d, false));
        Ok(Service(ServiceLevel {
            triage_days: i64::from(row.try_get::<i32, _>("request_triage_days")?),
            resolve_days: i64::from(row.try_get::<i32, _>("request_resolve_days")?),
            calendar: WorkCalendar::new(exceptions.chain(worked.into_iter().map(|d| (d, true)))),
        }))
    }
}

impl Settings {
    pub fn thresholds(&self) -> Thresholds {
        Thresholds {
            red_after_days: i64::from(self.red_after_days),
            due_soon_days: i64::from(self.due_soon_days),
        }
    }

    /// Who may be honoured on the red list, and how many.
    pub fn red_rule(&self) -> RedRule {
        RedRule {
            size: usize::try_from(self.red_list_size).unwrap_or(1).max(1),
            min_due: i64::from(self.red_min_due),
            min_rate_percent: i64::from(self.red_min_rate),
            weeks: i64::from(self.ranking_weeks),
        }
    }

    /// The most items (or projects) one import may create.
    pub fn import_rows(&self) -> usize {
        usize::try_from(self.import_max_rows).unwrap_or(1)
    }

    /// When a project's investment colours it.
    /// How the lists are drawn: by the rule, or by score with the weights set.
    pub fn ranking_method(&self) -> Method {
        if self.ranking_method != 1 {
            return Method::Rule;
        }
        Method::Score {
            weights: Weights {
                red_item: i64::from(self.score_red_item),
                overdue_day: i64::from(self.score_overdue_day),
                overdue_cap: i64::from(self.score_overdue_cap),
                late_request: i64::from(self.score_late_request),
                late_order: i64::from(self.score_late_order),
                on_time_item: i64::from(self.score_on_time_item),
                investment_ahead: i64::from(self.score_investment_ahead),
            },
        }
    }

    pub fn investment_rule(&self) -> ColourRule {
        ColourRule {
            yellow_behind: f64::from(self.investment_yellow_points),
            red_behind: f64::from(self.investment_red_points),
            on: self.investment_colour == 1,
        }
    }

    /// The day of the next month by which a month's report is due.
    pub fn report_due_day(&self) -> u32 {
        u32::try_from(self.report_due_day).unwrap_or(5)
    }

    /// The service level promised to investors, in working days.
    pub fn service_level(&self) -> &ServiceLevel {
        &self.service.0
    }

    /// The county's time zone (Asia/Shanghai unless set otherwise).
    pub fn tz(&self) -> chrono_tz::Tz {
        self.time_zone.parse().unwrap_or(chrono_tz::Asia::Shanghai)
    }

    /// Today in the county's time zone.
    pub fn today(&self) -> NaiveDate {
        Utc::now().with_timezone(&self.tz()).date_naive()
    }
}

pub async fn load<'e>(db: impl sqlx::PgExecutor<'e>) -> Result<Settings, sqlx::Error> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM settings s"))
        .fetch_one(db)
        .await
}

/// The settings form's fields in order: (column, least, most); `None` bounds mean text.
pub const FIELDS: [(&str, Option<(i64, i64)>); 27] = [
    ("red_after_days", Some((0, 365))),
    ("due_soon_days", Some((0, 365))),
    ("red_list_size", Some((1, 100))),
    ("red_min_due", Some((1, 1000))),
    ("red_min_rate", Some((0, 100))),
    ("ranking_weeks", Some((1, 52))),
    ("ranking_method", Some((0, 1))),
    ("score_red_item", Some((0, 100))),
    ("score_overdue_day", Some((0, 100))),
    ("score_overdue_cap", Some((0, 1000))),
    ("score_late_request", Some((0, 100))),
    ("score_late_order", Some((0, 100))),
    ("score_on_time_item", Some((0, 100))),
    ("score_investment_ahead", Some((0, 100))),
    ("time_zone", None),
    ("request_triage_days", Some((1, 60))),
    ("request_resolve_days", Some((1, 365))),
    ("session_idle_minutes", Some((5, 1440))),
    ("session_max_hours", Some((1, 168))),
    ("county_name", None),
    ("notice_issuer", None),
    ("import_max_rows", Some((1, 10_000))),
    ("report_due_day", Some((1, 28))),
    ("investment_yellow_points", Some((0, 100))),
    ("investment_red_points", Some((0, 100))),
    ("investment_colour", Some((0, 1))),
    ("public_disclosure", Some((0, 1))),
];

/// Every setting of the form as text, in the order of [`FIELDS`].
pub async fn form_values(pool: &PgPool) -> Result<Vec<String>, sqlx::Error> {
    let columns = FIELDS
        .iter()
        .map(|(c, _)| format!("{c}::text"))
        .collect::<Vec<_>>()
        .join(", ");
    let row: sqlx::postgres::PgRow = sqlx::query(&format!("SELECT {columns} FROM settings"))
        .fetch_one(pool)
        .await?;
    (0..FIELDS.len())
        .map(|i| sqlx::Row::try_get::<String, _>(&row, i))
        .collect()
}

/// Saves checked values (in the order of [`FIELDS`]) and the working-day calendar, and records
/// the change.
pub async fn save(
    pool: &PgPool,
    values: &[String],
    calendar: &WorkCalendar,
    actor: super::audit::Actor<'_>,
) -> Result<(), sqlx::Error> {
    let before = form_values(pool).await?;
    let calendar_before = load(pool).await?.service_level().calendar.to_text();
    let mut tx = pool.begin().await?;
    sqlx::query("DELETE FROM working_day_exceptions")
        .execute(&mut *tx)
        .await?;
    let (days, working): (Vec<NaiveDate>, Vec<bool>) = calendar.exceptions().unzip();
    sqlx::query("INSERT INTO working_day_exceptions (day, working) SELECT * FROM unnest($1::date[], $2::bool[])")
        .bind(&days)
        .bind(&working)
        .execute(&mut *tx)
        .await?;
    let sets = FIELDS
        .iter()
        .enumerate()
        .map(|(i, (c, bounds))| {
            if bounds.is_some() {
                format!("{c} = ${}::int", i + 1)
            } else {
                format!("{c} = ${}", i + 1)
            }
        })
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!("UPDATE settings SET {sets}, updated_at = now() RETURNING 1");
    let mut q = sqlx::query_scalar::<_, i32>(&sql);
    for v in values {
        q = q.bind(v);
    }
    q.fetch_one(&mut *tx).await?;
    let object = |vals: &[String], calendar: String| {
        let mut fields: serde_json::Map<String, serde_json::Value> = FIELDS
            .iter()
            .zip(vals)
            .map(|((c, _), v)| (c.to_string(), v.clone().into()))
            .collect();
        fields.insert("working_days".into(), calendar.into());
        serde_json::Value::Object(fields)
    };
    super::audit::record(
        &mut tx,
        super::audit::Entry {
            actor,
            action: "settings.update",
            entity: "settings",
            entity_id: None,
            project_id: None,
            before: Some(object(&before, calendar_before)),
            after: Some(object(values, calendar.to_text())),
        },
    )
    .await?;
    tx.commit().await
}
