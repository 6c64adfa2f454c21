//! Articles: what the public sees (published, and not scheduled for later),
//! what staff see in preview, and how staff write them.

use chrono::{DateTime, Utc};
use entity::article::ArticleStatus;
use entity::{article, article_slug, article_tag, tag, therapist};
use sea_orm::sea_query::{Expr, ExprTrait, Func, LikeExpr, NullOrdering, Query, SimpleExpr};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait,
    DatabaseConnection, EntityTrait, IntoActiveModel, NotSet, Order, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, TransactionTrait,
};

use super::page::{self, Page, PageArgs};
use super::validate::{
    Code, Field, Problems, WriteError, WriteResult, existing, taken_if_unique_violation,
};
use super::{audit, markdown, slug};
use crate::error::{AppError, AppResult};
use crate::events::Events;

/// Narrows a list of articles.
#[derive(Clone, Debug, Default)]
pub struct ArticleFilter {
    /// Slug of a tag.
    pub tag: Option<String>,
    /// Slug of the author (a therapist).
    pub author: Option<String>,
    /// Words to find in the title, summary or body (case-insensitive).
    pub search: Option<String>,
    /// For staff only: articles in these states, whatever their date. `None`
    /// is the public list: published, with the publication time reached.
    pub status: Option<Vec<ArticleStatus>>,
}

/// The order of a list. Articles never published come last either way.
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
    let mut condition = match &filter.status {
        None => visible_at(now),
        Some(states) => Condition::all().add(article::Column::Status.is_in(states.iter().copied())),
    };
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

/// A page of the list: the public one, or for staff the one `filter.status` asks for.
pub async fn list(
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
            .order_by_with_nulls(
                article::Column::PublishedAt,
                Order::Desc,
                NullOrdering::Last,
            )
            .order_by_desc(article::Column::Id),
        ArticleOrder::OldestFirst => select
            .clone()
            .order_by_with_nulls(article::Column::PublishedAt, Order::Asc, NullOrdering::Last)
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
    find_by_slug_where(db, slug, visible_at(now)).await
}

/// For staff previews: the article with this slug (or a former one), in any
/// state and whatever its date.
pub async fn find_any_by_slug(
    db: &DatabaseConnection,
    slug: &str,
) -> AppResult<Option<article::Model>> {
    find_by_slug_where(db, slug, Condition::all()).await
}

async fn find_by_slug_where(
    db: &DatabaseConnection,
    slug: &str,
    condition: Condition,
) -> AppResult<Option<article::Model>> {
    let current = article::Entity::find()
        .filter(article::Column::Slug.eq(slug))
        .filter(condition.clone())
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
    Ok(article::Entity::find_by_id(old.article_id)
        .filter(condition)
        .one(db)
        .await?)
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

// ---------------------------------------------------------------------------
// Writing articles (staff). Every write checks all of its input first, then
// writes in one transaction together with its audit event, or writes nothing.

/// Longest title, in characters.
pub const TITLE_MAX: usize = 200;
/// Longest summary, in characters.
pub const SUMMARY_MAX: usize = 500;
/// Longest body, in characters of markdown.
pub const BODY_MAX: usize = 100_000;
/// Longest tag name, in characters.
pub const TAG_NAME_MAX: usize = 50;
/// Most tags on one article.
pub const TAGS_MAX: usize = 20;

/// The fields of an article as staff typed them. For an update, `None` leaves
/// a field as it is.
#[derive(Clone, Debug, Default)]
pub struct ArticleInput {
    pub title: Option<String>,
    pub summary: Option<String>,
    /// Markdown.
    pub body: Option<String>,
    /// A slug of the writer's choosing; without one a new article's slug is
    /// made from its title.
    pub slug: Option<String>,
    /// The author's (a therapist's) slug; `Some(None)` removes the author.
    pub author_slug: Option<Option<String>>,
    /// Tag names; the list replaces the article's tags.
    pub tags: Option<Vec<String>>,
}

/// The input once its fields have been checked one by one.
#[derive(Debug)]
struct CheckedArticle {
    title: Option<String>,
    summary: Option<String>,
    body: Option<String>,
    slug: Option<String>,
    author_slug: Option<Option<String>>,
    /// Names, each with its slug, without repeats.
    tags: Option<Vec<(String, String)>>,
}

/// Checks what can be checked without the database: the input in the form
/// it is stored in, and every problem found in it (under `["input", …]`).
/// `creating` makes the title required.
fn check(input: ArticleInput, creating: bool) -> (CheckedArticle, Problems) {
    let at = Field::new(&["input"]);
    let mut problems = Problems::default();
    let title = problems.present_text(&at.at("title"), input.title, creating, TITLE_MAX, false);
    let summary = input
        .summary
        .map(|s| problems.text(&at.at("summary"), &s, SUMMARY_MAX, true));
    // Markdown keeps its leading spaces (they can make a code block).
    let body = input.body.inspect(|b| {
        if b.chars().count() > BODY_MAX {
            problems.add(
                &at.at("body"),
                Code::InvalidLength,
                format!("must have at most {BODY_MAX} characters"),
            );
        }
    });
    let slug = input.slug.map(|s| problems.slug(&at.at("slug"), &s));
    let author_slug = input
        .author_slug
        .map(|a| a.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty()));
    let tags = input
        .tags
        .map(|names| check_tags(&names, &at.at("tags"), &mut problems));
    let checked = CheckedArticle {
        title,
        summary,
        body,
        slug,
        author_slug,
        tags,
    };
    (checked, problems)
}

/// Tag names, trimmed, each with its slug; names of the same slug count once.
fn check_tags(names: &[String], field: &Field, problems: &mut Problems) -> Vec<(String, String)> {
    if names.len() > TAGS_MAX {
        problems.add(
            field,
            Code::InvalidLength,
            format!("an article may have at most {TAGS_MAX} tags"),
        );
    }
    let mut tags: Vec<(String, String)> = Vec::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        let field = field.at(i);
        let name = problems.text(&field, name, TAG_NAME_MAX, false);
        let tag_slug = slug::slugify(&name);
        if !name.is_empty() && tag_slug.is_empty() {
            problems.add(&field, Code::InvalidFormat, "must hold a letter or a digit");
        }
        if !tag_slug.is_empty() && !tags.iter().any(|(_, s)| *s == tag_slug) {
            tags.push((name, tag_slug));
        }
    }
    tags
}

fn subject(id: i32) -> String {
    audit::subject("Article", id)
}

fn id_field() -> Field {
    Field::new(&["id"])
}

/// The article a write is about; an id of no article is a NotFound problem.
async fn target(
    db: &impl ConnectionTrait,
    problems: &mut Problems,
    id: Option<i32>,
) -> AppResult<Option<article::Model>> {
    Ok(existing::<article::Entity, _>(db, id, &id_field(), "article", problems).await?)
}

/// The author's id when an author is given (`Some(None)` removes the
/// author); a slug no therapist has is a NotFound problem.
async fn author(
    db: &impl ConnectionTrait,
    problems: &mut Problems,
    author_slug: &Option<Option<String>>,
) -> AppResult<Option<Option<i32>>> {
    let Some(Some(author_slug)) = author_slug else {
        return Ok(author_slug.as_ref().map(|_| None));
    };
    let found = therapist::Entity::find()
        .filter(therapist::Column::Slug.eq(author_slug.as_str()))
        .one(db)
        .await?;
    if found.is_none() {
        problems.add(
            &Field::new(&["input", "authorSlug"]),
            Code::NotFound,
            "no therapist has this slug",
        );
    }
    Ok(Some(found.map(|t| t.id)))
}

/// Whether `slug` is the slug, current or former, of an article other than `own`.
async fn slug_taken(db: &impl ConnectionTrait, slug: &str, own: Option<i32>) -> AppResult<bool> {
    let mut current = article::Entity::find().filter(article::Column::Slug.eq(slug));
    let mut former = article_slug::Entity::find().filter(article_slug::Column::Slug.eq(slug));
    if let Some(own) = own {
        current = current.filter(article::Column::Id.ne(own));
        former = former.filter(article_slug::Column::ArticleId.ne(own));
    }
    Ok(current.count(db).await? > 0 || former.count(db).await? > 0)
}

/// The slug of `title`, made unique among current and former slugs (but those
/// of `own`) with `-2`, `-3`…, and never longer than [`slug::MAX_LENGTH`].
async fn slug_from_title(
    db: &impl ConnectionTrait,
    title: &str,
    own: Option<i32>,
) -> AppResult<String> {
    let base = slug::slugify_or(title, "article");
    let mut candidate = base.clone();
    for n in 2.. {
        if !slug_taken(db, &candidate, own).await? {
            break;
        }
        let suffix = format!("-{n}");
        let mut stem = base.clone();
        stem.truncate(slug::MAX_LENGTH - suffix.len());
        candidate = format!("{}{suffix}", stem.trim_end_matches('-'));
    }
    Ok(candidate)
}

/// Reports the slug given as taken if another article has it now or had it before.
async fn check_slug_free(
    db: &impl ConnectionTrait,
    problems: &mut Problems,
    slug: Option<&str>,
    own: Option<i32>,
) -> AppResult<()> {
    if let Some(slug) = slug
        && slug::is_valid(slug)
        && slug_taken(db, slug, own).await?
    {
        problems.add(
            &slug_field(),
            Code::Taken,
            "another article has (or had) this slug",
        );
    }
    Ok(())
}

fn slug_field() -> Field {
    Field::new(&["input", "slug"])
}

/// Makes the article's tags exactly `tags` (name, slug): a tag is found by its
/// slug, or made with the name as given.
async fn set_tags(
    db: &impl ConnectionTrait,
    article_id: i32,
    tags: &[(String, String)],
) -> AppResult<()> {
    article_tag::Entity::delete_many()
        .filter(article_tag::Column::ArticleId.eq(article_id))
        .exec(db)
        .await?;
    for (name, tag_slug) in tags {
        // Another writer may make the same tag at the same moment: whoever
        // comes second uses the first one's row.
        tag::Entity::insert(tag::ActiveModel {
            id: NotSet,
            slug: Set(tag_slug.clone()),
            name: Set(name.clone()),
        })
        .on_conflict_do_nothing_on([tag::Column::Slug])
        .exec_without_returning(db)
        .await?;
        let tag = tag::Entity::find()
            .filter(tag::Column::Slug.eq(tag_slug.as_str()))
            .one(db)
            .await?
            .ok_or_else(|| AppError::Internal(format!("tag {tag_slug} vanished")))?;
        article_tag::Entity::insert(article_tag::ActiveModel {
            article_id: Set(article_id),
            tag_id: Set(tag.id),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Creates a draft. Its slug is `input.slug`, which must be free, or one made
/// from the title.
pub async fn create(
    db: &DatabaseConnection,
    events: &Events,
    staff_id: i32,
    input: ArticleInput,
    now: DateTime<Utc>,
) -> WriteResult<article::Model> {
    let (mut input, mut problems) = check(input, true);
    let txn = db.begin().await?;
    let author = author(&txn, &mut problems, &input.author_slug).await?;
    check_slug_free(&txn, &mut problems, input.slug.as_deref(), None).await?;
    problems.finish()?;
    let slug = match input.slug.take() {
        Some(slug) => slug,
        None => slug_from_title(&txn, input.title.as_deref().unwrap_or_default(), None).await?,
    };
    let tags = input.tags.take().unwrap_or_default();
    let mut row = article::ActiveModel {
        id: NotSet,
        slug: Set(slug),
        title: Set(input.title.unwrap_or_default()),
        summary: Set(input.summary.unwrap_or_default()),
        status: Set(ArticleStatus::Draft),
        published_at: Set(None),
        author_id: Set(author.flatten()),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    };
    set_body(&mut row, input.body.unwrap_or_default());
    let created = row
        .insert(&txn)
        .await
        .map_err(|e| taken_if_unique_violation(e, &slug_field()))?;
    set_tags(&txn, created.id, &tags).await?;
    let subject = subject(created.id);
    audit::record_and_commit(txn, events, staff_id, "createArticle", &subject).await?;
    Ok(created)
}

/// Sets the body (markdown), with its HTML and reading time.
fn set_body(row: &mut article::ActiveModel, body: String) {
    row.body_html = Set(markdown::to_safe_html(&body));
    row.reading_time_minutes = Set(markdown::reading_time_minutes(&body));
    row.body = Set(body);
}

/// Changes the fields given. The slug of an article never published follows
/// its title; once published (at any time, even if unpublished since) it
/// changes only when a new one is given, and the old one keeps leading to it.
pub async fn update(
    db: &DatabaseConnection,
    events: &Events,
    staff_id: i32,
    id: Option<i32>,
    input: ArticleInput,
    now: DateTime<Utc>,
) -> WriteResult<article::Model> {
    let (input, mut problems) = check(input, false);
    let txn = db.begin().await?;
    let found = target(&txn, &mut problems, id).await?;
    let own = found.as_ref().map(|a| a.id);
    let author = author(&txn, &mut problems, &input.author_slug).await?;
    check_slug_free(&txn, &mut problems, input.slug.as_deref(), own).await?;
    let old = problems.finish_with(found)?;
    let new_slug = new_slug(&txn, &input, &old).await?;
    if let Some(slug) = &new_slug {
        keep_former_slug(&txn, &old, slug).await?;
    }
    let mut row = old.into_active_model();
    if let Some(slug) = new_slug {
        row.slug = Set(slug);
    }
    if let Some(title) = input.title {
        row.title = Set(title);
    }
    if let Some(summary) = input.summary {
        row.summary = Set(summary);
    }
    if let Some(body) = input.body {
        set_body(&mut row, body);
    }
    if let Some(author) = author {
        row.author_id = Set(author);
    }
    row.updated_at = Set(now);
    let updated = row
        .update(&txn)
        .await
        .map_err(|e| taken_if_unique_violation(e, &slug_field()))?;
    if let Some(tags) = &input.tags {
        set_tags(&txn, updated.id, tags).await?;
    }
    let subject = subject(updated.id);
    audit::record_and_commit(txn, events, staff_id, "updateArticle", &subject).await?;
    Ok(updated)
}

/// The slug an update gives `old`, if it changes: the one given, or while
/// `old` was never published, one made from a new title.
async fn new_slug(
    db: &impl ConnectionTrait,
    input: &CheckedArticle,
    old: &article::Model,
) -> AppResult<Option<String>> {
    let slug = match (&input.slug, &input.title) {
        (Some(slug), _) => Some(slug.clone()),
        (None, Some(title)) if old.published_at.is_none() && *title != old.title => {
            Some(slug_from_title(db, title, Some(old.id)).await?)
        }
        _ => None,
    };
    Ok(slug.filter(|slug| *slug != old.slug))
}

/// Before `old` takes `slug`: frees `slug` if it was one of its own former
/// slugs, and once published, keeps its current slug leading to it.
async fn keep_former_slug(
    db: &impl ConnectionTrait,
    old: &article::Model,
    slug: &str,
) -> AppResult<()> {
    article_slug::Entity::delete_by_id(slug.to_owned())
        .exec(db)
        .await?;
    if old.published_at.is_some() {
        article_slug::Entity::insert(article_slug::ActiveModel {
            slug: Set(old.slug.clone()),
            article_id: Set(old.id),
        })
        .exec_without_returning(db)
        .await?;
    }
    Ok(())
}

/// Changes an article's state, as `next` decides from the current row:
/// the new status and publication time, or why the change is refused.
async fn transition(
    db: &DatabaseConnection,
    events: &Events,
    staff_id: i32,
    id: Option<i32>,
    action: &str,
    now: DateTime<Utc>,
    next: impl FnOnce(&article::Model) -> Result<(ArticleStatus, Option<DateTime<Utc>>), String>,
) -> WriteResult<article::Model> {
    let mut problems = Problems::default();
    let txn = db.begin().await?;
    let found = target(&txn, &mut problems, id).await?;
    let old = problems.finish_with(found)?;
    let (status, published_at) = next(&old)
        .map_err(|message| WriteError::invalid(&id_field(), Code::InvalidState, message))?;
    let mut row = old.into_active_model();
    row.status = Set(status);
    row.published_at = Set(published_at);
    row.updated_at = Set(now);
    let updated = row.update(&txn).await?;
    audit::record_and_commit(txn, events, staff_id, action, &subject(updated.id)).await?;
    Ok(updated)
}

/// Publishes an article at `at`, or now. A time in the future schedules it.
/// Without `at`, an article the public can already read keeps its date.
pub async fn publish(
    db: &DatabaseConnection,
    events: &Events,
    staff_id: i32,
    id: Option<i32>,
    at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> WriteResult<article::Model> {
    transition(db, events, staff_id, id, "publishArticle", now, |a| {
        let published_at = match at {
            Some(at) => at,
            None if is_visible(a, now) => a.published_at.unwrap_or(now),
            None => now,
        };
        Ok((ArticleStatus::Published, Some(published_at)))
    })
    .await
}

/// Takes an article (published, scheduled or archived) back to a draft. It
/// keeps its publication date, so it counts as once published.
pub async fn unpublish(
    db: &DatabaseConnection,
    events: &Events,
    staff_id: i32,
    id: Option<i32>,
    now: DateTime<Utc>,
) -> WriteResult<article::Model> {
    transition(db, events, staff_id, id, "unpublishArticle", now, |a| {
        if a.status == ArticleStatus::Draft {
            return Err("the article is a draft already".into());
        }
        Ok((ArticleStatus::Draft, a.published_at))
    })
    .await
}

/// Archives an article: out of the public's sight, kept for the record.
pub async fn archive(
    db: &DatabaseConnection,
    events: &Events,
    staff_id: i32,
    id: Option<i32>,
    now: DateTime<Utc>,
) -> WriteResult<article::Model> {
    transition(db, events, staff_id, id, "archiveArticle", now, |a| {
        if a.status == ArticleStatus::Archived {
            return Err("the article is archived already".into());
        }
        Ok((ArticleStatus::Archived, a.published_at))
    })
    .await
}

/// Deletes an article with its tag links and former slugs (the tags stay for
/// other articles). Returns its id.
pub async fn delete(
    db: &DatabaseConnection,
    events: &Events,
    staff_id: i32,
    id: Option<i32>,
) -> WriteResult<i32> {
    let mut problems = Problems::default();
    let txn = db.begin().await?;
    let old = target(&txn, &mut problems, id).await?;
    let old = problems.finish_with(old)?;
    article_tag::Entity::delete_many()
        .filter(article_tag::Column::ArticleId.eq(old.id))
        .exec(&txn)
        .await?;
    article_slug::Entity::delete_many()
        .filter(article_slug::Column::ArticleId.eq(old.id))
        .exec(&txn)
        .await?;
    article::Entity::delete_by_id(old.id).exec(&txn).await?;
    audit::record_and_commit(txn, events, staff_id, "deleteArticle", &subject(old.id)).await?;
    Ok(old.id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problems_of(
        input: ArticleInput,
        creating: bool,
    ) -> (Vec<(Vec<String>, Code)>, CheckedArticle) {
        let (checked, problems) = check(input, creating);
        let found = problems
            .as_slice()
            .iter()
            .map(|p| (p.field.segments().to_vec(), p.code))
            .collect();
        (found, checked)
    }

    fn at(path: &[&str]) -> Vec<String> {
        path.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn every_bad_field_is_found_at_once() {
        let (found, _) = problems_of(
            ArticleInput {
                title: Some(" ".into()),
                summary: Some("s".repeat(SUMMARY_MAX + 1)),
                body: Some("b".repeat(BODY_MAX + 1)),
                slug: Some("Not A Slug".into()),
                author_slug: None,
                tags: Some(vec!["ok".into(), "".into(), "?!".into()]),
            },
            true,
        );
        assert_eq!(
            found,
            [
                (at(&["input", "title"]), Code::Required),
                (at(&["input", "summary"]), Code::InvalidLength),
                (at(&["input", "body"]), Code::InvalidLength),
                (at(&["input", "slug"]), Code::InvalidFormat),
                (at(&["input", "tags", "1"]), Code::Required),
                (at(&["input", "tags", "2"]), Code::InvalidFormat),
            ]
        );
        // A create needs a title; an update leaves out what it does not change.
        let (found, _) = problems_of(ArticleInput::default(), true);
        assert_eq!(found, [(at(&["input", "title"]), Code::Required)]);
        let (found, _) = problems_of(ArticleInput::default(), false);
        assert!(found.is_empty());
    }

    #[test]
    fn text_is_trimmed_and_tags_named_alike_count_once() {
        let (found, checked) = problems_of(
            ArticleInput {
                title: Some("  Ice or Heat?  ".into()),
                body: Some("    indented code".into()),
                author_slug: Some(Some("  ".into())),
                tags: Some(vec![
                    "Back Pain".into(),
                    " back  pain ".into(),
                    "Sports".into(),
                ]),
                ..ArticleInput::default()
            },
            true,
        );
        assert!(found.is_empty(), "{found:?}");
        assert_eq!(checked.title.as_deref(), Some("Ice or Heat?"));
        assert_eq!(checked.body.as_deref(), Some("    indented code"));
        assert_eq!(checked.author_slug, Some(None));
        assert_eq!(
            checked.tags,
            Some(vec![
                ("Back Pain".to_owned(), "back-pain".to_owned()),
                ("Sports".to_owned(), "sports".to_owned()),
            ])
        );
    }
}
