//! Builders that make, through the API as an ADMIN, the few things a test
//! needs, and hand back the slugs and ids they got.

use chrono::{Datelike, Duration, NaiveDate, Utc, Weekday};
use serde_json::{Value, json};

use super::app::{GqlResponse, TestApp};

/// Something made: its global id and its slug.
#[derive(Clone, Debug)]
pub struct Seeded {
    pub id: String,
    pub slug: String,
}

/// The payload of `mutation`, checking it carries no user errors.
#[track_caller]
pub fn done<'a>(res: &'a GqlResponse, mutation: &str) -> &'a Value {
    let payload = &res.ok()[mutation];
    assert_eq!(payload["userErrors"], json!([]), "{payload:#}");
    payload
}

/// Runs an ADMIN mutation and returns `payload[object]` as `Seeded`.
async fn made(
    app: &TestApp,
    mutation: &str,
    object: &str,
    document: &str,
    variables: Value,
) -> Seeded {
    let token = app.admin_token().await;
    let res = app.gql_as(&token, document, variables).await;
    let made = &done(&res, mutation)[object];
    Seeded {
        id: made["id"].as_str().expect("an id").to_owned(),
        slug: made["slug"].as_str().expect("a slug").to_owned(),
    }
}

/// Opening hours: `opens`–`closes` on each of `days`.
pub fn hours(days: &[Weekday], opens: &str, closes: &str) -> Vec<Value> {
    days.iter()
        .map(|d| json!({ "weekday": weekday(*d), "opens": opens, "closes": closes }))
        .collect()
}

/// Monday to Friday.
pub const WEEKDAYS: [Weekday; 5] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
];

/// A weekday as the schema spells it.
pub fn weekday(day: Weekday) -> &'static str {
    match day {
        Weekday::Mon => "MONDAY",
        Weekday::Tue => "TUESDAY",
        Weekday::Wed => "WEDNESDAY",
        Weekday::Thu => "THURSDAY",
        Weekday::Fri => "FRIDAY",
        Weekday::Sat => "SATURDAY",
        Weekday::Sun => "SUNDAY",
    }
}

/// A location named `name` in `time_zone`, open as `hours` says.
pub async fn seed_location(
    app: &TestApp,
    name: &str,
    time_zone: &str,
    hours: Vec<Value>,
) -> Seeded {
    let location = made(
        app,
        "createLocation",
        "location",
        "mutation($input: CreateLocationInput!) { createLocation(input: $input) { location { id slug } userErrors { field message code } } }",
        json!({ "input": {
            "name": name,
            "address": {
                "street": "1 Test Street",
                "city": "Testville",
                "region": "IL",
                "postalCode": "60601",
                "country": "US",
            },
            "timeZone": time_zone,
            "phone": { "display": "(312) 555-0100", "e164": "+13125550100" },
            "email": "front.desk@example.com",
        } }),
    )
    .await;
    let token = app.admin_token().await;
    let res = app
        .gql_as(
            &token,
            "mutation($id: ID!, $hours: [OpeningHoursInput!]!) { setOpeningHours(locationId: $id, hours: $hours) { userErrors { field message code } } }",
            json!({ "id": location.id, "hours": hours }),
        )
        .await;
    done(&res, "setOpeningHours");
    location
}

/// Closes `location` on `date` (local to it).
pub async fn seed_closure(app: &TestApp, location: &Seeded, date: NaiveDate, reason: &str) {
    let token = app.admin_token().await;
    let res = app
        .gql_as(
            &token,
            "mutation($id: ID!, $date: Date!, $reason: String!) { addClosure(locationId: $id, date: $date, reason: $reason) { userErrors { field message code } } }",
            json!({ "id": location.id, "date": date.to_string(), "reason": reason }),
        )
        .await;
    done(&res, "addClosure");
}

/// A service named `name` of `kind` (`CLINICAL` or `RELAXATION`); clinical
/// ones take referrals and insurance.
pub async fn seed_service(app: &TestApp, name: &str, kind: &str) -> Seeded {
    let clinical = kind == "CLINICAL";
    made(
        app,
        "createService",
        "service",
        "mutation($input: CreateServiceInput!) { createService(input: $input) { service { id slug } userErrors { field message code } } }",
        json!({ "input": {
            "name": name,
            "kind": kind,
            "description": format!("{name}, as the clinic gives it."),
            "durationsMinutes": [30, 60],
            "referralAccepted": clinical,
            "insuranceEligible": clinical,
        } }),
    )
    .await
}

/// A therapist taking new patients, offering `services` at `locations` (slugs).
pub async fn seed_therapist(
    app: &TestApp,
    first_name: &str,
    last_name: &str,
    services: &[&str],
    locations: &[&str],
) -> Seeded {
    seed_therapist_with(app, first_name, last_name, services, locations, json!({})).await
}

/// As [`seed_therapist`], with `changes` on top of the `CreateTherapistInput`.
pub async fn seed_therapist_with(
    app: &TestApp,
    first_name: &str,
    last_name: &str,
    services: &[&str],
    locations: &[&str],
    changes: Value,
) -> Seeded {
    let mut input = json!({
        "firstName": first_name,
        "lastName": last_name,
        "credentials": "LMT",
        "title": "Massage Therapist",
        "bio": format!("{first_name} treats pain."),
        "languages": ["English"],
        "acceptingNewPatients": true,
    });
    for (key, value) in changes.as_object().expect("an object") {
        input[key] = value.clone();
    }
    let therapist = made(
        app,
        "createTherapist",
        "therapist",
        "mutation($input: CreateTherapistInput!) { createTherapist(input: $input) { therapist { id slug } userErrors { field message code } } }",
        json!({ "input": input }),
    )
    .await;
    if !services.is_empty() {
        set_therapist_services(app, &therapist, services).await;
    }
    if !locations.is_empty() {
        set_therapist_locations(app, &therapist, locations).await;
    }
    therapist
}

/// Replaces the services `therapist` offers (slugs); their locations follow.
pub async fn set_therapist_services(app: &TestApp, therapist: &Seeded, services: &[&str]) {
    let token = app.admin_token().await;
    let res = app
        .gql_as(
            &token,
            "mutation($id: ID!, $slugs: [String!]!) { setTherapistServices(id: $id, serviceSlugs: $slugs) { userErrors { field message code } } }",
            json!({ "id": therapist.id, "slugs": services }),
        )
        .await;
    done(&res, "setTherapistServices");
}

/// An article by `author` (a therapist's slug, if any) under `tags`,
/// published now when `publish`, else a draft.
pub async fn seed_article(
    app: &TestApp,
    title: &str,
    author: Option<&str>,
    tags: &[&str],
    publish: bool,
) -> Seeded {
    let input = json!({
        "title": title,
        "summary": format!("What {title} is about."),
        "body": format!("# {title}\n\nSome words about {title}."),
        "authorSlug": author,
        "tags": tags,
    });
    seed_article_as(app, input, publish).await
}

/// Sets up the clinic's own details under `name`.
pub async fn seed_organization(app: &TestApp, name: &str) {
    let token = app.admin_token().await;
    let res = app
        .gql_as(
            &token,
            "mutation($input: UpdateOrganizationInput!) { updateOrganization(input: $input) { userErrors { field message code } } }",
            json!({ "input": {
                "name": name,
                "tagline": "Care that moves you.",
                "description": "A small clinic for tests.",
                "phone": { "display": "(312) 555-0100", "e164": "+13125550100" },
                "email": "hello@example.com",
                "website": "https://clinic.example.com",
                "contactUrl": "https://clinic.example.com/contact",
                "staffUrl": "https://clinic.example.com/staff",
            } }),
        )
        .await;
    done(&res, "updateOrganization");
}

/// A small clinic to book at, named [`Clinic::NAME`]: one location in Chicago, open 07:00–19:00 on
/// weekdays and 08:00–13:00 on Saturdays, closed on Sundays; one clinical
/// service there, given by one therapist taking new patients.
#[derive(Clone, Debug)]
pub struct Clinic {
    pub location: Seeded,
    pub service: Seeded,
    pub therapist: Seeded,
    /// The location's time zone.
    pub time_zone: &'static str,
}

impl Clinic {
    /// The clinic's name.
    pub const NAME: &str = "Lakeview Physio";
}

/// Makes a [`Clinic`].
pub async fn seed_clinic(app: &TestApp) -> Clinic {
    seed_clinic_in(app, "America/Chicago").await
}

/// Makes a [`Clinic`] whose location keeps `time_zone`'s clock.
pub async fn seed_clinic_in(app: &TestApp, time_zone: &'static str) -> Clinic {
    seed_organization(app, Clinic::NAME).await;
    let mut open = hours(&WEEKDAYS, "07:00", "19:00");
    open.extend(hours(&[Weekday::Sat], "08:00", "13:00"));
    let location = seed_location(app, "Lakeview", time_zone, open).await;
    let service = seed_service(app, "Deep Tissue Massage", "CLINICAL").await;
    let therapist =
        seed_therapist(app, "Jordan", "Hale", &[&service.slug], &[&location.slug]).await;
    app.settle().await;
    Clinic {
        location,
        service,
        therapist,
        time_zone,
    }
}

/// The first `weekday` at least two days from today.
pub fn next(weekday: Weekday) -> NaiveDate {
    let mut day = Utc::now().date_naive() + Duration::days(2);
    while day.weekday() != weekday {
        day += Duration::days(1);
    }
    day
}

/// Takes `therapist` out of the public directory.
pub async fn deactivate_therapist(app: &TestApp, therapist: &Seeded) {
    let token = app.admin_token().await;
    let res = app
        .gql_as(
            &token,
            "mutation($id: ID!) { deactivateTherapist(id: $id) { userErrors { field message code } } }",
            json!({ "id": therapist.id }),
        )
        .await;
    done(&res, "deactivateTherapist");
}

/// Replaces the locations `therapist` works at (slugs).
pub async fn set_therapist_locations(app: &TestApp, therapist: &Seeded, locations: &[&str]) {
    let token = app.admin_token().await;
    let res = app
        .gql_as(
            &token,
            "mutation($id: ID!, $slugs: [String!]!) { setTherapistLocations(id: $id, locationSlugs: $slugs) { userErrors { field message code } } }",
            json!({ "id": therapist.id, "slugs": locations }),
        )
        .await;
    done(&res, "setTherapistLocations");
}

/// A certification named `name` that therapists can hold.
pub async fn seed_certification(app: &TestApp, name: &str) -> Seeded {
    seed_certification_with(app, name, json!({})).await
}

/// Awards `certification` to `therapist` (slugs), issued a year ago and
/// expiring on `expires_on`, if ever.
pub async fn seed_award(
    app: &TestApp,
    therapist: &str,
    certification: &str,
    expires_on: Option<NaiveDate>,
) {
    seed_award_with(app, therapist, certification, expires_on, json!({})).await;
}

/// Schedules `article` to be published at `at`.
pub async fn schedule_article(app: &TestApp, article: &Seeded, at: chrono::DateTime<Utc>) {
    let token = app.admin_token().await;
    let res = app
        .gql_as(
            &token,
            "mutation($id: ID!, $at: DateTime) { publishArticle(id: $id, at: $at) { userErrors { field message code } } }",
            json!({ "id": article.id, "at": at.to_rfc3339() }),
        )
        .await;
    done(&res, "publishArticle");
}

/// Archives `article`.
pub async fn archive_article(app: &TestApp, article: &Seeded) {
    let token = app.admin_token().await;
    let res = app
        .gql_as(
            &token,
            "mutation($id: ID!) { archiveArticle(id: $id) { userErrors { field message code } } }",
            json!({ "id": article.id }),
        )
        .await;
    done(&res, "archiveArticle");
}

/// As [`seed_certification`], with `changes` on top of the
/// `CreateCertificationInput`.
pub async fn seed_certification_with(app: &TestApp, name: &str, changes: Value) -> Seeded {
    let mut input = json!({
        "name": name,
        "issuingBody": "Board of Testing",
        "description": format!("{name}, as the board awards it."),
    });
    for (key, value) in changes.as_object().expect("an object") {
        input[key] = value.clone();
    }
    made(
        app,
        "createCertification",
        "certification",
        "mutation($input: CreateCertificationInput!) { createCertification(input: $input) { certification { id slug } userErrors { field message code } } }",
        json!({ "input": input }),
    )
    .await
}

/// As [`seed_award`], with `changes` (e.g. `credentialId`, `verified`) on
/// top of the `AwardCertificationInput`.
pub async fn seed_award_with(
    app: &TestApp,
    therapist: &str,
    certification: &str,
    expires_on: Option<NaiveDate>,
    changes: Value,
) {
    let token = app.admin_token().await;
    let issued_on = Utc::now().date_naive() - Duration::days(365);
    let mut input = json!({
        "therapistSlug": therapist,
        "certificationSlug": certification,
        "issuedOn": issued_on.to_string(),
        "expiresOn": expires_on.map(|d| d.to_string()),
    });
    for (key, value) in changes.as_object().expect("an object") {
        input[key] = value.clone();
    }
    let res = app
        .gql_as(
            &token,
            "mutation($input: AwardCertificationInput!) { awardCertification(input: $input) { userErrors { field message code } } }",
            json!({ "input": input }),
        )
        .await;
    done(&res, "awardCertification");
}

/// A staff directory of seven active therapists, listed (by last then first
/// name) in the order of [`Directory::all`]:
///
/// | therapist | services | locations | languages | certifications |
/// |---|---|---|---|---|
/// | Nora Abbott | physical therapy | Westfield | en | myofascial (in 2 years), orthopedic |
/// | Lucia Bravo | medical massage | Eastgate | en, es | myofascial (never expires), trigger point |
/// | Adam Cole | physical therapy | Eastgate | en, pl | orthopedic |
/// | Sarah Dunn | medical massage | Northside, Westfield | en | trigger point |
/// | Mai Ellis | medical, spa massage | Northside, Westfield | en, vi | myofascial (in 20 days), lymphatic (unverified) |
/// | Kofi Foster, not taking new patients | physical therapy | Northside | en | orthopedic, trigger point (expired 30 days ago) |
/// | Ines Garcia | medical, spa massage | Eastgate | en, pt | — |
///
/// Only Mai Ellis has a photo. Locations, services and certifications are
/// made in the alphabetical order of their names.
#[derive(Clone, Debug)]
pub struct Directory {
    pub abbott: Seeded,
    pub bravo: Seeded,
    pub cole: Seeded,
    pub dunn: Seeded,
    pub ellis: Seeded,
    pub foster: Seeded,
    pub garcia: Seeded,
    pub eastgate: Seeded,
    pub northside: Seeded,
    pub westfield: Seeded,
    pub medical_massage: Seeded,
    pub physical_therapy: Seeded,
    pub spa_massage: Seeded,
    pub lymphatic: Seeded,
    pub myofascial: Seeded,
    pub orthopedic: Seeded,
    pub trigger_point: Seeded,
}

impl Directory {
    /// Every therapist's slug, in the directory's order.
    pub fn all(&self) -> Vec<String> {
        [
            &self.abbott,
            &self.bravo,
            &self.cole,
            &self.dunn,
            &self.ellis,
            &self.foster,
            &self.garcia,
        ]
        .iter()
        .map(|t| t.slug.clone())
        .collect()
    }
}

/// Makes a [`Directory`].
pub async fn seed_directory(app: &TestApp) -> Directory {
    let open = hours(&WEEKDAYS, "08:00", "18:00");
    let eastgate = seed_location(app, "Eastgate", "America/Chicago", open.clone()).await;
    let northside = seed_location(app, "Northside", "America/Denver", open.clone()).await;
    let westfield = seed_location(app, "Westfield", "America/Denver", open).await;
    let medical_massage = seed_service(app, "Medical Massage", "CLINICAL").await;
    let physical_therapy = seed_service(app, "Physical Therapy", "CLINICAL").await;
    let spa_massage = seed_service(app, "Spa Massage", "RELAXATION").await;
    let lymphatic = seed_certification(app, "Manual Lymphatic Drainage").await;
    let myofascial = seed_certification_with(
        app,
        "Myofascial Release",
        json!({ "url": "https://certify.example.com/myofascial-release" }),
    )
    .await;
    let orthopedic = seed_certification(app, "Orthopedic Manual Therapy").await;
    let trigger_point = seed_certification_with(
        app,
        "Trigger Point Therapy",
        json!({ "issuingBody": "Soft Tissue Education Council" }),
    )
    .await;

    let (medical, pt, spa) = (
        medical_massage.slug.as_str(),
        physical_therapy.slug.as_str(),
        spa_massage.slug.as_str(),
    );
    let (east, north, west) = (
        eastgate.slug.as_str(),
        northside.slug.as_str(),
        westfield.slug.as_str(),
    );
    let speaks = |languages: &[&str]| json!({ "languages": languages });
    let abbott = seed_therapist_with(app, "Nora", "Abbott", &[pt], &[west], speaks(&["en"])).await;
    let bravo = seed_therapist_with(
        app,
        "Lucia",
        "Bravo",
        &[medical],
        &[east],
        json!({
            "languages": ["en", "es"],
            "bio": "Lucia gives **medical massage** for chronic pain.",
        }),
    )
    .await;
    let cole = seed_therapist_with(
        app,
        "Adam",
        "Cole",
        &[pt],
        &[east],
        json!({
            "languages": ["en", "pl"],
            "credentials": "PT, DPT",
            "title": "Physical Therapist",
            "bio": "Adam treats back pain with:\n\n- hands-on manual therapy\n- exercise",
        }),
    )
    .await;
    let dunn = seed_therapist_with(
        app,
        "Sarah",
        "Dunn",
        &[medical],
        &[north, west],
        speaks(&["en"]),
    )
    .await;
    let ellis = seed_therapist_with(
        app,
        "Mai",
        "Ellis",
        &[medical, spa],
        &[north, west],
        json!({
            "languages": ["en", "vi"],
            "photoUrl": "/images/therapists/mai-ellis.jpg",
        }),
    )
    .await;
    let foster = seed_therapist_with(
        app,
        "Kofi",
        "Foster",
        &[pt],
        &[north],
        json!({
            "languages": ["en"],
            "credentials": "PT, DPT",
            "title": "Physical Therapist",
            "acceptingNewPatients": false,
        }),
    )
    .await;
    let garcia = seed_therapist_with(
        app,
        "Ines",
        "Garcia",
        &[medical, spa],
        &[east],
        speaks(&["en", "pt"]),
    )
    .await;

    let today = Utc::now().date_naive();
    let award = |therapist: &Seeded, certification: &Seeded, expires_on: Option<NaiveDate>| {
        let (therapist, certification) = (therapist.slug.clone(), certification.slug.clone());
        async move { seed_award(app, &therapist, &certification, expires_on).await }
    };
    award(&abbott, &myofascial, Some(today + Duration::days(730))).await;
    award(&abbott, &orthopedic, None).await;
    award(&bravo, &myofascial, None).await;
    award(&bravo, &trigger_point, Some(today + Duration::days(400))).await;
    award(&cole, &orthopedic, Some(today + Duration::days(500))).await;
    award(&dunn, &trigger_point, None).await;
    award(&ellis, &myofascial, Some(today + Duration::days(20))).await;
    award(&ellis, &lymphatic, Some(today + Duration::days(300))).await;
    award(&foster, &orthopedic, None).await;
    seed_award_with(
        app,
        &foster.slug,
        &trigger_point.slug,
        Some(today - Duration::days(30)),
        json!({ "credentialId": "TPT-38862", "verified": true }),
    )
    .await;
    app.settle().await;
    Directory {
        abbott,
        bravo,
        cole,
        dunn,
        ellis,
        foster,
        garcia,
        eastgate,
        northside,
        westfield,
        medical_massage,
        physical_therapy,
        spa_massage,
        lymphatic,
        myofascial,
        orthopedic,
        trigger_point,
    }
}

/// A small blog, by three therapists: five published articles (newest
/// first: `massage`, `posture`, `running`, `first_visit`, `insurance`), a
/// `draft`, one `scheduled` a week ahead and one `archived`. Every body has
/// `##` headings; no text holds `%`, `_` or `\`.
///
/// | article       | author | tags              |
/// |---------------|--------|-------------------|
/// | `massage`     | maria  | Massage, Insurance |
/// | `posture`     | daniel | Back Pain, Posture |
/// | `running`     | thomas | Sports, Running    |
/// | `first_visit` | maria  | Physical Therapy   |
/// | `insurance`   | daniel | Massage, Insurance |
/// | `draft`       | sarah  | Sports             |
/// | `scheduled`   | thomas | Back Pain          |
/// | `archived`    | sarah  | Sports             |
#[derive(Clone, Debug)]
pub struct Blog {
    pub massage: Seeded,
    pub posture: Seeded,
    pub running: Seeded,
    pub first_visit: Seeded,
    pub insurance: Seeded,
    pub draft: Seeded,
    pub scheduled: Seeded,
    pub archived: Seeded,
    pub maria: Seeded,
    pub daniel: Seeded,
    pub thomas: Seeded,
    pub sarah: Seeded,
}

impl Blog {
    /// The slugs of the published articles, newest first.
    pub fn published(&self) -> [&str; 5] {
        [
            &self.massage.slug,
            &self.posture.slug,
            &self.running.slug,
            &self.first_visit.slug,
            &self.insurance.slug,
        ]
    }
}

/// An article as `input` (a `CreateArticleInput`) has it, published now when `publish`.
async fn seed_article_as(app: &TestApp, input: Value, publish: bool) -> Seeded {
    let article = made(
        app,
        "createArticle",
        "article",
        "mutation($input: CreateArticleInput!) { createArticle(input: $input) { article { id slug } userErrors { field message code } } }",
        json!({ "input": input }),
    )
    .await;
    if publish {
        let token = app.admin_token().await;
        let res = app
            .gql_as(
                &token,
                "mutation($id: ID!) { publishArticle(id: $id) { userErrors { field message code } } }",
                json!({ "id": article.id }),
            )
            .await;
        done(&res, "publishArticle");
    }
    article
}

/// Makes a [`Blog`].
pub async fn seed_blog(app: &TestApp) -> Blog {
    let maria = seed_therapist(app, "Maria", "Gonzalez", &[], &[]).await;
    let daniel = seed_therapist(app, "Daniel", "Kowalski", &[], &[]).await;
    let thomas = seed_therapist(app, "Thomas", "Becker", &[], &[]).await;
    let sarah = seed_therapist(app, "Sarah", "Mitchell", &[], &[]).await;
    let article = |title: &str, summary: &str, body: &str, author: &Seeded, tags: &[&str]| {
        json!({
            "title": title,
            "summary": summary,
            "body": body,
            "authorSlug": author.slug,
            "tags": tags,
        })
    };
    // Published oldest first, so that the last is the newest.
    let insurance = seed_article_as(
        app,
        article(
            "How Referrals and Insurance Work",
            "What a referral is and when insurance pays for a visit.",
            "## Referrals\n\nA doctor's referral lets a plan pay for medical massage. \
             It does not cover a spa massage.\n\n## Insurance\n\nBring your card.",
            &daniel,
            &["Massage", "Insurance"],
        ),
        true,
    )
    .await;
    let first_visit = seed_article_as(
        app,
        article(
            "What to Expect at Your First Physical Therapy Visit",
            "The questions, the tests and the plan of a first visit.",
            "## Before you come\n\nWear loose clothes.\n\n## The visit\n\nWe ask, test and plan.",
            &maria,
            &["Physical Therapy"],
        ),
        true,
    )
    .await;
    let running = seed_article_as(
        app,
        article(
            "Returning to Running After an Injury",
            "How to run again without getting hurt again.",
            "## Start slowly\n\nA walk-run approach lets tissue adapt.\n\n## Listen\n\nPain is a signal.",
            &thomas,
            &["Sports", "Running"],
        ),
        true,
    )
    .await;
    let posture = seed_article_as(
        app,
        article(
            "Desk Posture: Small Changes",
            "Small changes at your desk help more than expensive furniture.",
            "## Your screen\n\nRaise it to eye level.\n\n## Your chair\n\nSit back and move often.",
            &daniel,
            &["Back Pain", "Posture"],
        ),
        true,
    )
    .await;
    let massage = seed_article_as(
        app,
        article(
            "Medical Massage vs. Spa Massage: What's the Difference?",
            "Two kinds of massage, for two different needs.",
            "## Two massages\n\nA medical massage treats a condition; a spa massage relaxes.\n\n\
             ## Techniques\n\n**Myofascial Release** loosens tight tissue.",
            &maria,
            &["Massage", "Insurance"],
        ),
        true,
    )
    .await;
    let draft = seed_article_as(
        app,
        article(
            "Preparing for Your First Sports Massage",
            "What to do before a sports massage.",
            "## Before\n\nDrink water.",
            &sarah,
            &["Sports"],
        ),
        false,
    )
    .await;
    let scheduled = seed_article_as(
        app,
        article(
            "Gardening Season Without Back Pain",
            "Dig the garden, spare the back.",
            "## Lift well\n\nBend your knees in the garden.",
            &thomas,
            &["Back Pain"],
        ),
        false,
    )
    .await;
    schedule_article(app, &scheduled, Utc::now() + Duration::days(7)).await;
    let archived = seed_article_as(
        app,
        article(
            "Foam Rolling Basics",
            "How to use a foam roller.",
            "## Roll slowly\n\nFoam rolling eases tight muscles.",
            &sarah,
            &["Sports"],
        ),
        true,
    )
    .await;
    archive_article(app, &archived).await;
    app.settle().await;
    Blog {
        massage,
        posture,
        running,
        first_visit,
        insurance,
        draft,
        scheduled,
        archived,
        maria,
        daniel,
        thomas,
        sarah,
    }
}
