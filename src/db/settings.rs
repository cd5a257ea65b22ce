//! The settings row.

use chrono::{NaiveDate, Utc};
use sqlx::PgPool;

use crate::domain::status::Thresholds;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Settings {
    pub red_after_days: i32,
    pub due_soon_days: i32,
    pub time_zone: String,
    pub county_name: String,
    pub session_idle_minutes: i32,
    pub is_demo: bool,
}

impl Settings {
    pub fn thresholds(&self) -> Thresholds {
        Thresholds {
            red_after_days: i64::from(self.red_after_days),
            due_soon_days: i64::from(self.due_soon_days),
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
        "SELECT red_after_days, due_soon_days, time_zone, county_name, session_idle_minutes,
                demo_seeded_at IS NOT NULL AS is_demo
         FROM settings",
    )
    .fetch_one(pool)
    .await
}
