//! GraphQL object types. Each wraps a database row and decides which of its
//! columns the API shows; relations resolve through the batch loaders.

pub mod article;
pub mod booking;
pub mod certification;
pub mod common;
pub mod location;
pub mod node;
pub mod organization;
pub mod service;
pub mod staff;
pub mod therapist;
pub mod user_error;

pub use article::{Article, ArticleConnection, ArticleStatus, Tag};
pub use booking::{
    BookingReceipt, BookingRequest, BookingRequestConnection, BookingRequestStatus, ContactMethod,
};
pub use certification::{Certification, CertificationStatus, TherapistCertification};
pub use common::{PageInfo, Phone};
pub use location::Location;
pub use node::Node;
pub use organization::Organization;
pub use service::Service;
pub use staff::{StaffMember, StaffRole};
pub use therapist::{Therapist, TherapistConnection};
pub use user_error::{UserError, UserErrorCode};
