//! `node(id:)`: any public object by its global id.

use async_graphql::{Context, ID, Object, Result};
use chrono::Utc;
use entity::tag;
use sea_orm::EntityTrait;

use crate::domain::{articles, certifications, locations, organization, services, therapists};
use crate::graphql::types::{
    Article, Certification, Location, Node, Organization, Service, Tag, Therapist,
};
use crate::graphql::{db, ids};

#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// The object with this global id, or null if there is none the public may see.
    async fn node(&self, ctx: &Context<'_>, id: ID) -> Result<Option<Node>> {
        let Some((kind, id)) = ids::decode(&id) else {
            return Ok(None);
        };
        let db = db(ctx);
        Ok(match kind.as_str() {
            "Article" => articles::find_public_by_id(db, id, Utc::now())
                .await?
                .map(|m| Node::Article(Article(m))),
            "Certification" => certifications::find_by_id(db, id)
                .await?
                .map(|m| Node::Certification(Certification(m))),
            "Location" => locations::find_by_id(db, id)
                .await?
                .map(|m| Node::Location(Location(m))),
            "Organization" => organization::get(db)
                .await?
                .filter(|m| m.id == id)
                .map(|m| Node::Organization(Organization(m))),
            "Service" => services::find_active_by_id(db, id)
                .await?
                .map(|m| Node::Service(Service(m))),
            "Tag" => tag::Entity::find_by_id(id)
                .one(db)
                .await
                .map_err(crate::error::AppError::from)?
                .map(|m| Node::Tag(Tag(m))),
            "Therapist" => therapists::find_active_by_id(db, id)
                .await?
                .map(|m| Node::Therapist(Therapist(m))),
            _ => None,
        })
    }
}
