//! The clinic's published articles, and editors' previews of the others.

use async_graphql::{Context, Enum, InputObject, Object, Result};
use chrono::Utc;

use super::{page_args, wants_total};
use crate::domain::articles::{self, ArticleOrder};
use crate::graphql::db;
use crate::graphql::guards::{EDITORS, require_role};
use crate::graphql::types::common::PageOf;
use crate::graphql::types::{Article, ArticleConnection, ArticleStatus};

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
    /// EDITOR and ADMIN only (anonymous requests are UNAUTHENTICATED, other
    /// roles FORBIDDEN): articles in these states, scheduled ones included,
    /// instead of what the public sees.
    pub status: Option<Vec<ArticleStatus>>,
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
    /// articles are listed only for editors who ask for them with `filter.status`.
    #[allow(clippy::too_many_arguments)]
    #[graphql(complexity = "crate::graphql::page_cost(first, last, child_complexity)")]
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
        super::check_search(filter.search.as_deref())?;
        if filter.status.is_some() {
            require_role(ctx, EDITORS, "sign in to filter articles by status")?;
        }
        let filter = articles::ArticleFilter {
            tag: filter.tag,
            author: filter.author,
            search: filter.search,
            status: filter
                .status
                .map(|states| states.into_iter().map(Into::into).collect()),
        };
        let page = articles::list(
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

    /// The published article with this slug (or a former slug), or null. With
    /// `preview`, editors get drafts, scheduled and archived ones too.
    async fn article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its slug, current or former.")] slug: String,
        #[graphql(
            desc = "EDITOR and ADMIN only (anonymous requests are UNAUTHENTICATED, other roles FORBIDDEN): whatever its state or date.",
            default
        )]
        preview: bool,
    ) -> Result<Option<Article>> {
        let found = if preview {
            require_role(ctx, EDITORS, "sign in to preview articles")?;
            articles::find_any_by_slug(db(ctx), &slug).await?
        } else {
            articles::find_public_by_slug(db(ctx), &slug, Utc::now()).await?
        };
        Ok(found.map(Article))
    }
}
