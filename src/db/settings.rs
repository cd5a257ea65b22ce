//! The settings row.

use chrono::{NaiveDate, Utc};
use sqlx::PgPool;

use crate::domain::request::ServiceLevel;
use crate::domain::status::Thresholds;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Settings {
    pub red_after_days: i32,
    pub due_soon_days: i32,
    pub red_list_size: i32,
    pub time_zone: String,
    pub county_name: String,
    pub session_idle_minutes: i32,
    pub request_triage_days: i32,
    pub request_resolve_days: i32,
    pub is_demo: bool,
}

impl Settings {
    pub fn thresholds(&self) -> Thresholds {
        Thresholds {
            red_after_days: i64::from(self.red_after_days),
            due_soon_days: i64::from(self.due_soon_days),
        }
    }

    /// The service level promised to investors, in working days.
    pub fn service_level(&self) -> ServiceLevel {
        ServiceLevel {
            triage_days: i64::from(self.request_triage_days),
            resolve_days: i64::from(self.request_resolve_days),
        }
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

pub async fn load(pool: &PgPool) -> Result<Settings, sqlx::Error> {
    sqlx::query_as(
        "SELECT red_after_days, due_soon_days, red_list_size, time_zone, county_name, session_idle_minutes,
                request_triage_days, request_resolve_days, demo_seeded_at IS NOT NULL AS is_demo
         FROM settings",
    )
    .fetch_one(pool)
    .await
}

/// The settings form's fields in order: (column, least, most); `None` bounds mean text.
pub const FIELDS: [(&str, Option<(i64, i64)>); 9] = [
    ("red_after_days", Some((0, 365))),
    ("due_soon_days", Some((0, 365))),
    ("red_list_size", Some((1, 100))),
    ("time_zone", None),
    ("request_triage_days", Some((1, 60))),
    ("request_resolve_days", Some((1, 365))),
    ("session_idle_minutes", Some((5, 1440))),
    ("session_max_hours", Some((1, 168))),
    ("county_name", None),
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

/// Saves checked values (in the order of [`FIELDS`]) and records the change.
pub async fn save(pool: &PgPool, values: &[String], actor: super::audit::Actor<'_>) -> Result<(), sqlx::Error> {
    let before = form_values(pool).await?;
    let mut tx = pool.begin().await?;
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
    let object = |vals: &[String]| {
        serde_json::Value::Object(
            FIELDS
                .iter()
                .zip(vals)
                .map(|((c, _), v)| (c.to_string(), v.clone().into()))
                .collect(),
        )
    };
    super::audit::record(
        &mut tx,
        super::audit::Entry {
            actor,
            action: "settings.update",
            entity: "settings",
            entity_id: None,
            project_id: None,
            before: Some(object(&before)),
            after: Some(object(values)),
        },
    )
    .await?;
    tx.commit().await
}
