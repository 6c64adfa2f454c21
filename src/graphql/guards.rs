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
        require_role(ctx, self.0, "sign in to do this")?;
        Ok(())
    }
}

/// What [`RoleGuard`] checks, for a use of a field that only some roles may
/// make (an argument, a filter): the signed-in staff member if they have one
/// of `roles` (or are ADMIN); UNAUTHENTICATED, saying `why`, for anonymous
/// requests, and FORBIDDEN for other roles.
pub fn require_role<'a>(
    ctx: &Context<'a>,
    roles: &'static [Role],
    why: &'static str,
) -> Result<&'a Viewer, AppError> {
    match viewer(ctx) {
        None => Err(AppError::Unauthenticated(why)),
        Some(viewer) if viewer.has_role(roles) => Ok(viewer),
        Some(_) => Err(AppError::Forbidden),
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
