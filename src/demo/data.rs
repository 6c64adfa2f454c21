//! The demo clinic's content as plain data, kept apart from the code that stores it.
//!
//! Dates are offsets in days from the day the demo is loaded, so that the
//! demo keeps showing an expired certification, one expiring soon, and an
//! article scheduled in the future whenever it is loaded.

/// The organization row.
pub struct Org {
    pub name: &'static str,
    pub tagline: &'static str,
    pub description: &'static str,
    /// Shown to people, e.g. `800-PT-FIRST`.
    pub phone_display: &'static str,
    /// Dialled, e.g. `+18007834778`.
    pub phone_e164: &'static str,
    pub email: &'static str,
    pub website: &'static str,
    pub contact_url: &'static str,
    pub staff_url: &'static str,
}

/// A clinic location.
pub struct Loc {
    pub slug: &'static str,
    pub name: &'static str,
    pub street: &'static str,
    pub city: &'static str,
    pub region: &'static str,
    pub postal_code: &'static str,
    /// ISO 3166-1 alpha-2.
    pub country: &'static str,
    /// IANA time zone, e.g. `America/Chicago`.
    pub time_zone: &'static str,
    pub phone_display: &'static str,
    pub phone_e164: &'static str,
    pub email: &'static str,
    /// (latitude, longitude)
    pub geo: Option<(f64, f64)>,
    /// (ISO weekday 1 = Monday .. 7 = Sunday, opens "HH:MM", closes "HH:MM"); a day may have several ranges.
    pub hours: &'static [(u8, &'static str, &'static str)],
    /// (days from the load date, reason)
    pub closures: &'static [(i64, &'static str)],
}

/// A service the clinic offers.
pub struct Svc {
    pub slug: &'static str,
    pub name: &'static str,
    /// `CLINICAL` or `RELAXATION`.
    pub kind: &'static str,
    pub description: &'static str,
    pub durations_minutes: &'static [i32],
    pub referral_accepted: bool,
    pub insurance_eligible: bool,
}

/// A certification a therapist can hold.
pub struct Cert {
    pub slug: &'static str,
    pub name: &'static str,
    pub issuing_body: &'static str,
    pub description: &'static str,
    pub url: Option<&'static str>,
}

/// A certification held by a therapist.
pub struct Award {
    /// Slug of a [`Cert`].
    pub cert: &'static str,
    /// Days before the load date on which it was issued (positive = in the past).
    pub issued_days_ago: i64,
    /// Days after the load date on which it expires (negative = already expired); `None` = never expires.
    pub expires_in_days: Option<i64>,
    pub credential_id: Option<&'static str>,
    pub verified: bool,
}

/// A therapist of the staff directory.
pub struct Ther {
    pub slug: &'static str,
    pub first_name: &'static str,
    pub last_name: &'static str,
    pub credentials: &'static str,
    pub title: &'static str,
    /// Markdown.
    pub bio: &'static str,
    pub photo_url: Option<&'static str>,
    /// BCP 47 language codes, e.g. `en`, `es`.
    pub languages: &'static [&'static str],
    pub accepting_new_patients: bool,
    /// Slugs of [`Svc`].
    pub services: &'static [&'static str],
    /// Slugs of [`Loc`].
    pub locations: &'static [&'static str],
    pub awards: &'static [Award],
}

/// An article tag.
pub struct Tag {
    pub slug: &'static str,
    pub name: &'static str,
}

/// An article.
pub struct Art {
    pub slug: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    /// Markdown.
    pub body: &'static str,
    /// Slug of a [`Ther`].
    pub author: &'static str,
    /// Slugs of [`Tag`].
    pub tags: &'static [&'static str],
    /// `DRAFT`, `PUBLISHED` or `ARCHIVED`.
    pub status: &'static str,
    /// Days before the load date it was (or will be) published: negative = scheduled in the future; `None` for a draft never published.
    pub published_days_ago: Option<i64>,
}
