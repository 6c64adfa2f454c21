//! The seed's rows, as PostgreSQL made them: the columns of `schema.sql`.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use sea_orm::FromQueryResult;
use uuid::Uuid;

#[derive(FromQueryResult)]
pub struct Location {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub street_address: String,
    pub address_locality: String,
    pub address_region: Option<String>,
    pub postal_code: String,
    pub address_country: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

#[derive(FromQueryResult)]
pub struct Hours {
    pub location_id: i32,
    /// ISO 8601: 1 = Monday … 7 = Sunday, as ours.
    pub weekday: i16,
    pub opens: NaiveTime,
    pub closes: NaiveTime,
}

#[derive(FromQueryResult)]
pub struct Therapist {
    pub id: i32,
    pub slug: String,
    pub first_name: String,
    pub last_name: String,
    pub credentials: String,
    pub title: String,
    pub bio: String,
    pub photo_url: Option<String>,
    pub accepting_new_patients: bool,
    pub location_id: Option<i32>,
}

#[derive(FromQueryResult)]
pub struct Certification {
    pub id: i32,
    pub slug: String,
    pub name: String,
    pub issuing_body: String,
    pub description: String,
}

#[derive(FromQueryResult)]
pub struct Award {
    pub therapist_id: i32,
    pub certification_id: i32,
    pub issued_on: NaiveDate,
    pub expires_on: Option<NaiveDate>,
}

#[derive(FromQueryResult)]
pub struct Service {
    pub id: i32,
    pub slug: String,
    pub name: String,
    /// assessment, treatment, class or telehealth.
    pub kind: String,
    pub description: String,
    pub duration_minutes: i32,
}

#[derive(FromQueryResult)]
pub struct Offer {
    pub therapist_id: i32,
    pub service_id: i32,
}

#[derive(FromQueryResult)]
pub struct Article {
    pub id: i32,
    pub slug: String,
    pub title: String,
    pub summary: String,
    pub body: String,
    /// draft, published or archived.
    pub status: String,
    pub published_at: Option<DateTime<Utc>>,
    pub author_id: Option<i32>,
}

#[derive(FromQueryResult)]
pub struct Booking {
    pub id: Uuid,
    pub reference: String,
    pub full_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub service_id: Option<i32>,
    pub therapist_id: Option<i32>,
    pub location_id: Option<i32>,
    pub message: Option<String>,
    /// new, contacted, booked or declined.
    pub status: String,
    pub created_at: DateTime<Utc>,
}
