//! Certifications and the awards of them to therapists.

use sea_orm_migration::{prelude::*, schema::*};

use crate::util::{drop_tables, fk, index};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Certification::Table)
                    .col(pk_auto(Certification::Id))
                    .col(string_uniq(Certification::Slug))
                    .col(string(Certification::Name))
                    .col(string(Certification::IssuingBody))
                    .col(text(Certification::Description))
                    .col(string_null(Certification::Url))
                    .col(timestamp_with_time_zone(Certification::CreatedAt))
                    .col(timestamp_with_time_zone(Certification::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_certification_name",
            Certification::Table,
            vec![Certification::Name.into_iden()],
            false,
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(TherapistCertification::Table)
                    .col(pk_auto(TherapistCertification::Id))
                    .col(integer(TherapistCertification::TherapistId))
                    .col(integer(TherapistCertification::CertificationId))
                    .col(date(TherapistCertification::IssuedOn))
                    .col(date_null(TherapistCertification::ExpiresOn))
                    .col(string_null(TherapistCertification::CredentialId))
                    .col(boolean(TherapistCertification::Verified).default(false))
                    .col(timestamp_with_time_zone(TherapistCertification::CreatedAt))
                    .foreign_key(&mut fk(
                        TherapistCertification::Table,
                        TherapistCertification::TherapistId,
                        Therapist::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .foreign_key(&mut fk(
                        TherapistCertification::Table,
                        TherapistCertification::CertificationId,
                        Certification::Table,
                        ForeignKeyAction::Cascade,
                    ))
                    .check(
                        Expr::col(TherapistCertification::ExpiresOn)
                            .is_null()
                            .or(Expr::col(TherapistCertification::ExpiresOn)
                                .gt(Expr::col(TherapistCertification::IssuedOn))),
                    )
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "idx_therapist_certification_pair",
            TherapistCertification::Table,
            vec![
                TherapistCertification::TherapistId.into_iden(),
                TherapistCertification::CertificationId.into_iden(),
            ],
            true,
        )
        .await?;
        index(
            manager,
            "idx_therapist_certification_certification",
            TherapistCertification::Table,
            vec![
                TherapistCertification::CertificationId.into_iden(),
                TherapistCertification::ExpiresOn.into_iden(),
            ],
            false,
        )
        .await?;
        // Staff look for credentials about to lapse.
        index(
            manager,
            "idx_therapist_certification_expires_on",
            TherapistCertification::Table,
            vec![TherapistCertification::ExpiresOn.into_iden()],
            false,
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop_tables(
            manager,
            vec![
                TherapistCertification::Table.into_iden(),
                Certification::Table.into_iden(),
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
enum Certification {
    Table,
    Id,
    Slug,
    Name,
    IssuingBody,
    Description,
    Url,
    CreatedAt,
    UpdatedAt,
}

#[derive(DeriveIden, Clone)]
enum TherapistCertification {
    Table,
    Id,
    TherapistId,
    CertificationId,
    IssuedOn,
    ExpiresOn,
    CredentialId,
    Verified,
    CreatedAt,
}
