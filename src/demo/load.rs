//! Stores the demo clinic, all of it or nothing, in one transaction.

use std::collections::HashMap;

use chrono::{Days, NaiveDate, NaiveTime, Utc};
use entity::{
    article, article_tag, certification, closure, location, location_service, opening_hours,
    organization, service, tag, therapist, therapist_certification, therapist_language,
    therapist_location, therapist_service,
};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, NotSet,
    PaginatorTrait, TransactionTrait,
};

use super::content::{
    ARTICLES, CERTIFICATIONS, LOCATIONS, ORGANIZATION, SERVICES, TAGS, THERAPISTS,
};
use crate::domain::markdown;

/// Whether the database holds no clinic yet (no organization, no location).
pub async fn is_empty(db: &DatabaseConnection) -> Result<bool, DbErr> {
    Ok(organization::Entity::find().count(db).await? == 0
        && location::Entity::find().count(db).await? == 0)
}

/// Loads the demo clinic, with its dates counted from `today`.
pub async fn load(db: &DatabaseConnection, today: NaiveDate) -> Result<(), DbErr> {
    let txn = db.begin().await?;
    insert_all(&txn, today).await?;
    txn.commit().await
}

fn day(today: NaiveDate, offset: i64) -> NaiveDate {
    if offset >= 0 {
        today + Days::new(offset.unsigned_abs())
    } else {
        today - Days::new(offset.unsigned_abs())
    }
}

fn time(text: &str) -> Result<NaiveTime, DbErr> {
    NaiveTime::parse_from_str(text, "%H:%M")
        .map_err(|e| DbErr::Custom(format!("demo time {text:?}: {e}")))
}

fn id_of(ids: &HashMap<&str, i32>, slug: &str) -> Result<i32, DbErr> {
    ids.get(slug)
        .copied()
        .ok_or_else(|| DbErr::Custom(format!("demo data names an unknown slug {slug:?}")))
}

async fn insert_all(db: &impl ConnectionTrait, today: NaiveDate) -> Result<(), DbErr> {
    let now = Utc::now();
    let o = &ORGANIZATION;
    organization::Entity::insert(organization::ActiveModel {
        id: NotSet,
        name: Set(o.name.into()),
        tagline: Set(o.tagline.into()),
        description: Set(o.description.into()),
        phone_display: Set(o.phone_display.into()),
        phone_e164: Set(o.phone_e164.into()),
        email: Set(o.email.into()),
        website: Set(o.website.into()),
        contact_url: Set(o.contact_url.into()),
        staff_url: Set(o.staff_url.into()),
        updated_at: Set(now),
    })
    .exec(db)
    .await?;

    let mut locations = HashMap::new();
    for (position, l) in (0..).zip(LOCATIONS) {
        let id = location::Entity::insert(location::ActiveModel {
            id: NotSet,
            slug: Set(l.slug.into()),
            name: Set(l.name.into()),
            street: Set(l.street.into()),
            city: Set(l.city.into()),
            region: Set(l.region.into()),
            postal_code: Set(l.postal_code.into()),
            country: Set(l.country.into()),
            time_zone: Set(l.time_zone.into()),
            phone_display: Set(l.phone_display.into()),
            phone_e164: Set(l.phone_e164.into()),
            email: Set(l.email.into()),
            latitude: Set(l.geo.map(|g| g.0)),
            longitude: Set(l.geo.map(|g| g.1)),
            position: Set(position),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec(db)
        .await?
        .last_insert_id;
        locations.insert(l.slug, id);
        for &(weekday, opens, closes) in l.hours {
            opening_hours::Entity::insert(opening_hours::ActiveModel {
                id: NotSet,
                location_id: Set(id),
                weekday: Set(weekday.into()),
                opens: Set(time(opens)?),
                closes: Set(time(closes)?),
            })
            .exec(db)
            .await?;
        }
        for &(offset, reason) in l.closures {
            closure::Entity::insert(closure::ActiveModel {
                id: NotSet,
                location_id: Set(id),
                date: Set(day(today, offset)),
                reason: Set(reason.into()),
            })
            .exec(db)
            .await?;
        }
    }

    let mut services = HashMap::new();
    for (position, s) in (0..).zip(SERVICES) {
        let kind = match s.kind {
            "RELAXATION" => service::ServiceKind::Relaxation,
            _ => service::ServiceKind::Clinical,
        };
        let id = service::Entity::insert(service::ActiveModel {
            id: NotSet,
            slug: Set(s.slug.into()),
            name: Set(s.name.into()),
            kind: Set(kind),
            description: Set(s.description.into()),
            durations_minutes: Set(serde_json::json!(s.durations_minutes)),
            referral_accepted: Set(s.referral_accepted),
            insurance_eligible: Set(s.insurance_eligible),
            active: Set(true),
            position: Set(position),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec(db)
        .await?
        .last_insert_id;
        services.insert(s.slug, id);
    }

    let mut certifications = HashMap::new();
    for c in CERTIFICATIONS {
        let id = certification::Entity::insert(certification::ActiveModel {
            id: NotSet,
            slug: Set(c.slug.into()),
            name: Set(c.name.into()),
            issuing_body: Set(c.issuing_body.into()),
            description: Set(c.description.into()),
            url: Set(c.url.map(Into::into)),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec(db)
        .await?
        .last_insert_id;
        certifications.insert(c.slug, id);
    }

    let mut therapists = HashMap::new();
    let mut offered_at = Vec::new();
    for t in THERAPISTS {
        let id = therapist::Entity::insert(therapist::ActiveModel {
            id: NotSet,
            slug: Set(t.slug.into()),
            first_name: Set(t.first_name.into()),
            last_name: Set(t.last_name.into()),
            credentials: Set(t.credentials.into()),
            title: Set(t.title.into()),
            bio: Set(t.bio.into()),
            bio_html: Set(markdown::to_safe_html(t.bio)),
            photo_url: Set(t.photo_url.map(Into::into)),
            accepting_new_patients: Set(t.accepting_new_patients),
            active: Set(true),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec(db)
        .await?
        .last_insert_id;
        therapists.insert(t.slug, id);
        for language in t.languages {
            therapist_language::Entity::insert(therapist_language::ActiveModel {
                therapist_id: Set(id),
                language: Set((*language).into()),
            })
            .exec(db)
            .await?;
        }
        for slug in t.services {
            therapist_service::Entity::insert(therapist_service::ActiveModel {
                therapist_id: Set(id),
                service_id: Set(id_of(&services, slug)?),
            })
            .exec(db)
            .await?;
        }
        for slug in t.locations {
            therapist_location::Entity::insert(therapist_location::ActiveModel {
                therapist_id: Set(id),
                location_id: Set(id_of(&locations, slug)?),
            })
            .exec(db)
            .await?;
            for service in t.services {
                offered_at.push((id_of(&locations, slug)?, id_of(&services, service)?));
            }
        }
        for a in t.awards {
            therapist_certification::Entity::insert(therapist_certification::ActiveModel {
                id: NotSet,
                therapist_id: Set(id),
                certification_id: Set(id_of(&certifications, a.cert)?),
                issued_on: Set(day(today, -a.issued_days_ago)),
                expires_on: Set(a.expires_in_days.map(|d| day(today, d))),
                credential_id: Set(a.credential_id.map(Into::into)),
                verified: Set(a.verified),
                created_at: Set(now),
            })
            .exec(db)
            .await?;
        }
    }
    // A location offers what its therapists offer there.
    offered_at.sort_unstable();
    offered_at.dedup();
    for (location_id, service_id) in offered_at {
        location_service::Entity::insert(location_service::ActiveModel {
            location_id: Set(location_id),
            service_id: Set(service_id),
        })
        .exec(db)
        .await?;
    }

    let mut tags = HashMap::new();
    for t in TAGS {
        let id = tag::Entity::insert(tag::ActiveModel {
            id: NotSet,
            slug: Set(t.slug.into()),
            name: Set(t.name.into()),
        })
        .exec(db)
        .await?
        .last_insert_id;
        tags.insert(t.slug, id);
    }

    for a in ARTICLES {
        let status = match a.status {
            "PUBLISHED" => article::ArticleStatus::Published,
            "ARCHIVED" => article::ArticleStatus::Archived,
            _ => article::ArticleStatus::Draft,
        };
        let published_at = a.published_days_ago.map(|days| {
            let at = today.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc();
            at - chrono::Duration::days(days)
        });
        let id = article::Entity::insert(article::ActiveModel {
            id: NotSet,
            slug: Set(a.slug.into()),
            title: Set(a.title.into()),
            summary: Set(a.summary.into()),
            body: Set(a.body.into()),
            body_html: Set(markdown::to_safe_html(a.body)),
            reading_time_minutes: Set(markdown::reading_time_minutes(a.body)),
            status: Set(status),
            published_at: Set(published_at),
            author_id: Set(Some(id_of(&therapists, a.author)?)),
            created_at: Set(now),
            updated_at: Set(now),
        })
        .exec(db)
        .await?
        .last_insert_id;
        for slug in a.tags {
            article_tag::Entity::insert(article_tag::ActiveModel {
                article_id: Set(id),
                tag_id: Set(id_of(&tags, slug)?),
            })
            .exec(db)
            .await?;
        }
    }
    Ok(())
}
