use thiserror::Error;

/// What can go wrong in the store. Handlers map `NotFound` to 404 and `Conflict` to a
/// form error; everything else is a 500 that is logged, never shown.
#[derive(Debug, Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    /// A unique key was violated; the payload names the constraint.
    #[error("conflict: {0}")]
    Conflict(String),
    #[error("bad database URL or path: {0}")]
    Config(String),
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    #[error("migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            sqlx::Error::Database(db) if db.is_unique_violation() => {
                StoreError::Conflict(db.constraint().unwrap_or("unique").to_owned())
            }
            _ => StoreError::Database(e),
        }
    }
}
