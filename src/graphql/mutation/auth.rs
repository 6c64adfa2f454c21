//! Signing in and out of the playground.

use async_graphql::{Context, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};
use entity::api_token::TokenKind;

use crate::domain::staff::{self, Login, LoginPolicy};
use crate::error::AppError;
use crate::graphql::guards::{ANY_STAFF, RoleGuard, require_viewer};
use crate::graphql::types::{StaffMember, UserError, UserErrorCode};
use crate::graphql::{RequestInfo, db, events};

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
    /// within 15 minutes the email is refused (RATE_LIMITED) until they pass,
    /// and so is an address after 20 failures, whatever the emails.
    async fn login(
        &self,
        ctx: &Context<'_>,
        email: String,
        password: String,
    ) -> Result<LoginPayload> {
        let client = ctx
            .data_opt::<RequestInfo>()
            .and_then(|info| info.client_ip);
        let policy = ctx.data_unchecked::<LoginPolicy>();
        match staff::login(db(ctx), policy, &email, password, client, Utc::now()).await? {
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

    /// Ends the session the request was made with, and closes every
    /// connection opened with it. API tokens made with the command line are
    /// revoked there (`clinic-api token revoke`).
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
        staff::revoke_token(db(ctx), events(ctx), viewer.token_id).await?;
        Ok(LogoutPayload {
            ok: true,
            user_errors: Vec::new(),
        })
    }
}
