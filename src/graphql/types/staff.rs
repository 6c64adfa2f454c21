//! `StaffMember`: a signed-in person of the clinic's staff.

use async_graphql::{Enum, ID, Object};
use entity::staff;

use crate::graphql::ids;

/// What a staff member may do.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum StaffRole {
    /// Everything, including accounts' content of every kind.
    Admin,
    /// Articles: write, publish, unpublish, archive, delete.
    Editor,
    /// Booking requests: read and follow up; no content.
    FrontDesk,
}

impl From<staff::StaffRole> for StaffRole {
    fn from(role: staff::StaffRole) -> Self {
        match role {
            staff::StaffRole::Admin => Self::Admin,
            staff::StaffRole::Editor => Self::Editor,
            staff::StaffRole::FrontDesk => Self::FrontDesk,
        }
    }
}

/// A member of the clinic's staff with an account.
pub struct StaffMember(pub staff::Model);

/// A member of the clinic's staff with an account.
#[Object(cache_control(private))]
impl StaffMember {
    /// Global id.
    async fn id(&self) -> ID {
        ids::encode("StaffMember", self.0.id)
    }

    /// Sign-in email.
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// Full name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What the account may do.
    async fn role(&self) -> StaffRole {
        self.0.role.into()
    }
}
