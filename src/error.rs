//! The error type of resolvers and domain functions, and its GraphQL shape.

use async_graphql::ErrorExtensions;

/// What can go wrong, as the API reports it. Internal variants show a generic
/// message on purpose: a database error's text may name tables or values.
///
/// It has no `Display` on purpose: async-graphql turns anything displayable into
/// an error without `extensions.code`, so `?` must go through the `From` below.
/// Its `Debug` shows a database error as [`describe_db`] does, so that no
/// log line can carry what a row held.
pub enum AppError {
    /// No valid credentials; the message says what was wrong with them.
    Unauthenticated(&'static str),
    /// Signed in, but the role does not allow this.
    Forbidden,
    /// Too many attempts; try again after this many seconds.
    RateLimited {
        retry_after_secs: i64,
    },
    BadUserInput(String),
    /// An idempotency key came back with a different request than its first.
    IdempotencyConflict,
    Db(sea_orm::DbErr),
    Internal(String),
}

impl std::fmt::Debug for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Db(error) => write!(f, "Db({})", describe_db(error)),
            Self::Internal(message) => write!(f, "Internal({message})"),
            other => write!(f, "{}({})", other.code(), other.message()),
        }
    }
}

/// What may be logged of a database error: what kind it is and, for one the
/// database raised, its code, constraint and table. Never its message,
/// detail or context, which can quote the values of a row or a statement's
/// parameters (PostgreSQL's do).
pub fn describe_db(error: &sea_orm::DbErr) -> String {
    use sea_orm::{DbErr, RuntimeErr};
    match error {
        DbErr::Conn(RuntimeErr::SqlxError(e))
        | DbErr::Exec(RuntimeErr::SqlxError(e))
        | DbErr::Query(RuntimeErr::SqlxError(e)) => describe_sqlx(e),
        DbErr::Conn(_) => "connection error".into(),
        DbErr::Exec(_) => "execution error".into(),
        DbErr::Query(_) => "query error".into(),
        DbErr::ConnectionAcquire(e) => format!("connection pool: {e}"),
        // Written by this service, never with a value in it.
        DbErr::Custom(message) => message.clone(),
        DbErr::RecordNotFound(_) => "record not found".into(),
        DbErr::RecordNotInserted => "record not inserted".into(),
        DbErr::RecordNotUpdated => "record not updated".into(),
        DbErr::Type(_) | DbErr::TryIntoErr { .. } | DbErr::ConvertFromU64(_) => {
            "a value of an unexpected type".into()
        }
        DbErr::Json(_) => "a JSON value that does not fit".into(),
        DbErr::Migration(_) => "migration error".into(),
        _ => "database error".into(),
    }
}

/// [`describe_db`] for the driver's own errors.
pub fn describe_sqlx(error: &sea_orm::sqlx::Error) -> String {
    use sea_orm::sqlx::Error;
    match error {
        Error::Database(e) => {
            let mut text = format!(
                "database error {} ({:?})",
                e.code().as_deref().unwrap_or("without code"),
                e.kind()
            );
            if let Some(constraint) = e.constraint() {
                text.push_str(&format!(", constraint {constraint}"));
            }
            if let Some(table) = e.table() {
                text.push_str(&format!(", table {table}"));
            }
            text
        }
        Error::Io(e) => format!("I/O error ({:?})", e.kind()),
        Error::Tls(_) => "TLS error".into(),
        Error::Protocol(_) => "protocol error".into(),
        Error::PoolTimedOut => "timed out waiting for a connection of the pool".into(),
        Error::PoolClosed => "the connection pool is closed".into(),
        Error::WorkerCrashed => "the database worker crashed".into(),
        Error::RowNotFound => "row not found".into(),
        Error::ColumnDecode { index, .. } => format!("cannot decode column {index}"),
        Error::Encode(_) => "cannot encode a value".into(),
        Error::Decode(_) => "cannot decode a value".into(),
        Error::Configuration(_) => "configuration error".into(),
        _ => "database driver error".into(),
    }
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// The `extensions.code` clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Unauthenticated(_) => "UNAUTHENTICATED",
            Self::Forbidden => "FORBIDDEN",
            Self::RateLimited { .. } => "RATE_LIMITED",
            Self::BadUserInput(_) => "BAD_USER_INPUT",
            Self::IdempotencyConflict => "IDEMPOTENCY_CONFLICT",
            Self::Db(_) | Self::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }

    /// What the client is told.
    pub fn message(&self) -> &str {
        match self {
            Self::Unauthenticated(message) => message,
            Self::Forbidden => "your role does not allow this",
            Self::RateLimited { .. } => "too many attempts; try again later",
            Self::BadUserInput(message) => message,
            Self::IdempotencyConflict => {
                "this idempotency key was used for a different request; use a new key for a new request"
            }
            Self::Db(_) | Self::Internal(_) => "internal server error",
        }
    }

    pub fn bad_input(message: impl Into<String>) -> Self {
        Self::BadUserInput(message.into())
    }
}

impl ErrorExtensions for AppError {
    fn extend(&self) -> async_graphql::Error {
        if matches!(self, Self::Db(_) | Self::Internal(_)) {
            tracing::error!(error = ?self, "request failed");
        }
        async_graphql::Error::new(self.message()).extend_with(|_, e| {
            e.set("code", self.code());
            if let Self::RateLimited { retry_after_secs } = self {
                e.set("retryAfter", *retry_after_secs);
            }
        })
    }
}

impl From<AppError> for async_graphql::Error {
    fn from(error: AppError) -> Self {
        error.extend()
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(error: sea_orm::DbErr) -> Self {
        Self::Db(error)
    }
}

impl From<std::sync::Arc<sea_orm::DbErr>> for AppError {
    fn from(error: std::sync::Arc<sea_orm::DbErr>) -> Self {
        Self::Internal(describe_db(&error))
    }
}

/// For the command line, which reports errors as text.
impl From<AppError> for anyhow::Error {
    fn from(error: AppError) -> Self {
        match error {
            AppError::Db(e) => anyhow::Error::new(e),
            AppError::Internal(message) => anyhow::anyhow!(message),
            other => anyhow::anyhow!("{}", other.message()),
        }
    }
}
