//! `Service`: a treatment the clinic offers.

use async_graphql::{Context, Enum, ID, Object, Result};
use entity::service;

use super::Location;
use crate::graphql::loaders::LocationsOfService;
use crate::graphql::{ids, load_many};

/// A treatment the clinic offers, such as medical massage.
pub struct Service(pub service::Model);

/// Whether a service treats a condition or is for well-being.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum ServiceKind {
    /// Treatment with a clinical goal, such as relieving pain in one area;
    /// may follow a physician's referral and be covered by insurance.
    Clinical,
    /// For relaxation and stress relief.
    Relaxation,
}

impl From<service::ServiceKind> for ServiceKind {
    fn from(kind: service::ServiceKind) -> Self {
        match kind {
            service::ServiceKind::Clinical => Self::Clinical,
            service::ServiceKind::Relaxation => Self::Relaxation,
        }
    }
}

impl From<ServiceKind> for service::ServiceKind {
    fn from(kind: ServiceKind) -> Self {
        match kind {
            ServiceKind::Clinical => Self::Clinical,
            ServiceKind::Relaxation => Self::Relaxation,
        }
    }
}

/// A treatment the clinic offers, such as medical massage.
#[Object(cache_control(max_age = 300))]
impl Service {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode("Service", self.0.id)
    }

    /// Stable name in URLs, e.g. `medical-massage`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Name of the service.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Clinical or relaxation.
    async fn kind(&self) -> ServiceKind {
        self.0.kind.into()
    }

    /// What the service is and who it is for.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Session lengths offered, in minutes.
    async fn durations_minutes(&self) -> Vec<i32> {
        serde_json::from_value(self.0.durations_minutes.clone()).unwrap_or_default()
    }

    /// Whether a physician's referral is accepted for it.
    async fn referral_accepted(&self) -> bool {
        self.0.referral_accepted
    }

    /// Whether health insurance may cover it.
    async fn insurance_eligible(&self) -> bool {
        self.0.insurance_eligible
    }

    /// Whether the clinic offers it; retired services are left out of public
    /// queries, staff mutations return either.
    async fn active(&self) -> bool {
        self.0.active
    }

    /// Locations offering it.
    async fn locations(&self, ctx: &Context<'_>) -> Result<Vec<Location>> {
        let rows = load_many(ctx, LocationsOfService(self.0.id)).await?;
        Ok(rows.into_iter().map(Location).collect())
    }
}
