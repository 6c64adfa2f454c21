//! Articles as the public sees them: published, and not scheduled for later.

use chrono::{DateTime, Utc};
use entity::{article, article_slug, article_tag, tag, therapist};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
};

use super::page::{self, Page, PageArgs};
use crate::error::AppResult;

/// Narrows the public list.
#[derive(Clone, Debug, Default)]
pub struct ArticleFilter {
    /// Slug of a tag.
    pub tag: Option<String>,
    /// Slug of the author (a therapist).
    pub author: Option<String>,
    /// Words to find in the title, summary or body (case-insensitive).
    pub search: Option<String>,
}

/// The order of the public list.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ArticleOrder {
    #[default]
    NewestFirst,
    OldestFirst,
    Title,
}

/// What the public may read at `now`: published, with a publication time reached.
pub fn visible_at(now: DateTime<Utc>) -> Condition {
    Condition::all()
        .add(article::Column::Status.eq(article::ArticleStatus::Published))
        .add(article::Column::PublishedAt.lte(now))
}

/// Whether one article is visible to the public at `now`.
pub fn is_visible(article: &article::Model, now: DateTime<Utc>) -> bool {
    article.status == article::ArticleStatus::Published
        && article.published_at.is_some_and(|at| at <= now)
}

fn contains(column: article::Column, pattern: &str) -> SimpleExpr {
    Expr::expr(Func::lower(Expr::col(column))).like(LikeExpr::new(pattern).escape('\\'))
}

fn filtered(filter: &ArticleFilter, now: DateTime<Utc>) -> sea_orm::Select<article::Entity> {
    let mut condition = visible_at(now);
    if let Some(slug) = &filter.tag {
        condition = condition.add(
            article::Column::Id.in_subquery(
                Query::select()
                    .column((article_tag::Entity, article_tag::Column::ArticleId))
                    .from(article_tag::Entity)
                    .inner_join(
                        tag::Entity,
                        Expr::col((tag::Entity, tag::Column::Id))
                            .equals((article_tag::Entity, article_tag::Column::TagId)),
                    )
                    .and_where(tag::Column::Slug.eq(slug.as_str()))
                    .to_owned(),
            ),
        );
    }
    if let Some(slug) = &filter.author {
        condition = condition.add(
            article::Column::AuthorId.in_subquery(
                Query::select()
                    .column(therapist::Column::Id)
                    .from(therapist::Entity)
                    .and_where(therapist::Column::Slug.eq(slug.as_str()))
                    .to_owned(),
            ),
        );
    }
    if let Some(words) = filter
        .search
        .as_deref()
        .map(str::trim)
        .filter(|w| !w.is_empty())
    {
        let pattern = super::like_contains(words);
        condition = condition.add(
            Condition::any()
                .add(contains(article::Column::Title, &pattern))
                .add(contains(article::Column::Summary, &pattern))
                .add(contains(article::Column::Body, &pattern)),
        );
    }
    article::Entity::find().filter(condition)
}

/// A page of the public list.
pub async fn list_public(
    db: &DatabaseConnection,
    filter: &ArticleFilter,
    order: ArticleOrder,
    args: &PageArgs,
    want_total: bool,
    now: DateTime<Utc>,
) -> AppResult<Page<article::Model>> {
    let select = filtered(filter, now);
    let ordered = match order {
        ArticleOrder::NewestFirst => select
            .clone()
            .order_by_desc(article::Column::PublishedAt)
            .order_by_desc(article::Column::Id),
        ArticleOrder::OldestFirst => select
            .clone()
            .order_by_asc(article::Column::PublishedAt)
            .order_by_asc(article::Column::Id),
        ArticleOrder::Title => select
            .clone()
            .order_by_asc(article::Column::Title)
            .order_by_asc(article::Column::Id),
    };
    page::fetch(
        args,
        want_total,
        || async { Ok(select.count(db).await?) },
        |offset, limit| async move { Ok(ordered.offset(offset).limit(limit).all(db).await?) },
    )
    .await
}

/// The public article with this slug, or with this slug before a rename.
pub async fn find_public_by_slug(
    db: &DatabaseConnection,
    slug: &str,
    now: DateTime<Utc>,
) -> AppResult<Option<article::Model>> {
    let current = article::Entity::find()
        .filter(article::Column::Slug.eq(slug))
        .filter(visible_at(now))
        .one(db)
        .await?;
    if current.is_some() {
        return Ok(current);
    }
    let Some(old) = article_slug::Entity::find_by_id(slug.to_owned())
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    find_public_by_id(db, old.article_id, now).await
}

/// The public article with this id.
pub async fn find_public_by_id(
    db: &DatabaseConnection,
    id: i32,
    now: DateTime<Utc>,
) -> AppResult<Option<article::Model>> {
    Ok(article::Entity::find_by_id(id)
        .filter(visible_at(now))
        .one(db)
        .await?)
}
