//! The clinic, its locations and its services.

use async_graphql::{Context, Object, Result};

use crate::domain::{locations, organization, services};
use crate::graphql::db;
use crate::graphql::types::{Location, Organization, Service};

#[derive(Default)]
pub struct ClinicQuery;

#[Object]
impl ClinicQuery {
    /// The clinic and its contact details; null only before it is set up.
    async fn organization(&self, ctx: &Context<'_>) -> Result<Option<Organization>> {
        Ok(organization::get(db(ctx)).await?.map(Organization))
    }

    /// Every location, in the clinic's order.
    async fn locations(&self, ctx: &Context<'_>) -> Result<Vec<Location>> {
        Ok(locations::list(db(ctx))
            .await?
            .into_iter()
            .map(Location)
            .collect())
    }

    /// The location with this slug, or null.
    async fn location(&self, ctx: &Context<'_>, slug: String) -> Result<Option<Location>> {
        Ok(locations::find_by_slug(db(ctx), &slug).await?.map(Location))
    }

    /// Every service offered, in the clinic's order.
    async fn services(&self, ctx: &Context<'_>) -> Result<Vec<Service>> {
        Ok(services::list_active(db(ctx))
            .await?
            .into_iter()
            .map(Service)
            .collect())
    }

    /// The service with this slug, or null.
    async fn service(&self, ctx: &Context<'_>, slug: String) -> Result<Option<Service>> {
        Ok(services::find_active_by_slug(db(ctx), &slug)
            .await?
            .map(Service))
    }
}
