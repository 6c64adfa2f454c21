//! Stores the demo clinic, all of it or nothing, in one transaction.

use std::collections::HashMap;

use chrono::{DateTime, Days, NaiveDate, NaiveTime, Utc};
use entity::{
    article, article_tag, certification, closure, location, opening_hours, organization, service,
    tag, therapist, therapist_certification, therapist_language, therapist_location,
    therapist_service,
};
use sea_orm::{
    ActiveValue::Set, ConnectionTrait, DatabaseConnection, DbErr, EntityTrait, NotSet,
    PaginatorTrait, TransactionTrait,
};

use super::content::{
    ARTICLES, CERTIFICATIONS, LOCATIONS, ORGANIZATION, SERVICES, TAGS, THERAPISTS,
};
use super::data::{Art, Award, Loc, Ther};
use crate::domain::{locations, markdown};

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

fn id_of(ids: &Ids, slug: &str) -> Result<i32, DbErr> {
    ids.get(slug)
        .copied()
        .ok_or_else(|| DbErr::Custom(format!("demo data names an unknown slug {slug:?}")))
}

/// Slug → id of the rows stored so far of one kind.
type Ids = HashMap<&'static str, i32>;

async fn insert_all(db: &impl ConnectionTrait, today: NaiveDate) -> Result<(), DbErr> {
    let now = Utc::now();
    insert_organization(db, now).await?;
    let locations = insert_locations(db, today, now).await?;
    let services = insert_services(db, now).await?;
    let certifications = insert_certifications(db, now).await?;
    let links = Links {
        locations: &locations,
        services: &services,
        certifications: &certifications,
    };
    let therapists = insert_therapists(db, &links, today, now).await?;
    let mut location_ids: Vec<i32> = locations.values().copied().collect();
    location_ids.sort_unstable();
    locations::refresh_services(db, &location_ids).await?;
    let tags = insert_tags(db).await?;
    insert_articles(db, &therapists, &tags, today, now).await
}

async fn insert_organization(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<(), DbErr> {
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
    Ok(())
}

/// The locations in the demo's order, each with its hours and closures.
async fn insert_locations(
    db: &impl ConnectionTrait,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Ids, DbErr> {
    let mut ids = HashMap::new();
    for (position, l) in (0..).zip(LOCATIONS) {
        let id = insert_location(db, l, position, now).await?;
        ids.insert(l.slug, id);
        insert_hours(db, id, l.hours).await?;
        insert_closures(db, id, l.closures, today).await?;
    }
    Ok(ids)
}

async fn insert_location(
    db: &impl ConnectionTrait,
    l: &Loc,
    position: i32,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    let inserted = location::Entity::insert(location::ActiveModel {
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
    .await?;
    Ok(inserted.last_insert_id)
}

/// Weekly opening ranges: (ISO weekday, opens, closes).
async fn insert_hours(
    db: &impl ConnectionTrait,
    location_id: i32,
    hours: &[(u8, &str, &str)],
) -> Result<(), DbErr> {
    for &(weekday, opens, closes) in hours {
        opening_hours::Entity::insert(opening_hours::ActiveModel {
            id: NotSet,
            location_id: Set(location_id),
            weekday: Set(weekday.into()),
            opens: Set(time(opens)?),
            closes: Set(time(closes)?),
        })
        .exec(db)
        .await?;
    }
    Ok(())
}

/// Days closed: (days from `today`, reason).
async fn insert_closures(
    db: &impl ConnectionTrait,
    location_id: i32,
    closures: &[(i64, &str)],
    today: NaiveDate,
) -> Result<(), DbErr> {
    for &(offset, reason) in closures {
        closure::Entity::insert(closure::ActiveModel {
            id: NotSet,
            location_id: Set(location_id),
            date: Set(day(today, offset)),
            reason: Set(reason.into()),
        })
        .exec(db)
        .await?;
    }
    Ok(())
}

/// The services in the demo's order.
async fn insert_services(db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<Ids, DbErr> {
    let mut ids = HashMap::new();
    for (position, s) in (0..).zip(SERVICES) {
        let kind = match s.kind {
            "RELAXATION" => service::ServiceKind::Relaxation,
            _ => service::ServiceKind::Clinical,
        };
        let inserted = service::Entity::insert(service::ActiveModel {
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
        .await?;
        ids.insert(s.slug, inserted.last_insert_id);
    }
    Ok(ids)
}

async fn insert_certifications(
    db: &impl ConnectionTrait,
    now: DateTime<Utc>,
) -> Result<Ids, DbErr> {
    let mut ids = HashMap::new();
    for c in CERTIFICATIONS {
        let inserted = certification::Entity::insert(certification::ActiveModel {
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
        .await?;
        ids.insert(c.slug, inserted.last_insert_id);
    }
    Ok(ids)
}

/// The ids of what therapists are linked to.
struct Links<'a> {
    locations: &'a Ids,
    services: &'a Ids,
    certifications: &'a Ids,
}

/// The therapists, each with languages, services, locations and awards.
async fn insert_therapists(
    db: &impl ConnectionTrait,
    links: &Links<'_>,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<Ids, DbErr> {
    let mut ids = HashMap::new();
    for t in THERAPISTS {
        let id = insert_therapist(db, t, now).await?;
        ids.insert(t.slug, id);
        insert_languages(db, id, t.languages).await?;
        insert_therapist_links(db, id, t, links).await?;
        insert_awards(db, id, t.awards, links.certifications, today, now).await?;
    }
    Ok(ids)
}

async fn insert_therapist(
    db: &impl ConnectionTrait,
    t: &Ther,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    let inserted = therapist::Entity::insert(therapist::ActiveModel {
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
    .await?;
    Ok(inserted.last_insert_id)
}

async fn insert_languages(
    db: &impl ConnectionTrait,
    therapist_id: i32,
    languages: &[&str],
) -> Result<(), DbErr> {
    for language in languages {
        therapist_language::Entity::insert(therapist_language::ActiveModel {
            therapist_id: Set(therapist_id),
            language: Set((*language).into()),
        })
        .exec(db)
        .await?;
    }
    Ok(())
}

/// The services a therapist offers and the locations they work at.
async fn insert_therapist_links(
    db: &impl ConnectionTrait,
    therapist_id: i32,
    t: &Ther,
    links: &Links<'_>,
) -> Result<(), DbErr> {
    for slug in t.services {
        therapist_service::Entity::insert(therapist_service::ActiveModel {
            therapist_id: Set(therapist_id),
            service_id: Set(id_of(links.services, slug)?),
        })
        .exec(db)
        .await?;
    }
    for slug in t.locations {
        therapist_location::Entity::insert(therapist_location::ActiveModel {
            therapist_id: Set(therapist_id),
            location_id: Set(id_of(links.locations, slug)?),
        })
        .exec(db)
        .await?;
    }
    Ok(())
}

async fn insert_awards(
    db: &impl ConnectionTrait,
    therapist_id: i32,
    awards: &[Award],
    certifications: &Ids,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for a in awards {
        therapist_certification::Entity::insert(therapist_certification::ActiveModel {
            id: NotSet,
            therapist_id: Set(therapist_id),
            certification_id: Set(id_of(certifications, a.cert)?),
            issued_on: Set(day(today, -a.issued_days_ago)),
            expires_on: Set(a.expires_in_days.map(|d| day(today, d))),
            credential_id: Set(a.credential_id.map(Into::into)),
            verified: Set(a.verified),
            created_at: Set(now),
        })
        .exec(db)
        .await?;
    }
    Ok(())
}

async fn insert_tags(db: &impl ConnectionTrait) -> Result<Ids, DbErr> {
    let mut ids = HashMap::new();
    for t in TAGS {
        let inserted = tag::Entity::insert(tag::ActiveModel {
            id: NotSet,
            slug: Set(t.slug.into()),
            name: Set(t.name.into()),
        })
        .exec(db)
        .await?;
        ids.insert(t.slug, inserted.last_insert_id);
    }
    Ok(ids)
}

/// The articles, each with its tags; publication times at 09:00 UTC.
async fn insert_articles(
    db: &impl ConnectionTrait,
    therapists: &Ids,
    tags: &Ids,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<(), DbErr> {
    for a in ARTICLES {
        let id = insert_article(db, a, id_of(therapists, a.author)?, today, now).await?;
        for slug in a.tags {
            article_tag::Entity::insert(article_tag::ActiveModel {
                article_id: Set(id),
                tag_id: Set(id_of(tags, slug)?),
            })
            .exec(db)
            .await?;
        }
    }
    Ok(())
}

async fn insert_article(
    db: &impl ConnectionTrait,
    a: &Art,
    author_id: i32,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> Result<i32, DbErr> {
    let status = match a.status {
        "PUBLISHED" => article::ArticleStatus::Published,
        "ARCHIVED" => article::ArticleStatus::Archived,
        _ => article::ArticleStatus::Draft,
    };
    let published_at = a.published_days_ago.map(|days| {
        let at = today.and_hms_opt(9, 0, 0).unwrap_or_default().and_utc();
        at - chrono::Duration::days(days)
    });
    let inserted = article::Entity::insert(article::ActiveModel {
        id: NotSet,
        slug: Set(a.slug.into()),
        title: Set(a.title.into()),
        summary: Set(a.summary.into()),
        body: Set(a.body.into()),
        body_html: Set(markdown::to_safe_html(a.body)),
        reading_time_minutes: Set(markdown::reading_time_minutes(a.body)),
        status: Set(status),
        published_at: Set(published_at),
        author_id: Set(Some(author_id)),
        created_at: Set(now),
        updated_at: Set(now),
    })
    .exec(db)
    .await?;
    Ok(inserted.last_insert_id)
}
