//! Managing the clinic (ADMIN only): services, locations with their hours and
//! closures, and the organization's own details.

use chrono::{Days, NaiveDate, Utc, Weekday};
use clinic_api::auth::Role;
use entity::{location, opening_hours, organization, service};
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

use crate::support::admin::{
    assert_audited, assert_only_admins_may, audit_trail, done, expected, mark_audit_trail,
    problems, subject,
};
use crate::support::seed::{
    WEEKDAYS, hours, seed_closure, seed_location, seed_organization, seed_service, seed_therapist,
};
use crate::support::{Seeded, TestApp, pluck};

const USER_ERRORS: &str = "userErrors { field message code }";

const SERVICE_FIELDS: &str = "id slug name kind description durationsMinutes referralAccepted insuranceEligible active locations { slug }";

const LOCATION_FIELDS: &str = r#"
    id slug name address { street city region postalCode country } timeZone
    phone { display e164 telUri } email geo { latitude longitude }
    openingHours { weekday opens closes } closures { date reason } services { slug }"#;

const ORGANIZATION_FIELDS: &str =
    "id name tagline description phone { display e164 telUri } email website contactUrl staffUrl";

fn create_service() -> String {
    format!(
        "mutation($input: CreateServiceInput!) {{ createService(input: $input) {{ service {{ {SERVICE_FIELDS} }} {USER_ERRORS} }} }}"
    )
}

fn update_service() -> String {
    format!(
        "mutation($id: ID!, $input: UpdateServiceInput!) {{ updateService(id: $id, input: $input) {{ service {{ {SERVICE_FIELDS} }} {USER_ERRORS} }} }}"
    )
}

fn create_location() -> String {
    format!(
        "mutation($input: CreateLocationInput!) {{ createLocation(input: $input) {{ location {{ {LOCATION_FIELDS} }} {USER_ERRORS} }} }}"
    )
}

fn update_location() -> String {
    format!(
        "mutation($id: ID!, $input: UpdateLocationInput!) {{ updateLocation(id: $id, input: $input) {{ location {{ {LOCATION_FIELDS} }} {USER_ERRORS} }} }}"
    )
}

fn set_opening_hours() -> String {
    format!(
        "mutation($id: ID!, $hours: [OpeningHoursInput!]!) {{ setOpeningHours(locationId: $id, hours: $hours) {{ location {{ {LOCATION_FIELDS} }} {USER_ERRORS} }} }}"
    )
}

fn add_closure() -> String {
    format!(
        "mutation($id: ID!, $date: Date!, $reason: String!) {{ addClosure(locationId: $id, date: $date, reason: $reason) {{ location {{ {LOCATION_FIELDS} }} {USER_ERRORS} }} }}"
    )
}

fn remove_closure() -> String {
    format!(
        "mutation($id: ID!, $date: Date!) {{ removeClosure(locationId: $id, date: $date) {{ location {{ {LOCATION_FIELDS} }} {USER_ERRORS} }} }}"
    )
}

fn update_organization() -> String {
    format!(
        "mutation($input: UpdateOrganizationInput!) {{ updateOrganization(input: $input) {{ organization {{ {ORGANIZATION_FIELDS} }} {USER_ERRORS} }} }}"
    )
}

async fn public_service(app: &TestApp, slug: &str) -> Value {
    let query = format!("query($slug: String!) {{ service(slug: $slug) {{ {SERVICE_FIELDS} }} }}");
    app.gql(&query, json!({ "slug": slug })).await.ok()["service"].clone()
}

async fn public_location(app: &TestApp, slug: &str) -> Value {
    let query =
        format!("query($slug: String!) {{ location(slug: $slug) {{ {LOCATION_FIELDS} }} }}");
    app.gql(&query, json!({ "slug": slug })).await.ok()["location"].clone()
}

async fn public_organization(app: &TestApp) -> Value {
    let query = format!("{{ organization {{ {ORGANIZATION_FIELDS} }} }}");
    app.gql(&query, json!({})).await.ok()["organization"].clone()
}

async fn service_slugs(app: &TestApp) -> Vec<String> {
    let res = app.gql("{ services { slug } }", json!({})).await;
    pluck(&res.ok()["services"], "slug")
}

fn new_service() -> Value {
    json!({
        "name": "Dry Needling",
        "kind": "CLINICAL",
        "description": "Thin needles release trigger points.",
        "durationsMinutes": [45, 30, 45],
        "referralAccepted": true,
        "insuranceEligible": false,
    })
}

fn new_location() -> Value {
    json!({
        "name": "Evanston",
        "address": {
            "street": "1603 Orrington Avenue",
            "city": "Evanston",
            "region": "IL",
            "postalCode": "60201",
            "country": "us",
        },
        "timeZone": "America/Chicago",
        "phone": { "display": "(847) 555-0100", "e164": "+18475550100" },
        "email": "Evanston@Example.com",
        "geo": { "latitude": 42.0451, "longitude": -87.6877 },
    })
}

/// `today` plus `days` (negative: before).
fn date(days: i64) -> NaiveDate {
    let today = Utc::now().date_naive();
    if days >= 0 {
        today + Days::new(days.unsigned_abs())
    } else {
        today - Days::new(days.unsigned_abs())
    }
}

/// `today` plus `days` (negative: before), as `YYYY-MM-DD`.
fn day(days: i64) -> String {
    date(days).to_string()
}

/// A location in `time_zone` open on weekdays, 09:00–17:00.
async fn seed_open_location(app: &TestApp, name: &str, time_zone: &str) -> Seeded {
    seed_location(app, name, time_zone, hours(&WEEKDAYS, "09:00", "17:00")).await
}

/// Puts `location` on the map at `latitude`, `longitude`.
async fn place_on_map(app: &TestApp, location: &Seeded, latitude: f64, longitude: f64) {
    let token = app.admin_token().await;
    let res = app
        .gql_as(
            &token,
            &update_location(),
            json!({ "id": location.id, "input": { "geo": { "latitude": latitude, "longitude": longitude } } }),
        )
        .await;
    done(&res, "updateLocation");
}

#[tokio::test]
async fn an_admin_creates_a_service_the_public_list_then_shows() {
    let app = TestApp::empty().await;
    let existing = seed_service(&app, "Spa Massage", "RELAXATION").await;
    mark_audit_trail(&app).await;
    let admin = app.token_for(Role::Admin).await;
    let res = app
        .gql_as(&admin, &create_service(), json!({ "input": new_service() }))
        .await;
    let created = &done(&res, "createService")["service"];
    assert_eq!(created["slug"], "dry-needling");
    assert_eq!(created["kind"], "CLINICAL");
    assert_eq!(created["durationsMinutes"], json!([30, 45]));
    assert_eq!(created["active"], true);
    assert_eq!(
        created["locations"],
        json!([]),
        "offered where a therapist offers it"
    );
    assert_eq!(public_service(&app, "dry-needling").await, *created);
    assert_eq!(
        service_slugs(&app).await,
        [existing.slug.as_str(), "dry-needling"],
        "new services come last"
    );
    assert_audited(&app, &[("createService", subject(&created["id"]))]).await;
}

#[tokio::test]
async fn a_bad_service_is_refused_with_every_problem_at_once() {
    let app = TestApp::empty().await;
    let spa = seed_service(&app, "Spa Massage", "RELAXATION").await;
    mark_audit_trail(&app).await;
    let admin = app.token_for(Role::Admin).await;
    let mut input = new_service();
    input["name"] = json!("");
    input["durationsMinutes"] = json!([0, 60, 481, -5]);
    input["slug"] = json!(spa.slug);
    let res = app
        .gql_as(&admin, &create_service(), json!({ "input": input }))
        .await;
    let payload = &res.ok()["createService"];
    assert_eq!(payload["service"], Value::Null);
    assert_eq!(
        problems(payload),
        expected(&[
            ("input.name", "REQUIRED"),
            ("input.durationsMinutes.0", "OUT_OF_RANGE"),
            ("input.durationsMinutes.2", "OUT_OF_RANGE"),
            ("input.durationsMinutes.3", "OUT_OF_RANGE"),
            ("input.slug", "TAKEN"),
        ])
    );
    let mut input = new_service();
    input["durationsMinutes"] = json!([]);
    let res = app
        .gql_as(&admin, &create_service(), json!({ "input": input }))
        .await;
    assert_eq!(
        problems(&res.ok()["createService"]),
        expected(&[("input.durationsMinutes", "REQUIRED")])
    );
    assert_eq!(
        service::Entity::find().count(&app.db).await.unwrap(),
        1,
        "only the one seeded"
    );
    assert!(audit_trail(&app).await.is_empty());
}

#[tokio::test]
async fn a_retired_service_leaves_every_public_list_until_it_is_offered_again() {
    let app = TestApp::empty().await;
    // One therapist offers a clinical and a spa massage at two locations.
    let downtown = seed_open_location(&app, "Downtown", "America/Chicago").await;
    let uptown = seed_open_location(&app, "Uptown", "America/Chicago").await;
    let medical = seed_service(&app, "Medical Massage", "CLINICAL").await;
    let spa_service = seed_service(&app, "Spa Massage", "RELAXATION").await;
    let therapist = seed_therapist(
        &app,
        "Ana",
        "Ribeiro",
        &[&spa_service.slug, &medical.slug],
        &[&downtown.slug, &uptown.slug],
    )
    .await;
    mark_audit_trail(&app).await;
    let admin = app.token_for(Role::Admin).await;
    let spa = spa_service.id.clone();
    let res = app
        .gql_as(
            &admin,
            &update_service(),
            json!({ "id": spa, "input": { "name": "Relaxation Massage", "durationsMinutes": [90] } }),
        )
        .await;
    let updated = &done(&res, "updateService")["service"];
    assert_eq!(updated["name"], "Relaxation Massage");
    assert_eq!(updated["durationsMinutes"], json!([90]));
    assert_eq!(updated["kind"], "RELAXATION", "unchanged");
    assert_eq!(public_service(&app, &spa_service.slug).await, *updated);

    let res = app
        .gql_as(
            &admin,
            &update_service(),
            json!({ "id": spa, "input": { "active": false } }),
        )
        .await;
    assert_eq!(done(&res, "updateService")["service"]["active"], false);
    assert_eq!(public_service(&app, &spa_service.slug).await, Value::Null);
    assert!(!service_slugs(&app).await.contains(&spa_service.slug));
    let res = app
        .gql(
            r#"query($location: String!, $therapist: String!) {
                 location(slug: $location) { services { slug } }
                 therapist(slug: $therapist) { services { slug } } }"#,
            json!({ "location": downtown.slug, "therapist": therapist.slug }),
        )
        .await;
    assert_eq!(
        pluck(&res.ok()["location"]["services"], "slug"),
        [medical.slug.as_str()]
    );
    assert_eq!(
        pluck(&res.data["therapist"]["services"], "slug"),
        [medical.slug.as_str()]
    );

    let res = app
        .gql_as(
            &admin,
            &update_service(),
            json!({ "id": spa, "input": { "active": true } }),
        )
        .await;
    done(&res, "updateService");
    assert_eq!(
        pluck(
            &public_service(&app, &spa_service.slug).await["locations"],
            "slug"
        ),
        [downtown.slug.as_str(), uptown.slug.as_str()],
        "its links come back with it"
    );
    let spa_subject = subject(&json!(spa));
    assert_audited(
        &app,
        &[
            ("updateService", spa_subject.clone()),
            ("updateService", spa_subject.clone()),
            ("updateService", spa_subject),
        ],
    )
    .await;
}

#[tokio::test]
async fn an_admin_creates_a_location_with_its_address_phone_and_place_on_the_map() {
    let app = TestApp::empty().await;
    let existing = seed_open_location(&app, "Chicago Loop", "America/Chicago").await;
    mark_audit_trail(&app).await;
    let admin = app.token_for(Role::Admin).await;
    let res = app
        .gql_as(
            &admin,
            &create_location(),
            json!({ "input": new_location() }),
        )
        .await;
    let created = &done(&res, "createLocation")["location"];
    assert_eq!(created["slug"], "evanston");
    assert_eq!(created["address"]["country"], "US");
    assert_eq!(created["email"], "evanston@example.com");
    assert_eq!(created["phone"]["telUri"], "tel:+18475550100");
    assert_eq!(
        created["geo"],
        json!({ "latitude": 42.0451, "longitude": -87.6877 })
    );
    assert_eq!(created["openingHours"], json!([]));
    assert_eq!(public_location(&app, "evanston").await, *created);
    let res = app.gql("{ locations { slug } }", json!({})).await;
    assert_eq!(
        pluck(&res.ok()["locations"], "slug"),
        [existing.slug.as_str(), "evanston"]
    );
    // Without geo, and with a name taken: a numbered slug.
    let mut input = new_location();
    input["geo"] = Value::Null;
    let res = app
        .gql_as(&admin, &create_location(), json!({ "input": input }))
        .await;
    let second = &done(&res, "createLocation")["location"];
    assert_eq!(second["slug"], "evanston-2");
    assert_eq!(second["geo"], Value::Null);
    assert_audited(
        &app,
        &[
            ("createLocation", subject(&created["id"])),
            ("createLocation", subject(&second["id"])),
        ],
    )
    .await;
}

#[tokio::test]
async fn a_bad_location_is_refused_with_every_problem_at_once_and_nothing_is_stored() {
    let app = TestApp::empty().await;
    let boulder = seed_open_location(&app, "Boulder", "America/Denver").await;
    mark_audit_trail(&app).await;
    let admin = app.token_for(Role::Admin).await;
    let input = json!({
        "name": "Evanston",
        "slug": boulder.slug,
        "address": { "street": " ", "city": "Evanston", "region": "", "postalCode": "", "country": "USA" },
        "timeZone": "Mars/Olympus_Mons",
        "phone": { "display": "(847) 555-0100", "e164": "847-555-0100" },
        "email": "evanston at example.com",
        "geo": { "latitude": 91.0, "longitude": -180.5 },
    });
    let res = app
        .gql_as(&admin, &create_location(), json!({ "input": input }))
        .await;
    let payload = &res.ok()["createLocation"];
    assert_eq!(payload["location"], Value::Null);
    assert_eq!(
        problems(payload),
        expected(&[
            ("input.address.street", "REQUIRED"),
            ("input.address.country", "INVALID_FORMAT"),
            ("input.timeZone", "INVALID_FORMAT"),
            ("input.phone.e164", "INVALID_FORMAT"),
            ("input.email", "INVALID_FORMAT"),
            ("input.geo.latitude", "OUT_OF_RANGE"),
            ("input.geo.longitude", "OUT_OF_RANGE"),
            ("input.slug", "TAKEN"),
        ])
    );
    assert_eq!(
        location::Entity::find().count(&app.db).await.unwrap(),
        1,
        "only the one seeded"
    );
    assert!(audit_trail(&app).await.is_empty());
}

#[tokio::test]
async fn an_update_of_a_location_changes_only_the_fields_given() {
    let app = TestApp::empty().await;
    // A location with something in every field the update leaves alone, and
    // another whose slug is taken.
    let boulder = seed_open_location(&app, "Boulder", "America/Denver").await;
    place_on_map(&app, &boulder, 40.0165, -105.2770).await;
    seed_closure(&app, &boulder, date(5), "Floor maintenance").await;
    let service = seed_service(&app, "Medical Massage", "CLINICAL").await;
    let therapist =
        seed_therapist(&app, "Linh", "Nguyen", &[&service.slug], &[&boulder.slug]).await;
    let denver = seed_open_location(&app, "Denver Highlands", "America/Denver").await;
    mark_audit_trail(&app).await;
    let admin = app.token_for(Role::Admin).await;
    let before = public_location(&app, &boulder.slug).await;
    assert_ne!(before["geo"], Value::Null, "on the map before");
    for filled in ["openingHours", "closures", "services"] {
        assert_ne!(before[filled], json!([]), "{filled}");
    }
    let input = json!({
        "name": "Boulder Canyon",
        "address": { "street": "1900 Canyon Boulevard", "city": "Boulder", "region": "CO", "postalCode": "80302", "country": "US" },
        "phone": { "display": "720-555-0120", "e164": "+17205550120" },
        "geo": null,
    });
    let res = app
        .gql_as(
            &admin,
            &update_location(),
            json!({ "id": before["id"], "input": input }),
        )
        .await;
    let updated = &done(&res, "updateLocation")["location"];
    assert_eq!(updated["name"], "Boulder Canyon");
    assert_eq!(updated["address"]["street"], "1900 Canyon Boulevard");
    assert_eq!(updated["phone"]["e164"], "+17205550120");
    assert_eq!(updated["geo"], Value::Null);
    for unchanged in [
        "slug",
        "timeZone",
        "email",
        "openingHours",
        "closures",
        "services",
    ] {
        assert_eq!(updated[unchanged], before[unchanged], "{unchanged}");
    }
    assert_eq!(public_location(&app, &boulder.slug).await, *updated);

    let res = app
        .gql_as(
            &admin,
            &update_location(),
            json!({ "id": before["id"], "input": { "timeZone": "Mountain Time", "slug": denver.slug } }),
        )
        .await;
    assert_eq!(
        problems(&res.ok()["updateLocation"]),
        expected(&[
            ("input.timeZone", "INVALID_FORMAT"),
            ("input.slug", "TAKEN")
        ])
    );
    let res = app
        .gql_as(
            &admin,
            &update_location(),
            json!({ "id": therapist.id, "input": {} }),
        )
        .await;
    assert_eq!(
        problems(&res.ok()["updateLocation"]),
        expected(&[("id", "NOT_FOUND")])
    );
    assert_eq!(public_location(&app, &boulder.slug).await, *updated);
    assert_audited(&app, &[("updateLocation", subject(&before["id"]))]).await;
}

#[tokio::test]
async fn opening_hours_are_replaced_by_the_week_given() {
    let app = TestApp::empty().await;
    let location = seed_open_location(&app, "Boulder", "America/Denver").await;
    mark_audit_trail(&app).await;
    let admin = app.token_for(Role::Admin).await;
    let boulder = location.id.clone();
    let hours = json!([
        { "weekday": "SATURDAY", "opens": "09:00", "closes": "13:00" },
        { "weekday": "MONDAY", "opens": "13:00", "closes": "18:30" },
        { "weekday": "MONDAY", "opens": "08:00", "closes": "12:00" },
        { "weekday": "TUESDAY", "opens": "12:00", "closes": "13:00" },
        { "weekday": "TUESDAY", "opens": "13:00", "closes": "14:00" },
    ]);
    let res = app
        .gql_as(
            &admin,
            &set_opening_hours(),
            json!({ "id": boulder, "hours": hours }),
        )
        .await;
    let week = json!([
        { "weekday": "MONDAY", "opens": "08:00", "closes": "12:00" },
        { "weekday": "MONDAY", "opens": "13:00", "closes": "18:30" },
        { "weekday": "TUESDAY", "opens": "12:00", "closes": "13:00" },
        { "weekday": "TUESDAY", "opens": "13:00", "closes": "14:00" },
        { "weekday": "SATURDAY", "opens": "09:00", "closes": "13:00" },
    ]);
    assert_eq!(
        done(&res, "setOpeningHours")["location"]["openingHours"],
        week
    );
    assert_eq!(
        public_location(&app, &location.slug).await["openingHours"],
        week
    );

    // An empty week closes every day.
    let res = app
        .gql_as(
            &admin,
            &set_opening_hours(),
            json!({ "id": boulder, "hours": [] }),
        )
        .await;
    assert_eq!(
        done(&res, "setOpeningHours")["location"]["openingHours"],
        json!([])
    );
    assert_audited(
        &app,
        &[
            ("setOpeningHours", subject(&json!(boulder))),
            ("setOpeningHours", subject(&json!(boulder))),
        ],
    )
    .await;
}

#[tokio::test]
async fn bad_opening_hours_are_reported_by_index_and_the_old_week_stays() {
    let app = TestApp::empty().await;
    let mut week = hours(&[Weekday::Mon, Weekday::Tue], "08:00", "18:00");
    week.extend(hours(&[Weekday::Wed], "08:00", "12:00"));
    week.extend(hours(&[Weekday::Wed], "13:00", "18:00"));
    week.extend(hours(&[Weekday::Thu, Weekday::Fri], "08:00", "16:00"));
    let highlands = seed_location(&app, "Denver Highlands", "America/Denver", week.clone()).await;
    mark_audit_trail(&app).await;
    let admin = app.token_for(Role::Admin).await;
    let denver = highlands.id.clone();
    let before = public_location(&app, &highlands.slug).await["openingHours"].clone();
    assert_eq!(before.as_array().map(Vec::len), Some(week.len()));
    let hours = json!([
        { "weekday": "MONDAY", "opens": "08:00", "closes": "12:00" },
        { "weekday": "MONDAY", "opens": "8am", "closes": "24:00" },
        { "weekday": "TUESDAY", "opens": "17:00", "closes": "09:00" },
        { "weekday": "MONDAY", "opens": "11:00", "closes": "14:00" },
        { "weekday": "FRIDAY", "opens": "10:00", "closes": "10:00" },
    ]);
    let res = app
        .gql_as(
            &admin,
            &set_opening_hours(),
            json!({ "id": denver, "hours": hours }),
        )
        .await;
    let payload = &res.ok()["setOpeningHours"];
    assert_eq!(payload["location"], Value::Null);
    assert_eq!(
        problems(payload),
        expected(&[
            ("hours.1.opens", "INVALID_FORMAT"),
            ("hours.1.closes", "INVALID_FORMAT"),
            ("hours.2.closes", "OUT_OF_RANGE"),
            ("hours.4.closes", "OUT_OF_RANGE"),
            ("hours.3", "OUT_OF_RANGE"),
        ])
    );
    let res = app
        .gql_as(
            &admin,
            &set_opening_hours(),
            json!({ "id": "nope", "hours": [] }),
        )
        .await;
    assert_eq!(
        problems(&res.ok()["setOpeningHours"]),
        expected(&[("locationId", "NOT_FOUND")])
    );
    assert_eq!(
        public_location(&app, &highlands.slug).await["openingHours"],
        before
    );
    assert_eq!(
        opening_hours::Entity::find().count(&app.db).await.unwrap(),
        week.len() as u64,
        "the seeded week, no more"
    );
    assert!(audit_trail(&app).await.is_empty());
}

#[tokio::test]
async fn closures_are_added_from_today_on_and_removed() {
    let app = TestApp::empty().await;
    let chicago = seed_open_location(&app, "Chicago Loop", "America/Chicago").await;
    seed_closure(&app, &chicago, date(12), "Staff training day").await;
    seed_closure(&app, &chicago, date(45), "Holiday closure").await;
    mark_audit_trail(&app).await;
    let admin = app.token_for(Role::Admin).await;
    let loop_id = chicago.id.clone();
    let date = day(20);
    let vars = json!({ "id": loop_id, "date": date, "reason": "  Inventory  " });
    let res = app.gql_as(&admin, &add_closure(), vars.clone()).await;
    let closures = &done(&res, "addClosure")["location"]["closures"];
    assert!(
        closures
            .as_array()
            .unwrap()
            .contains(&json!({ "date": date, "reason": "Inventory" })),
        "{closures}"
    );
    assert_eq!(
        public_location(&app, &chicago.slug).await["closures"],
        *closures
    );

    // The same day again, a day gone by, no reason, no such location.
    let res = app.gql_as(&admin, &add_closure(), vars).await;
    assert_eq!(
        problems(&res.ok()["addClosure"]),
        expected(&[("date", "TAKEN")])
    );
    let res = app
        .gql_as(
            &admin,
            &add_closure(),
            json!({ "id": loop_id, "date": day(-2), "reason": "" }),
        )
        .await;
    assert_eq!(
        problems(&res.ok()["addClosure"]),
        expected(&[("reason", "REQUIRED"), ("date", "OUT_OF_RANGE")])
    );
    let res = app
        .gql_as(
            &admin,
            &add_closure(),
            json!({ "id": "nope", "date": day(3), "reason": "Flood" }),
        )
        .await;
    assert_eq!(
        problems(&res.ok()["addClosure"]),
        expected(&[("locationId", "NOT_FOUND")])
    );

    let res = app
        .gql_as(
            &admin,
            &remove_closure(),
            json!({ "id": loop_id, "date": date }),
        )
        .await;
    let closures = &done(&res, "removeClosure")["location"]["closures"];
    assert_eq!(
        pluck(closures, "reason"),
        ["Staff training day", "Holiday closure"]
    );
    let res = app
        .gql_as(
            &admin,
            &remove_closure(),
            json!({ "id": loop_id, "date": date }),
        )
        .await;
    assert_eq!(
        problems(&res.ok()["removeClosure"]),
        expected(&[("date", "NOT_FOUND")])
    );
    let loop_subject = subject(&json!(loop_id));
    assert_audited(
        &app,
        &[
            ("addClosure", loop_subject.clone()),
            ("removeClosure", loop_subject),
        ],
    )
    .await;
}

#[tokio::test]
async fn an_admin_updates_the_organization_and_bad_details_change_nothing() {
    let app = TestApp::empty().await;
    seed_organization(&app, "Physical Therapy First").await;
    mark_audit_trail(&app).await;
    let admin = app.token_for(Role::Admin).await;
    let before = public_organization(&app).await;
    let input = json!({
        "tagline": "Move better, together.",
        "phone": { "display": "800-PT-FIRST", "e164": "+18007834779" },
        "staffUrl": "https://example.com/team",
    });
    let res = app
        .gql_as(&admin, &update_organization(), json!({ "input": input }))
        .await;
    let updated = &done(&res, "updateOrganization")["organization"];
    assert_eq!(updated["tagline"], "Move better, together.");
    assert_eq!(updated["phone"]["telUri"], "tel:+18007834779");
    assert_eq!(updated["staffUrl"], "https://example.com/team");
    for unchanged in [
        "id",
        "name",
        "description",
        "email",
        "website",
        "contactUrl",
    ] {
        assert_eq!(updated[unchanged], before[unchanged], "{unchanged}");
    }
    assert_eq!(public_organization(&app).await, *updated);

    let input = json!({
        "name": "",
        "phone": { "display": "", "e164": "+1" },
        "email": "hello",
        "website": "example.com",
        "contactUrl": "mailto:hello@example.com",
    });
    let res = app
        .gql_as(&admin, &update_organization(), json!({ "input": input }))
        .await;
    assert_eq!(
        problems(&res.ok()["updateOrganization"]),
        expected(&[
            ("input.name", "REQUIRED"),
            ("input.phone.display", "REQUIRED"),
            ("input.phone.e164", "INVALID_FORMAT"),
            ("input.email", "INVALID_FORMAT"),
            ("input.website", "INVALID_FORMAT"),
            ("input.contactUrl", "INVALID_FORMAT"),
        ])
    );
    assert_eq!(public_organization(&app).await, *updated);
    assert_audited(&app, &[("updateOrganization", subject(&updated["id"]))]).await;
}

#[tokio::test]
async fn the_first_update_of_the_organization_sets_it_up_and_needs_every_field() {
    let app = TestApp::empty().await;
    let admin = app.token_for(Role::Admin).await;
    let res = app
        .gql_as(
            &admin,
            &update_organization(),
            json!({ "input": { "name": "Physical Therapy First" } }),
        )
        .await;
    assert_eq!(
        problems(&res.ok()["updateOrganization"]),
        expected(&[
            ("input.tagline", "REQUIRED"),
            ("input.description", "REQUIRED"),
            ("input.phone", "REQUIRED"),
            ("input.email", "REQUIRED"),
            ("input.website", "REQUIRED"),
            ("input.contactUrl", "REQUIRED"),
            ("input.staffUrl", "REQUIRED"),
        ])
    );
    assert_eq!(
        organization::Entity::find().count(&app.db).await.unwrap(),
        0
    );

    let input = json!({
        "name": "Physical Therapy First",
        "tagline": "Physical therapy and medical massage.",
        "description": "An outpatient clinic.",
        "phone": { "display": "800-PT-FIRST", "e164": "+18007834778" },
        "email": "hello@example.com",
        "website": "https://example.com",
        "contactUrl": "https://example.com/contact",
        "staffUrl": "https://example.com/staff",
    });
    let res = app
        .gql_as(&admin, &update_organization(), json!({ "input": input }))
        .await;
    let created = &done(&res, "updateOrganization")["organization"];
    assert_eq!(created["name"], "Physical Therapy First");
    assert_eq!(public_organization(&app).await, *created);
    assert_audited(&app, &[("updateOrganization", subject(&created["id"]))]).await;
}

#[tokio::test]
async fn only_admins_may_change_the_clinic() {
    let app = TestApp::empty().await;
    seed_organization(&app, "Physical Therapy First").await;
    let spa = seed_service(&app, "Spa Massage", "RELAXATION").await.id;
    let location = seed_open_location(&app, "Boulder", "America/Denver").await;
    seed_closure(&app, &location, date(5), "Floor maintenance").await;
    mark_audit_trail(&app).await;
    let boulder = location.id.clone();
    let cases = [
        (
            "createService",
            create_service(),
            json!({ "input": new_service() }),
        ),
        (
            "updateService",
            update_service(),
            json!({ "id": spa, "input": { "active": false } }),
        ),
        (
            "createLocation",
            create_location(),
            json!({ "input": new_location() }),
        ),
        (
            "updateLocation",
            update_location(),
            json!({ "id": boulder, "input": { "name": "Boulder Canyon" } }),
        ),
        (
            "setOpeningHours",
            set_opening_hours(),
            json!({ "id": boulder, "hours": [] }),
        ),
        (
            "addClosure",
            add_closure(),
            json!({ "id": boulder, "date": day(9), "reason": "Inventory" }),
        ),
        (
            "removeClosure",
            remove_closure(),
            json!({ "id": boulder, "date": day(5) }),
        ),
        (
            "updateOrganization",
            update_organization(),
            json!({ "input": { "name": "PT Second" } }),
        ),
    ];
    assert_only_admins_may(&app, &cases).await;
}
