//! `UserError`: something the person filling in a form can fix.

use async_graphql::{Enum, SimpleObject};

use crate::domain::validate::{Code, Problem};

/// What kind of mistake a [`UserError`] reports.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum UserErrorCode {
    /// A required value is missing or blank.
    Required,
    /// A value is longer or shorter than allowed.
    InvalidLength,
    /// A value is not in the expected form (an email, a slug, a time zone…).
    InvalidFormat,
    /// A number or date is outside the allowed range.
    OutOfRange,
    /// Another object already uses this value (a slug, an email).
    Taken,
    /// The object referred to does not exist.
    NotFound,
    /// The object is not in a state that allows this.
    InvalidState,
    /// The email and password do not match an active account.
    InvalidCredentials,
    /// Someone else changed the object since it was read; the payload shows it as it is now.
    StaleStatus,
}

/// A mistake in the input, tied to the field that holds it.
#[derive(SimpleObject, Clone, Debug)]
pub struct UserError {
    /// Path to the input field, e.g. `["input", "title"]`; null when no one field is at fault.
    pub field: Option<Vec<String>>,
    /// What is wrong, in words to show the user.
    pub message: String,
    /// What is wrong, for programs.
    pub code: UserErrorCode,
}

impl UserError {
    pub fn new(field: &[&str], code: UserErrorCode, message: impl Into<String>) -> Self {
        Self {
            field: (!field.is_empty()).then(|| field.iter().map(|f| (*f).to_owned()).collect()),
            message: message.into(),
            code,
        }
    }
}

impl From<Code> for UserErrorCode {
    fn from(code: Code) -> Self {
        match code {
            Code::Required => Self::Required,
            Code::InvalidLength => Self::InvalidLength,
            Code::InvalidFormat => Self::InvalidFormat,
            Code::OutOfRange => Self::OutOfRange,
            Code::Taken => Self::Taken,
            Code::NotFound => Self::NotFound,
            Code::InvalidState => Self::InvalidState,
            Code::StaleStatus => Self::StaleStatus,
        }
    }
}

/// A problem the domain found in the input, as the API reports it.
impl From<Problem> for UserError {
    fn from(problem: Problem) -> Self {
        let field = problem.field.segments();
        Self {
            field: (!field.is_empty()).then(|| field.to_vec()),
            message: problem.message,
            code: problem.code.into(),
        }
    }
}
