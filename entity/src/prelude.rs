//! The entities under their usual names.

pub use super::api_token::Entity as ApiToken;
pub use super::article::Entity as Article;
pub use super::article_slug::Entity as ArticleSlug;
pub use super::article_tag::Entity as ArticleTag;
pub use super::audit_event::Entity as AuditEvent;
pub use super::booking_request::Entity as BookingRequest;
pub use super::booking_request_event::Entity as BookingRequestEvent;
pub use super::certification::Entity as Certification;
pub use super::closure::Entity as Closure;
pub use super::location::Entity as Location;
pub use super::location_service::Entity as LocationService;
pub use super::login_attempt::Entity as LoginAttempt;
pub use super::opening_hours::Entity as OpeningHours;
pub use super::organization::Entity as Organization;
pub use super::service::Entity as Service;
pub use super::staff::Entity as Staff;
pub use super::tag::Entity as Tag;
pub use super::therapist::Entity as Therapist;
pub use super::therapist_certification::Entity as TherapistCertification;
pub use super::therapist_language::Entity as TherapistLanguage;
pub use super::therapist_location::Entity as TherapistLocation;
pub use super::therapist_service::Entity as TherapistService;
