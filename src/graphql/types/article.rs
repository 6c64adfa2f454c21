//! `Article` and `Tag`: the clinic's blog.

use async_graphql::{Context, Enum, ID, Json, Object, Result};
use chrono::{DateTime, Utc};
use entity::{article, tag};
use serde_json::{Value, json};

use super::Therapist;
use super::common::connection;
use crate::graphql::loaders::{TagsOfArticle, TherapistById};
use crate::graphql::{ids, load, load_many};

/// An article of the clinic's blog. The public sees only published ones whose
/// time has come; editors preview the others too.
pub struct Article(pub article::Model);

/// Where an article is in its life.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum ArticleStatus {
    /// Being written; only editors see it.
    Draft,
    /// Published: the public sees it from its `publishedAt` on (a future time
    /// means scheduled).
    Published,
    /// Taken out of sight but kept; only editors see it.
    Archived,
}

impl From<article::ArticleStatus> for ArticleStatus {
    fn from(status: article::ArticleStatus) -> Self {
        match status {
            article::ArticleStatus::Draft => Self::Draft,
            article::ArticleStatus::Published => Self::Published,
            article::ArticleStatus::Archived => Self::Archived,
        }
    }
}

impl From<ArticleStatus> for article::ArticleStatus {
    fn from(status: ArticleStatus) -> Self {
        match status {
            ArticleStatus::Draft => Self::Draft,
            ArticleStatus::Published => Self::Published,
            ArticleStatus::Archived => Self::Archived,
        }
    }
}

connection!(ArticleConnection, ArticleEdge, Article, "articles");

/// A topic articles are filed under.
pub struct Tag(pub tag::Model);

/// A topic articles are filed under.
#[Object(cache_control(max_age = 60))]
impl Tag {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode("Tag", self.0.id)
    }

    /// Stable name in URLs, e.g. `back-pain`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Name shown to readers.
    async fn name(&self) -> &str {
        &self.0.name
    }
}

/// An article of the clinic's blog. The public sees only published ones whose
/// time has come; editors preview the others too.
#[Object(cache_control(max_age = 60))]
impl Article {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode("Article", self.0.id)
    }

    /// Stable name in URLs; a renamed article still answers to its old slugs.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Headline.
    async fn title(&self) -> &str {
        &self.0.title
    }

    /// One or two sentences for lists and previews.
    async fn summary(&self) -> &str {
        &self.0.summary
    }

    /// The text in markdown.
    async fn body(&self) -> &str {
        &self.0.body
    }

    /// The text as sanitized HTML, safe to embed.
    async fn body_html(&self) -> &str {
        &self.0.body_html
    }

    /// Minutes to read, at about 200 words a minute.
    async fn reading_time_minutes(&self) -> i32 {
        self.0.reading_time_minutes
    }

    /// Its state: always PUBLISHED for the public.
    async fn status(&self) -> ArticleStatus {
        self.0.status.into()
    }

    /// When it was (or is scheduled to be) published; null if never.
    async fn published_at(&self) -> Option<DateTime<Utc>> {
        self.0.published_at
    }

    /// When it last changed.
    async fn updated_at(&self) -> DateTime<Utc> {
        self.0.updated_at
    }

    /// The therapist who wrote it; null if no longer in the directory.
    async fn author(&self, ctx: &Context<'_>) -> Result<Option<Therapist>> {
        let Some(author) = self.0.author_id else {
            return Ok(None);
        };
        Ok(load(ctx, TherapistById(author)).await?.map(Therapist))
    }

    /// Topics, by name.
    async fn tags(&self, ctx: &Context<'_>) -> Result<Vec<Tag>> {
        let rows = load_many(ctx, TagsOfArticle(self.0.id)).await?;
        Ok(rows.into_iter().map(Tag).collect())
    }

    /// schema.org `BlogPosting` markup with author, dates and keywords.
    async fn json_ld(&self, ctx: &Context<'_>) -> Result<Json<Value>> {
        let a = &self.0;
        let tags = load_many(ctx, TagsOfArticle(a.id)).await?;
        let mut value = json!({
            "@context": "https://schema.org",
            "@type": "BlogPosting",
            "headline": a.title,
            "description": a.summary,
            "datePublished": a.published_at,
            "dateModified": a.updated_at,
            "timeRequired": format!("PT{}M", a.reading_time_minutes),
            "keywords": tags.iter().map(|t| t.name.as_str()).collect::<Vec<_>>(),
        });
        if let Some(author) = a.author_id
            && let Some(t) = load(ctx, TherapistById(author)).await?
        {
            value["author"] = json!({
                "@type": "Person",
                "name": format!("{} {}", t.first_name, t.last_name),
                "honorificSuffix": t.credentials,
                "jobTitle": t.title,
            });
        }
        Ok(Json(value))
    }
}
