//! The clinic's published articles.

use async_graphql::{Context, Enum, InputObject, Object, Result};
use chrono::Utc;

use super::{page_args, wants_total};
use crate::domain::articles::{self, ArticleOrder};
use crate::graphql::db;
use crate::graphql::types::common::PageOf;
use crate::graphql::types::{Article, ArticleConnection};

#[derive(Default)]
pub struct ArticleQuery;

/// Narrows the article list; every field given must match.
#[derive(InputObject, Default)]
pub struct ArticleFilter {
    /// Slug of a tag.
    pub tag: Option<String>,
    /// Slug of the author, a therapist.
    pub author: Option<String>,
    /// Text to find in the title, summary or body, ignoring case.
    pub search: Option<String>,
}

/// Orders of the article list.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
pub enum ArticleOrderBy {
    /// Newest publication first.
    #[default]
    PublishedAtDesc,
    /// Oldest publication first.
    PublishedAtAsc,
    /// By title, A to Z.
    TitleAsc,
}

impl From<ArticleOrderBy> for ArticleOrder {
    fn from(order: ArticleOrderBy) -> Self {
        match order {
            ArticleOrderBy::PublishedAtDesc => Self::NewestFirst,
            ArticleOrderBy::PublishedAtAsc => Self::OldestFirst,
            ArticleOrderBy::TitleAsc => Self::Title,
        }
    }
}

#[Object]
impl ArticleQuery {
    /// Published articles, newest first unless `orderBy` says otherwise, a page
    /// at a time (20 by default, at most 100). Drafts, archived and scheduled
    /// articles are never listed.
    #[allow(clippy::too_many_arguments)]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Page size from the start (or after `after`).")] first: Option<i32>,
        #[graphql(desc = "Cursor to start after.")] after: Option<String>,
        #[graphql(desc = "Page size from the end (or before `before`).")] last: Option<i32>,
        #[graphql(desc = "Cursor to end before.")] before: Option<String>,
        #[graphql(desc = "Which articles to list.")] filter: Option<ArticleFilter>,
        #[graphql(desc = "The order of the list.", default)] order_by: ArticleOrderBy,
    ) -> Result<ArticleConnection> {
        let filter = filter.unwrap_or_default();
        let filter = articles::ArticleFilter {
            tag: filter.tag,
            author: filter.author,
            search: filter.search,
        };
        let page = articles::list_public(
            db(ctx),
            &filter,
            order_by.into(),
            &page_args(first, after, last, before),
            wants_total(ctx),
            Utc::now(),
        )
        .await?;
        Ok(ArticleConnection(PageOf::new(page, Article)))
    }

    /// The published article with this slug (or a former slug), or null.
    async fn article(&self, ctx: &Context<'_>, slug: String) -> Result<Option<Article>> {
        Ok(articles::find_public_by_slug(db(ctx), &slug, Utc::now())
            .await?
            .map(Article))
    }
}
