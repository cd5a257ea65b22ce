//! Checking an uploaded spreadsheet for an import, as a whole: a checklist into a project, or
//! projects with their task forces. Nothing is created until every row is right.

use std::collections::HashMap;

use sqlx::PgPool;

use super::sheet_read;
use crate::db::{project_edits, units};
use crate::domain::checklist::Category;
use crate::domain::input::Problem;
use crate::domain::lifecycle::Stage;
use crate::domain::project::ProjectDraft;
use crate::domain::sheet::{self, Cell, RowError, SheetItem, SheetProblem};
use crate::error::AppResult;
use crate::i18n::Lang;

/// Unit names and codes, both leading to the code; categories in both languages and as codes.
pub async fn lookups(db: &PgPool) -> AppResult<HashMap<String, String>> {
    let all = units::all(db).await?;
    Ok(all
        .into_iter()
        .flat_map(|u| [(u.name.clone(), u.code.clone()), (u.code.clone(), u.code)])
        .collect())
}

pub fn category_of(text: &str) -> Option<Category> {
    Category::parse(text).or_else(|| {
        Category::ALL.into_iter().find(|c| {
            [Lang::Zh, Lang::En]
                .iter()
                .any(|l| l.catalog().category(c).eq_ignore_ascii_case(text))
        })
    })
}

/// Reads and checks an uploaded checklist file as a whole.
pub async fn check_file(db: &PgPool, bytes: Option<Vec<u8>>) -> AppResult<Result<Vec<SheetItem>, Vec<RowError>>> {
    let rows = match sheet_read::read_upload(bytes).await {
        Ok(rows) => rows,
        Err(problem) => return Ok(Err(vec![file_problem(problem)])),
    };
    let units = lookups(db).await?;
    Ok(sheet::checklist(&rows, &units, category_of))
}

/// A problem of the file as a whole, reported on its first row.
pub fn file_problem(problem: SheetProblem) -> RowError {
    RowError {
        row: 1,
        field: "file",
        problem,
    }
}

/// A stage by its code or its name in either language.
pub fn stage_of(text: &str) -> Option<Stage> {
    Stage::parse(text).or_else(|| {
        Stage::ALL.into_iter().find(|s| {
            [Lang::Zh, Lang::En]
                .iter()
                .any(|l| l.catalog().stage(*s).eq_ignore_ascii_case(text))
        })
    })
}

/// Reads and checks a projects sheet, then the names and codes already taken in the county.
pub async fn check_rows(
    db: &PgPool,
    rows: Result<Vec<Vec<Cell>>, SheetProblem>,
) -> AppResult<Result<Vec<(usize, ProjectDraft)>, Vec<RowError>>> {
    let rows = match rows {
        Ok(rows) => rows,
        Err(problem) => return Ok(Err(vec![file_problem(problem)])),
    };
    let units = lookups(db).await?;
    let drafts = match sheet::projects(&rows, &units, stage_of) {
        Ok(d) => d,
        Err(e) => return Ok(Err(e)),
    };
    let names: Vec<String> = drafts.iter().map(|(_, d)| d.name.clone()).collect();
    let codes: Vec<String> = drafts.iter().filter_map(|(_, d)| d.investment_code.clone()).collect();
    let (taken_names, taken_codes) = project_edits::taken_names_and_codes(db, &names, &codes).await?;
    let errors: Vec<RowError> = drafts
        .iter()
        .flat_map(|(row, d)| {
            let name = taken_names.contains(&d.name).then_some("name");
            let code = d
                .investment_code
                .as_ref()
                .filter(|c| taken_codes.contains(c))
                .map(|_| "investment_code");
            [name, code].into_iter().flatten().map(|field| RowError {
                row: *row,
                field,
                problem: SheetProblem::Field(Problem::TakenName),
            })
        })
        .collect();
    Ok(if errors.is_empty() { Ok(drafts) } else { Err(errors) })
}
