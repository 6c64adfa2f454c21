//! The Relay `Node` interface: anything fetchable by global id.

use async_graphql::{ID, Interface};

use super::{Article, Certification, Location, Organization, Service, Tag, Therapist};

/// An object with a global id, fetchable with `node(id:)`.
#[derive(Interface)]
#[graphql(field(name = "id", ty = "ID", desc = "Global id."))]
pub enum Node {
    Article(Article),
    Certification(Certification),
    Location(Location),
    Organization(Organization),
    Service(Service),
    Tag(Tag),
    Therapist(Therapist),
}
