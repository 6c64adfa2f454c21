//! What signed-in staff can read about themselves.

use async_graphql::{Context, Object};

use crate::graphql::guards::viewer;
use crate::graphql::types::StaffMember;

#[derive(Default)]
pub struct StaffQuery;

#[Object]
impl StaffQuery {
    /// The signed-in staff member; null for anonymous requests.
    #[graphql(cache_control(private))]
    async fn viewer(&self, ctx: &Context<'_>) -> Option<StaffMember> {
        viewer(ctx).map(|v| StaffMember(v.staff.clone()))
    }
}
