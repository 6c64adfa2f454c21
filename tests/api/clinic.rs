//! The clinic as a front end shows it: the organization, its locations and services.

use chrono::{Duration, NaiveDate, Utc, Weekday};
use serde_json::{Value, json};

use crate::support::seed::{
    WEEKDAYS, done, hours, seed_closure, seed_location, seed_organization, seed_service,
    seed_therapist,
};
use crate::support::{Seeded, TestApp, pluck};

const ORGANIZATION: &str = r#"
query {
  organization {
    id
    name
    tagline
    description
    phone { display e164 telUri }
    email
    website
    contactUrl
    staffUrl
    locations { slug }
    jsonLd
  }
}"#;

const LOCATIONS: &str = r#"
query {
  locations {
    id
    slug
    name
    address { street city region postalCode country }
    timeZone
    phone { display e164 telUri }
    email
    geo { latitude longitude }
    openingHours { weekday opens closes }
    closures { date reason }
    isOpenNow
    services { slug }
    jsonLd
  }
}"#;

const LOCATION: &str = r#"
query ($slug: String!) {
  location(slug: $slug) {
    slug
    name
    address { city region }
    timeZone
    closures { date reason }
  }
}"#;

const SERVICES: &str = r#"
query {
  services {
    id
    slug
    name
    kind
    description
    durationsMinutes
    referralAccepted
    insuranceEligible
    locations { slug }
  }
}"#;

const SERVICE: &str = r#"
query ($slug: String!) {
  service(slug: $slug) {
    slug
    name
    kind
    durationsMinutes
    referralAccepted
    insuranceEligible
    locations { slug }
  }
}"#;

/// The entry of `list` whose `slug` is `slug`.
#[track_caller]
fn by_slug<'a>(list: &'a Value, slug: &str) -> &'a Value {
    list.as_array()
        .expect("a list")
        .iter()
        .find(|item| item["slug"] == slug)
        .unwrap_or_else(|| panic!("no {slug} in {list:#}"))
}

/// Whether a JSON-LD `@type` (a string or a list of strings) names `ty`.
fn has_type(value: &Value, ty: &str) -> bool {
    match &value["@type"] {
        Value::String(s) => s == ty,
        Value::Array(types) => types.iter().any(|t| t == ty),
        _ => false,
    }
}

/// The clinic these tests read: three locations, three services, two therapists.
struct World {
    name: &'static str,
    chicago: Seeded,
    denver: Seeded,
    boulder: Seeded,
    medical: Seeded,
    spa: Seeded,
    manual: Seeded,
}

/// Puts `location` in `city`, `region`, at `latitude`, `longitude`.
async fn place(app: &TestApp, location: &Seeded, city: &str, region: &str, geo: (f64, f64)) {
    let token = app.admin_token().await;
    let res = app
        .gql_as(
            &token,
            "mutation($id: ID!, $input: UpdateLocationInput!) { updateLocation(id: $id, input: $input) { userErrors { field message code } } }",
            json!({ "id": location.id, "input": {
                "address": {
                    "street": "200 W Lake Street, Suite 410",
                    "city": city,
                    "region": region,
                    "postalCode": "60601",
                    "country": "US",
                },
                "geo": { "latitude": geo.0, "longitude": geo.1 },
            } }),
        )
        .await;
    done(&res, "updateLocation");
}

/// Makes the [`World`]: Chicago Loop open on weekdays and Saturday mornings,
/// Denver Highlands with a lunch break on Wednesdays, Boulder on weekdays;
/// each closed on some day ahead. One therapist gives all three services at
/// Chicago Loop, another the relaxation massage and manual therapy at
/// Denver Highlands and Boulder.
async fn world(app: &TestApp) -> World {
    let name = "Lakeshore Physical Therapy";
    seed_organization(app, name).await;

    let mut chicago_hours = hours(&WEEKDAYS, "07:00", "19:00");
    chicago_hours.extend(hours(&[Weekday::Sat], "08:00", "13:00"));
    let chicago = seed_location(app, "Chicago Loop", "America/Chicago", chicago_hours).await;
    place(app, &chicago, "Chicago", "IL", (41.8857, -87.6340)).await;

    let mut denver_hours = hours(
        &[Weekday::Mon, Weekday::Tue, Weekday::Thu, Weekday::Fri],
        "08:00",
        "18:00",
    );
    denver_hours.extend(hours(&[Weekday::Wed], "13:00", "18:00"));
    denver_hours.extend(hours(&[Weekday::Wed], "08:00", "12:00"));
    let denver = seed_location(app, "Denver Highlands", "America/Denver", denver_hours).await;
    place(app, &denver, "Denver", "CO", (39.7617, -105.0110)).await;

    let boulder = seed_location(
        app,
        "Boulder",
        "America/Denver",
        hours(&WEEKDAYS, "09:00", "17:00"),
    )
    .await;
    place(app, &boulder, "Boulder", "CO", (40.0150, -105.2705)).await;

    let today = Utc::now().date_naive();
    seed_closure(app, &chicago, today + Duration::days(30), "Holiday closure").await;
    seed_closure(
        app,
        &chicago,
        today + Duration::days(10),
        "Staff training day",
    )
    .await;
    seed_closure(app, &denver, today + Duration::days(30), "Holiday closure").await;
    seed_closure(app, &boulder, today + Duration::days(20), "Inventory day").await;

    let medical = seed_service(app, "Medical Massage", "CLINICAL").await;
    let spa = seed_service(app, "Relaxation Massage", "RELAXATION").await;
    let manual = seed_service(app, "Manual Therapy", "CLINICAL").await;

    seed_therapist(
        app,
        "Maria",
        "Gonzalez",
        &[&manual.slug, &spa.slug, &medical.slug],
        &[&chicago.slug],
    )
    .await;
    seed_therapist(
        app,
        "Daniel",
        "Kowalski",
        &[&manual.slug, &spa.slug],
        &[&boulder.slug, &denver.slug],
    )
    .await;
    app.settle().await;
    World {
        name,
        chicago,
        denver,
        boulder,
        medical,
        spa,
        manual,
    }
}

#[tokio::test]
async fn the_organization_has_its_name_and_phone_in_every_form() {
    let app = TestApp::empty().await;
    let w = world(&app).await;
    let res = app.gql(ORGANIZATION, json!({})).await;
    let org = &res.ok()["organization"];
    assert_eq!(org["name"], w.name);
    assert_eq!(org["phone"]["display"], "(312) 555-0100");
    assert_eq!(org["phone"]["e164"], "+13125550100");
    assert_eq!(org["phone"]["telUri"], "tel:+13125550100");
    assert!(!org["tagline"].as_str().unwrap().is_empty());
    assert!(!org["description"].as_str().unwrap().is_empty());
    assert!(org["id"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(
        pluck(&org["locations"], "slug"),
        [
            w.chicago.slug.as_str(),
            w.denver.slug.as_str(),
            w.boulder.slug.as_str()
        ]
    );
}

#[tokio::test]
async fn the_organization_json_ld_is_a_medical_clinic_with_contact_points_and_departments() {
    let app = TestApp::empty().await;
    let w = world(&app).await;
    let res = app.gql(ORGANIZATION, json!({})).await;
    let ld = &res.ok()["organization"]["jsonLd"];
    assert_eq!(ld["@context"], "https://schema.org");
    assert!(has_type(ld, "MedicalClinic"), "@type: {}", ld["@type"]);
    assert_eq!(ld["name"], w.name);
    assert_eq!(ld["telephone"], "+13125550100");

    let contact = ld["contactPoint"].as_array().expect("contactPoint list");
    assert!(!contact.is_empty());
    assert_eq!(contact[0]["@type"], "ContactPoint");
    assert_eq!(contact[0]["telephone"], "+13125550100");

    let departments = ld["department"].as_array().expect("department list");
    assert_eq!(departments.len(), 3);
    for department in departments {
        assert!(department["address"]["streetAddress"].is_string());
        let hours = department["openingHoursSpecification"]
            .as_array()
            .expect("opening hours list");
        assert!(!hours.is_empty(), "{department:#}");
        assert_eq!(hours[0]["@type"], "OpeningHoursSpecification");
        assert!(
            hours[0]["dayOfWeek"]
                .as_str()
                .unwrap()
                .starts_with("https://schema.org/")
        );
    }
}

#[tokio::test]
async fn an_empty_database_has_no_organization_and_no_locations() {
    let app = TestApp::empty().await;
    let res = app.gql(ORGANIZATION, json!({})).await;
    assert!(res.ok()["organization"].is_null());
    let res = app.gql(LOCATIONS, json!({})).await;
    assert_eq!(res.ok()["locations"], json!([]));
    let res = app.gql(SERVICES, json!({})).await;
    assert_eq!(res.ok()["services"], json!([]));
}

#[tokio::test]
async fn locations_come_in_the_clinic_order_with_address_time_zone_and_geo() {
    let app = TestApp::empty().await;
    let w = world(&app).await;
    let res = app.gql(LOCATIONS, json!({})).await;
    let locations = &res.ok()["locations"];
    assert_eq!(
        pluck(locations, "slug"),
        [
            w.chicago.slug.as_str(),
            w.denver.slug.as_str(),
            w.boulder.slug.as_str()
        ]
    );

    let loop_ = by_slug(locations, &w.chicago.slug);
    assert_eq!(loop_["name"], "Chicago Loop");
    assert_eq!(
        loop_["address"],
        json!({
            "street": "200 W Lake Street, Suite 410",
            "city": "Chicago",
            "region": "IL",
            "postalCode": "60601",
            "country": "US",
        })
    );
    assert_eq!(loop_["timeZone"], "America/Chicago");
    assert_eq!(
        loop_["phone"],
        json!({
            "display": "(312) 555-0100",
            "e164": "+13125550100",
            "telUri": "tel:+13125550100",
        })
    );
    assert_eq!(loop_["email"], "front.desk@example.com");
    let latitude = loop_["geo"]["latitude"].as_f64().expect("latitude");
    let longitude = loop_["geo"]["longitude"].as_f64().expect("longitude");
    assert!((latitude - 41.8857).abs() < 1e-4, "latitude {latitude}");
    assert!((longitude + 87.6340).abs() < 1e-4, "longitude {longitude}");

    let denver = by_slug(locations, &w.denver.slug);
    assert_eq!(denver["timeZone"], "America/Denver");
    assert_eq!(denver["address"]["region"], "CO");
}

#[tokio::test]
async fn opening_hours_are_by_weekday_and_a_day_may_have_two_ranges() {
    let app = TestApp::empty().await;
    let w = world(&app).await;
    let res = app.gql(LOCATIONS, json!({})).await;
    let locations = &res.ok()["locations"];

    let loop_hours = by_slug(locations, &w.chicago.slug)["openingHours"].clone();
    assert_eq!(loop_hours.as_array().unwrap().len(), 6);
    assert_eq!(
        loop_hours[0],
        json!({ "weekday": "MONDAY", "opens": "07:00", "closes": "19:00" })
    );
    assert_eq!(
        loop_hours[5],
        json!({ "weekday": "SATURDAY", "opens": "08:00", "closes": "13:00" })
    );

    let denver_hours = &by_slug(locations, &w.denver.slug)["openingHours"];
    let wednesday: Vec<&Value> = denver_hours
        .as_array()
        .unwrap()
        .iter()
        .filter(|h| h["weekday"] == "WEDNESDAY")
        .collect();
    assert_eq!(
        wednesday,
        [
            &json!({ "weekday": "WEDNESDAY", "opens": "08:00", "closes": "12:00" }),
            &json!({ "weekday": "WEDNESDAY", "opens": "13:00", "closes": "18:00" }),
        ]
    );

    // By weekday, then opening time.
    let order = [
        "MONDAY",
        "TUESDAY",
        "WEDNESDAY",
        "THURSDAY",
        "FRIDAY",
        "SATURDAY",
        "SUNDAY",
    ];
    for location in locations.as_array().unwrap() {
        let keys: Vec<(usize, String)> = location["openingHours"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| {
                let day = order
                    .iter()
                    .position(|d| h["weekday"] == *d)
                    .expect("a weekday");
                (day, h["opens"].as_str().unwrap().to_owned())
            })
            .collect();
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(keys, sorted, "{}", location["slug"]);
    }
}

#[tokio::test]
async fn closures_are_listed_from_today_on_soonest_first() {
    let app = TestApp::empty().await;
    let w = world(&app).await;
    // A closure long past must not be shown.
    app.exec(&format!(
        "INSERT INTO closure (location_id, date, reason) \
         SELECT id, '2001-01-01', 'Long ago' FROM location WHERE slug = '{}'",
        w.chicago.slug
    ))
    .await;
    let res = app.gql(LOCATIONS, json!({})).await;
    let locations = &res.ok()["locations"];
    let today = Utc::now().date_naive();

    let loop_closures = by_slug(locations, &w.chicago.slug)["closures"]
        .as_array()
        .unwrap()
        .clone();
    let reasons: Vec<&str> = loop_closures
        .iter()
        .map(|c| c["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons, ["Staff training day", "Holiday closure"]);

    for location in locations.as_array().unwrap() {
        let dates: Vec<NaiveDate> = location["closures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["date"].as_str().unwrap().parse().expect("YYYY-MM-DD"))
            .collect();
        assert!(!dates.is_empty(), "{}", location["slug"]);
        assert!(
            dates.iter().all(|d| *d >= today),
            "{}: {dates:?}",
            location["slug"]
        );
        assert!(dates.is_sorted(), "{}: {dates:?}", location["slug"]);
    }
}

#[tokio::test]
async fn is_open_now_is_a_boolean_for_every_location() {
    let app = TestApp::empty().await;
    world(&app).await;
    let res = app.gql(LOCATIONS, json!({})).await;
    for location in res.ok()["locations"].as_array().unwrap() {
        assert!(location["isOpenNow"].is_boolean(), "{location:#}");
    }
}

#[tokio::test]
async fn a_location_lists_the_services_offered_there_in_the_clinic_order() {
    let app = TestApp::empty().await;
    let w = world(&app).await;
    let res = app.gql(LOCATIONS, json!({})).await;
    let services = pluck(
        &by_slug(&res.ok()["locations"], &w.chicago.slug)["services"],
        "slug",
    );
    assert_eq!(
        services,
        [
            w.medical.slug.as_str(),
            w.spa.slug.as_str(),
            w.manual.slug.as_str()
        ]
    );
}

#[tokio::test]
async fn a_location_json_ld_carries_address_geo_and_hours() {
    let app = TestApp::empty().await;
    let w = world(&app).await;
    let res = app.gql(LOCATIONS, json!({})).await;
    let ld = &by_slug(&res.ok()["locations"], &w.boulder.slug)["jsonLd"];
    assert_eq!(ld["@context"], "https://schema.org");
    assert!(has_type(ld, "MedicalClinic"), "@type: {}", ld["@type"]);
    assert_eq!(ld["address"]["addressLocality"], "Boulder");
    assert_eq!(ld["geo"]["@type"], "GeoCoordinates");
    assert_eq!(ld["openingHoursSpecification"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn a_location_is_found_by_its_slug() {
    let app = TestApp::empty().await;
    let w = world(&app).await;
    let res = app.gql(LOCATION, json!({ "slug": w.denver.slug })).await;
    let location = &res.ok()["location"];
    assert_eq!(location["slug"], w.denver.slug);
    assert_eq!(location["name"], "Denver Highlands");
    assert_eq!(location["address"]["city"], "Denver");
    assert_eq!(location["timeZone"], "America/Denver");
    assert_eq!(location["closures"][0]["reason"], "Holiday closure");
}

#[tokio::test]
async fn an_unknown_location_slug_is_null_not_an_error() {
    let app = TestApp::empty().await;
    world(&app).await;
    let res = app.gql(LOCATION, json!({ "slug": "atlantis" })).await;
    assert!(res.ok()["location"].is_null());
}

#[tokio::test]
async fn services_come_in_the_clinic_order() {
    let app = TestApp::empty().await;
    let w = world(&app).await;
    let res = app.gql(SERVICES, json!({})).await;
    assert_eq!(
        pluck(&res.ok()["services"], "slug"),
        [
            w.medical.slug.as_str(),
            w.spa.slug.as_str(),
            w.manual.slug.as_str()
        ]
    );
}

#[tokio::test]
async fn medical_massage_is_clinical_and_spa_massage_is_for_relaxation() {
    let app = TestApp::empty().await;
    let w = world(&app).await;
    let res = app.gql(SERVICES, json!({})).await;
    let services = &res.ok()["services"];

    let medical = by_slug(services, &w.medical.slug);
    assert_eq!(medical["name"], "Medical Massage");
    assert_eq!(medical["kind"], "CLINICAL");
    assert_eq!(medical["referralAccepted"], true);
    assert_eq!(medical["insuranceEligible"], true);
    assert_eq!(medical["durationsMinutes"], json!([30, 60]));

    let spa = by_slug(services, &w.spa.slug);
    assert_eq!(spa["name"], "Relaxation Massage");
    assert_eq!(spa["kind"], "RELAXATION");
    assert_eq!(spa["referralAccepted"], false);
    assert_eq!(spa["insuranceEligible"], false);
    assert_eq!(spa["durationsMinutes"], json!([30, 60]));

    for service in services.as_array().unwrap() {
        assert!(!service["description"].as_str().unwrap().is_empty());
        assert!(!service["durationsMinutes"].as_array().unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_service_lists_the_locations_offering_it() {
    let app = TestApp::empty().await;
    let w = world(&app).await;
    let res = app.gql(SERVICES, json!({})).await;
    let services = &res.ok()["services"];
    assert_eq!(
        pluck(&by_slug(services, &w.spa.slug)["locations"], "slug"),
        [
            w.chicago.slug.as_str(),
            w.denver.slug.as_str(),
            w.boulder.slug.as_str()
        ]
    );
}

#[tokio::test]
async fn a_service_is_found_by_its_slug() {
    let app = TestApp::empty().await;
    let w = world(&app).await;
    let res = app.gql(SERVICE, json!({ "slug": w.manual.slug })).await;
    let service = &res.ok()["service"];
    assert_eq!(service["slug"], w.manual.slug);
    assert_eq!(service["name"], "Manual Therapy");
    assert_eq!(service["kind"], "CLINICAL");
    assert_eq!(service["durationsMinutes"], json!([30, 60]));
    assert_eq!(service["referralAccepted"], true);
    assert!(!service["locations"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn an_unknown_service_slug_is_null_not_an_error() {
    let app = TestApp::empty().await;
    world(&app).await;
    let res = app
        .gql(SERVICE, json!({ "slug": "hot-stone-massage" }))
        .await;
    assert!(res.ok()["service"].is_null());
}

#[tokio::test]
async fn an_inactive_service_is_neither_listed_nor_found() {
    let app = TestApp::empty().await;
    let w = world(&app).await;
    app.exec(&format!(
        "UPDATE service SET active = false WHERE slug = '{}'",
        w.manual.slug
    ))
    .await;
    let res = app.gql(SERVICES, json!({})).await;
    assert_eq!(
        pluck(&res.ok()["services"], "slug"),
        [w.medical.slug.as_str(), w.spa.slug.as_str()]
    );
    let res = app.gql(SERVICE, json!({ "slug": w.manual.slug })).await;
    assert!(res.ok()["service"].is_null());
}
