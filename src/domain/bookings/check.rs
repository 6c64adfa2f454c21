//! Checking a booking form: every field on its own, then the fields together
//! (the service offered at the location, the therapist working there, each
//! window inside the location's opening hours in its own time zone), against
//! a snapshot of the clinic, without a statement.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc, Weekday};
use chrono_tz::Tz;
use entity::booking_request::ContactMethod;
use entity::{closure, location, service};
use serde::Serialize;

use super::request::Window;
use super::snapshot::{ClinicSnapshot, Place, Practitioner};
use crate::domain::hours;
use crate::domain::validate::{Code, Field, Problems, WriteResult};
use crate::error::AppError;

/// Most windows a request may offer.
pub const MAX_WINDOWS: usize = 5;
/// How far ahead a window may start.
pub const MAX_DAYS_AHEAD: i64 = 90;
/// Shortest window: about one appointment.
pub const MIN_WINDOW_MINUTES: i64 = 30;
const MAX_NAME: usize = 200;
const MAX_PHONE: usize = 40;
const MAX_INSURANCE: usize = 200;
const MAX_MESSAGE: usize = 2000;

/// A booking form as the patient filled it in. Serialised only to fingerprint
/// it for idempotency, never to be shown.
#[derive(Clone, Serialize)]
pub struct BookingInput {
    pub full_name: String,
    pub email: String,
    /// As typed; stored in E.164.
    pub phone: String,
    #[serde(serialize_with = "contact_method_name")]
    pub preferred_contact: ContactMethod,
    /// Slug.
    pub service: String,
    /// Slug.
    pub location: String,
    /// Slug of a preferred therapist.
    pub therapist: Option<String>,
    pub preferred_windows: Vec<WindowInput>,
    pub new_patient: bool,
    pub physician_referral: bool,
    pub insurance_provider: Option<String>,
    pub self_pay: bool,
    pub message: Option<String>,
    pub consent: bool,
}

fn contact_method_name<S: serde::Serializer>(
    method: &ContactMethod,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    use sea_orm::ActiveEnum;
    serializer.serialize_str(&method.to_value())
}

/// A window as given: any offset; compared as instants.
#[derive(Clone, Copy, Serialize)]
pub struct WindowInput {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

/// A form that passed every check, ready to store.
pub(super) struct Checked {
    pub full_name: String,
    pub email: String,
    pub phone_e164: String,
    pub preferred_contact: ContactMethod,
    pub service_id: i32,
    pub location_id: i32,
    pub therapist_id: Option<i32>,
    pub windows: Vec<Window>,
    pub new_patient: bool,
    pub physician_referral: bool,
    pub insurance_provider: Option<String>,
    pub message: Option<String>,
}

/// Checks the whole form against `clinic` as it is at `now`; every problem
/// at once. Reads nothing: the clinic is a snapshot (see [`super::snapshot`]).
pub(super) fn check(
    clinic: &ClinicSnapshot,
    input: &BookingInput,
    phone_region: phonenumber::country::Id,
    now: DateTime<Utc>,
) -> WriteResult<Checked> {
    let at = Field::new(&["input"]);
    let mut p = Problems::default();

    let full_name = p.text(&at.at("fullName"), &input.full_name, MAX_NAME, false);
    let email = p.email(&at.at("email"), &input.email);
    let phone_e164 = phone(&mut p, &at.at("phone"), &input.phone, phone_region);

    let (service, place) = check_service_and_location(clinic, input, &at, &mut p);
    let therapist_id = check_preferred_therapist(clinic, input, service, place, &at, &mut p);

    let windows = check_windows(input, place, now, &at, &mut p)?;

    let insurance_provider = check_insurance(input, &at, &mut p);
    let message = input
        .message
        .as_deref()
        .map(|m| p.text(&at.at("message"), m, MAX_MESSAGE, true))
        .filter(|m| !m.is_empty());
    if !input.consent {
        p.add(
            &at.at("consent"),
            Code::Required,
            "consent is needed before the clinic can store your request",
        );
    }

    let ids = service.zip(place).map(|(s, l)| (s.id, l.model.id));
    let checked = ids.map(|(service_id, location_id)| Checked {
        full_name,
        email,
        phone_e164: phone_e164.unwrap_or_default(),
        preferred_contact: input.preferred_contact,
        service_id,
        location_id,
        therapist_id,
        windows,
        new_patient: input.new_patient,
        physician_referral: input.physician_referral,
        insurance_provider,
        message,
    });
    p.finish_with(checked)
}

/// The service and the location the form names, each if it exists; and
/// whether the location offers the service.
fn check_service_and_location<'c>(
    clinic: &'c ClinicSnapshot,
    input: &BookingInput,
    at: &Field,
    p: &mut Problems,
) -> (Option<&'c service::Model>, Option<&'c Place>) {
    let service = clinic.service(input.service.trim());
    if service.is_none() {
        p.add(
            &at.at("service"),
            Code::NotFound,
            "no service has this slug",
        );
    }
    let place = clinic.place(input.location.trim());
    if place.is_none() {
        p.add(
            &at.at("location"),
            Code::NotFound,
            "no location has this slug",
        );
    }
    if let (Some(service), Some(place)) = (service, place)
        && !clinic.offers(place.model.id, service.id)
    {
        p.add(
            &at.at("service"),
            Code::InvalidState,
            format!("{} is not offered at {}", service.name, place.model.name),
        );
    }
    (service, place)
}

/// The id of the therapist the patient prefers, if any and if active; and
/// whether they work there, offer the service and take new patients.
fn check_preferred_therapist(
    clinic: &ClinicSnapshot,
    input: &BookingInput,
    service: Option<&service::Model>,
    place: Option<&Place>,
    at: &Field,
    p: &mut Problems,
) -> Option<i32> {
    let therapist_slug = input
        .therapist
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    let mut therapist_id = None;
    if let Some(slug) = therapist_slug {
        match clinic.practitioner(slug) {
            None => p.add(
                &at.at("therapist"),
                Code::NotFound,
                "no active therapist has this slug",
            ),
            Some(t) => {
                therapist_id = Some(t.model.id);
                check_therapist(t, service, place, at, p);
                if input.new_patient && !t.model.accepting_new_patients {
                    p.add(
                        &at.at("therapist"),
                        Code::InvalidState,
                        format!(
                            "{} {} is not accepting new patients",
                            t.model.first_name, t.model.last_name
                        ),
                    );
                }
            }
        }
    }
    therapist_id
}

/// The insurance provider, or none when the patient pays themselves.
fn check_insurance(input: &BookingInput, at: &Field, p: &mut Problems) -> Option<String> {
    let provider = input
        .insurance_provider
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty());
    match (provider, input.self_pay) {
        (Some(_), true) => {
            p.add(
                &at.at("insuranceProvider"),
                Code::InvalidState,
                "leave the insurance provider empty when paying yourself",
            );
            None
        }
        (None, false) => {
            p.add(
                &at.at("insuranceProvider"),
                Code::Required,
                "name your insurance provider, or choose self-pay",
            );
            None
        }
        (Some(name), false) => {
            Some(p.text(&at.at("insuranceProvider"), name, MAX_INSURANCE, false))
        }
        (None, true) => None,
    }
}

/// The number in E.164, read as dialled from `region` unless it starts with `+`.
fn phone(
    p: &mut Problems,
    field: &Field,
    typed: &str,
    region: phonenumber::country::Id,
) -> Option<String> {
    let typed = typed.trim();
    if typed.is_empty() {
        p.add(field, Code::Required, "must not be blank");
        return None;
    }
    if typed.chars().count() > MAX_PHONE {
        p.add(
            field,
            Code::InvalidLength,
            format!("must have at most {MAX_PHONE} characters"),
        );
        return None;
    }
    match phonenumber::parse(Some(region), typed) {
        Ok(number) if phonenumber::is_valid(&number) => {
            Some(number.format().mode(phonenumber::Mode::E164).to_string())
        }
        _ => {
            p.add(
                field,
                Code::InvalidFormat,
                "must be a phone number we can call, e.g. (312) 555-0142 or +44 20 7946 0958",
            );
            None
        }
    }
}

/// A preferred therapist must work at the location and offer the service.
fn check_therapist(
    t: &Practitioner,
    service: Option<&service::Model>,
    place: Option<&Place>,
    at: &Field,
    p: &mut Problems,
) {
    let name = format!("{} {}", t.model.first_name, t.model.last_name);
    if let Some(place) = place
        && !t.works_at(place.model.id)
    {
        p.add(
            &at.at("therapist"),
            Code::InvalidState,
            format!("{name} does not work at {}", place.model.name),
        );
    }
    if let Some(service) = service
        && !t.offers(service.id)
    {
        p.add(
            &at.at("therapist"),
            Code::InvalidState,
            format!("{name} does not offer {}", service.name),
        );
    }
}

/// The hours of a location, read in its own time zone.
struct Clock<'a> {
    location: &'a location::Model,
    tz: Tz,
    ranges: &'a [hours::Range],
    closures: Vec<&'a closure::Model>,
}

impl<'a> Clock<'a> {
    /// The location's clock at `now`, with its closures from its today on.
    fn of(place: &'a Place, now: DateTime<Utc>) -> Result<Self, AppError> {
        let Some(tz) = place.tz else {
            return Err(AppError::Internal(
                "a location has an unknown time zone".into(),
            ));
        };
        let today = now.with_timezone(&tz).date_naive();
        Ok(Self {
            location: &place.model,
            tz,
            ranges: &place.ranges,
            closures: place.closures_from(today).collect(),
        })
    }
}

/// 1 to [`MAX_WINDOWS`] windows, each in the future, at most
/// [`MAX_DAYS_AHEAD`] days ahead, at least [`MIN_WINDOW_MINUTES`] long, and,
/// when the location is known, inside one opening range of its day, read in
/// the location's time zone.
fn check_windows(
    input: &BookingInput,
    place: Option<&Place>,
    now: DateTime<Utc>,
    at: &Field,
    p: &mut Problems,
) -> Result<Vec<Window>, AppError> {
    let field = at.at("preferredWindows");
    let given = &input.preferred_windows;
    if given.is_empty() || given.len() > MAX_WINDOWS {
        p.add(
            &field,
            Code::InvalidLength,
            format!("give 1 to {MAX_WINDOWS} time windows"),
        );
        return Ok(Vec::new());
    }
    let clock = place.map(|place| Clock::of(place, now)).transpose()?;

    let mut windows = Vec::with_capacity(given.len());
    for (i, w) in given.iter().enumerate() {
        let f = field.at(i);
        if w.end <= w.start {
            p.add(&f.at("end"), Code::OutOfRange, "must be after the start");
            continue;
        }
        if w.start <= now {
            p.add(&f.at("start"), Code::OutOfRange, "must be in the future");
            continue;
        }
        if w.start > now + Duration::days(MAX_DAYS_AHEAD) {
            p.add(
                &f.at("start"),
                Code::OutOfRange,
                format!("must be within {MAX_DAYS_AHEAD} days from now"),
            );
            continue;
        }
        if w.end - w.start < Duration::minutes(MIN_WINDOW_MINUTES) {
            p.add(
                &f.at("end"),
                Code::OutOfRange,
                format!("must be at least {MIN_WINDOW_MINUTES} minutes after the start"),
            );
            continue;
        }
        if let Some(c) = &clock
            && let Err(message) = inside_opening_hours(c.tz, c.ranges, &c.closures, c.location, *w)
        {
            p.add(&f, Code::OutOfRange, message);
            continue;
        }
        windows.push(Window {
            start: w.start,
            end: w.end,
        });
    }
    Ok(windows)
}

/// Whether the window lies within one opening range of the location, on a day
/// it is not closed, as its own clock reads; else what to tell the patient.
fn inside_opening_hours(
    tz: Tz,
    ranges: &[hours::Range],
    closures: &[&closure::Model],
    location: &location::Model,
    w: WindowInput,
) -> Result<(), String> {
    let start = w.start.with_timezone(&tz);
    let end = w.end.with_timezone(&tz);
    let date: NaiveDate = start.date_naive();
    let weekday = date.weekday();
    if end.date_naive() != date {
        return Err(format!(
            "must start and end on the same day at {} ({})",
            location.name, location.time_zone
        ));
    }
    if let Some(closed) = closures.iter().find(|c| c.date == date) {
        return Err(format!(
            "{} is closed on {date} ({})",
            location.name, closed.reason
        ));
    }
    let iso = i16::try_from(weekday.number_from_monday()).unwrap_or_default();
    let mut of_day: Vec<&hours::Range> = ranges.iter().filter(|r| r.weekday == iso).collect();
    if of_day.is_empty() {
        return Err(format!(
            "{} is closed on {}s",
            location.name,
            weekday_name(weekday)
        ));
    }
    let (from, to) = (start.time(), end.time());
    if of_day.iter().any(|r| r.opens <= from && to <= r.closes) {
        return Ok(());
    }
    of_day.sort_by_key(|r| r.opens);
    let open: Vec<String> = of_day
        .iter()
        .map(|r| {
            format!(
                "{}\u{2013}{}",
                r.opens.format("%H:%M"),
                r.closes.format("%H:%M")
            )
        })
        .collect();
    Err(format!(
        "must fall within the opening hours of {} on {}s: {} ({} time)",
        location.name,
        weekday_name(weekday),
        open.join(", "),
        location.time_zone
    ))
}

fn weekday_name(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveTime, TimeZone};

    fn location() -> location::Model {
        location::Model {
            id: 1,
            slug: "chicago-loop".into(),
            name: "Chicago Loop".into(),
            street: String::new(),
            city: String::new(),
            region: String::new(),
            postal_code: String::new(),
            country: "US".into(),
            time_zone: "America/Chicago".into(),
            phone_display: String::new(),
            phone_e164: String::new(),
            email: String::new(),
            latitude: None,
            longitude: None,
            position: 0,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn windows_are_read_on_the_location_clock_across_daylight_saving() {
        let tz: Tz = "America/Chicago".parse().unwrap();
        let mondays = [hours::Range {
            weekday: 1,
            opens: NaiveTime::from_hms_opt(7, 0, 0).unwrap(),
            closes: NaiveTime::from_hms_opt(19, 0, 0).unwrap(),
        }];
        let window = |y, m, d, h| WindowInput {
            start: Utc.with_ymd_and_hms(y, m, d, h, 0, 0).unwrap(),
            end: Utc.with_ymd_and_hms(y, m, d, h + 1, 0, 0).unwrap(),
        };
        // 12:00 UTC is 06:00 in Chicago in winter (closed) and 07:00 in
        // summer (open): daylight saving starts on 2027-03-14.
        let check = |w| inside_opening_hours(tz, &mondays, &[], &location(), w);
        assert!(check(window(2027, 3, 8, 12)).is_err());
        assert!(check(window(2027, 3, 15, 12)).is_ok());
        // 00:00–01:00 UTC is 18:00–19:00 in winter (open), 19:00–20:00 in summer.
        assert!(check(window(2027, 3, 9, 0)).is_ok());
        assert!(check(window(2027, 3, 16, 0)).is_err());
        // A Sunday.
        let sunday = check(window(2027, 3, 21, 15)).unwrap_err();
        assert!(sunday.contains("closed on Sundays"), "{sunday}");
    }
}
