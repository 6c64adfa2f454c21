//! Staff authentication: passwords hashed with argon2id, random bearer tokens
//! stored only as SHA-256 hashes, sessions from `login`, and roles.

pub mod password;
pub mod tokens;

use chrono::{DateTime, Duration, Utc};
use entity::api_token::{self, TokenKind};
use entity::staff;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter};

pub use entity::staff::StaffRole as Role;

use crate::error::AppResult;

/// The signed-in staff member a request acts for.
#[derive(Clone, Debug)]
pub struct Viewer {
    pub staff: staff::Model,
    /// The token the request carried.
    pub token_id: i32,
    pub token_kind: TokenKind,
    /// When the token stops being valid.
    pub expires_at: DateTime<Utc>,
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

/// How long tokens may be used.
#[derive(Clone, Copy, Debug)]
pub struct TokenRules {
    /// The longest an API token may live from its creation, whatever
    /// expiry it was given (so that lowering it reaches tokens made before).
    pub api_lifetime: Duration,
}

impl Default for TokenRules {
    fn default() -> Self {
        Self {
            api_lifetime: Duration::days(DEFAULT_API_TOKEN_DAYS.into()),
        }
    }
}

/// The longest life of an API token unless configured otherwise.
pub const DEFAULT_API_TOKEN_DAYS: u32 = 365;

/// How often a token's `last_used_at` is written at most: a request a
/// second must not be a write a second.
pub const LAST_USED_EVERY: Duration = Duration::minutes(5);

/// Reads an `Authorization` header value: no header is anonymous; anything
/// but a valid token is a problem, never a silent fall-back to anonymous.
pub async fn authenticate(
    db: &DatabaseConnection,
    header: Option<&str>,
    now: DateTime<Utc>,
    rules: TokenRules,
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
    match judge(found, now, rules) {
        Ok(viewer) => {
            note_use(db, &viewer, now).await?;
            Ok(Ok(Some(viewer.viewer)))
        }
        Err(problem) => Ok(Err(problem)),
    }
}

/// Checks again the token a viewer signed in with, as it is now: revoked,
/// expired, the account disabled or its role changed since. The viewer as
/// the database has it now, or why the token no longer holds.
pub async fn recheck(
    db: &DatabaseConnection,
    viewer: &Viewer,
    now: DateTime<Utc>,
    rules: TokenRules,
) -> AppResult<Result<Viewer, TokenProblem>> {
    let found = api_token::Entity::find_by_id(viewer.token_id)
        .find_also_related(staff::Entity)
        .one(db)
        .await?;
    Ok(judge(found, now, rules).map(|fresh| fresh.viewer))
}

/// A token that holds, with what is known of its last use.
struct Valid {
    viewer: Viewer,
    last_used_at: Option<DateTime<Utc>>,
}

fn judge(
    found: Option<(api_token::Model, Option<staff::Model>)>,
    now: DateTime<Utc>,
    rules: TokenRules,
) -> Result<Valid, TokenProblem> {
    let Some((row, Some(staff))) = found else {
        return Err(TokenProblem::Unknown);
    };
    if row.revoked_at.is_some() {
        return Err(TokenProblem::Revoked);
    }
    let expires_at = match row.kind {
        TokenKind::Api => row.expires_at.min(row.created_at + rules.api_lifetime),
        TokenKind::Session => row.expires_at,
    };
    if expires_at <= now {
        return Err(TokenProblem::Expired);
    }
    if !staff.active {
        return Err(TokenProblem::AccountDisabled);
    }
    Ok(Valid {
        viewer: Viewer {
            staff,
            token_id: row.id,
            token_kind: row.kind,
            expires_at,
        },
        last_used_at: row.last_used_at,
    })
}

/// Writes when a token was last used, at most every [`LAST_USED_EVERY`]
/// (the condition holds on concurrent requests too: one of them writes).
async fn note_use(db: &DatabaseConnection, valid: &Valid, now: DateTime<Utc>) -> AppResult<()> {
    let due = now - LAST_USED_EVERY;
    if valid.last_used_at.is_some_and(|last| last > due) {
        return Ok(());
    }
    api_token::Entity::update_many()
        .col_expr(api_token::Column::LastUsedAt, Expr::value(now))
        .filter(api_token::Column::Id.eq(valid.viewer.token_id))
        .filter(
            Condition::any()
                .add(api_token::Column::LastUsedAt.is_null())
                .add(api_token::Column::LastUsedAt.lte(due)),
        )
        .exec(db)
        .await?;
    Ok(())
}
