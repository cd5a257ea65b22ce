//! Units: adding one (administrators).

use sqlx::PgPool;

use crate::auth::policy;
use crate::db::audit::Actor;
use crate::db::units::{self, Created, Unit};
use crate::domain::access::CurrentUser;
use crate::domain::input::{self, FieldErrors, Problem};
use crate::domain::names::UnitCode;
use crate::error::{AppError, AppResult};

/// Adds a unit with its code and name, both unused.
pub async fn create(db: &PgPool, user: &CurrentUser, code: &str, name: &str) -> AppResult<Result<Unit, FieldErrors>> {
    if !policy::may_manage_units(user) {
        return Err(AppError::Forbidden);
    }
    let mut errors = FieldErrors::default();
    let code = errors.check("code", UnitCode::parse(code).ok_or(Problem::UnknownChoice));
    let name = errors.check("name", input::required_text(name, 100));
    let (Some(code), Some(name)) = (code, name) else {
        return Ok(Err(errors));
    };
    Ok(
        match units::create(db, code.as_str(), &name, Actor::User(user.id)).await? {
            Created::Unit(u) => Ok(u),
            Created::CodeTaken => Err(FieldErrors(vec![("code", Problem::TakenName)])),
            Created::NameTaken => Err(FieldErrors(vec![("name", Problem::TakenName)])),
        },
    )
}
