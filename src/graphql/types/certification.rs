//! `Certification` and `TherapistCertification`: qualifications and who holds them.

use async_graphql::{Context, Enum, ID, Object, Result};
use chrono::{NaiveDate, Utc};
use entity::{certification, therapist, therapist_certification};

use super::Therapist;
use super::common::Date;
use crate::domain::certifications::{self, Status};
use crate::graphql::loaders::HoldersOfCertification;
use crate::graphql::{ids, load_many};

/// A qualification earned through continuing education, such as Myofascial Release.
pub struct Certification(pub certification::Model);

/// Whether a held certification is current.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum CertificationStatus {
    /// Valid, and not expiring within 60 days.
    Active,
    /// Valid, but expiring within 60 days.
    ExpiringSoon,
    /// Past its expiry date: no longer current.
    Expired,
}

impl From<Status> for CertificationStatus {
    fn from(status: Status) -> Self {
        match status {
            Status::Active => Self::Active,
            Status::ExpiringSoon => Self::ExpiringSoon,
            Status::Expired => Self::Expired,
        }
    }
}

/// A qualification earned through continuing education, such as Myofascial Release.
#[Object(cache_control(max_age = 300))]
impl Certification {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode("Certification", self.0.id)
    }

    /// Stable name in URLs, e.g. `myofascial-release`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Name of the certification.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Who issues it.
    async fn issuing_body(&self) -> &str {
        &self.0.issuing_body
    }

    /// What it certifies.
    async fn description(&self) -> &str {
        &self.0.description
    }

    /// Where to read more, if anywhere.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }

    /// Active therapists who hold it, by name: those whose award is current,
    /// or every award ever made with `includeExpired`.
    async fn holders(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default = false,
            desc = "Also list awards that have expired (see each one's `status`)."
        )]
        include_expired: bool,
    ) -> Result<Vec<TherapistCertification>> {
        let today = Utc::now().date_naive();
        let rows = load_many(ctx, HoldersOfCertification(self.0.id)).await?;
        Ok(rows
            .into_iter()
            .filter(|(award, _)| {
                include_expired || certifications::is_current(award.expires_on, today)
            })
            .map(|(award, holder)| TherapistCertification::held_by(award, self.0.clone(), holder))
            .collect())
    }
}

/// A certification awarded to a therapist, with its dates.
pub struct TherapistCertification {
    award: therapist_certification::Model,
    certification: certification::Model,
    holder: Option<therapist::Model>,
}

impl TherapistCertification {
    /// An award seen from the therapist's side.
    pub fn of(award: therapist_certification::Model, certification: certification::Model) -> Self {
        Self {
            award,
            certification,
            holder: None,
        }
    }

    /// An award seen from the certification's side, holder already loaded.
    pub fn held_by(
        award: therapist_certification::Model,
        certification: certification::Model,
        holder: therapist::Model,
    ) -> Self {
        Self {
            award,
            certification,
            holder: Some(holder),
        }
    }

    pub fn status_on(&self, today: NaiveDate) -> Status {
        certifications::status(self.award.expires_on, today)
    }

    pub fn certification_model(&self) -> &certification::Model {
        &self.certification
    }

    pub fn award(&self) -> &therapist_certification::Model {
        &self.award
    }
}

/// A certification awarded to a therapist, with its dates.
#[Object(cache_control(max_age = 300))]
impl TherapistCertification {
    /// Name of the certification.
    async fn name(&self) -> &str {
        &self.certification.name
    }

    /// Slug of the certification.
    async fn slug(&self) -> &str {
        &self.certification.slug
    }

    /// Who issued it.
    async fn issuing_body(&self) -> &str {
        &self.certification.issuing_body
    }

    /// The day it was issued.
    async fn issued_on(&self) -> Date {
        Date(self.award.issued_on)
    }

    /// The last day it is valid; null if it never expires.
    async fn expires_on(&self) -> Option<Date> {
        self.award.expires_on.map(Date)
    }

    /// Credential number on the certificate, if given.
    async fn credential_id(&self) -> Option<&str> {
        self.award.credential_id.as_deref()
    }

    /// Whether the clinic checked it with the issuing body.
    async fn verified(&self) -> bool {
        self.award.verified
    }

    /// Whether it is current today: ACTIVE, EXPIRING_SOON (within 60 days) or EXPIRED.
    async fn status(&self) -> CertificationStatus {
        self.status_on(Utc::now().date_naive()).into()
    }

    /// The certification itself.
    async fn certification(&self) -> Certification {
        Certification(self.certification.clone())
    }

    /// The therapist holding it; null if the therapist has left the directory.
    async fn therapist(&self, ctx: &Context<'_>) -> Result<Option<Therapist>> {
        if let Some(holder) = &self.holder {
            return Ok(Some(Therapist(holder.clone())));
        }
        Ok(crate::graphql::load(
            ctx,
            crate::graphql::loaders::TherapistById(self.award.therapist_id),
        )
        .await?
        .map(Therapist))
    }
}
