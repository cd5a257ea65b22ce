//! Constraint violations by name: a statement that broke a unique, foreign-key or check
//! constraint the caller expects answers what the caller maps it to (a taken name, an open order),
//! in one way; any other error stays an error.

pub trait OnConstraint<T> {
    /// `Ok(Err(v))` when the statement broke the constraint named with `v` in `map`.
    fn on_constraint<V: Clone>(self, map: &[(&str, V)]) -> Result<Result<T, V>, sqlx::Error>;
}

impl<T> OnConstraint<T> for Result<T, sqlx::Error> {
    fn on_constraint<V: Clone>(self, map: &[(&str, V)]) -> Result<Result<T, V>, sqlx::Error> {
        match self {
            Ok(value) => Ok(Ok(value)),
            Err(sqlx::Error::Database(d)) => {
                let named = d
                    .constraint()
                    .and_then(|c| map.iter().find(|(name, _)| *name == c))
                    .map(|(_, v)| v.clone());
                match named {
                    Some(v) => Ok(Err(v)),
                    None => Err(sqlx::Error::Database(d)),
                }
            }
            Err(e) => Err(e),
        }
    }
}
