//! The clinic as a front end shows it: the organization, its locations and services.

use chrono::{NaiveDate, Utc};
use serde_json::{Value, json};

use crate::support::{TestApp, pluck};

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

#[tokio::test]
async fn the_organization_has_its_name_and_phone_in_every_form() {
    let app = TestApp::with_demo().await;
    let res = app.gql(ORGANIZATION, json!({})).await;
    let org = &res.ok()["organization"];
    assert_eq!(org["name"], "Physical Therapy First");
    assert_eq!(org["phone"]["display"], "800-PT-FIRST");
    assert_eq!(org["phone"]["e164"], "+18007834778");
    assert_eq!(org["phone"]["telUri"], "tel:+18007834778");
    assert!(!org["tagline"].as_str().unwrap().is_empty());
    assert!(!org["description"].as_str().unwrap().is_empty());
    assert!(org["id"].as_str().is_some_and(|id| !id.is_empty()));
    assert_eq!(
        pluck(&org["locations"], "slug"),
        ["chicago-loop", "denver-highlands", "boulder"]
    );
}

#[tokio::test]
async fn the_organization_json_ld_is_a_medical_clinic_with_contact_points_and_departments() {
    let app = TestApp::with_demo().await;
    let res = app.gql(ORGANIZATION, json!({})).await;
    let ld = &res.ok()["organization"]["jsonLd"];
    assert_eq!(ld["@context"], "https://schema.org");
    assert!(has_type(ld, "MedicalClinic"), "@type: {}", ld["@type"]);
    assert_eq!(ld["name"], "Physical Therapy First");
    assert_eq!(ld["telephone"], "+18007834778");

    let contact = ld["contactPoint"].as_array().expect("contactPoint list");
    assert!(!contact.is_empty());
    assert_eq!(contact[0]["@type"], "ContactPoint");
    assert_eq!(contact[0]["telephone"], "+18007834778");

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
    let app = TestApp::with_demo().await;
    let res = app.gql(LOCATIONS, json!({})).await;
    let locations = &res.ok()["locations"];
    assert_eq!(
        pluck(locations, "slug"),
        ["chicago-loop", "denver-highlands", "boulder"]
    );

    let loop_ = by_slug(locations, "chicago-loop");
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
            "display": "(312) 555-0142",
            "e164": "+13125550142",
            "telUri": "tel:+13125550142",
        })
    );
    assert_eq!(loop_["email"], "loop@example.com");
    let latitude = loop_["geo"]["latitude"].as_f64().expect("latitude");
    let longitude = loop_["geo"]["longitude"].as_f64().expect("longitude");
    assert!((latitude - 41.8857).abs() < 1e-4, "latitude {latitude}");
    assert!((longitude + 87.6340).abs() < 1e-4, "longitude {longitude}");

    let denver = by_slug(locations, "denver-highlands");
    assert_eq!(denver["timeZone"], "America/Denver");
    assert_eq!(denver["address"]["region"], "CO");
}

#[tokio::test]
async fn opening_hours_are_by_weekday_and_a_day_may_have_two_ranges() {
    let app = TestApp::with_demo().await;
    let res = app.gql(LOCATIONS, json!({})).await;
    let locations = &res.ok()["locations"];

    let loop_hours = by_slug(locations, "chicago-loop")["openingHours"].clone();
    assert_eq!(loop_hours.as_array().unwrap().len(), 6);
    assert_eq!(
        loop_hours[0],
        json!({ "weekday": "MONDAY", "opens": "07:00", "closes": "19:00" })
    );
    assert_eq!(
        loop_hours[5],
        json!({ "weekday": "SATURDAY", "opens": "08:00", "closes": "13:00" })
    );

    let denver_hours = &by_slug(locations, "denver-highlands")["openingHours"];
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
    let app = TestApp::with_demo().await;
    // A closure long past must not be shown.
    app.exec(
        "INSERT INTO closure (location_id, date, reason) \
         SELECT id, '2001-01-01', 'Long ago' FROM location WHERE slug = 'chicago-loop'",
    )
    .await;
    let res = app.gql(LOCATIONS, json!({})).await;
    let locations = &res.ok()["locations"];
    let today = Utc::now().date_naive();

    let loop_closures = by_slug(locations, "chicago-loop")["closures"]
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
    let app = TestApp::with_demo().await;
    let res = app.gql(LOCATIONS, json!({})).await;
    for location in res.ok()["locations"].as_array().unwrap() {
        assert!(location["isOpenNow"].is_boolean(), "{location:#}");
    }
}

#[tokio::test]
async fn a_location_lists_the_services_offered_there_in_the_clinic_order() {
    let app = TestApp::with_demo().await;
    let res = app.gql(LOCATIONS, json!({})).await;
    let services = pluck(
        &by_slug(&res.ok()["locations"], "chicago-loop")["services"],
        "slug",
    );
    assert_eq!(
        services,
        [
            "medical-massage",
            "spa-massage",
            "physical-therapy-evaluation",
            "manual-therapy",
            "sports-massage",
        ]
    );
}

#[tokio::test]
async fn a_location_json_ld_carries_address_geo_and_hours() {
    let app = TestApp::with_demo().await;
    let res = app.gql(LOCATIONS, json!({})).await;
    let ld = &by_slug(&res.ok()["locations"], "boulder")["jsonLd"];
    assert_eq!(ld["@context"], "https://schema.org");
    assert!(has_type(ld, "MedicalClinic"), "@type: {}", ld["@type"]);
    assert_eq!(ld["address"]["addressLocality"], "Boulder");
    assert_eq!(ld["geo"]["@type"], "GeoCoordinates");
    assert_eq!(ld["openingHoursSpecification"].as_array().unwrap().len(), 5);
}

#[tokio::test]
async fn a_location_is_found_by_its_slug() {
    let app = TestApp::with_demo().await;
    let res = app
        .gql(LOCATION, json!({ "slug": "denver-highlands" }))
        .await;
    let location = &res.ok()["location"];
    assert_eq!(location["slug"], "denver-highlands");
    assert_eq!(location["name"], "Denver Highlands");
    assert_eq!(location["address"]["city"], "Denver");
    assert_eq!(location["timeZone"], "America/Denver");
    assert_eq!(location["closures"][0]["reason"], "Holiday closure");
}

#[tokio::test]
async fn an_unknown_location_slug_is_null_not_an_error() {
    let app = TestApp::with_demo().await;
    let res = app.gql(LOCATION, json!({ "slug": "atlantis" })).await;
    assert!(res.ok()["location"].is_null());
}

#[tokio::test]
async fn services_come_in_the_clinic_order() {
    let app = TestApp::with_demo().await;
    let res = app.gql(SERVICES, json!({})).await;
    assert_eq!(
        pluck(&res.ok()["services"], "slug"),
        [
            "medical-massage",
            "spa-massage",
            "physical-therapy-evaluation",
            "manual-therapy",
            "sports-massage",
        ]
    );
}

#[tokio::test]
async fn medical_massage_is_clinical_and_spa_massage_is_for_relaxation() {
    let app = TestApp::with_demo().await;
    let res = app.gql(SERVICES, json!({})).await;
    let services = &res.ok()["services"];

    let medical = by_slug(services, "medical-massage");
    assert_eq!(medical["name"], "Medical Massage");
    assert_eq!(medical["kind"], "CLINICAL");
    assert_eq!(medical["referralAccepted"], true);
    assert_eq!(medical["insuranceEligible"], true);
    assert_eq!(medical["durationsMinutes"], json!([30, 60, 90]));

    let spa = by_slug(services, "spa-massage");
    assert_eq!(spa["name"], "Relaxation Massage");
    assert_eq!(spa["kind"], "RELAXATION");
    assert_eq!(spa["referralAccepted"], false);
    assert_eq!(spa["insuranceEligible"], false);
    assert_eq!(spa["durationsMinutes"], json!([60, 90]));

    for service in services.as_array().unwrap() {
        assert!(!service["description"].as_str().unwrap().is_empty());
        assert!(!service["durationsMinutes"].as_array().unwrap().is_empty());
    }
}

#[tokio::test]
async fn a_service_lists_the_locations_offering_it() {
    let app = TestApp::with_demo().await;
    let res = app.gql(SERVICES, json!({})).await;
    let services = &res.ok()["services"];
    assert_eq!(
        pluck(&by_slug(services, "spa-massage")["locations"], "slug"),
        ["chicago-loop", "denver-highlands", "boulder"]
    );
}

#[tokio::test]
async fn a_service_is_found_by_its_slug() {
    let app = TestApp::with_demo().await;
    let res = app.gql(SERVICE, json!({ "slug": "manual-therapy" })).await;
    let service = &res.ok()["service"];
    assert_eq!(service["slug"], "manual-therapy");
    assert_eq!(service["name"], "Manual Therapy");
    assert_eq!(service["kind"], "CLINICAL");
    assert_eq!(service["durationsMinutes"], json!([30, 45, 60]));
    assert_eq!(service["referralAccepted"], true);
    assert!(!service["locations"].as_array().unwrap().is_empty());
}

#[tokio::test]
async fn an_unknown_service_slug_is_null_not_an_error() {
    let app = TestApp::with_demo().await;
    let res = app
        .gql(SERVICE, json!({ "slug": "hot-stone-massage" }))
        .await;
    assert!(res.ok()["service"].is_null());
}

#[tokio::test]
async fn an_inactive_service_is_neither_listed_nor_found() {
    let app = TestApp::with_demo().await;
    app.exec("UPDATE service SET active = false WHERE slug = 'sports-massage'")
        .await;
    let res = app.gql(SERVICES, json!({})).await;
    assert!(!pluck(&res.ok()["services"], "slug").contains(&"sports-massage".to_owned()));
    let res = app.gql(SERVICE, json!({ "slug": "sports-massage" })).await;
    assert!(res.ok()["service"].is_null());
}
