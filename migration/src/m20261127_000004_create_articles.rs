//! Articles, tags, and the old slugs that keep resolving after a rename.

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{drop_tables, fk, index, link_table};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Article::Table)
                    .col(pk_auto(Article::Id))
                    .col(string_uniq(Article::Slug))
                    .col(string(Article::Title))
                    .col(text(Article::Summary))
                    .col(text(Article::Body))
                    .col(text(Article::BodyHtml))
                    .col(integer(Article::ReadingTimeMinutes))
                    .col(string(Article::Status))
                    .col(timestamp_with_time_zone_null(Article::PublishedAt))
                    .col(integer_null(Article::AuthorId))
                    .col(timestamp_with_time_zone(Article::CreatedAt))
                    .col(timestamp_with_time_zone(Article::UpdatedAt))
                    .foreign_key(&mut fk(
                        Article::Table,
                        Article::AuthorId,
                        Therapist::Table,
                        ForeignKeyAction::SetNull,
                    ))
                    .check(Expr::col(Article::Status).is_in(["DRAFT", "PUBLISHED", "ARCHIVED"]))
                    .check(
                        Expr::col(Article::Status)
                            .ne("PUBLISHED")
                            .or(Expr::col(Article::PublishedAt).is_not_null()),
                    )
                    .to_owned(),
            )
            .await?;
        // The public list: published, newest first.
        index(
            manager,
            "idx_article_status_published_at",
            Article::Table,
            vec![
                Article::Status.into_iden(),
                Article::PublishedAt.into_iden(),
                Article::Id.into_iden(),
            ],
            false,
        )
        .await?;
        index(
            manager,
            "idx_article_author",
            Article::Table,
            vec![Article::AuthorId.into_iden()],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(ArticleSlug::Table)
                    .col(string(ArticleSlug::Slug).primary_key())
                    .col(integer(ArticleSlug::ArticleId))
                    .foreign_key(&mut fk(
                        ArticleSlug::Table,
                        ArticleSlug::ArticleId,
                        Article::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_article_slug_article",
            ArticleSlug::Table,
            vec![ArticleSlug::ArticleId.into_iden()],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(Tag::Table)
                    .col(pk_auto(Tag::Id))
                    .col(string_uniq(Tag::Slug))
                    .col(string(Tag::Name))
                    .to_owned(),
            )
            .await?;
        link_table(
            manager,
            ArticleTag::Table,
            (ArticleTag::ArticleId, Article::Table),
            (ArticleTag::TagId, Tag::Table),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                ArticleTag::Table.into_iden(),
                Tag::Table.into_iden(),
                ArticleSlug::Table.into_iden(),
                Article::Table.into_iden(),
            ],
        )
        .await
    }
}

#[derive(DeriveIden, Clone)]
enum Therapist {
    Table,
}

#[derive(DeriveIden, Clone)]
enum Article {
    Table,
    Id,
    Slug,
    Title,
    Summary,
    Body,
    BodyHtml,
    ReadingTimeMinutes,
    Status,
    PublishedAt,
    AuthorId,
    CreatedAt,
    UpdatedAt,
}

/// Slugs an article was published under before a rename.
#[derive(DeriveIden, Clone)]
enum ArticleSlug {
    Table,
    Slug,
    ArticleId,
}

#[derive(DeriveIden, Clone)]
enum Tag {
    Table,
    Id,
    Slug,
    Name,
}

#[derive(DeriveIden, Clone)]
enum ArticleTag {
    Table,
    ArticleId,
    TagId,
}
