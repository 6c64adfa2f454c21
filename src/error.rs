//! The error type of resolvers and domain functions, and its GraphQL shape.

use async_graphql::ErrorExtensions;

/// What can go wrong, as the API reports it. Internal variants show a generic
/// message on purpose: a database error's text may name tables or values.
///
/// It has no `Display` on purpose: async-graphql turns anything displayable into
/// an error without `extensions.code`, so `?` must go through the `From` below.
#[derive(Debug)]
pub enum AppError {
    BadUserInput(String),
    Db(sea_orm::DbErr),
    Internal(String),
}

pub type AppResult<T> = Result<T, AppError>;

impl AppError {
    /// The `extensions.code` clients branch on.
    pub fn code(&self) -> &'static str {
        match self {
            Self::BadUserInput(_) => "BAD_USER_INPUT",
            Self::Db(_) | Self::Internal(_) => "INTERNAL_SERVER_ERROR",
        }
    }

    /// What the client is told.
    pub fn message(&self) -> &str {
        match self {
            Self::BadUserInput(message) => message,
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
        async_graphql::Error::new(self.message()).extend_with(|_, e| e.set("code", self.code()))
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
