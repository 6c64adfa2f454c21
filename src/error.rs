//! The error type of resolvers and domain functions, and its GraphQL shape.

use async_graphql::ErrorExtensions;

/// What can go wrong, as the API reports it. Internal variants show a generic
/// message on purpose: a database error's text may name tables or values.
///
/// It has no `Display` on purpose: async-graphql turns anything displayable into
/// an error without `extensions.code`, so `?` must go through the `From` below.
#[derive(Debug)]
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
        Self::Internal(error.to_string())
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
