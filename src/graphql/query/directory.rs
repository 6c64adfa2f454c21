//! The staff directory: therapists and certifications.

use async_graphql::{Context, InputObject, Object, Result};
use chrono::Utc;

use super::{page_args, wants_total};
use crate::domain::{certifications, therapists};
use crate::error::AppError;
use crate::graphql::db;
use crate::graphql::guards::{ANY_STAFF, RoleGuard};
use crate::graphql::types::common::PageOf;
use crate::graphql::types::{
    Certification, Therapist, TherapistCertification, TherapistConnection,
};

#[derive(Default)]
pub struct DirectoryQuery;

/// Narrows the directory; every field given must match.
#[derive(InputObject, Default)]
pub struct TherapistFilter {
    /// Slug of a certification the therapist currently holds.
    pub certification: Option<String>,
    /// Slug of a service the therapist offers.
    pub service: Option<String>,
    /// Slug of a location the therapist works at.
    pub location: Option<String>,
    /// BCP 47 code of a language the therapist treats in, e.g. `es`.
    pub language: Option<String>,
    /// Only therapists who take (true) or do not take (false) new patients.
    pub accepting_new_patients: Option<bool>,
}

impl From<TherapistFilter> for therapists::TherapistFilter {
    fn from(f: TherapistFilter) -> Self {
        Self {
            certification: f.certification,
            service: f.service,
            location: f.location,
            language: f.language,
            accepting_new_patients: f.accepting_new_patients,
        }
    }
}

#[Object]
impl DirectoryQuery {
    /// Active therapists by last then first name, a page at a time (20 by
    /// default, at most 100).
    #[graphql(complexity = "crate::graphql::page_cost(first, last, child_complexity)")]
    async fn therapists(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start (or after `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or before `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
        #[graphql(desc = "Which therapists to list.")] filter: Option<TherapistFilter>,
    ) -> Result<TherapistConnection> {
        let filter = filter.unwrap_or_default().into();
        let page = therapists::list_active(
            db(ctx),
            &filter,
            &page_args(first, after, last, before),
            wants_total(ctx),
            Utc::now().date_naive(),
        )
        .await?;
        Ok(TherapistConnection(PageOf::new(page, Therapist)))
    }

    /// The active therapist with this slug, or null.
    async fn therapist(&self, ctx: &Context<'_>, slug: String) -> Result<Option<Therapist>> {
        Ok(therapists::find_active_by_slug(db(ctx), &slug)
            .await?
            .map(Therapist))
    }

    /// Every certification, by name.
    async fn certifications(&self, ctx: &Context<'_>) -> Result<Vec<Certification>> {
        Ok(certifications::list(db(ctx))
            .await?
            .into_iter()
            .map(Certification)
            .collect())
    }

    /// Staff only: certifications of active therapists that are still valid but
    /// expire within `withinDays` days (0 to 3650), soonest first.
    #[graphql(guard = "RoleGuard(ANY_STAFF)")]
    async fn expiring_certifications(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many days ahead to look.", default = 60)] within_days: i32,
    ) -> Result<Vec<TherapistCertification>> {
        let within_days = u64::try_from(within_days)
            .ok()
            .filter(|d| *d <= 3650)
            .ok_or_else(|| AppError::bad_input("`withinDays` must be between 0 and 3650"))?;
        let rows = certifications::expiring(db(ctx), Utc::now().date_naive(), within_days).await?;
        Ok(rows
            .into_iter()
            .map(|(award, cert)| TherapistCertification::of(award, cert))
            .collect())
    }

    /// The certification with this slug, with its current holders, or null.
    async fn certification(
        &self,
        ctx: &Context<'_>,
        slug: String,
    ) -> Result<Option<Certification>> {
        Ok(certifications::find_by_slug(db(ctx), &slug)
            .await?
            .map(Certification))
    }
}
