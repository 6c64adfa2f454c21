//! Certifications and whether a therapist's award of one is still current;
//! how staff create them and award them to therapists.

use chrono::{Days, NaiveDate, Utc};
use entity::{certification, therapist, therapist_certification};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait,
    QueryFilter, QueryOrder, TransactionTrait,
};

use super::content::{self, Content};
use super::therapists;
use super::validate::{Code, Field, Problems, Target, WriteResult, taken_if_unique_violation};
use super::visibility;
use crate::error::AppResult;
use crate::events::Events;

/// Days before expiry from which a certification counts as expiring soon.
pub const EXPIRING_SOON_DAYS: u64 = 60;

/// Whether a held certification is current on a given day.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Active,
    ExpiringSoon,
    Expired,
}

/// The status on `today` of an award that expires on `expires_on` (valid
/// through that day; `None` never expires).
pub fn status(expires_on: Option<NaiveDate>, today: NaiveDate) -> Status {
    match expires_on {
        None => Status::Active,
        Some(day) if day < today => Status::Expired,
        Some(day) if day <= today + Days::new(EXPIRING_SOON_DAYS) => Status::ExpiringSoon,
        Some(_) => Status::Active,
    }
}

/// Whether an award expiring on `expires_on` still counts on `today`.
pub fn is_current(expires_on: Option<NaiveDate>, today: NaiveDate) -> bool {
    status(expires_on, today) != Status::Expired
}

/// Every certification, by name.
pub async fn list(db: &DatabaseConnection) -> AppResult<Vec<certification::Model>> {
    Ok(
        visibility::certifications_by_name(certification::Entity::find())
            .all(db)
            .await?,
    )
}

pub async fn find_by_slug(
    db: &DatabaseConnection,
    slug: &str,
) -> AppResult<Option<certification::Model>> {
    Ok(certification::Entity::find()
        .filter(certification::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

pub async fn find_by_id(
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<Option<certification::Model>> {
    Ok(certification::Entity::find_by_id(id).one(db).await?)
}

/// Awards of active therapists that are still valid but expire within
/// `within_days` of `today`, soonest first, each with its certification.
pub async fn expiring(
    db: &DatabaseConnection,
    today: NaiveDate,
    within_days: u64,
) -> AppResult<Vec<(therapist_certification::Model, certification::Model)>> {
    let rows = therapist_certification::Entity::find()
        .filter(therapist_certification::Column::ExpiresOn.gte(today))
        .filter(therapist_certification::Column::ExpiresOn.lte(today + Days::new(within_days)))
        .filter(
            therapist_certification::Column::TherapistId.in_subquery(
                Query::select()
                    .column(therapist::Column::Id)
                    .from(therapist::Entity)
                    .and_where(therapist::Column::Active.eq(true))
                    .to_owned(),
            ),
        )
        .find_also_related(certification::Entity)
        .order_by_asc(therapist_certification::Column::ExpiresOn)
        .order_by_asc(therapist_certification::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(award, cert)| Some((award, cert?)))
        .collect())
}

/// What a create or update of a certification sets; `None` leaves a value as
/// it is (a create needs the name, issuing body and description).
#[derive(Clone, Debug, Default)]
pub struct CertificationChanges {
    pub name: Option<String>,
    pub issuing_body: Option<String>,
    pub description: Option<String>,
    /// `Some(None)` removes the link.
    pub url: Option<Option<String>>,
    /// Made from the name when a create has none.
    pub slug: Option<String>,
}

pub async fn create(
    db: &DatabaseConnection,
    events: &Events,
    actor: i32,
    changes: CertificationChanges,
) -> WriteResult<certification::Model> {
    let action = "createCertification";
    content::save::<CheckedCertification>(db, events, actor, Target::New, action, changes).await
}

/// Changes a certification; `id` is `None` when the id given was not a certification's.
pub async fn update(
    db: &DatabaseConnection,
    events: &Events,
    actor: i32,
    id: Option<i32>,
    changes: CertificationChanges,
) -> WriteResult<certification::Model> {
    let (target, action) = (Target::Existing(id), "updateCertification");
    content::save::<CheckedCertification>(db, events, actor, target, action, changes).await
}

/// A certification's changes as they are stored: trimmed, and a new one
/// without a link has none.
#[derive(Debug, Default, PartialEq)]
struct CheckedCertification {
    name: Option<String>,
    issuing_body: Option<String>,
    description: Option<String>,
    url: Option<Option<String>>,
    slug: Option<String>,
}

impl Content for CheckedCertification {
    type Changes = CertificationChanges;
    type Entity = certification::Entity;
    type Row = certification::ActiveModel;
    const NAME: &'static str = "certification";
    const TYPE: &'static str = "Certification";
    const ID: certification::Column = certification::Column::Id;
    const SLUG: certification::Column = certification::Column::Slug;
    const CREATED_AT: certification::Column = certification::Column::CreatedAt;
    const UPDATED_AT: certification::Column = certification::Column::UpdatedAt;

    fn check(c: CertificationChanges, creating: bool) -> (Self, Problems) {
        let input = Field::new(&["input"]);
        let mut p = Problems::default();
        let mut text = |name: &str, value: Option<String>, max: usize| {
            p.present_text(&input.at(name), value, creating, max, false)
        };
        let name = text("name", c.name, 200);
        let issuing_body = text("issuingBody", c.issuing_body, 200);
        let description = text("description", c.description, 5_000);
        let url = match c.url {
            Some(Some(url)) => Some(Some(p.url(&input.at("url"), &url))),
            None if creating => Some(None),
            url => url,
        };
        let slug = c.slug.map(|s| p.slug(&input.at("slug"), &s));
        let checked = CheckedCertification {
            name,
            issuing_body,
            description,
            url,
            slug,
        };
        (checked, p)
    }

    fn row(&self) -> certification::ActiveModel {
        let set = |value: &Option<String>| value.clone().map_or(NotSet, Set);
        certification::ActiveModel {
            name: set(&self.name),
            issuing_body: set(&self.issuing_body),
            description: set(&self.description),
            url: self.url.clone().map_or(NotSet, Set),
            ..Default::default()
        }
    }

    fn slug(&self) -> Option<&str> {
        self.slug.as_deref()
    }

    fn slug_source(&self) -> Option<String> {
        self.name.clone()
    }
}

/// A certification to award to a therapist.
#[derive(Clone, Debug)]
pub struct NewAward {
    pub therapist_slug: String,
    pub certification_slug: String,
    pub issued_on: NaiveDate,
    /// `None`: it never expires.
    pub expires_on: Option<NaiveDate>,
    pub credential_id: Option<String>,
    pub verified: bool,
}

/// An award as stored, with what it links.
#[derive(Clone, Debug)]
pub struct Awarded {
    pub award: therapist_certification::Model,
    pub certification: certification::Model,
    pub therapist: therapist::Model,
}

/// Awards a certification to a therapist (listed in the directory or not).
/// Awarding one the therapist holds already replaces the dates, credential id
/// and verification: that is how a renewal is recorded, and the therapist
/// never holds the same certification twice. Recorded on the therapist.
pub async fn award(
    db: &DatabaseConnection,
    events: &Events,
    actor: i32,
    a: NewAward,
    today: NaiveDate,
) -> WriteResult<Awarded> {
    let input = Field::new(&["input"]);
    let mut p = Problems::default();
    // A day of slack for wherever "today" already is tomorrow.
    if a.issued_on > today + Days::new(1) {
        p.add(
            &input.at("issuedOn"),
            Code::OutOfRange,
            "must not be in the future",
        );
    }
    if let Some(expires_on) = a.expires_on
        && expires_on <= a.issued_on
    {
        p.add(
            &input.at("expiresOn"),
            Code::OutOfRange,
            "must be after issuedOn",
        );
    }
    let credential_id = a
        .credential_id
        .map(|id| p.text(&input.at("credentialId"), &id, 100, true))
        .filter(|id| !id.is_empty());
    let txn = db.begin().await?;
    let (holder, cert) = pair(
        &txn,
        &a.therapist_slug,
        &a.certification_slug,
        (&input.at("therapistSlug"), &input.at("certificationSlug")),
        &mut p,
    )
    .await?;
    let (holder, cert) = p.finish_with(holder.zip(cert))?;
    let fields = |row: &mut therapist_certification::ActiveModel| {
        row.issued_on = Set(a.issued_on);
        row.expires_on = Set(a.expires_on);
        row.credential_id = Set(credential_id.clone());
        row.verified = Set(a.verified);
    };
    let award = match held(&txn, holder.id, cert.id).await? {
        Some(held) => {
            let mut row: therapist_certification::ActiveModel = held.into();
            fields(&mut row);
            row.update(&txn).await?
        }
        None => {
            let mut row = therapist_certification::ActiveModel {
                id: NotSet,
                therapist_id: Set(holder.id),
                certification_id: Set(cert.id),
                created_at: Set(Utc::now()),
                ..Default::default()
            };
            fields(&mut row);
            row.insert(&txn)
                .await
                .map_err(|e| taken_if_unique_violation(e, &input.at("certificationSlug")))?
        }
    };
    let therapist =
        therapists::finish_therapist_write(txn, events, actor, "awardCertification", holder)
            .await?;
    Ok(Awarded {
        award,
        certification: cert,
        therapist,
    })
}

/// Takes a certification away from a therapist. Recorded on the therapist.
pub async fn revoke(
    db: &DatabaseConnection,
    events: &Events,
    actor: i32,
    therapist_slug: &str,
    certification_slug: &str,
) -> WriteResult<therapist::Model> {
    let mut p = Problems::default();
    let cert_field = Field::new(&["certificationSlug"]);
    let txn = db.begin().await?;
    let (holder, cert) = pair(
        &txn,
        therapist_slug,
        certification_slug,
        (&Field::new(&["therapistSlug"]), &cert_field),
        &mut p,
    )
    .await?;
    let mut award = None;
    if let (Some(holder), Some(cert)) = (&holder, &cert) {
        award = held(&txn, holder.id, cert.id).await?;
        if award.is_none() {
            p.add(
                &cert_field,
                Code::NotFound,
                format!("{} does not hold {}", holder.slug, cert.slug),
            );
        }
    }
    let (holder, award) = p.finish_with(holder.zip(award))?;
    therapist_certification::Entity::delete_by_id(award.id)
        .exec(&txn)
        .await?;
    therapists::finish_therapist_write(txn, events, actor, "revokeCertification", holder).await
}

/// The therapist and the certification named by slug; NotFound problems for
/// those that do not exist.
async fn pair(
    db: &impl ConnectionTrait,
    therapist_slug: &str,
    certification_slug: &str,
    (therapist_field, certification_field): (&Field, &Field),
    p: &mut Problems,
) -> Result<(Option<therapist::Model>, Option<certification::Model>), DbErr> {
    let holder = therapists::find_by_slug(db, therapist_slug).await?;
    if holder.is_none() {
        p.add(
            therapist_field,
            Code::NotFound,
            format!("no therapist has the slug {therapist_slug:?}"),
        );
    }
    let cert = certification::Entity::find()
        .filter(certification::Column::Slug.eq(certification_slug.trim()))
        .one(db)
        .await?;
    if cert.is_none() {
        p.add(
            certification_field,
            Code::NotFound,
            format!("no certification has the slug {certification_slug:?}"),
        );
    }
    Ok((holder, cert))
}

async fn held(
    db: &impl ConnectionTrait,
    therapist_id: i32,
    certification_id: i32,
) -> Result<Option<therapist_certification::Model>, DbErr> {
    therapist_certification::Entity::find()
        .filter(therapist_certification::Column::TherapistId.eq(therapist_id))
        .filter(therapist_certification::Column::CertificationId.eq(certification_id))
        .one(db)
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_follows_the_expiry_date() {
        let today = NaiveDate::from_ymd_opt(2026, 6, 1).unwrap();
        let day = |d: i64| Some(today + chrono::Duration::days(d));
        assert_eq!(status(None, today), Status::Active);
        assert_eq!(status(day(-1), today), Status::Expired);
        assert_eq!(status(day(0), today), Status::ExpiringSoon);
        assert_eq!(status(day(60), today), Status::ExpiringSoon);
        assert_eq!(status(day(61), today), Status::Active);
    }

    #[test]
    fn a_new_certification_needs_its_texts_and_may_lack_a_link() {
        let (checked, problems) =
            CheckedCertification::check(CertificationChanges::default(), true);
        let at = |path: &str| (path.to_owned(), Code::Required);
        assert_eq!(
            problems.found(),
            [
                at("input.name"),
                at("input.issuingBody"),
                at("input.description")
            ]
        );
        assert_eq!(checked.url, Some(None));
        let changes = CertificationChanges {
            name: Some(" OCS ".into()),
            url: Some(Some("not a url".into())),
            ..CertificationChanges::default()
        };
        let (checked, problems) = CheckedCertification::check(changes, false);
        assert_eq!(
            problems.found(),
            [("input.url".to_owned(), Code::InvalidFormat)]
        );
        assert_eq!(checked.name.as_deref(), Some("OCS"));
        assert_eq!(checked.slug_source().as_deref(), Some("OCS"));
    }
}
