//! `Therapist`: a member of the staff directory.

use async_graphql::{Context, ID, Json, Object, Result};
use chrono::Utc;
use entity::therapist;
use serde_json::{Value, json};

use super::common::connection;
use super::{Location, Service, TherapistCertification};
use crate::domain::certifications::Status;
use crate::graphql::loaders::{
    CertificationsOfTherapist, LanguagesOfTherapist, LocationsOfTherapist, ServicesOfTherapist,
};
use crate::graphql::{ids, load_many};

/// A therapist of the clinic, with qualifications, services and locations.
pub struct Therapist(pub therapist::Model);

connection!(TherapistConnection, TherapistEdge, Therapist, "therapists");

impl Therapist {
    fn full_name(&self) -> String {
        format!("{} {}", self.0.first_name, self.0.last_name)
    }
}

/// A therapist of the clinic, with qualifications, services and locations.
#[Object(cache_control(max_age = 300))]
impl Therapist {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode("Therapist", self.0.id)
    }

    /// Stable name in URLs, e.g. `maria-gonzalez`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Given name.
    async fn first_name(&self) -> &str {
        &self.0.first_name
    }

    /// Family name.
    async fn last_name(&self) -> &str {
        &self.0.last_name
    }

    /// Given and family name together.
    #[graphql(name = "fullName")]
    async fn full_name_field(&self) -> String {
        self.full_name()
    }

    /// Professional credentials, e.g. `PT, DPT` or `LMT`.
    async fn credentials(&self) -> &str {
        &self.0.credentials
    }

    /// Job title, e.g. "Clinic Director".
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// Biography in markdown.
    async fn bio(&self) -> &str {
        &self.0.bio
    }

    /// Biography as sanitized HTML, safe to embed.
    async fn bio_html(&self) -> &str {
        &self.0.bio_html
    }

    /// Portrait, if any.
    async fn photo_url(&self) -> Option<&str> {
        self.0.photo_url.as_deref()
    }

    /// Languages the therapist treats in, as BCP 47 codes (`en`, `es`).
    async fn languages(&self, ctx: &Context<'_>) -> Result<Vec<String>> {
        Ok(load_many(ctx, LanguagesOfTherapist(self.0.id)).await?)
    }

    /// Whether the therapist takes new patients.
    async fn accepting_new_patients(&self) -> bool {
        self.0.accepting_new_patients
    }

    /// Whether the public directory lists the therapist; public queries only
    /// ever return listed ones, staff mutations return either.
    async fn active(&self) -> bool {
        self.0.active
    }

    /// Certifications held, by name, each with its status (expired ones included).
    async fn certifications(&self, ctx: &Context<'_>) -> Result<Vec<TherapistCertification>> {
        let rows = load_many(ctx, CertificationsOfTherapist(self.0.id)).await?;
        Ok(rows
            .into_iter()
            .map(|(award, cert)| TherapistCertification::of(award, cert))
            .collect())
    }

    /// Services the therapist offers.
    async fn services(&self, ctx: &Context<'_>) -> Result<Vec<Service>> {
        let rows = load_many(ctx, ServicesOfTherapist(self.0.id)).await?;
        Ok(rows.into_iter().map(Service).collect())
    }

    /// Locations the therapist works at.
    async fn locations(&self, ctx: &Context<'_>) -> Result<Vec<Location>> {
        let rows = load_many(ctx, LocationsOfTherapist(self.0.id)).await?;
        Ok(rows.into_iter().map(Location).collect())
    }

    /// schema.org `Person` markup with current certifications as `hasCertification`.
    async fn json_ld(&self, ctx: &Context<'_>) -> Result<Json<Value>> {
        let today = Utc::now().date_naive();
        let rows = load_many(ctx, CertificationsOfTherapist(self.0.id)).await?;
        let certifications: Vec<Value> = rows
            .into_iter()
            .map(|(award, cert)| TherapistCertification::of(award, cert))
            .filter(|held| held.status_on(today) != Status::Expired)
            .map(|held| {
                let mut value = json!({
                    "@type": "Certification",
                    "name": held.certification_model().name,
                    "issuedBy": { "@type": "Organization", "name": held.certification_model().issuing_body },
                    "validFrom": held.award().issued_on,
                });
                if let Some(expires) = held.award().expires_on {
                    value["expires"] = json!(expires);
                }
                value
            })
            .collect();
        let languages = load_many(ctx, LanguagesOfTherapist(self.0.id)).await?;
        let mut value = json!({
            "@context": "https://schema.org",
            "@type": "Person",
            "name": self.full_name(),
            "givenName": self.0.first_name,
            "familyName": self.0.last_name,
            "honorificSuffix": self.0.credentials,
            "jobTitle": self.0.title,
            "knowsLanguage": languages,
            "hasCertification": certifications,
        });
        if let Some(photo) = &self.0.photo_url {
            value["image"] = json!(photo);
        }
        Ok(Json(value))
    }
}
