//! What the public sees of each kind of row, and in which order: written
//! once, for the lists and lookups of `domain` and for the relation loaders
//! of `graphql` alike. Each function narrows or orders any query over the
//! table, joined or not.

use entity::{certification, location, service, therapist};
use sea_orm::{ColumnTrait, QueryFilter, QueryOrder};

/// Services the clinic offers now: the active ones.
pub fn active_services<Q: QueryFilter>(query: Q) -> Q {
    query.filter(service::Column::Active.eq(true))
}

/// Active services, in the clinic's order.
pub fn services_in_order<Q: QueryFilter + QueryOrder>(query: Q) -> Q {
    active_services(query)
        .order_by_asc(service::Column::Position)
        .order_by_asc(service::Column::Id)
}

/// Locations, in the clinic's order.
pub fn locations_in_order<Q: QueryOrder>(query: Q) -> Q {
    query
        .order_by_asc(location::Column::Position)
        .order_by_asc(location::Column::Id)
}

/// Therapists the directory lists: the active ones.
pub fn active_therapists<Q: QueryFilter>(query: Q) -> Q {
    query.filter(therapist::Column::Active.eq(true))
}

/// Therapists by last name, then first name.
pub fn therapists_by_name<Q: QueryOrder>(query: Q) -> Q {
    query
        .order_by_asc(therapist::Column::LastName)
        .order_by_asc(therapist::Column::FirstName)
        .order_by_asc(therapist::Column::Id)
}

/// Certifications by name.
pub fn certifications_by_name<Q: QueryOrder>(query: Q) -> Q {
    query
        .order_by_asc(certification::Column::Name)
        .order_by_asc(certification::Column::Id)
}
