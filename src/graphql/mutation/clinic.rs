//! Managing the clinic (ADMIN): its services, its locations with their hours
//! and closures, and its own details. The rules and the SQL live in
//! `domain::services`, `domain::locations` and `domain::organization`.

use async_graphql::{Context, ID, InputObject, MaybeUndefined, Object, Result};
use chrono::Utc;

use super::payload::{payload, payload_of};
use crate::domain::hours::RangeInput;
use crate::domain::locations::{self, Address, LocationChanges};
use crate::domain::organization::{self, OrganizationChanges};
use crate::domain::services::{self, ServiceChanges};
use crate::domain::validate::PhoneNumber;
use crate::graphql::guards::{ADMINS, RoleGuard, require_viewer};
use crate::graphql::types::common::Date;
use crate::graphql::types::location::Weekday;
use crate::graphql::types::service::ServiceKind;
use crate::graphql::types::{Location, Organization, Service};
use crate::graphql::{db, events, ids};

#[derive(Default)]
pub struct ClinicMutation;

/// A new service. It is offered at once, at the locations where a
/// therapist offering it works (see `setTherapistServices`).
#[derive(InputObject)]
pub struct CreateServiceInput {
    /// Name, e.g. "Medical Massage"; 1 to 200 characters.
    pub name: String,
    /// Clinical treatment or relaxation.
    pub kind: ServiceKind,
    /// What the service is and who it is for; 1 to 5 000 characters.
    pub description: String,
    /// Session lengths offered, in minutes: 1 to 12 of them, each 1 to 480.
    /// Stored in order, without repeats.
    pub durations_minutes: Vec<i32>,
    /// Whether a physician's referral is accepted for it.
    pub referral_accepted: bool,
    /// Whether health insurance may cover it.
    pub insurance_eligible: bool,
    /// The name in URLs; it must be free. Left out, it is made from the name.
    pub slug: Option<String>,
}

/// Changes to a service; what is left out (or null) stays as it is.
#[derive(InputObject)]
pub struct UpdateServiceInput {
    /// Name, 1 to 200 characters.
    pub name: Option<String>,
    /// Clinical treatment or relaxation.
    pub kind: Option<ServiceKind>,
    /// What the service is and who it is for; 1 to 5 000 characters.
    pub description: Option<String>,
    /// Session lengths replacing the current ones, in minutes.
    pub durations_minutes: Option<Vec<i32>>,
    /// Whether a physician's referral is accepted for it.
    pub referral_accepted: Option<bool>,
    /// Whether health insurance may cover it.
    pub insurance_eligible: Option<bool>,
    /// A new name in URLs; it must be free.
    pub slug: Option<String>,
    /// False retires the service: it leaves every public list (therapists
    /// and locations keep their links, hidden). True offers it again.
    pub active: Option<bool>,
}

/// A postal address.
#[derive(InputObject)]
pub struct AddressInput {
    /// Street and number, with suite if any; 1 to 200 characters.
    pub street: String,
    /// City or locality; 1 to 100 characters.
    pub city: String,
    /// State or region; at most 100 characters, may be empty.
    pub region: String,
    /// Postal code; at most 20 characters, may be empty.
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 country code, e.g. `US`.
    pub country: String,
}

/// A telephone number.
#[derive(InputObject)]
pub struct PhoneInput {
    /// As people read it, e.g. `800-PT-FIRST` or `(312) 555-0142`; 1 to 50 characters.
    pub display: String,
    /// In E.164 form: `+` then 8 to 15 digits, e.g. `+18007834778`.
    pub e164: String,
}

/// A point on the map.
#[derive(InputObject)]
pub struct GeoInput {
    /// Degrees north, -90 to 90.
    pub latitude: f64,
    /// Degrees east, -180 to 180.
    pub longitude: f64,
}

/// A new location.
#[derive(InputObject)]
pub struct CreateLocationInput {
    /// Name of the site, e.g. "Chicago Loop"; 1 to 200 characters.
    pub name: String,
    /// The name in URLs; it must be free. Left out, it is made from the name.
    pub slug: Option<String>,
    /// Postal address.
    pub address: AddressInput,
    /// IANA time zone the hours are given in, e.g. `America/Chicago`.
    pub time_zone: String,
    /// The site's phone number.
    pub phone: PhoneInput,
    /// The site's e-mail address.
    pub email: String,
    /// Where it is on the map, if known.
    pub geo: Option<GeoInput>,
}

/// Changes to a location; what is left out (or null) stays as it is.
#[derive(InputObject)]
pub struct UpdateLocationInput {
    /// Name of the site, 1 to 200 characters.
    pub name: Option<String>,
    /// A new name in URLs; it must be free.
    pub slug: Option<String>,
    /// The whole postal address, replacing the current one.
    pub address: Option<AddressInput>,
    /// IANA time zone, e.g. `America/Denver`.
    pub time_zone: Option<String>,
    /// The site's phone number.
    pub phone: Option<PhoneInput>,
    /// The site's e-mail address.
    pub email: Option<String>,
    /// Where it is on the map; null forgets it.
    pub geo: MaybeUndefined<GeoInput>,
}

/// One range of opening hours, in the location's time zone.
#[derive(InputObject)]
pub struct OpeningHoursInput {
    /// The day of the week.
    pub weekday: Weekday,
    /// Opening time, `HH:MM` on a 24-hour clock.
    pub opens: String,
    /// Closing time, `HH:MM`, after the opening time the same day.
    pub closes: String,
}

/// Changes to the clinic's details; what is left out (or null) stays as it is.
/// Before the clinic is set up, every field is required.
#[derive(InputObject)]
pub struct UpdateOrganizationInput {
    /// The clinic's name; 1 to 200 characters.
    pub name: Option<String>,
    /// One line on what the clinic does; 1 to 300 characters.
    pub tagline: Option<String>,
    /// A paragraph about the clinic; 1 to 5 000 characters.
    pub description: Option<String>,
    /// The main phone number.
    pub phone: Option<PhoneInput>,
    /// The main e-mail address.
    pub email: Option<String>,
    /// The clinic's website, an http or https URL.
    pub website: Option<String>,
    /// The page where patients ask for an appointment.
    pub contact_url: Option<String>,
    /// The page listing the staff and their qualifications.
    pub staff_url: Option<String>,
}

payload!(CreateServicePayload, "createService", service: Service, "service");
payload!(UpdateServicePayload, "updateService", service: Service, "service");
payload!(CreateLocationPayload, "createLocation", location: Location, "location");
payload!(UpdateLocationPayload, "updateLocation", location: Location, "location");
payload!(SetOpeningHoursPayload, "setOpeningHours", location: Location, "location");
payload!(AddClosurePayload, "addClosure", location: Location, "location");
payload!(RemoveClosurePayload, "removeClosure", location: Location, "location");
payload!(
    UpdateOrganizationPayload,
    "updateOrganization",
    organization: Organization,
    "organization"
);

impl From<CreateServiceInput> for ServiceChanges {
    fn from(i: CreateServiceInput) -> Self {
        Self {
            name: Some(i.name),
            kind: Some(i.kind.into()),
            description: Some(i.description),
            durations_minutes: Some(i.durations_minutes),
            referral_accepted: Some(i.referral_accepted),
            insurance_eligible: Some(i.insurance_eligible),
            slug: i.slug,
            active: None,
        }
    }
}

impl From<UpdateServiceInput> for ServiceChanges {
    fn from(i: UpdateServiceInput) -> Self {
        Self {
            name: i.name,
            kind: i.kind.map(Into::into),
            description: i.description,
            durations_minutes: i.durations_minutes,
            referral_accepted: i.referral_accepted,
            insurance_eligible: i.insurance_eligible,
            slug: i.slug,
            active: i.active,
        }
    }
}

impl From<AddressInput> for Address {
    fn from(a: AddressInput) -> Self {
        Self {
            street: a.street,
            city: a.city,
            region: a.region,
            postal_code: a.postal_code,
            country: a.country,
        }
    }
}

impl From<PhoneInput> for PhoneNumber {
    fn from(p: PhoneInput) -> Self {
        Self {
            display: p.display,
            e164: p.e164,
        }
    }
}

impl From<CreateLocationInput> for LocationChanges {
    fn from(i: CreateLocationInput) -> Self {
        Self {
            name: Some(i.name),
            slug: i.slug,
            address: Some(i.address.into()),
            time_zone: Some(i.time_zone),
            phone: Some(i.phone.into()),
            email: Some(i.email),
            geo: Some(i.geo.map(|g| (g.latitude, g.longitude))),
        }
    }
}

impl From<UpdateLocationInput> for LocationChanges {
    fn from(i: UpdateLocationInput) -> Self {
        let geo: Option<Option<GeoInput>> = i.geo.into();
        Self {
            name: i.name,
            slug: i.slug,
            address: i.address.map(Into::into),
            time_zone: i.time_zone,
            phone: i.phone.map(Into::into),
            email: i.email,
            geo: geo.map(|g| g.map(|g| (g.latitude, g.longitude))),
        }
    }
}

impl From<UpdateOrganizationInput> for OrganizationChanges {
    fn from(i: UpdateOrganizationInput) -> Self {
        Self {
            name: i.name,
            tagline: i.tagline,
            description: i.description,
            phone: i.phone.map(Into::into),
            email: i.email,
            website: i.website,
            contact_url: i.contact_url,
            staff_url: i.staff_url,
        }
    }
}

#[Object]
impl ClinicMutation {
    /// Adds a service, at the end of the clinic's order.
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn create_service(
        &self,
        ctx: &Context<'_>,
        input: CreateServiceInput,
    ) -> Result<CreateServicePayload> {
        let viewer = require_viewer(ctx)?;
        payload_of(
            services::create(db(ctx), events(ctx), viewer.staff.id, input.into()).await,
            Service,
        )
    }

    /// Changes the fields given of a service, offered or retired; `active`
    /// retires or restores it.
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn update_service(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The service's global id.")] id: ID,
        input: UpdateServiceInput,
    ) -> Result<UpdateServicePayload> {
        let viewer = require_viewer(ctx)?;
        let id = ids::decode_as("Service", &id);
        payload_of(
            services::update(db(ctx), events(ctx), viewer.staff.id, id, input.into()).await,
            Service,
        )
    }

    /// Adds a location, at the end of the clinic's order, with no opening
    /// hours yet (see `setOpeningHours`).
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn create_location(
        &self,
        ctx: &Context<'_>,
        input: CreateLocationInput,
    ) -> Result<CreateLocationPayload> {
        let viewer = require_viewer(ctx)?;
        payload_of(
            locations::create(db(ctx), events(ctx), viewer.staff.id, input.into()).await,
            Location,
        )
    }

    /// Changes the fields given of a location.
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn update_location(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The location's global id.")] id: ID,
        input: UpdateLocationInput,
    ) -> Result<UpdateLocationPayload> {
        let viewer = require_viewer(ctx)?;
        let id = ids::decode_as("Location", &id);
        payload_of(
            locations::update(db(ctx), events(ctx), viewer.staff.id, id, input.into()).await,
            Location,
        )
    }

    /// Replaces a location's weekly opening hours. A day may have several
    /// ranges (a lunch break) that must not overlap; a day with none is closed.
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn set_opening_hours(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The location's global id.")] location_id: ID,
        #[graphql(desc = "The whole week, at most 70 ranges; empty closes every day.")] hours: Vec<
            OpeningHoursInput,
        >,
    ) -> Result<SetOpeningHoursPayload> {
        let viewer = require_viewer(ctx)?;
        let id = ids::decode_as("Location", &location_id);
        let week = hours
            .into_iter()
            .map(|h| RangeInput {
                weekday: h.weekday.iso(),
                opens: h.opens,
                closes: h.closes,
            })
            .collect();
        payload_of(
            locations::set_opening_hours(db(ctx), events(ctx), viewer.staff.id, id, week).await,
            Location,
        )
    }

    /// Closes a location for a day, today or later in its time zone. A day
    /// already closed is TAKEN: remove that closure first to change its reason.
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn add_closure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The location's global id.")] location_id: ID,
        #[graphql(desc = "The day, local to the location.")] date: Date,
        #[graphql(desc = "Why, e.g. \"Staff training day\"; 1 to 200 characters.")] reason: String,
    ) -> Result<AddClosurePayload> {
        let viewer = require_viewer(ctx)?;
        let id = ids::decode_as("Location", &location_id);
        payload_of(
            locations::add_closure(
                db(ctx),
                events(ctx),
                viewer.staff.id,
                id,
                date.0,
                &reason,
                Utc::now(),
            )
            .await,
            Location,
        )
    }

    /// Opens a location again on a day it was to be closed.
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn remove_closure(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The location's global id.")] location_id: ID,
        #[graphql(desc = "The closed day to open again.")] date: Date,
    ) -> Result<RemoveClosurePayload> {
        let viewer = require_viewer(ctx)?;
        let id = ids::decode_as("Location", &location_id);
        payload_of(
            locations::remove_closure(db(ctx), events(ctx), viewer.staff.id, id, date.0).await,
            Location,
        )
    }

    /// Changes the clinic's own details; sets them up when there are none yet.
    #[graphql(guard = "RoleGuard(ADMINS)")]
    async fn update_organization(
        &self,
        ctx: &Context<'_>,
        input: UpdateOrganizationInput,
    ) -> Result<UpdateOrganizationPayload> {
        let viewer = require_viewer(ctx)?;
        payload_of(
            organization::update(db(ctx), events(ctx), viewer.staff.id, input.into()).await,
            Organization,
        )
    }
}
