//! The lifecycle of a project: negotiating → signed → filed → land secured → construction started
//! → completed → in production.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Negotiating,
    Signed,
    Filed,
    LandSecured,
    ConstructionStarted,
    Completed,
    InProduction,
}

impl Stage {
    pub const ALL: [Stage; 7] = [
        Stage::Negotiating,
        Stage::Signed,
        Stage::Filed,
        Stage::LandSecured,
        Stage::ConstructionStarted,
        Stage::Completed,
        Stage::InProduction,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Negotiating => "negotiating",
            Stage::Signed => "signed",
            Stage::Filed => "filed",
            Stage::LandSecured => "land_secured",
            Stage::ConstructionStarted => "construction_started",
            Stage::Completed => "completed",
            Stage::InProduction => "in_production",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|st| st.as_str() == s)
    }

    /// Position in the lifecycle, from 0 (negotiating) to 6 (in production).
    pub fn index(self) -> usize {
        self as usize
    }
}

/// Calendar days between two stages' actual dates, when both are known ("filing to production: 37 days").
pub fn duration_days(from: Option<NaiveDate>, to: Option<NaiveDate>) -> Option<i64> {
    match (from, to) {
        (Some(a), Some(b)) if b >= a => Some((b - a).num_days()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stages_are_ordered_as_the_lifecycle() {
        assert!(Stage::Negotiating < Stage::Signed);
        assert!(Stage::Completed < Stage::InProduction);
        assert_eq!(Stage::InProduction.index(), 6);
        for s in Stage::ALL {
            assert_eq!(Stage::parse(s.as_str()), Some(s));
        }
        assert_eq!(Stage::parse("started"), None);
    }

    #[test]
    fn durations_need_both_dates_in_order() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
        assert_eq!(duration_days(d("2023-03-01"), d("2023-04-07")), Some(37));
        assert_eq!(duration_days(d("2023-03-01"), d("2023-03-01")), Some(0));
        assert_eq!(duration_days(d("2023-03-01"), None), None);
        assert_eq!(duration_days(d("2023-04-07"), d("2023-03-01")), None);
    }
}
