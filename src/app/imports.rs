//! Checking an uploaded spreadsheet for an import, as a whole: a checklist into a project, or
//! projects with their task forces. Nothing is created until every row is right. A page's import
//! is previewed first: the checked sheet waits on the server under a one-time id
//! (`db::pending_imports`), and its confirmation creates it once, checked again.

use std::collections::HashMap;

use sqlx::PgPool;
use uuid::Uuid;

use super::sheet_read;
use crate::auth::CurrentUser;
use crate::db::audit::Actor;
use crate::db::settings::Settings;
use crate::db::{items, pending_imports, project_edits, units};
use crate::domain::checklist::Category;
use crate::domain::input::Problem;
use crate::domain::lifecycle::Stage;
use crate::domain::project::ProjectDraft;
use crate::domain::sheet::{self, Cell, RowError, SheetItem, SheetProblem};
use crate::domain::status::ItemState;
use crate::error::AppResult;
use crate::i18n::Lang;

/// A sheet checked for its preview: what it would create, and the one-time id that confirms it.
pub struct Preview<T> {
    pub import: Uuid,
    pub found: T,
}

/// What confirming an import did.
pub enum Confirmed {
    /// Created this many.
    Created(u64),
    /// The import was confirmed already (or is a day old, or someone else's): nothing was done.
    Gone,
    /// Checked again, the sheet no longer holds (a unit gone, a name taken meanwhile).
    Refused(Vec<RowError>),
}

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
pub async fn check_file(
    db: &PgPool,
    settings: &Settings,
    bytes: Option<Vec<u8>>,
) -> AppResult<Result<Vec<SheetItem>, Vec<RowError>>> {
    match sheet_read::read_upload(bytes).await {
        Ok(rows) => check_cells(db, settings, &rows).await,
        Err(problem) => Ok(Err(vec![file_problem(problem)])),
    }
}

async fn check_cells(
    db: &PgPool,
    settings: &Settings,
    rows: &[Vec<Cell>],
) -> AppResult<Result<Vec<SheetItem>, Vec<RowError>>> {
    let units = lookups(db).await?;
    Ok(sheet::checklist(rows, &units, category_of, settings.import_rows()))
}

/// Checks an uploaded checklist for `project` and keeps it for its confirmation: its items, each
/// with whether the checklist lacks it (a matter already on it is skipped, however often the
/// office imports its sheet).
pub async fn preview_checklist(
    db: &PgPool,
    settings: &Settings,
    user: &CurrentUser,
    project: Uuid,
    bytes: Option<Vec<u8>>,
) -> AppResult<Result<Preview<Vec<(SheetItem, bool)>>, Vec<RowError>>> {
    let rows = match sheet_read::read_upload(bytes).await {
        Ok(rows) => rows,
        Err(problem) => return Ok(Err(vec![file_problem(problem)])),
    };
    Ok(match check_cells(db, settings, &rows).await? {
        Ok(found) => {
            let lacking = items::lacking(&mut *db.acquire().await?, project, &found).await?;
            Ok(Preview {
                import: pending_imports::keep(db, user.id, Some(project), &rows).await?,
                found: found.into_iter().zip(lacking).collect(),
            })
        }
        Err(errors) => Err(errors),
    })
}

/// Creates the previewed checklist `import` in `project`, once: the items the checklist lacks, all
/// of them or only the open ones. `closed_as` is the closing note of the items the sheet gives as
/// closed.
pub async fn confirm_checklist(
    db: &PgPool,
    settings: &Settings,
    user: &CurrentUser,
    (project, import): (Uuid, Uuid),
    open_only: bool,
    closed_as: &str,
) -> AppResult<Confirmed> {
    let mut tx = db.begin().await?;
    let Some(rows) = pending_imports::take(&mut tx, import, user.id, Some(project)).await? else {
        return Ok(Confirmed::Gone);
    };
    let found = match check_cells(db, settings, &rows).await? {
        Ok(found) => found,
        Err(errors) => return Ok(Confirmed::Refused(errors)),
    };
    let chosen: Vec<SheetItem> = found
        .into_iter()
        .filter(|i| !open_only || i.state == ItemState::Open)
        .collect();
    let created = items::insert_missing(
        &mut tx,
        project,
        &chosen,
        closed_as,
        Actor::User(user.id),
        Some(user.id),
    )
    .await?;
    tx.commit().await?;
    Ok(Confirmed::Created(created))
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

/// Checks an uploaded projects sheet and keeps it for its confirmation.
pub async fn preview_projects(
    db: &PgPool,
    settings: &Settings,
    user: &CurrentUser,
    rows: Result<Vec<Vec<Cell>>, SheetProblem>,
) -> AppResult<Result<Preview<Vec<(usize, ProjectDraft)>>, Vec<RowError>>> {
    let rows = match rows {
        Ok(rows) => rows,
        Err(problem) => return Ok(Err(vec![file_problem(problem)])),
    };
    Ok(match check_rows(db, settings, &rows).await? {
        Ok(found) => Ok(Preview {
            import: pending_imports::keep(db, user.id, None, &rows).await?,
            found,
        }),
        Err(errors) => Err(errors),
    })
}

/// Creates the previewed projects sheet `import` with its task forces, once, all or none.
pub async fn confirm_projects(
    db: &PgPool,
    settings: &Settings,
    user: &CurrentUser,
    import: Uuid,
) -> AppResult<Confirmed> {
    let mut tx = db.begin().await?;
    let Some(rows) = pending_imports::take(&mut tx, import, user.id, None).await? else {
        return Ok(Confirmed::Gone);
    };
    let drafts = match check_rows(db, settings, &rows).await? {
        Ok(drafts) => drafts,
        Err(errors) => return Ok(Confirmed::Refused(errors)),
    };
    Ok(match create_projects(&mut tx, user, &drafts).await? {
        Ok(n) => {
            tx.commit().await?;
            Confirmed::Created(n)
        }
        Err(errors) => Confirmed::Refused(errors),
    })
}

/// Creates checked projects inside `tx`: how many, or the row the database refused and why
/// (the caller then rolls back).
pub async fn create_projects(
    tx: &mut sqlx::PgConnection,
    user: &CurrentUser,
    drafts: &[(usize, ProjectDraft)],
) -> AppResult<Result<u64, Vec<RowError>>> {
    Ok(
        match project_edits::insert_all(tx, drafts, Actor::User(user.id), Some(user.id)).await? {
            Ok(n) => Ok(n),
            Err((row, e)) => Err(e
                .0
                .into_iter()
                .map(|(field, p)| RowError {
                    row,
                    field,
                    problem: SheetProblem::Field(p),
                })
                .collect()),
        },
    )
}

/// Checks a projects sheet's cells, then the names and codes already taken in the county.
pub async fn check_rows(
    db: &PgPool,
    settings: &Settings,
    rows: &[Vec<Cell>],
) -> AppResult<Result<Vec<(usize, ProjectDraft)>, Vec<RowError>>> {
    let units = lookups(db).await?;
    let year = chrono::Datelike::year(&settings.today());
    let drafts = match sheet::projects(rows, &units, stage_of, settings.import_rows(), year) {
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
