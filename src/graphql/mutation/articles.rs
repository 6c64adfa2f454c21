//! Writing the blog (EDITOR and ADMIN): create, update, publish, unpublish,
//! archive and delete articles. The rules and the SQL live in `domain::articles`.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result, SimpleObject};
use chrono::{DateTime, Utc};

use super::payload::{Payload, payload, payload_of};
use crate::domain::articles::{self, ArticleInput};
use crate::graphql::guards::{EDITORS, RoleGuard, require_viewer};
use crate::graphql::types::{Article, UserError};
use crate::graphql::{db, events, ids};

#[derive(Default)]
pub struct ArticleMutation;

/// A new article. It starts as a draft.
#[derive(InputObject)]
pub struct CreateArticleInput {
    /// Headline, 1 to 200 characters.
    pub title: String,
    /// One or two sentences for lists and previews, at most 500 characters.
    #[graphql(default)]
    pub summary: String,
    /// The text in markdown, at most 100 000 characters.
    #[graphql(default)]
    pub body: String,
    /// The name in URLs, e.g. `desk-posture`; it must be free. Left out, it is
    /// made from the title (with `-2`, `-3`… when taken).
    pub slug: Option<String>,
    /// Slug of the therapist who wrote it.
    pub author_slug: Option<String>,
    /// Topic names, e.g. `Back Pain`; a name no tag has makes a new tag.
    pub tags: Option<Vec<String>>,
}

/// Changes to an article; what is left out (or null) stays as it is.
#[derive(InputObject)]
pub struct UpdateArticleInput {
    /// Headline, 1 to 200 characters. Until the article is first published,
    /// its slug follows the title (unless `slug` is given).
    pub title: Option<String>,
    /// One or two sentences for lists and previews, at most 500 characters.
    pub summary: Option<String>,
    /// The text in markdown, at most 100 000 characters.
    pub body: Option<String>,
    /// A new name in URLs; it must be free. Once the article has been
    /// published, its old slug keeps leading to it.
    pub slug: Option<String>,
    /// Slug of the therapist who wrote it; null removes the author.
    pub author_slug: MaybeUndefined<String>,
    /// Topic names replacing the current ones; an empty list removes them all.
    pub tags: Option<Vec<String>>,
}

payload!(CreateArticlePayload, "createArticle", article: Article, "article");
payload!(UpdateArticlePayload, "updateArticle", article: Article, "article");
payload!(PublishArticlePayload, "publishArticle", article: Article, "article");
payload!(UnpublishArticlePayload, "unpublishArticle", article: Article, "article");
payload!(ArchiveArticlePayload, "archiveArticle", article: Article, "article");

/// The result of `deleteArticle`.
#[derive(SimpleObject)]
pub struct DeleteArticlePayload {
    /// The global id of the deleted article; null when nothing was deleted.
    pub deleted_id: Option<ID>,
    /// What to fix; when there is any, nothing was deleted.
    pub user_errors: Vec<UserError>,
}

impl Payload for DeleteArticlePayload {
    type Object = ID;

    fn new(deleted_id: Option<ID>, user_errors: Vec<UserError>) -> Self {
        Self {
            deleted_id,
            user_errors,
        }
    }
}

#[Object]
impl ArticleMutation {
    /// Writes a new draft article.
    #[graphql(guard = "RoleGuard(EDITORS)")]
    async fn create_article(
        &self,
        ctx: &Context<'_>,
        input: CreateArticleInput,
    ) -> Result<CreateArticlePayload> {
        let viewer = require_viewer(ctx)?;
        let input = ArticleInput {
            title: Some(input.title),
            summary: Some(input.summary),
            body: Some(input.body),
            slug: input.slug,
            author_slug: Some(input.author_slug),
            tags: input.tags,
        };
        let result =
            articles::create(db(ctx), events(ctx), viewer.staff.id, input, Utc::now()).await;
        payload_of(result, Article)
    }

    /// Changes the fields given of an article, in any state.
    #[graphql(guard = "RoleGuard(EDITORS)")]
    async fn update_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] id: ID,
        input: UpdateArticleInput,
    ) -> Result<UpdateArticlePayload> {
        let viewer = require_viewer(ctx)?;
        let input = ArticleInput {
            title: input.title,
            summary: input.summary,
            body: input.body,
            slug: input.slug,
            author_slug: match input.author_slug {
                MaybeUndefined::Undefined => None,
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Value(slug) => Some(Some(slug)),
            },
            tags: input.tags,
        };
        let id = ids::decode_as("Article", &id);
        let result =
            articles::update(db(ctx), events(ctx), viewer.staff.id, id, input, Utc::now()).await;
        payload_of(result, Article)
    }

    /// Publishes an article now, or at `at`: a time in the future schedules
    /// it, and the public sees it from then on. Without `at`, an article
    /// already public keeps its date.
    #[graphql(guard = "RoleGuard(EDITORS)")]
    async fn publish_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] id: ID,
        #[graphql(desc = "When the public may see it; now if left out.")] at: Option<DateTime<Utc>>,
    ) -> Result<PublishArticlePayload> {
        let viewer = require_viewer(ctx)?;
        let id = ids::decode_as("Article", &id);
        let result =
            articles::publish(db(ctx), events(ctx), viewer.staff.id, id, at, Utc::now()).await;
        payload_of(result, Article)
    }

    /// Takes a published, scheduled or archived article back to a draft,
    /// out of the public's sight. Its slug stays as it is.
    #[graphql(guard = "RoleGuard(EDITORS)")]
    async fn unpublish_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] id: ID,
    ) -> Result<UnpublishArticlePayload> {
        let viewer = require_viewer(ctx)?;
        let id = ids::decode_as("Article", &id);
        let result =
            articles::unpublish(db(ctx), events(ctx), viewer.staff.id, id, Utc::now()).await;
        payload_of(result, Article)
    }

    /// Archives an article: out of the public's sight, kept for staff.
    #[graphql(guard = "RoleGuard(EDITORS)")]
    async fn archive_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] id: ID,
    ) -> Result<ArchiveArticlePayload> {
        let viewer = require_viewer(ctx)?;
        let id = ids::decode_as("Article", &id);
        let result = articles::archive(db(ctx), events(ctx), viewer.staff.id, id, Utc::now()).await;
        payload_of(result, Article)
    }

    /// Deletes an article for good, with its tag links and former slugs.
    #[graphql(guard = "RoleGuard(EDITORS)")]
    async fn delete_article(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The article's global id.")] id: ID,
    ) -> Result<DeleteArticlePayload> {
        let viewer = require_viewer(ctx)?;
        let id = ids::decode_as("Article", &id);
        let result = articles::delete(db(ctx), events(ctx), viewer.staff.id, id).await;
        payload_of(result, |id| ids::encode("Article", id))
    }
}
