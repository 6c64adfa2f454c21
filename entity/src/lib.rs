//! SeaORM models of the clinic database, one module per table. These are plain
//! rows: they know nothing of GraphQL or HTTP, and the schema itself is owned by
//! the `migration` crate.

pub mod prelude;

pub mod api_token;
pub mod article;
pub mod article_slug;
pub mod article_tag;
pub mod audit_event;
pub mod booking_idempotency;
pub mod booking_request;
pub mod booking_request_event;
pub mod certification;
pub mod closure;
pub mod location;
pub mod location_service;
pub mod login_attempt;
pub mod opening_hours;
pub mod organization;
pub mod rate_limit_counter;
pub mod service;
pub mod staff;
pub mod tag;
pub mod therapist;
pub mod therapist_certification;
pub mod therapist_language;
pub mod therapist_location;
pub mod therapist_service;
