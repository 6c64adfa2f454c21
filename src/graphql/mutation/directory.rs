//! Managing the staff directory (ADMIN): therapists, the services and
//! locations they work at, certifications and who holds them. The rules and
//! the SQL live in `domain::therapists` and `domain::certifications`.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};
use chrono::Utc;

use super::payload::{payload, payload_of};
use crate::domain::certifications::{self, CertificationChanges, NewAward};
use crate::domain::therapists::{self, TherapistChanges};
use crate::graphql::guards::{ADMINS, RoleGuard, require_viewer};
use crate::graphql::types::common::Date;
use crate::graphql::types::{Certification, Therapist, TherapistCertification};
use crate::graphql::{db, events, ids};

#[derive(Default)]
pub struct DirectoryMutation;

/// A new therapist. The directory lists them at once.
#[derive(InputObject)]
pub struct CreateTherapistInput {
    /// Given name, 1 to 100 characters.
    pub first_name: String,
    /// Family name, 1 to 100 characters.
    pub last_name: String,
    /// Professional credentials, e.g. `PT, DPT` or `LMT`; at most 100
    /// characters, may be empty.
    pub credentials: String,
    /// Job title, e.g. "Licensed Massage Therapist"; 1 to 200 characters.
    pub title: String,
    /// Biography in markdown, at most 20 000 characters; may be empty. Its
    /// sanitized HTML becomes `bioHtml`.
    pub bio: String,
    /// Portrait: an http or https URL, or a path on the clinic's site such
    /// as `/images/therapists/maria-gonzalez.jpg`.
    pub photo_url: Option<String>,
    /// Languages the therapist treats in, as BCP 47 codes (`en`, `es`,
    /// `pt-BR`), at most 20; stored lower-case, without repeats.
    pub languages: Vec<String>,
    /// Whether the therapist takes new patients.
    pub accepting_new_patients: bool,
    /// The name in URLs, e.g. `maria-gonzalez`; it must be free. Left out, it
    /// is made from the first and last name (with `-2`, `-3`… when taken).
    pub slug: Option<String>,
}

/// Changes to a therapist; what is left out (or null) stays as it is.
#[derive(InputObject)]
pub struct UpdateTherapistInput {
    /// Given name, 1 to 100 characters.
    pub first_name: Option<String>,
    /// Family name, 1 to 100 characters.
    pub last_name: Option<String>,
    /// Professional credentials; at most 100 characters, may be empty.
    pub credentials: Option<String>,
    /// Job title, 1 to 200 characters.
    pub title: Option<String>,
    /// Biography in markdown, at most 20 000 characters.
    pub bio: Option<String>,
    /// Portrait: an http or https URL, or a path on the clinic's site; null removes it.
    pub photo_url: MaybeUndefined<String>,
    /// Languages replacing the current ones, as BCP 47 codes.
    pub languages: Option<Vec<String>>,
    /// Whether the therapist takes new patients.
    pub accepting_new_patients: Option<bool>,
    /// A new name in URLs; it must be free. Renaming a therapist keeps the slug.
    pub slug: Option<String>,
    /// True lists a deactivated therapist in the directory again; false is
    /// the same as `deactivateTherapist`.
    pub active: Option<bool>,
}

/// A new certification therapists can hold.
#[derive(InputObject)]
pub struct CreateCertificationInput {
    /// Name, e.g. "Myofascial Release"; 1 to 200 characters.
    pub name: String,
    /// Who issues it; 1 to 200 characters.
    pub issuing_body: String,
    /// What it certifies; 1 to 5 000 characters.
    pub description: String,
    /// Where to read more, an http or https URL.
    pub url: Option<String>,
    /// The name in URLs; it must be free. Left out, it is made from the name.
    pub slug: Option<String>,
}

/// Changes to a certification; what is left out (or null) stays as it is.
#[derive(InputObject)]
pub struct UpdateCertificationInput {
    /// Name, 1 to 200 characters.
    pub name: Option<String>,
    /// Who issues it; 1 to 200 characters.
    pub issuing_body: Option<String>,
    /// What it certifies; 1 to 5 000 characters.
    pub description: Option<String>,
    /// Where to read more, an http or https URL; null removes it.
    pub url: MaybeUndefined<String>,
    /// A new name in URLs; it must be free.
    pub slug: Option<String>,
}

/// A certification earned by a therapist.
#[derive(InputObject)]
pub struct AwardCertificationInput {
    /// Slug of the therapist (listed in the directory or not).
    pub therapist_slug: String,
    /// Slug of the certification.
    pub certification_slug: String,
    /// The day it was issued; not in the future.
    pub issued_on: Date,
    /// The last day it is valid, after `issuedOn`; null if it never expires.
    pub expires_on: Option<Date>,
    /// Credential number on the certificate, at most 100 characters.
    pub credential_id: Option<String>,
    /// Whether the clinic checked it with the issuing body.
    #[graphql(default)]
    pub verified: bool,
}

payload!(CreateTherapistPayload, "createTherapist", therapist: Therapist, "therapist");
payload!(UpdateTherapistPayload, "updateTherapist", therapist: Therapist, "therapist");
payload!(DeactivateTherapistPayload, "deactivateTherapist", therapist: Therapist, "therapist");
payload!(SetTherapistServicesPayload, "setTherapistServices", therapist: Therapist, "therapist");
payload!(SetTherapistLocationsPayload, "setTherapistLocations", therapist: Therapist, "therapist");
payload!(
    CreateCertificationPayload,
    "createCertification",
    certification: Certification,
    "certification"
);
payload!(
    UpdateCertificationPayload,
    "updateCertification",
    certification: Certification,
    "certification"
);
payload!(
    AwardCertificationPayload,
    "awardCertification",
    therapist_certification: TherapistCertification,
    "award"
);
payload!(RevokeCertificationPayload, "revokeCertification", therapist: Therapist, "therapist");

impl From<CreateTherapistInput> for TherapistChanges {
    fn from(i: CreateTherapistInput) -> Self {
        Self {
            first_name: Some(i.first_name),
            last_name: Some(i.last_name),
            credentials: Some(i.credentials),
            title: Some(i.title),
            bio: Some(i.bio),
            photo_url: Some(i.photo_url),
            languages: Some(i.languages),
            accepting_new_patients: Some(i.accepting_new_patients),
            slug: i.slug,
            active: None,
        }
    }
}

impl From<UpdateTherapistInput> for TherapistChanges {
    fn from(i: UpdateTherapistInput) -> Self {
        Self {
            first_name: i.first_name,
            last_name: i.last_name,
            credentials: i.credentials,
            title: i.title,
            bio: i.bio,
            photo_url: i.photo_url.into(),
            languages: i.languages,
            accepting_new_patients: i.accepting_new_patients,
            slug: i.slug,
            active: i.active,
        }
    }
}

impl From<CreateCertificationInput> for CertificationChanges {
    fn from(i: CreateCertificationInput) -> Self {
        Self {
            name: Some(i.name),
            issuing_body: Some(i.issuing_body),
            description: Some(i.description),
            url: Some(i.url),
            slug: i.slug,
        }
    }
}

impl From<UpdateCertificationInput> for CertificationChanges {
    fn from(i: UpdateCertificationInput) -> Self {
        Self {
            name: i.name,
            issuing_body: i.issuing_body,
            description: i.description,
            url: i.url.into(),
            slug: i.slug,
        }
    }
}

#[Object]
impl DirectoryMutation {
    /// Adds a therapist to the directory.
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn create_therapist(
        &self,
        ctx: &Context<'_>,
        input: CreateTherapistInput,
    ) -> Result<CreateTherapistPayload> {
        let viewer = require_viewer(ctx)?;
        payload_of(
            therapists::create(db(ctx), events(ctx), viewer.staff.id, input.into()).await,
            Therapist,
        )
    }

    /// Changes the fields given of a therapist, listed or not.
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn update_therapist(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The therapist's global id.")] id: ID,
        input: UpdateTherapistInput,
    ) -> Result<UpdateTherapistPayload> {
        let viewer = require_viewer(ctx)?;
        let id = ids::decode_as("Therapist", &id);
        payload_of(
            therapists::update(db(ctx), events(ctx), viewer.staff.id, id, input.into()).await,
            Therapist,
        )
    }

    /// Takes a therapist out of the public directory; their locations stop
    /// offering what only they offered there. Kept for staff, and listed
    /// again with `updateTherapist(input: { active: true })`.
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn deactivate_therapist(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The therapist's global id.")] id: ID,
    ) -> Result<DeactivateTherapistPayload> {
        let viewer = require_viewer(ctx)?;
        let id = ids::decode_as("Therapist", &id);
        payload_of(
            therapists::deactivate(db(ctx), events(ctx), viewer.staff.id, id).await,
            Therapist,
        )
    }

    /// Replaces the services a therapist offers. What the therapist's
    /// locations offer follows.
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn set_therapist_services(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The therapist's global id.")] id: ID,
        #[graphql(desc = "Slugs of the services (not retired ones); empty removes them all.")]
        service_slugs: Vec<String>,
    ) -> Result<SetTherapistServicesPayload> {
        let viewer = require_viewer(ctx)?;
        let id = ids::decode_as("Therapist", &id);
        payload_of(
            therapists::set_services(db(ctx), events(ctx), viewer.staff.id, id, &service_slugs)
                .await,
            Therapist,
        )
    }

    /// Replaces the locations a therapist works at. What the locations left
    /// and joined offer follows.
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn set_therapist_locations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The therapist's global id.")] id: ID,
        #[graphql(desc = "Slugs of the locations; empty removes them all.")] location_slugs: Vec<
            String,
        >,
    ) -> Result<SetTherapistLocationsPayload> {
        let viewer = require_viewer(ctx)?;
        let id = ids::decode_as("Therapist", &id);
        payload_of(
            therapists::set_locations(db(ctx), events(ctx), viewer.staff.id, id, &location_slugs)
                .await,
            Therapist,
        )
    }

    /// Adds a certification therapists can hold.
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn create_certification(
        &self,
        ctx: &Context<'_>,
        input: CreateCertificationInput,
    ) -> Result<CreateCertificationPayload> {
        let viewer = require_viewer(ctx)?;
        payload_of(
            certifications::create(db(ctx), events(ctx), viewer.staff.id, input.into()).await,
            Certification,
        )
    }

    /// Changes the fields given of a certification.
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn update_certification(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The certification's global id.")] id: ID,
        input: UpdateCertificationInput,
    ) -> Result<UpdateCertificationPayload> {
        let viewer = require_viewer(ctx)?;
        let id = ids::decode_as("Certification", &id);
        payload_of(
            certifications::update(db(ctx), events(ctx), viewer.staff.id, id, input.into()).await,
            Certification,
        )
    }

    /// Records that a therapist holds a certification. Awarding one the
    /// therapist already holds replaces its dates, credential id and
    /// verification (a renewal); a therapist never holds one twice.
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn award_certification(
        &self,
        ctx: &Context<'_>,
        input: AwardCertificationInput,
    ) -> Result<AwardCertificationPayload> {
        let viewer = require_viewer(ctx)?;
        let award = NewAward {
            therapist_slug: input.therapist_slug,
            certification_slug: input.certification_slug,
            issued_on: input.issued_on.0,
            expires_on: input.expires_on.map(|d| d.0),
            credential_id: input.credential_id,
            verified: input.verified,
        };
        let today = Utc::now().date_naive();
        payload_of(
            certifications::award(db(ctx), events(ctx), viewer.staff.id, award, today).await,
            |a| TherapistCertification::held_by(a.award, a.certification, a.therapist),
        )
    }

    /// Takes a certification away from a therapist (a mistake, or revoked by
    /// the issuing body). An expired one can stay: the API shows it as EXPIRED.
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn revoke_certification(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Slug of the therapist.")] therapist_slug: String,
        #[graphql(desc = "Slug of the certification.")] certification_slug: String,
    ) -> Result<RevokeCertificationPayload> {
        let viewer = require_viewer(ctx)?;
        payload_of(
            certifications::revoke(
                db(ctx),
                events(ctx),
                viewer.staff.id,
                &therapist_slug,
                &certification_slug,
            )
            .await,
            Therapist,
        )
    }
}
