//! A project with its task force, as typed into the form or the API, and the rule for advancing
//! its stage.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::input::{self, FieldErrors, Problem};
use super::investment::Plan;
use super::lifecycle::Stage;

pub const NAME_MAX: usize = 200;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectDraft {
    pub name: String,
    pub company: String,
    pub park: Option<String>,
    pub industry: Option<String>,
    pub investment_code: Option<String>,
    pub total_investment_wan: Option<i64>,
    pub stage: Stage,
    pub description: Option<String>,
    pub leader_name: Option<String>,
    pub lead_unit: String,
    pub member_units: Vec<String>,
    /// Planned date of each stage, in lifecycle order.
    pub planned: [Option<NaiveDate>; 7],
    /// The investment plan of a year, when an imported sheet gives one.
    pub plan: Option<(i32, Plan)>,
}

/// The raw fields of the project form or request.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ProjectFields {
    pub name: String,
    pub company: String,
    pub park: String,
    pub industry: String,
    pub investment_code: String,
    pub total_investment: String,
    pub stage: String,
    pub description: String,
    pub leader_name: String,
    pub lead_unit: String,
    pub member_units: Vec<String>,
    pub planned: [String; 7],
}

impl ProjectDraft {
    pub fn parse(f: &ProjectFields) -> Result<ProjectDraft, FieldErrors> {
        let mut e = FieldErrors::default();
        let name = e.check("name", input::required_text(&f.name, NAME_MAX));
        let company = e.check("company", input::required_text(&f.company, NAME_MAX));
        let park = e.check("park", input::optional_text(&f.park, 100));
        let industry = e.check("industry", input::optional_text(&f.industry, 100));
        let investment_code = e.check("investment_code", input::optional_investment_code(&f.investment_code));
        let total_investment_wan = e.check("total_investment", input::optional_amount(&f.total_investment));
        let stage = if f.stage.trim().is_empty() {
            Some(Stage::Negotiating)
        } else {
            e.check("stage", Stage::parse(f.stage.trim()).ok_or(Problem::UnknownChoice))
        };
        let description = e.check("description", input::optional_text(&f.description, 5000));
        let leader_name = e.check("leader_name", input::optional_text(&f.leader_name, 100));
        let lead_unit = e.check("lead_unit", input::required_text(&f.lead_unit, 32));
        let mut planned = [None; 7];
        for (i, raw) in f.planned.iter().enumerate() {
            planned[i] = e.check(PLANNED_FIELDS[i], input::optional_date(raw)).flatten();
        }
        let mut member_units: Vec<String> = f
            .member_units
            .iter()
            .map(|u| u.trim().to_string())
            .filter(|u| !u.is_empty())
            .collect();
        member_units.sort();
        member_units.dedup();
        if !e.is_empty() {
            return Err(e);
        }
        // No problem recorded means every check returned its value.
        Ok(ProjectDraft {
            name: name.unwrap_or_default(),
            company: company.unwrap_or_default(),
            park: park.flatten(),
            industry: industry.flatten(),
            investment_code: investment_code.flatten(),
            total_investment_wan: total_investment_wan.flatten(),
            stage: stage.unwrap_or(Stage::Negotiating),
            description: description.flatten(),
            leader_name: leader_name.flatten(),
            lead_unit: lead_unit.unwrap_or_default(),
            member_units,
            planned,
            plan: None,
        })
    }
}

/// Form field names of the planned dates, in lifecycle order.
pub const PLANNED_FIELDS: [&str; 7] = [
    "planned_negotiating",
    "planned_signed",
    "planned_filed",
    "planned_land_secured",
    "planned_construction_started",
    "planned_completed",
    "planned_in_production",
];

/// A project moves forward only, to a stage reached on a day that has come.
pub fn check_advance(
    current: Stage,
    target: Stage,
    on: NaiveDate,
    today: NaiveDate,
) -> Result<(), (&'static str, Problem)> {
    if target <= current {
        return Err(("stage", Problem::StageNotLater));
    }
    if on > today {
        return Err(("date", Problem::DateInFuture));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields() -> ProjectFields {
        ProjectFields {
            name: " 祺祥新能源碳酸锂项目 ".into(),
            company: "崇义祺祥新能源有限公司".into(),
            total_investment: "200000".into(),
            leader_name: "县长 周海峰".into(),
            lead_unit: "gyyq".into(),
            member_units: vec!["zrzyj".into(), "fgw".into(), "zrzyj".into(), " ".into()],
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_project_defaults_to_negotiating() {
        let d = ProjectDraft::parse(&fields()).unwrap();
        assert_eq!(d.name, "祺祥新能源碳酸锂项目");
        assert_eq!(d.stage, Stage::Negotiating);
        assert_eq!(d.total_investment_wan, Some(200_000));
        assert_eq!(
            d.member_units,
            vec!["fgw".to_string(), "zrzyj".to_string()],
            "sorted, without duplicates"
        );
    }

    #[test]
    fn bad_fields_are_each_named() {
        let mut f = fields();
        f.name = String::new();
        f.investment_code = "2023-1".into();
        f.total_investment = "很多".into();
        f.stage = "flying".into();
        f.lead_unit = String::new();
        f.planned[2] = "2026-02-31".into();
        let e = ProjectDraft::parse(&f).unwrap_err();
        assert_eq!(e.get("name"), Some(Problem::Required));
        assert_eq!(e.get("investment_code"), Some(Problem::BadInvestmentCode));
        assert_eq!(e.get("total_investment"), Some(Problem::NotANumber));
        assert_eq!(e.get("stage"), Some(Problem::UnknownChoice));
        assert_eq!(e.get("lead_unit"), Some(Problem::Required));
        assert_eq!(e.get("planned_filed"), Some(Problem::NotADate));
        assert_eq!(e.get("company"), None);
    }

    #[test]
    fn stages_only_advance_on_days_that_have_come() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let today = d("2026-11-25");
        assert_eq!(check_advance(Stage::Filed, Stage::LandSecured, today, today), Ok(()));
        assert_eq!(
            check_advance(Stage::Filed, Stage::InProduction, d("2026-01-01"), today),
            Ok(())
        );
        assert_eq!(
            check_advance(Stage::Filed, Stage::Filed, today, today),
            Err(("stage", Problem::StageNotLater))
        );
        assert_eq!(
            check_advance(Stage::Filed, Stage::Signed, today, today),
            Err(("stage", Problem::StageNotLater))
        );
        assert_eq!(
            check_advance(Stage::Filed, Stage::LandSecured, d("2026-11-26"), today),
            Err(("date", Problem::DateInFuture))
        );
    }
}
