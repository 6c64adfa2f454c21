//! The staff directory: therapists and certifications.

use async_graphql::{Context, InputObject, Object, Result};
use chrono::Utc;

use super::{page_args, wants_total};
use crate::domain::{certifications, therapists};
use crate::graphql::db;
use crate::graphql::types::common::PageOf;
use crate::graphql::types::{Certification, Therapist, TherapistConnection};

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
