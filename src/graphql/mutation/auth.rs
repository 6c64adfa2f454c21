//! Signing in and out of the playground.

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::api_token::TokenKind;

use crate::auth::tokens;
use crate::domain::staff::{self, Login};
use crate::error::AppError;
use crate::graphql::db;
use crate::graphql::guards::{ANY_STAFF, RoleGuard, require_viewer};
use crate::graphql::types::{StaffMember, UserError, UserErrorCode};

#[derive(Default)]
pub struct AuthMutation;

/// The result of `login`.
#[derive(SimpleObject, Default)]
pub struct LoginPayload {
    /// A session token for `Authorization: Bearer …`; shown once.
    pub token: Option<String>,
    /// When the session ends.
    pub expires_at: Option<DateTime<Utc>>,
    /// Who signed in.
    pub viewer: Option<StaffMember>,
    /// Why signing in failed.
    pub user_errors: Vec<UserError>,
}

/// The result of `logout`.
#[derive(SimpleObject)]
pub struct LogoutPayload {
    /// Whether the session was ended.
    pub ok: bool,
    /// Why it could not be.
    pub user_errors: Vec<UserError>,
}

#[Object]
impl AuthMutation {
    /// Signs a staff member in and returns a session token that lasts 12 hours.
    /// A wrong email and a wrong password get the same answer; after 5 failures
    /// within 15 minutes the email is refused (RATE_LIMITED) until they pass.
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> Result<LoginPayload> {
        match staff::login(db(ctx), &email, password, Utc::now()).await? {
            Login::SignedIn {
                token,
                expires_at,
                staff,
            } => Ok(LoginPayload {
                token: Some(token),
                expires_at: Some(expires_at),
                viewer: Some(StaffMember(staff)),
                user_errors: Vec::new(),
            }),
            Login::Refused => Ok(LoginPayload {
                user_errors: vec![UserError::new(
                    &[],
                    UserErrorCode::InvalidCredentials,
                    "the email or the password is wrong",
                )],
                ..LoginPayload::default()
            }),
            Login::Throttled { retry_after_secs } => {
                Err(AppError::RateLimited { retry_after_secs }.into())
            }
        }
    }

    /// Ends the session the request was made with. API tokens made with the
    /// command line are revoked there (`clinic-api token revoke`).
    #[graphql(guard = "RoleGuard(ANY_STAFF)")]
    async fn logout(&self, ctx: &Context<'_>) -> Result<LogoutPayload> {
        let viewer = require_viewer(ctx)?;
        if viewer.token_kind != TokenKind::Session {
            return Ok(LogoutPayload {
                ok: false,
                user_errors: vec![UserError::new(
                    &[],
                    UserErrorCode::InvalidState,
                    "this is an API token, not a session; revoke it with `clinic-api token revoke`",
                )],
            });
        }
        tokens::revoke(db(ctx), viewer.token_id).await?;
        Ok(LogoutPayload {
            ok: true,
            user_errors: Vec::new(),
        })
    }
}
