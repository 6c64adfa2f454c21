//! Role checks on fields: `#[graphql(guard = "RoleGuard(EDITORS)")]`.

use async_graphql::{Context, Guard, Result};

use crate::auth::{Role, Viewer};
use crate::error::AppError;

/// Allows staff with one of the roles (and every ADMIN); anonymous requests
/// are UNAUTHENTICATED, other roles FORBIDDEN.
pub struct RoleGuard(pub &'static [Role]);

/// Only ADMIN.
pub const ADMINS: &[Role] = &[];
/// EDITOR (and ADMIN): articles.
pub const EDITORS: &[Role] = &[Role::Editor];
/// FRONT_DESK (and ADMIN): booking requests.
pub const FRONT_DESK: &[Role] = &[Role::FrontDesk];
/// Anyone signed in.
pub const ANY_STAFF: &[Role] = &[Role::Editor, Role::FrontDesk];

impl Guard for RoleGuard {
    async fn check(&self, ctx: &Context<'_>) -> Result<()> {
        match viewer(ctx) {
            None => Err(AppError::Unauthenticated("sign in to do this").into()),
            Some(viewer) if viewer.has_role(self.0) => Ok(()),
            Some(_) => Err(AppError::Forbidden.into()),
        }
    }
}

/// The signed-in staff member, if any.
pub fn viewer<'a>(ctx: &Context<'a>) -> Option<&'a Viewer> {
    ctx.data_opt::<Viewer>()
}

/// The signed-in staff member; for fields behind a [`RoleGuard`].
pub fn require_viewer<'a>(ctx: &Context<'a>) -> Result<&'a Viewer, AppError> {
    viewer(ctx).ok_or(AppError::Unauthenticated("sign in to do this"))
}
