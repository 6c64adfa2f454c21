//! The staff directory: active therapists, filtered and ordered by name; and
//! how staff add, change and retire therapists and link them to services and
//! locations.

use chrono::{NaiveDate, Utc};
use entity::{
    certification, location, service, therapist, therapist_certification, therapist_language,
    therapist_location, therapist_service,
};
use sea_orm::ActiveValue::{NotSet, Set};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, DbErr, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect,
    TransactionTrait,
};

use super::content::{self, Content};
use super::locations;
use super::page::{self, Page, PageArgs};
use super::validate::{Code, Field, Problems, Target, WriteResult, existing};
use super::visibility;
use super::{audit, markdown};
use crate::error::AppResult;
use crate::events::Events;

/// Narrows the directory. Every given field must match.
#[derive(Clone, Debug, Default)]
pub struct TherapistFilter {
    /// Slug of a certification the therapist currently holds (not expired).
    pub certification: Option<String>,
    /// Slug of a service the therapist offers.
    pub service: Option<String>,
    /// Slug of a location the therapist works at.
    pub location: Option<String>,
    /// BCP 47 code of a language the therapist treats in.
    pub language: Option<String>,
    pub accepting_new_patients: Option<bool>,
}

/// `therapist.id IN (SELECT link.therapist_id FROM link JOIN target … WHERE target.slug = ?)`.
fn linked_by_slug<L, T>(
    link_therapist: L::Column,
    link_target: L::Column,
    target_id: T::Column,
    target_slug: T::Column,
    slug: &str,
) -> sea_orm::sea_query::SelectStatement
where
    L: EntityTrait,
    T: EntityTrait,
{
    Query::select()
        .column((L::default(), link_therapist))
        .from(L::default())
        .inner_join(
            T::default(),
            Expr::col((T::default(), target_id)).equals((L::default(), link_target)),
        )
        .and_where(target_slug.eq(slug))
        .to_owned()
}

fn filtered(filter: &TherapistFilter, today: NaiveDate) -> sea_orm::Select<therapist::Entity> {
    let mut condition = Condition::all();
    if let Some(slug) = &filter.certification {
        let mut holders = linked_by_slug::<therapist_certification::Entity, certification::Entity>(
            therapist_certification::Column::TherapistId,
            therapist_certification::Column::CertificationId,
            certification::Column::Id,
            certification::Column::Slug,
            slug,
        );
        holders.cond_where(
            Condition::any()
                .add(therapist_certification::Column::ExpiresOn.is_null())
                .add(therapist_certification::Column::ExpiresOn.gte(today)),
        );
        condition = condition.add(therapist::Column::Id.in_subquery(holders));
    }
    if let Some(slug) = &filter.service {
        condition = condition.add(therapist::Column::Id.in_subquery(linked_by_slug::<
            therapist_service::Entity,
            entity::service::Entity,
        >(
            therapist_service::Column::TherapistId,
            therapist_service::Column::ServiceId,
            entity::service::Column::Id,
            entity::service::Column::Slug,
            slug,
        )));
    }
    if let Some(slug) = &filter.location {
        condition = condition.add(therapist::Column::Id.in_subquery(linked_by_slug::<
            therapist_location::Entity,
            entity::location::Entity,
        >(
            therapist_location::Column::TherapistId,
            therapist_location::Column::LocationId,
            entity::location::Column::Id,
            entity::location::Column::Slug,
            slug,
        )));
    }
    if let Some(language) = &filter.language {
        condition = condition.add(
            therapist::Column::Id.in_subquery(
                Query::select()
                    .column(therapist_language::Column::TherapistId)
                    .from(therapist_language::Entity)
                    .and_where(therapist_language::Column::Language.eq(language.to_lowercase()))
                    .to_owned(),
            ),
        );
    }
    if let Some(accepting) = filter.accepting_new_patients {
        condition = condition.add(therapist::Column::AcceptingNewPatients.eq(accepting));
    }
    visibility::active_therapists(therapist::Entity::find()).filter(condition)
}

/// A page of the directory, by last name, then first name.
pub async fn list_active(
    db: &DatabaseConnection,
    filter: &TherapistFilter,
    args: &PageArgs,
    want_total: bool,
    today: NaiveDate,
) -> AppResult<Page<therapist::Model>> {
    let select = filtered(filter, today);
    let ordered = visibility::therapists_by_name(select.clone());
    page::fetch(
        args,
        want_total,
        || async { Ok(select.count(db).await?) },
        |offset, limit| async move { Ok(ordered.offset(offset).limit(limit).all(db).await?) },
    )
    .await
}

/// The active therapist with this slug.
pub async fn find_active_by_slug(
    db: &DatabaseConnection,
    slug: &str,
) -> AppResult<Option<therapist::Model>> {
    Ok(visibility::active_therapists(therapist::Entity::find())
        .filter(therapist::Column::Slug.eq(slug))
        .one(db)
        .await?)
}

/// The active therapist with this id.
pub async fn find_active_by_id(
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<Option<therapist::Model>> {
    Ok(
        visibility::active_therapists(therapist::Entity::find_by_id(id))
            .one(db)
            .await?,
    )
}

/// What a create or update of a therapist sets; `None` leaves a value as it
/// is (a create needs the names, credentials, title, bio, languages and
/// whether new patients are accepted).
#[derive(Clone, Debug, Default)]
pub struct TherapistChanges {
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub credentials: Option<String>,
    pub title: Option<String>,
    /// Markdown.
    pub bio: Option<String>,
    /// `Some(None)` removes the photo.
    pub photo_url: Option<Option<String>>,
    /// BCP 47 codes; replace the whole set.
    pub languages: Option<Vec<String>>,
    pub accepting_new_patients: Option<bool>,
    /// Made from "first last" when a create has none; names changing later
    /// leave it alone, so links keep working.
    pub slug: Option<String>,
    /// Whether the directory lists the therapist.
    pub active: Option<bool>,
}

/// Most languages one therapist may list.
pub const MAX_LANGUAGES: usize = 20;
/// Most services or locations one therapist may be linked to in one call.
pub const MAX_LINKS: usize = 100;

/// Whether `code` looks like a BCP 47 language tag: 2–8 letters, then any
/// `-subtags` of 1–8 letters or digits (`en`, `pt-BR`, `zh-Hant-TW`). Loose on
/// purpose: the registry itself is not consulted.
pub fn is_language_tag(code: &str) -> bool {
    let mut parts = code.split('-');
    let primary = parts.next().unwrap_or_default();
    code.len() <= 35
        && (2..=8).contains(&primary.len())
        && primary.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

pub async fn create(
    db: &DatabaseConnection,
    events: &Events,
    actor: i32,
    changes: TherapistChanges,
) -> WriteResult<therapist::Model> {
    let action = "createTherapist";
    content::save::<CheckedTherapist>(db, events, actor, Target::New, action, changes).await
}

/// Changes a therapist, listed or not; `id` is `None` when the id given was
/// not a therapist's.
pub async fn update(
    db: &DatabaseConnection,
    events: &Events,
    actor: i32,
    id: Option<i32>,
    changes: TherapistChanges,
) -> WriteResult<therapist::Model> {
    let (target, action) = (Target::Existing(id), "updateTherapist");
    content::save::<CheckedTherapist>(db, events, actor, target, action, changes).await
}

/// Takes a therapist out of the public directory (and out of what their
/// locations offer). Deactivating an inactive therapist changes nothing but
/// is not an error, so a retried request succeeds.
pub async fn deactivate(
    db: &DatabaseConnection,
    events: &Events,
    actor: i32,
    id: Option<i32>,
) -> WriteResult<therapist::Model> {
    let changes = TherapistChanges {
        active: Some(false),
        ..TherapistChanges::default()
    };
    let (target, action) = (Target::Existing(id), "deactivateTherapist");
    content::save::<CheckedTherapist>(db, events, actor, target, action, changes).await
}

/// A therapist's changes as they are stored: trimmed, languages lower-cased
/// without repeats, and a new therapist listed, without a photo unless given.
#[derive(Debug, Default, PartialEq)]
struct CheckedTherapist {
    first_name: Option<String>,
    last_name: Option<String>,
    credentials: Option<String>,
    title: Option<String>,
    bio: Option<String>,
    photo_url: Option<Option<String>>,
    accepting_new_patients: Option<bool>,
    active: Option<bool>,
    languages: Option<Vec<String>>,
    slug: Option<String>,
}

impl Content for CheckedTherapist {
    type Changes = TherapistChanges;
    type Entity = therapist::Entity;
    type Row = therapist::ActiveModel;
    const NAME: &'static str = "therapist";
    const TYPE: &'static str = "Therapist";
    const ID: therapist::Column = therapist::Column::Id;
    const SLUG: therapist::Column = therapist::Column::Slug;
    const CREATED_AT: therapist::Column = therapist::Column::CreatedAt;
    const UPDATED_AT: therapist::Column = therapist::Column::UpdatedAt;

    fn check(c: TherapistChanges, creating: bool) -> (Self, Problems) {
        let input = Field::new(&["input"]);
        let mut p = Problems::default();
        let mut text = |name: &str, value: Option<String>, max: usize, blank: bool| {
            p.present_text(&input.at(name), value, creating, max, blank)
        };
        let first_name = text("firstName", c.first_name, 100, false);
        let last_name = text("lastName", c.last_name, 100, false);
        let credentials = text("credentials", c.credentials, 100, true);
        let title = text("title", c.title, 200, false);
        let bio = text("bio", c.bio, 20_000, true);
        let photo_url = match c.photo_url {
            Some(Some(url)) => Some(Some(p.url_or_path(&input.at("photoUrl"), &url))),
            None if creating => Some(None),
            url => url,
        };
        let accepting_field = input.at("acceptingNewPatients");
        let accepting_new_patients =
            p.present(&accepting_field, c.accepting_new_patients, creating);
        let languages = p
            .present(&input.at("languages"), c.languages, creating)
            .map(|codes| languages(&codes, &input.at("languages"), &mut p));
        let slug = c.slug.map(|s| p.slug(&input.at("slug"), &s));
        let checked = CheckedTherapist {
            first_name,
            last_name,
            credentials,
            title,
            bio,
            photo_url,
            accepting_new_patients,
            active: c.active.or(creating.then_some(true)),
            languages,
            slug,
        };
        (checked, p)
    }

    fn row(&self) -> therapist::ActiveModel {
        let set = |value: &Option<String>| value.clone().map_or(NotSet, Set);
        therapist::ActiveModel {
            first_name: set(&self.first_name),
            last_name: set(&self.last_name),
            credentials: set(&self.credentials),
            title: set(&self.title),
            bio_html: self
                .bio
                .as_deref()
                .map_or(NotSet, |bio| Set(markdown::to_safe_html(bio))),
            bio: set(&self.bio),
            photo_url: self.photo_url.clone().map_or(NotSet, Set),
            accepting_new_patients: self.accepting_new_patients.map_or(NotSet, Set),
            active: self.active.map_or(NotSet, Set),
            ..Default::default()
        }
    }

    fn slug(&self) -> Option<&str> {
        self.slug.as_deref()
    }

    fn slug_source(&self) -> Option<String> {
        Some(format!(
            "{} {}",
            self.first_name.as_deref()?,
            self.last_name.as_deref()?
        ))
    }

    /// Replaces the languages given; a change of `active` on an existing
    /// therapist changes what their locations offer.
    async fn after_save(
        &self,
        txn: &DatabaseTransaction,
        saved: &therapist::Model,
        creating: bool,
    ) -> Result<(), DbErr> {
        if let Some(languages) = &self.languages {
            set_languages(txn, saved.id, languages).await?;
        }
        if self.active.is_some() && !creating {
            locations::refresh_services(txn, &location_ids(txn, saved.id).await?).await?;
        }
        Ok(())
    }
}

/// Makes the therapist's languages exactly `languages`.
async fn set_languages(
    db: &impl ConnectionTrait,
    therapist_id: i32,
    languages: &[String],
) -> Result<(), DbErr> {
    therapist_language::Entity::delete_many()
        .filter(therapist_language::Column::TherapistId.eq(therapist_id))
        .exec(db)
        .await?;
    if !languages.is_empty() {
        therapist_language::Entity::insert_many(languages.iter().map(|language| {
            therapist_language::ActiveModel {
                therapist_id: Set(therapist_id),
                language: Set(language.clone()),
            }
        }))
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Checked, lower-cased (as the directory filter compares them) and without repeats.
fn languages(codes: &[String], field: &Field, p: &mut Problems) -> Vec<String> {
    if codes.len() > MAX_LANGUAGES {
        p.add(
            field,
            Code::InvalidLength,
            format!("at most {MAX_LANGUAGES} languages"),
        );
    }
    let mut clean: Vec<String> = Vec::with_capacity(codes.len());
    for (i, code) in codes.iter().enumerate() {
        let code = code.trim().to_lowercase();
        if !is_language_tag(&code) {
            p.add(
                &field.at(i),
                Code::InvalidFormat,
                "must be a BCP 47 language code, e.g. en or pt-BR",
            );
        } else if !clean.contains(&code) {
            clean.push(code);
        }
    }
    clean
}

async fn location_ids(db: &impl ConnectionTrait, therapist_id: i32) -> Result<Vec<i32>, DbErr> {
    therapist_location::Entity::find()
        .select_only()
        .column(therapist_location::Column::LocationId)
        .filter(therapist_location::Column::TherapistId.eq(therapist_id))
        .into_tuple()
        .all(db)
        .await
}

/// Looks up `slugs` of `E` (one statement); an unknown slug is NotFound on
/// `field.at(index)`. Gives the rows found, without repeats.
async fn by_slugs<E, C>(
    db: &C,
    column: E::Column,
    slug_of: impl Fn(&E::Model) -> &str,
    slugs: &[String],
    field: &Field,
    what: &str,
    p: &mut Problems,
) -> Result<Vec<E::Model>, DbErr>
where
    E: EntityTrait,
    C: ConnectionTrait,
{
    if slugs.len() > MAX_LINKS {
        p.add(
            field,
            Code::InvalidLength,
            format!("at most {MAX_LINKS} slugs"),
        );
        return Ok(Vec::new());
    }
    let wanted: Vec<&str> = slugs.iter().map(|s| s.trim()).collect();
    let rows = E::find()
        .filter(column.is_in(wanted.iter().copied()))
        .all(db)
        .await?;
    let mut found: Vec<E::Model> = Vec::with_capacity(rows.len());
    let mut rows = rows;
    for (i, slug) in wanted.iter().enumerate() {
        if let Some(at) = rows.iter().position(|r| slug_of(r) == *slug) {
            found.push(rows.swap_remove(at));
        } else if !found.iter().any(|r| slug_of(r) == *slug) {
            p.add(
                &field.at(i),
                Code::NotFound,
                format!("no {what} has the slug {slug:?}"),
            );
        }
    }
    Ok(found)
}

/// Replaces the services a therapist offers, given by slug; a retired service
/// is InvalidState. The locations the therapist works at are kept in step.
pub async fn set_services(
    db: &DatabaseConnection,
    events: &Events,
    actor: i32,
    id: Option<i32>,
    slugs: &[String],
) -> WriteResult<therapist::Model> {
    let mut p = Problems::default();
    let field = Field::new(&["serviceSlugs"]);
    let txn = db.begin().await?;
    let found =
        existing::<therapist::Entity, _>(&txn, id, &Field::new(&["id"]), "therapist", &mut p)
            .await?;
    let services = by_slugs::<service::Entity, _>(
        &txn,
        service::Column::Slug,
        |s| &s.slug,
        slugs,
        &field,
        "service",
        &mut p,
    )
    .await?;
    for (i, slug) in slugs.iter().enumerate() {
        if services.iter().any(|s| s.slug == slug.trim() && !s.active) {
            p.add(
                &field.at(i),
                Code::InvalidState,
                format!("the service {slug:?} is retired"),
            );
        }
    }
    let found = p.finish_with(found)?;
    therapist_service::Entity::delete_many()
        .filter(therapist_service::Column::TherapistId.eq(found.id))
        .exec(&txn)
        .await?;
    if !services.is_empty() {
        therapist_service::Entity::insert_many(services.iter().map(|s| {
            therapist_service::ActiveModel {
                therapist_id: Set(found.id),
                service_id: Set(s.id),
            }
        }))
        .exec(&txn)
        .await?;
    }
    locations::refresh_services(&txn, &location_ids(&txn, found.id).await?).await?;
    finish_therapist_write(txn, events, actor, "setTherapistServices", found).await
}

/// Replaces the locations a therapist works at, given by slug. What the
/// locations left and joined offer is kept in step.
pub async fn set_locations(
    db: &DatabaseConnection,
    events: &Events,
    actor: i32,
    id: Option<i32>,
    slugs: &[String],
) -> WriteResult<therapist::Model> {
    let mut p = Problems::default();
    let txn = db.begin().await?;
    let found =
        existing::<therapist::Entity, _>(&txn, id, &Field::new(&["id"]), "therapist", &mut p)
            .await?;
    let new = by_slugs::<location::Entity, _>(
        &txn,
        location::Column::Slug,
        |l| &l.slug,
        slugs,
        &Field::new(&["locationSlugs"]),
        "location",
        &mut p,
    )
    .await?;
    let found = p.finish_with(found)?;
    let mut affected = location_ids(&txn, found.id).await?;
    therapist_location::Entity::delete_many()
        .filter(therapist_location::Column::TherapistId.eq(found.id))
        .exec(&txn)
        .await?;
    if !new.is_empty() {
        therapist_location::Entity::insert_many(new.iter().map(|l| {
            therapist_location::ActiveModel {
                therapist_id: Set(found.id),
                location_id: Set(l.id),
            }
        }))
        .exec(&txn)
        .await?;
    }
    affected.extend(new.iter().map(|l| l.id));
    affected.sort_unstable();
    affected.dedup();
    locations::refresh_services(&txn, &affected).await?;
    finish_therapist_write(txn, events, actor, "setTherapistLocations", found).await
}

/// The therapist with this slug, listed in the directory or not.
pub async fn find_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<Option<therapist::Model>, DbErr> {
    therapist::Entity::find()
        .filter(therapist::Column::Slug.eq(slug.trim()))
        .one(db)
        .await
}

/// Marks the therapist changed, records the write and commits.
pub(crate) async fn finish_therapist_write(
    txn: DatabaseTransaction,
    events: &Events,
    actor: i32,
    action: &str,
    found: therapist::Model,
) -> WriteResult<therapist::Model> {
    let mut row: therapist::ActiveModel = found.into();
    row.updated_at = Set(Utc::now());
    let saved = row.update(&txn).await?;
    let subject = audit::subject(CheckedTherapist::TYPE, saved.id);
    audit::record_and_commit(txn, events, actor, action, &subject).await?;
    Ok(saved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_are_checked_loosely() {
        for good in ["en", "es", "pt-br", "zh-hant-tw", "yue", "sgn-ase"] {
            assert!(is_language_tag(good), "{good}");
        }
        for bad in [
            "e",
            "english language",
            "en_US",
            "en-",
            "-en",
            "123",
            "toolonglang",
        ] {
            assert!(!is_language_tag(bad), "{bad}");
        }
    }

    fn code(path: &str, code: Code) -> (String, Code) {
        (path.to_owned(), code)
    }

    #[test]
    fn a_create_reports_every_problem_at_once_in_field_order() {
        let changes = TherapistChanges {
            first_name: Some("  ".into()),
            title: Some("t".repeat(201)),
            photo_url: Some(Some("ftp://x.example/a.jpg".into())),
            languages: Some(vec!["en".into(), "english language".into()]),
            slug: Some("Not A Slug".into()),
            ..TherapistChanges::default()
        };
        let (_, problems) = CheckedTherapist::check(changes, true);
        assert_eq!(
            problems.found(),
            [
                code("input.firstName", Code::Required),
                code("input.lastName", Code::Required),
                code("input.credentials", Code::Required),
                code("input.title", Code::InvalidLength),
                code("input.bio", Code::Required),
                code("input.photoUrl", Code::InvalidFormat),
                code("input.acceptingNewPatients", Code::Required),
                code("input.languages.1", Code::InvalidFormat),
                code("input.slug", Code::InvalidFormat),
            ]
        );
    }

    #[test]
    fn a_check_trims_and_fills_in_what_a_new_therapist_lacks() {
        let changes = TherapistChanges {
            first_name: Some(" Ana ".into()),
            last_name: Some("Petrova".into()),
            credentials: Some(String::new()),
            title: Some("Physical Therapist".into()),
            bio: Some("*Hi*".into()),
            languages: Some(vec!["EN".into(), " en ".into(), "pt-BR".into()]),
            accepting_new_patients: Some(true),
            ..TherapistChanges::default()
        };
        let (checked, problems) = CheckedTherapist::check(changes, true);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(checked.first_name.as_deref(), Some("Ana"));
        assert_eq!(checked.languages, Some(vec!["en".into(), "pt-br".into()]));
        assert_eq!(
            (checked.active, checked.photo_url.clone()),
            (Some(true), Some(None))
        );
        assert_eq!(checked.slug_source().as_deref(), Some("Ana Petrova"));
        // An update leaves out what it does not change.
        let (checked, problems) = CheckedTherapist::check(TherapistChanges::default(), false);
        assert!(problems.is_empty());
        assert_eq!(checked, CheckedTherapist::default());
    }
}
