//! `Organization`: the clinic itself and its contact details.

use async_graphql::futures_util;
use async_graphql::{Context, ID, Json, Object, Result};
use entity::organization;
use serde_json::{Value, json};

use super::{Location, Phone, location};
use crate::graphql::loaders::AllLocations;
use crate::graphql::{ids, load_many};

/// The clinic: its name, how to reach it, and its locations.
pub struct Organization(pub organization::Model);

/// The clinic: its name, how to reach it, and its locations.
#[Object(cache_control(max_age = 300))]
impl Organization {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode("Organization", self.0.id)
    }

    /// The clinic's name, e.g. "Physical Therapy First".
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// One line on what the clinic does.
    async fn tagline(&self) -> &str {
        &self.0.tagline
    }

    /// A paragraph about the clinic.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// The main phone number.
    async fn phone(&self) -> Phone {
        Phone::new(&self.0.phone_display, &self.0.phone_e164)
    }

    /// The main e-mail address.
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// The clinic's website.
    async fn website(&self) -> &str {
        &self.0.website
    }

    /// The page where patients ask for an appointment.
    async fn contact_url(&self) -> &str {
        &self.0.contact_url
    }

    /// The page listing the staff and their qualifications.
    async fn staff_url(&self) -> &str {
        &self.0.staff_url
    }

    /// Every location, in the clinic's order.
    async fn locations(&self, ctx: &Context<'_>) -> Result<Vec<Location>> {
        Ok(load_many(ctx, AllLocations)
            .await?
            .into_iter()
            .map(Location)
            .collect())
    }

    /// schema.org markup (`MedicalClinic`, `Physiotherapy`) with contact points
    /// and each location's address and opening hours, ready for a
    /// `<script type="application/ld+json">` tag.
    async fn json_ld(&self, ctx: &Context<'_>) -> Result<Json<Value>> {
        let o = &self.0;
        let sites = load_many(ctx, AllLocations).await?;
        // Together, so that the opening hours of every site load in one batch.
        let departments =
            futures_util::future::try_join_all(sites.iter().map(|l| location::json_ld(ctx, l)))
                .await?;
        Ok(Json(json!({
            "@context": "https://schema.org",
            "@type": ["MedicalClinic", "Physiotherapy"],
            "name": o.name,
            "description": o.description,
            "slogan": o.tagline,
            "url": o.website,
            "email": o.email,
            "telephone": o.phone_e164,
            "contactPoint": [{
                "@type": "ContactPoint",
                "contactType": "appointments",
                "telephone": o.phone_e164,
                "email": o.email,
                "url": o.contact_url,
            }],
            "department": departments,
        })))
    }
}
