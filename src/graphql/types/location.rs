//! `Location`: a clinic site, its address, hours and closures.

use async_graphql::{Context, Enum, ID, Json, Object, Result, SimpleObject};
use chrono::{NaiveDate, NaiveTime, Utc};
use entity::{closure, location, opening_hours};
use serde_json::{Value, json};

use super::common::Date;
use super::{Phone, Service};
use crate::domain::hours;
use crate::graphql::loaders::{ClosuresOfLocation, HoursOfLocation, ServicesAtLocation};
use crate::graphql::{ids, load_many};

/// A clinic site.
pub struct Location(pub location::Model);

/// A postal address.
#[derive(SimpleObject)]
pub struct Address {
    /// Street and number, with suite if any.
    pub street: String,
    /// City or locality.
    pub city: String,
    /// State or region.
    pub region: String,
    /// Postal code.
    pub postal_code: String,
    /// ISO 3166-1 alpha-2 country code, e.g. `US`.
    pub country: String,
}

/// A point on the map.
#[derive(SimpleObject)]
pub struct Geo {
    /// Degrees north.
    pub latitude: f64,
    /// Degrees east.
    pub longitude: f64,
}

/// A day of the week.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Debug)]
pub enum Weekday {
    /// Monday.
    Monday,
    /// Tuesday.
    Tuesday,
    /// Wednesday.
    Wednesday,
    /// Thursday.
    Thursday,
    /// Friday.
    Friday,
    /// Saturday.
    Saturday,
    /// Sunday.
    Sunday,
}

impl Weekday {
    const ALL: [Self; 7] = [
        Self::Monday,
        Self::Tuesday,
        Self::Wednesday,
        Self::Thursday,
        Self::Friday,
        Self::Saturday,
        Self::Sunday,
    ];

    /// From an ISO weekday number, 1 = Monday.
    fn from_iso(n: i16) -> Option<Self> {
        Self::ALL
            .get(usize::try_from(n).ok()?.checked_sub(1)?)
            .copied()
    }

    /// The ISO weekday number, 1 = Monday.
    pub fn iso(self) -> i16 {
        match self {
            Self::Monday => 1,
            Self::Tuesday => 2,
            Self::Wednesday => 3,
            Self::Thursday => 4,
            Self::Friday => 5,
            Self::Saturday => 6,
            Self::Sunday => 7,
        }
    }

    fn schema_org(self) -> &'static str {
        match self {
            Self::Monday => "https://schema.org/Monday",
            Self::Tuesday => "https://schema.org/Tuesday",
            Self::Wednesday => "https://schema.org/Wednesday",
            Self::Thursday => "https://schema.org/Thursday",
            Self::Friday => "https://schema.org/Friday",
            Self::Saturday => "https://schema.org/Saturday",
            Self::Sunday => "https://schema.org/Sunday",
        }
    }
}

fn hhmm(t: NaiveTime) -> String {
    t.format("%H:%M").to_string()
}

/// One range of opening hours; a day may have several (a lunch break).
pub struct OpeningHours(opening_hours::Model);

/// One range of opening hours; a day may have several (a lunch break).
#[Object(cache_control(max_age = 300))]
impl OpeningHours {
    /// The day of the week.
    async fn weekday(&self) -> Option<Weekday> {
        Weekday::from_iso(self.0.weekday)
    }

    /// Opening time, local to the location, `HH:MM`.
    async fn opens(&self) -> String {
        hhmm(self.0.opens)
    }

    /// Closing time, local to the location, `HH:MM`.
    async fn closes(&self) -> String {
        hhmm(self.0.closes)
    }
}

/// A day on which a location is closed.
pub struct Closure(closure::Model);

/// A day on which a location is closed.
#[Object(cache_control(max_age = 300))]
impl Closure {
    /// The date, local to the location.
    async fn date(&self) -> Date {
        Date(self.0.date)
    }

    /// Why, e.g. "Staff training day".
    async fn reason(&self) -> &str {
        &self.0.reason
    }
}

/// A clinic site.
#[Object(cache_control(max_age = 300))]
impl Location {
    /// Global id.
    pub async fn id(&self) -> ID {
        ids::encode("Location", self.0.id)
    }

    /// Stable name in URLs, e.g. `chicago-loop`.
    async fn slug(&self) -> &str {
        &self.0.slug
    }

    /// Name of the site.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// Postal address.
    async fn address(&self) -> Address {
        let l = &self.0;
        Address {
            street: l.street.clone(),
            city: l.city.clone(),
            region: l.region.clone(),
            postal_code: l.postal_code.clone(),
            country: l.country.clone(),
        }
    }

    /// IANA time zone the hours are given in, e.g. `America/Chicago`.
    async fn time_zone(&self) -> &str {
        &self.0.time_zone
    }

    /// The site's phone number.
    async fn phone(&self) -> Phone {
        Phone::new(&self.0.phone_display, &self.0.phone_e164)
    }

    /// The site's e-mail address.
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// Where it is on the map, when known.
    async fn geo(&self) -> Option<Geo> {
        Some(Geo {
            latitude: self.0.latitude?,
            longitude: self.0.longitude?,
        })
    }

    /// Weekly opening hours, by weekday then opening time.
    async fn opening_hours(&self, ctx: &Context<'_>) -> Result<Vec<OpeningHours>> {
        let rows = load_many(ctx, HoursOfLocation(self.0.id)).await?;
        Ok(rows.into_iter().map(OpeningHours).collect())
    }

    /// Closures from today on, soonest first.
    async fn closures(&self, ctx: &Context<'_>) -> Result<Vec<Closure>> {
        let today = self.today();
        let rows = load_many(ctx, ClosuresOfLocation(self.0.id)).await?;
        Ok(rows
            .into_iter()
            .filter(|c| c.date >= today)
            .map(Closure)
            .collect())
    }

    /// Whether the site is open right now, in its own time zone.
    #[graphql(cache_control(max_age = 60))]
    async fn is_open_now(&self, ctx: &Context<'_>) -> Result<bool> {
        let Some(tz) = hours::time_zone(&self.0.time_zone) else {
            return Ok(false);
        };
        let (ranges, closed) = load_hours(ctx, self.0.id).await?;
        Ok(hours::is_open_at(tz, &ranges, &closed, Utc::now()))
    }

    /// Services offered here.
    async fn services(&self, ctx: &Context<'_>) -> Result<Vec<Service>> {
        let rows = load_many(ctx, ServicesAtLocation(self.0.id)).await?;
        Ok(rows.into_iter().map(Service).collect())
    }

    /// schema.org markup (`Physiotherapy`, `MedicalClinic`) with address,
    /// geo coordinates and opening hours.
    async fn json_ld(&self, ctx: &Context<'_>) -> Result<Json<Value>> {
        let mut value = json_ld(ctx, &self.0).await?;
        value["@context"] = json!("https://schema.org");
        Ok(Json(value))
    }
}

impl Location {
    /// Today's date where the location is.
    fn today(&self) -> NaiveDate {
        match hours::time_zone(&self.0.time_zone) {
            Some(tz) => Utc::now().with_timezone(&tz).date_naive(),
            None => Utc::now().date_naive(),
        }
    }
}

async fn load_hours(ctx: &Context<'_>, id: i32) -> Result<(Vec<hours::Range>, Vec<NaiveDate>)> {
    let (rows, closures) = tokio::join!(
        load_many(ctx, HoursOfLocation(id)),
        load_many(ctx, ClosuresOfLocation(id)),
    );
    let ranges = rows?
        .into_iter()
        .map(|r| hours::Range {
            weekday: r.weekday,
            opens: r.opens,
            closes: r.closes,
        })
        .collect();
    Ok((ranges, closures?.into_iter().map(|c| c.date).collect()))
}

/// A location as a schema.org object, without `@context` so it can nest.
pub async fn json_ld(ctx: &Context<'_>, l: &location::Model) -> Result<Value> {
    let rows = load_many(ctx, HoursOfLocation(l.id)).await?;
    let hours: Vec<Value> = rows
        .iter()
        .filter_map(|r| {
            Some(json!({
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": Weekday::from_iso(r.weekday)?.schema_org(),
                "opens": hhmm(r.opens),
                "closes": hhmm(r.closes),
            }))
        })
        .collect();
    let mut value = json!({
        "@type": ["Physiotherapy", "MedicalClinic"],
        "name": l.name,
        "telephone": l.phone_e164,
        "email": l.email,
        "address": {
            "@type": "PostalAddress",
            "streetAddress": l.street,
            "addressLocality": l.city,
            "addressRegion": l.region,
            "postalCode": l.postal_code,
            "addressCountry": l.country,
        },
        "openingHoursSpecification": hours,
    });
    if let (Some(latitude), Some(longitude)) = (l.latitude, l.longitude) {
        value["geo"] = json!({
            "@type": "GeoCoordinates",
            "latitude": latitude,
            "longitude": longitude,
        });
    }
    Ok(value)
}
