//! The staff directory: active therapists, filtered and ordered by name.

use chrono::NaiveDate;
use entity::{
    certification, therapist, therapist_certification, therapist_language, therapist_location,
    therapist_service,
};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::page::{self, Page, PageArgs};
use crate::error::AppResult;

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
    let mut condition = Condition::all().add(therapist::Column::Active.eq(true));
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
    therapist::Entity::find().filter(condition)
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
    let ordered = select
        .clone()
        .order_by_asc(therapist::Column::LastName)
        .order_by_asc(therapist::Column::FirstName)
        .order_by_asc(therapist::Column::Id);
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
    Ok(therapist::Entity::find()
        .filter(therapist::Column::Slug.eq(slug))
        .filter(therapist::Column::Active.eq(true))
        .one(db)
        .await?)
}

/// The active therapist with this id.
pub async fn find_active_by_id(
    db: &DatabaseConnection,
    id: i32,
) -> AppResult<Option<therapist::Model>> {
    Ok(therapist::Entity::find_by_id(id)
        .filter(therapist::Column::Active.eq(true))
        .one(db)
        .await?)
}
