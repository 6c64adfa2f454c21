//! Staff accounts: creating, listing and disabling them, and signing in.

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use entity::api_token::TokenKind;
use entity::{login_attempt, staff};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, NotSet,
    PaginatorTrait, QueryFilter, QueryOrder, TransactionTrait,
};

use crate::auth::{Role, password, tokens};
use crate::domain::limits::{self, Ask, Limit};
use crate::error::{AppError, AppResult};
use crate::events::{Event, Events};

/// How long a session from `login` lasts.
pub const SESSION_HOURS: i64 = 12;
/// Failed sign-ins for one email within [`FAILURE_WINDOW_MINUTES`] before
/// further tries are refused until the window has passed.
pub const MAX_FAILURES: u32 = 5;
pub const FAILURE_WINDOW_MINUTES: i64 = 15;
/// Failed sign-ins from one client address (an IPv6 /64) within the window,
/// whatever the emails, unless configured otherwise.
pub const DEFAULT_FAILURES_PER_ADDRESS: u32 = 20;

/// How sign-ins are limited: failures per email and per client address
/// within a sliding window. Every attempt is counted before its password is
/// checked and taken back if it succeeds, so that however many arrive at
/// once, no more passwords are checked than the limit allows.
#[derive(Clone, Copy, Debug)]
pub struct LoginPolicy {
    pub per_email: Limit,
    /// `None`: no limit per address.
    pub per_address: Option<Limit>,
}

impl Default for LoginPolicy {
    fn default() -> Self {
        let window = Duration::minutes(FAILURE_WINDOW_MINUTES);
        Self {
            per_email: Limit {
                max: MAX_FAILURES,
                window,
            },
            per_address: Some(Limit {
                max: DEFAULT_FAILURES_PER_ADDRESS,
                window,
            }),
        }
    }
}

/// Lower-cased and trimmed: how emails are stored and compared.
pub fn normalise_email(email: &str) -> String {
    email.trim().to_lowercase()
}

/// What is wrong with a new account's details, if anything.
pub fn check_new_account(email: &str, name: &str, password: &str) -> Result<(), String> {
    let email = normalise_email(email);
    let valid_email = email
        .split_once('@')
        .is_some_and(|(local, domain)| !local.is_empty() && domain.contains('.'))
        && email.len() <= 254;
    if !valid_email {
        return Err(format!("{email:?} is not an email address"));
    }
    if name.trim().is_empty() || name.len() > 200 {
        return Err("the name must have 1 to 200 characters".into());
    }
    if password.chars().count() < password::MIN_LENGTH {
        return Err(format!(
            "the password must have at least {} characters",
            password::MIN_LENGTH
        ));
    }
    Ok(())
}

/// Creates an account; the email must be new.
pub async fn create(
    db: &DatabaseConnection,
    email: &str,
    name: &str,
    role: Role,
    plain_password: String,
) -> AppResult<staff::Model> {
    check_new_account(email, name, &plain_password).map_err(AppError::BadUserInput)?;
    let email = normalise_email(email);
    let taken = staff::Entity::find()
        .filter(staff::Column::Email.eq(&email))
        .count(db)
        .await?
        > 0;
    if taken {
        return Err(AppError::bad_input(format!(
            "a staff account for {email} exists already"
        )));
    }
    let now = Utc::now();
    Ok(staff::ActiveModel {
        id: NotSet,
        email: Set(email),
        name: Set(name.trim().to_owned()),
        role: Set(role),
        password_hash: Set(password::hash(plain_password).await?),
        active: Set(true),
        created_at: Set(now),
        updated_at: Set(now),
    }
    .insert(db)
    .await?)
}

/// Every account, by email.
pub async fn list(db: &DatabaseConnection) -> AppResult<Vec<staff::Model>> {
    Ok(staff::Entity::find()
        .order_by_asc(staff::Column::Email)
        .all(db)
        .await?)
}

pub async fn find_by_email(
    db: &DatabaseConnection,
    email: &str,
) -> AppResult<Option<staff::Model>> {
    Ok(staff::Entity::find()
        .filter(staff::Column::Email.eq(normalise_email(email)))
        .one(db)
        .await?)
}

/// Disables an account and revokes all its tokens, which ends its open
/// connections on every instance; `None` if there is no such account.
pub async fn disable(
    db: &DatabaseConnection,
    events: &Events,
    email: &str,
) -> AppResult<Option<staff::Model>> {
    let Some(found) = find_by_email(db, email).await? else {
        return Ok(None);
    };
    let txn = db.begin().await?;
    let mut active: staff::ActiveModel = found.into();
    active.active = Set(false);
    active.updated_at = Set(Utc::now());
    let updated = active.update(&txn).await?;
    tokens::revoke_all_of(&txn, updated.id).await?;
    let news = events
        .publish_in(&txn, vec![Event::AccessChanged(updated.id)])
        .await?;
    txn.commit().await?;
    news.deliver();
    Ok(Some(updated))
}

/// Revokes a token (a session or an API token) and tells every instance,
/// so that connections opened with it close; whether there was one to revoke.
pub async fn revoke_token(db: &DatabaseConnection, events: &Events, id: i32) -> AppResult<bool> {
    let txn = db.begin().await?;
    let Some(owner) = tokens::revoke(&txn, id).await? else {
        return Ok(false);
    };
    let news = events
        .publish_in(&txn, vec![Event::AccessChanged(owner)])
        .await?;
    txn.commit().await?;
    news.deliver();
    Ok(true)
}

/// The outcome of a sign-in.
pub enum Login {
    /// A new session token, shown once.
    SignedIn {
        token: String,
        expires_at: DateTime<Utc>,
        staff: staff::Model,
    },
    /// Wrong email or wrong password: the same answer for both.
    Refused,
    /// Too many failures lately; try again after this many seconds.
    Throttled { retry_after_secs: i64 },
}

/// Signs in with email and password. An unknown email and a wrong password
/// take the same time and get the same answer. The attempt is counted
/// against the email and the client's address before the password is
/// checked (in its own transaction, so that every instance sees it at once),
/// and taken back if it succeeds: after the policy's failures within its
/// window, further tries are refused without a check until they pass.
pub async fn login(
    db: &DatabaseConnection,
    policy: &LoginPolicy,
    email: &str,
    plain_password: String,
    client: Option<IpAddr>,
    now: DateTime<Utc>,
) -> AppResult<Login> {
    let email = normalise_email(email);
    let hits = limits::client_hits(
        "login",
        policy.per_address,
        client,
        Some(policy.per_email),
        &email,
    );
    let ask = Ask {
        hits: &hits,
        at: now,
    };
    if let Err(retry_after_secs) = limits::reserve(db, ask).await? {
        return Ok(Login::Throttled { retry_after_secs });
    }

    let account = staff::Entity::find()
        .filter(staff::Column::Email.eq(&email))
        .one(db)
        .await?
        .filter(|s| s.active);
    let stored = account.as_ref().map(|s| s.password_hash.clone());
    let matches = password::verify(plain_password, stored).await?;

    let txn = db.begin().await?;
    login_attempt::ActiveModel {
        id: NotSet,
        email: Set(email),
        succeeded: Set(matches),
        at: Set(now),
    }
    .insert(&txn)
    .await?;
    // Old attempts are of no further use.
    login_attempt::Entity::delete_many()
        .filter(login_attempt::Column::At.lt(now - Duration::days(1)))
        .exec(&txn)
        .await?;
    let outcome = match account {
        Some(staff) if matches => {
            limits::release(&txn, ask).await?;
            let expires_at = now + Duration::hours(SESSION_HOURS);
            let (token, _) = tokens::issue(
                &txn,
                staff.id,
                TokenKind::Session,
                "playground session",
                expires_at,
            )
            .await?;
            Login::SignedIn {
                token,
                expires_at,
                staff,
            }
        }
        _ => Login::Refused,
    };
    txn.commit().await?;
    Ok(outcome)
}
