//! Saving the clinic's content that staff create and change: therapists,
//! locations, services and certifications, each with a slug of its own.
//!
//! A kind of content is a [`Content`] type: the checked form of its input.
//! Its `check` is pure and finds every problem in the input at once; its
//! `row` says what is stored. [`save`] does the rest, the same for every
//! kind, in one transaction: the row to change must exist, a slug given must
//! be free, a new row given none gets a unique one made from its name (and,
//! in a list the clinic orders, the last place), the row is inserted or
//! updated, `after_save` writes what goes with it in other tables, and the
//! write is recorded in the audit trail, whose news is delivered once the
//! transaction has committed. With any problem, nothing is written.

use std::future::Future;

use chrono::Utc;
use sea_orm::sea_query::ValueType;
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, DatabaseConnection, DatabaseTransaction,
    DbErr, EntityTrait, IntoActiveModel, ModelTrait, PrimaryKeyTrait, QuerySelect,
    TransactionTrait,
};

use super::validate::{
    Code, Field, Problems, Target, WriteResult, existing, taken_if_unique_violation,
};
use super::{audit, slug};
use crate::error::AppError;
use crate::events::Events;

/// The row type a kind of content is stored as.
pub type ModelOf<T> = <<T as Content>::Entity as EntityTrait>::Model;

/// A column of the table a kind of content is stored in.
pub type ColumnOf<T> = <<T as Content>::Entity as EntityTrait>::Column;

/// A kind of content: its input once checked, and how it is stored.
pub trait Content: Sized + Send + Sync {
    /// The input as staff sent it; `None` fields leave a value as it is.
    type Changes;
    type Entity: EntityTrait<Model: IntoActiveModel<Self::Row>>;
    type Row: ActiveModelTrait<Entity = Self::Entity> + ActiveModelBehavior + Send;

    /// How messages name one (`therapist`); also the slug of a new row whose
    /// name gives none.
    const NAME: &'static str;
    /// How the audit trail names the type (`Therapist`, as in `Therapist:7`).
    const TYPE: &'static str;
    const ID: ColumnOf<Self>;
    const SLUG: ColumnOf<Self>;
    const CREATED_AT: ColumnOf<Self>;
    const UPDATED_AT: ColumnOf<Self>;
    /// The column that orders a list the clinic arranges (services,
    /// locations): a new row goes last. `None`: no such order.
    const POSITION: Option<ColumnOf<Self>> = None;

    /// The input in the form it is stored in, and every problem found in it
    /// (under `["input", …]`). `creating` makes the values a new row needs
    /// required. Pure: no database.
    fn check(changes: Self::Changes, creating: bool) -> (Self, Problems);

    /// The columns to write, but for the id, slug, times and position, which
    /// [`save`] sets.
    fn row(&self) -> Self::Row;

    /// The slug given, in the checked form.
    fn slug(&self) -> Option<&str>;

    /// The text a new row's slug is made from when none is given (its name).
    fn slug_source(&self) -> Option<String>;

    /// Writes what goes with the row (other tables), once it is saved.
    fn after_save(
        &self,
        _txn: &DatabaseTransaction,
        _saved: &ModelOf<Self>,
        _creating: bool,
    ) -> impl Future<Output = Result<(), DbErr>> + Send {
        async { Ok(()) }
    }
}

/// Checks `changes` and creates (`Target::New`) or updates the row of `T`,
/// recording `action` (a mutation name) in the audit trail.
pub async fn save<T: Content>(
    db: &DatabaseConnection,
    events: &Events,
    actor: i32,
    target: Target,
    action: &str,
    changes: T::Changes,
) -> WriteResult<ModelOf<T>>
where
    i32: Into<<<T::Entity as EntityTrait>::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    let creating = target == Target::New;
    let (value, mut problems) = T::check(changes, creating);
    let txn = db.begin().await?;
    let id = match target {
        Target::New => None,
        Target::Existing(id) => {
            let id_field = Field::new(&["id"]);
            existing::<T::Entity, _>(&txn, id, &id_field, T::NAME, &mut problems)
                .await?
                .and(id)
        }
    };
    check_slug_free(&txn, &value, id, &mut problems).await?;
    problems.finish()?;
    let saved = store(&txn, &value, id).await?;
    value.after_save(&txn, &saved, creating).await?;
    let subject = audit::subject(T::TYPE, id_of::<T>(&saved)?);
    audit::record_and_commit(txn, events, actor, action, &subject).await?;
    Ok(saved)
}

fn slug_field() -> Field {
    Field::new(&["input", "slug"])
}

/// A Taken problem when another row of `T` than `id` has the slug given.
async fn check_slug_free<T: Content>(
    txn: &DatabaseTransaction,
    value: &T,
    id: Option<i32>,
    problems: &mut Problems,
) -> WriteResult<()> {
    if let Some(slug) = value.slug()
        && slug::is_valid(slug)
        && slug::is_taken::<T::Entity, _>(txn, T::SLUG, slug, id.map(|id| (T::ID, id))).await?
    {
        problems.add(
            &slug_field(),
            Code::Taken,
            format!("another {} has this slug", T::NAME),
        );
    }
    Ok(())
}

/// Inserts the row (`id` `None`) or updates row `id`. A unique index that
/// refuses the slug is a Taken problem, as the check would have found.
async fn store<T: Content>(
    txn: &DatabaseTransaction,
    value: &T,
    id: Option<i32>,
) -> WriteResult<ModelOf<T>> {
    let now = Utc::now();
    let mut row = value.row();
    row.set(T::UPDATED_AT, now.into());
    if let Some(slug) = value.slug() {
        row.set(T::SLUG, slug.into());
    } else if let (None, Some(source)) = (id, value.slug_source()) {
        let base = slug::slugify_or(&source, T::NAME);
        row.set(
            T::SLUG,
            slug::unique::<T::Entity, _>(txn, T::SLUG, &base)
                .await?
                .into(),
        );
    }
    match id {
        None => {
            if let Some(position) = T::POSITION {
                row.set(position, next_position::<T>(txn, position).await?.into());
            }
            row.set(T::CREATED_AT, now.into());
            row.insert(txn).await
        }
        Some(id) => {
            row.set(T::ID, id.into());
            row.update(txn).await
        }
    }
    .map_err(|e| taken_if_unique_violation(e, &slug_field()))
}

/// After the last row in `position` order.
async fn next_position<T: Content>(
    txn: &DatabaseTransaction,
    position: ColumnOf<T>,
) -> Result<i32, DbErr> {
    let max: Option<Option<i32>> = T::Entity::find()
        .select_only()
        .column_as(position.max(), "max")
        .into_tuple()
        .one(txn)
        .await?;
    Ok(max.flatten().map_or(0, |m| m + 1))
}

/// The id of a saved row.
fn id_of<T: Content>(saved: &ModelOf<T>) -> WriteResult<i32> {
    <i32 as ValueType>::try_from(saved.get(T::ID))
        .map_err(|_| AppError::Internal(format!("a saved {} has no id", T::NAME)).into())
}
