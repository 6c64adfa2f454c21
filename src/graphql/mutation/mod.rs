//! The root `Mutation`, merged from one object per area. Every mutation returns
//! a payload with `userErrors` for what the user can fix.

mod articles;
mod auth;
mod bookings;
mod clinic;
mod directory;
mod payload;

use async_graphql::MergedObject;

/// Everything that can be changed.
#[derive(MergedObject, Default)]
#[graphql(name = "Mutation")]
pub struct MutationRoot(
    auth::AuthMutation,
    articles::ArticleMutation,
    directory::DirectoryMutation,
    clinic::ClinicMutation,
    bookings::BookingMutation,
);
