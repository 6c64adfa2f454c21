//! Staff authentication: passwords hashed with argon2id, random bearer tokens
//! stored only as SHA-256 hashes, sessions from `login`, and roles.

pub mod password;
pub mod tokens;

use chrono::{DateTime, Utc};
use entity::api_token::{self, TokenKind};
use entity::staff;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter};

pub use entity::staff::StaffRole as Role;

use crate::error::AppResult;

/// The signed-in staff member a request acts for.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub staff: staff::Model,
    /// The token the request carried.
    pub token_id: i32,
    pub token_kind: TokenKind,
}

impl Viewer {
    /// Whether the viewer has one of `roles`; an ADMIN may do everything.
    pub fn has_role(&self, roles: &[Role]) -> bool {
        self.staff.role == Role::Admin || roles.contains(&self.staff.role)
    }
}

/// Why a bearer token was refused. Each is answered as UNAUTHENTICATED; the
/// message says which, so a client knows to sign in again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenProblem {
    Malformed,
    Unknown,
    Expired,
    Revoked,
    AccountDisabled,
}

impl TokenProblem {
    pub fn message(self) -> &'static str {
        match self {
            Self::Malformed => "the Authorization header must be `Bearer <token>`",
            Self::Unknown => "the token is not known",
            Self::Expired => "the token has expired; sign in again",
            Self::Revoked => "the token was revoked; sign in again",
            Self::AccountDisabled => "the staff account is disabled",
        }
    }
}

/// Reads an `Authorization` header value: no header is anonymous; anything
/// but a valid token is a problem, never a silent fall-back to anonymous.
pub async fn authenticate(
    db: &DatabaseConnection,
    header: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<Result<Option<Viewer>, TokenProblem>> {
    let Some(header) = header else {
        return Ok(Ok(None));
    };
    let Some(token) = header
        .strip_prefix("Bearer ")
        .map(str::trim)
        .filter(|t| tokens::looks_like_token(t))
    else {
        return Ok(Err(TokenProblem::Malformed));
    };
    let found = api_token::Entity::find()
        .filter(api_token::Column::TokenHash.eq(tokens::hash(token)))
        .find_also_related(staff::Entity)
        .one(db)
        .await?;
    let Some((row, Some(staff))) = found else {
        return Ok(Err(TokenProblem::Unknown));
    };
    if row.revoked_at.is_some() {
        return Ok(Err(TokenProblem::Revoked));
    }
    if row.expires_at <= now {
        return Ok(Err(TokenProblem::Expired));
    }
    if !staff.active {
        return Ok(Err(TokenProblem::AccountDisabled));
    }
    Ok(Ok(Some(Viewer {
        staff,
        token_id: row.id,
        token_kind: row.kind,
    })))
}
