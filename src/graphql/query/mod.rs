//! The root `Query`, merged from one object per area.

mod articles;
mod bookings;
mod clinic;
mod directory;
mod node;
#[cfg(test)]
mod panicking;
mod staff;

use async_graphql::MergedObject;

/// Everything that can be read.
#[derive(MergedObject, Default)]
#[graphql(name = "Query")]
pub struct QueryRoot(
    clinic::ClinicQuery,
    directory::DirectoryQuery,
    articles::ArticleQuery,
    node::NodeQuery,
    staff::StaffQuery,
    bookings::BookingQuery,
    #[cfg(test)] panicking::PanickingQuery,
);

pub(crate) use bookings::booking_id;

/// Longest text a `search` filter takes.
const SEARCH_MAX: usize = 200;

/// A search text of at most [`SEARCH_MAX`] characters.
fn check_search(search: Option<&str>) -> Result<(), crate::error::AppError> {
    match search {
        Some(text) if text.chars().count() > SEARCH_MAX => Err(crate::error::AppError::bad_input(
            format!("`filter.search` must have at most {SEARCH_MAX} characters"),
        )),
        _ => Ok(()),
    }
}

/// Page arguments as the domain takes them.
fn page_args(
    first: Option<i32>,
    after: Option<String>,
    last: Option<i32>,
    before: Option<String>,
) -> crate::domain::page::PageArgs {
    crate::domain::page::PageArgs {
        first,
        after,
        last,
        before,
    }
}

/// Whether the client selected `totalCount` on the connection being resolved.
fn wants_total(ctx: &async_graphql::Context<'_>) -> bool {
    ctx.look_ahead().field("totalCount").exists()
}
