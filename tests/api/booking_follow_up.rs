//! After the form: the patient checks or cancels a request with its reference
//! and email; the front desk (and ADMIN, nobody else) lists and reads
//! requests and follows them up — status changes that never overwrite a
//! colleague's, therapist assignments, notes — each logged with who did it.

use chrono::Weekday;
use clinic_api::auth::Role;
use futures_util::future::join;
use serde_json::{Value, json};

use crate::support::admin::{expected, problems};
use crate::support::app::Staff;
use crate::support::bookings::{assert_no_patient_details, count, local, reference, row, submit};
use crate::support::seed::{
    WEEKDAYS, deactivate_therapist, hours, next, seed_location, seed_service, seed_therapist,
};
use crate::support::{Clinic, GqlResponse, Seeded, TestApp, pluck, seed_clinic};

/// The receipt as `requestBooking` shows it.
const STATUS: &str = r#"
query($reference: String!, $email: String!) {
  bookingRequestStatus(reference: $reference, email: $email) {
    id reference status submittedAt
    service { slug } location { slug } therapist { slug }
    preferredWindows { start end }
  }
}"#;

const CANCEL: &str = r#"
mutation($reference: String!, $email: String!) {
  cancelBookingRequest(reference: $reference, email: $email) {
    receipt { reference status }
    userErrors { field message code }
  }
}"#;

const DETAIL: &str = r#"
query($id: ID!) {
  bookingRequest(id: $id) {
    id reference status nextStatuses fullName email phone preferredContact
    service { slug } location { slug }
    preferredTherapist { slug } assignedTherapist { slug }
    preferredWindows { start end }
    newPatient physicianReferral insuranceProvider message
    submittedAt updatedAt anonymisedAt
    events { kind fromStatus toStatus note staff { email } therapist { slug } at }
  }
}"#;

const LIST: &str = r#"
query($first: Int, $after: String, $last: Int, $filter: BookingRequestFilter) {
  bookingRequests(first: $first, after: $after, last: $last, filter: $filter) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage endCursor }
    nodes { id reference status submittedAt }
  }
}"#;

const SET_STATUS: &str = r#"
mutation($id: ID!, $expected: BookingRequestStatus!, $status: BookingRequestStatus!, $note: String) {
  updateBookingRequestStatus(id: $id, expectedStatus: $expected, status: $status, note: $note) {
    bookingRequest { id status updatedAt }
    userErrors { field message code }
  }
}"#;

const ASSIGN: &str = r#"
mutation($id: ID!, $therapist: String, $note: String) {
  assignBookingRequestTherapist(id: $id, therapist: $therapist, note: $note) {
    bookingRequest { id assignedTherapist { slug } preferredTherapist { slug } }
    userErrors { field message code }
  }
}"#;

const NOTE: &str = r#"
mutation($id: ID!, $note: String!) {
  addBookingRequestNote(id: $id, note: $note) {
    bookingRequest { id status }
    userErrors { field message code }
  }
}"#;

/// The id the front desk knows a request by.
async fn id_of(app: &TestApp, reference: &str) -> String {
    row(app, reference).await.id.to_string()
}

/// Submits `input` and returns the request's reference and id.
async fn request(app: &TestApp, input: Value) -> (String, String) {
    let reference = reference(&submit(app, input).await);
    let id = id_of(app, &reference).await;
    (reference, id)
}

/// The payload of a staff mutation `name`, whatever it says.
#[track_caller]
fn answer<'a>(res: &'a GqlResponse, name: &str) -> &'a Value {
    &res.ok()[name]
}

/// Asks to move request `id` from `expected` to `status`.
async fn change(app: &TestApp, who: &Staff, id: &str, expected: &str, status: &str) -> GqlResponse {
    app.gql_as(
        &who.token,
        SET_STATUS,
        json!({ "id": id, "expected": expected, "status": status }),
    )
    .await
}

/// Moves request `id` from `expected` to `status`, expecting success.
async fn set_status(app: &TestApp, who: &Staff, id: &str, expected: &str, status: &str) {
    let res = change(app, who, id, expected, status).await;
    let payload = answer(&res, "updateBookingRequestStatus");
    assert_eq!(
        payload["userErrors"],
        json!([]),
        "{expected} → {status}: {payload:#}"
    );
    assert_eq!(payload["bookingRequest"]["status"], status);
}

/// What a refused change must leave as it was (read without relation loads,
/// which wait for a batch).
async fn snapshot(app: &TestApp, who: &Staff, id: &str) -> Value {
    let query = "query($id: ID!) { bookingRequest(id: $id) {
        status updatedAt events { kind fromStatus toStatus note at } } }";
    let res = app.gql_as(&who.token, query, json!({ "id": id })).await;
    res.ok()["bookingRequest"].clone()
}

/// The request as the front desk reads it.
async fn detail(app: &TestApp, who: &Staff, id: &str) -> Value {
    let res = app.gql_as(&who.token, DETAIL, json!({ "id": id })).await;
    res.ok()["bookingRequest"].clone()
}

/// The log as (kind, from, to, note, staff email, therapist), oldest first.
fn log(request: &Value) -> Vec<[Value; 6]> {
    request["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            [
                e["kind"].clone(),
                e["fromStatus"].clone(),
                e["toStatus"].clone(),
                e["note"].clone(),
                e["staff"]["email"].clone(),
                e["therapist"]["slug"].clone(),
            ]
        })
        .collect()
}

fn owned(references: &[&String]) -> Vec<String> {
    references.iter().map(|r| (*r).clone()).collect()
}

/// A log entry as [`log`] shows it.
fn entry(
    kind: &str,
    from: Value,
    to: Value,
    note: Value,
    by: Value,
    therapist: Value,
) -> [Value; 6] {
    [json!(kind), from, to, note, by, therapist]
}

// --- The patient ---------------------------------------------------------

#[tokio::test]
async fn a_patient_checks_a_request_with_its_reference_and_email() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let receipt = submit(&app, clinic.form()).await;
    let reference = reference(&receipt);
    let status = |reference: &str, email: &str| {
        app.gql(STATUS, json!({ "reference": reference, "email": email }))
    };

    for (reference, email) in [
        (reference.clone(), "pat.example@example.com"),
        // As a patient might type them.
        (
            format!(" {} ", reference.to_lowercase()),
            " PAT.Example@EXAMPLE.com ",
        ),
        (
            reference.trim_start_matches("PTF-").to_owned(),
            "Pat.Example@Example.com",
        ),
    ] {
        let res = status(&reference, email).await;
        assert_eq!(
            res.ok()["bookingRequestStatus"],
            receipt,
            "{reference} {email}"
        );
        assert_no_patient_details(&res.data.to_string(), &clinic.form());
    }

    // A wrong email and a wrong reference get the very same answer.
    let wrong_email = status(&reference, "someone.else@example.com").await;
    let wrong_reference = status("PTF-ZZZZZZ", "pat.example@example.com").await;
    assert_eq!(wrong_email.data, json!({ "bookingRequestStatus": null }));
    assert!(wrong_email.errors.is_empty(), "{:#?}", wrong_email.errors);
    assert_eq!(wrong_email.data, wrong_reference.data);
    assert_eq!(wrong_email.errors, wrong_reference.errors);
    assert_eq!(wrong_email.status, wrong_reference.status);
}

#[tokio::test]
async fn a_patient_cancels_a_request_not_yet_scheduled() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let desk = app.staff(Role::FrontDesk).await;
    let cancel = |reference: &str, email: &str| {
        app.gql(CANCEL, json!({ "reference": reference, "email": email }))
    };

    let (new, new_id) = request(&app, clinic.patient(1)).await;
    let (contacted, contacted_id) = request(&app, clinic.patient(2)).await;
    set_status(&app, &desk, &contacted_id, "NEW", "CONTACTED").await;
    let mut bot = clinic.patient(3);
    bot["website"] = json!("https://spam.example.com");
    let (spam, _) = request(&app, bot).await;

    for (n, reference) in [(1, &new), (2, &contacted), (3, &spam)] {
        let res = cancel(
            &reference.to_lowercase(),
            &format!("PATIENT{n}@example.com"),
        )
        .await;
        let payload = &res.ok()["cancelBookingRequest"];
        assert_eq!(payload["userErrors"], json!([]), "{payload:#}");
        assert_eq!(payload["receipt"]["reference"], reference.as_str());
        assert_eq!(payload["receipt"]["status"], "CANCELLED");
        assert_no_patient_details(&res.data.to_string(), &clinic.patient(n));
        assert_eq!(
            row(&app, reference).await.status,
            entity::booking_request::BookingStatus::Cancelled
        );
    }

    let status = app
        .gql(
            STATUS,
            json!({ "reference": new, "email": "patient1@example.com" }),
        )
        .await;
    assert_eq!(status.ok()["bookingRequestStatus"]["status"], "CANCELLED");
    let request = detail(&app, &desk, &new_id).await;
    assert_eq!(request["status"], "CANCELLED");
    assert_eq!(request["nextStatuses"], json!([]));
    assert_eq!(
        log(&request),
        [
            entry(
                "SUBMITTED",
                Value::Null,
                json!("NEW"),
                Value::Null,
                Value::Null,
                Value::Null
            ),
            entry(
                "CANCELLED_BY_PATIENT",
                json!("NEW"),
                json!("CANCELLED"),
                Value::Null,
                Value::Null,
                Value::Null
            ),
        ]
    );
    let request = detail(&app, &desk, &contacted_id).await;
    assert_eq!(
        log(&request).last().unwrap()[..3],
        [
            json!("CANCELLED_BY_PATIENT"),
            json!("CONTACTED"),
            json!("CANCELLED")
        ]
    );

    // Cancelled once is cancelled.
    let events = count(&app, "booking_request_event").await;
    let res = cancel(&new, "patient1@example.com").await;
    let payload = &res.ok()["cancelBookingRequest"];
    assert_eq!(payload["receipt"], Value::Null);
    assert_eq!(problems(payload), expected(&[("", "INVALID_STATE")]));
    assert_eq!(count(&app, "booking_request_event").await, events);
}

#[tokio::test]
async fn cancelling_needs_the_right_reference_and_email() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let (reference, _) = request(&app, clinic.form()).await;
    let other = request(&app, clinic.patient(1)).await.0;
    for (reference, email) in [
        (reference.as_str(), "patient1@example.com"),
        (other.as_str(), "pat.example@example.com"),
        ("PTF-ZZZZZZ", "pat.example@example.com"),
    ] {
        let res = app
            .gql(CANCEL, json!({ "reference": reference, "email": email }))
            .await;
        let payload = &res.ok()["cancelBookingRequest"];
        assert_eq!(payload["receipt"], Value::Null);
        assert_eq!(payload["userErrors"][0]["field"], Value::Null);
        assert_eq!(problems(payload), expected(&[("", "NOT_FOUND")]));
    }
    for reference in [&reference, &other] {
        assert_eq!(
            row(&app, reference).await.status,
            entity::booking_request::BookingStatus::New
        );
    }
    assert_eq!(count(&app, "booking_request_event").await, 2);
}

#[tokio::test]
async fn a_scheduled_request_is_cancelled_by_calling_the_clinic() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let desk = app.staff(Role::FrontDesk).await;
    let (reference, id) = request(&app, clinic.form()).await;
    set_status(&app, &desk, &id, "NEW", "CONTACTED").await;
    set_status(&app, &desk, &id, "CONTACTED", "SCHEDULED").await;
    let before = detail(&app, &desk, &id).await;

    let res = app
        .gql(
            CANCEL,
            json!({ "reference": reference, "email": "pat.example@example.com" }),
        )
        .await;
    let payload = &res.ok()["cancelBookingRequest"];
    assert_eq!(payload["receipt"], Value::Null);
    assert_eq!(problems(payload), expected(&[("", "INVALID_STATE")]));
    let message = payload["userErrors"][0]["message"].as_str().unwrap();
    assert!(message.contains("call the clinic"), "{message}");
    assert_eq!(detail(&app, &desk, &id).await, before);
}

// --- Who may follow requests up ------------------------------------------

#[tokio::test]
async fn only_the_front_desk_and_admins_read_and_change_requests() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let (reference, id) = request(&app, clinic.form()).await;
    let editor = app.staff(Role::Editor).await;
    let desk = app.staff(Role::FrontDesk).await;
    let admin = app.staff(Role::Admin).await;
    let cases = |expected_status: &str, status: &str, therapist: Value| {
        [
            (LIST, json!({ "first": 10 })),
            (DETAIL, json!({ "id": id })),
            (NOTE, json!({ "id": id, "note": "Called, no answer" })),
            (
                SET_STATUS,
                json!({ "id": id, "expected": expected_status, "status": status }),
            ),
            (ASSIGN, json!({ "id": id, "therapist": therapist })),
        ]
    };

    for (who, token, code) in [
        ("anonymous", None, "UNAUTHENTICATED"),
        ("EDITOR", Some(&editor.token), "FORBIDDEN"),
    ] {
        for (document, variables) in cases("NEW", "CONTACTED", json!(clinic.therapist.slug)) {
            let res = match token {
                Some(token) => app.gql_as(token, document, variables).await,
                None => app.gql(document, variables).await,
            };
            assert_eq!(res.error_code(), Some(code), "{who}: {document}");
            let data = res.data.to_string();
            assert!(!data.contains("PTF-"), "{who} sees a request: {data}");
        }
    }
    assert_eq!(count(&app, "booking_request_event").await, 1);
    assert_eq!(
        row(&app, &reference).await.status,
        entity::booking_request::BookingStatus::New
    );

    for (who, from, to, therapist) in [
        (&desk, "NEW", "CONTACTED", json!(clinic.therapist.slug)),
        (&admin, "CONTACTED", "SCHEDULED", Value::Null),
    ] {
        for (document, variables) in cases(from, to, therapist.clone()) {
            let res = app.gql_as(&who.token, document, variables).await;
            let data = res.ok().as_object().unwrap().values().next().unwrap();
            if let Some(errors) = data.get("userErrors") {
                assert_eq!(errors, &json!([]), "{document}");
            }
        }
    }
    let note = || json!("Called, no answer");
    let (d, a) = (json!(desk.email), json!(admin.email));
    let assigned = json!(clinic.therapist.slug);
    let null = Value::Null;
    let request = detail(&app, &admin, &id).await;
    assert_eq!(request["status"], "SCHEDULED");
    assert_eq!(request["assignedTherapist"], Value::Null);
    assert_eq!(
        log(&request),
        [
            entry(
                "SUBMITTED",
                null.clone(),
                json!("NEW"),
                null.clone(),
                null.clone(),
                null.clone()
            ),
            entry(
                "NOTE",
                null.clone(),
                null.clone(),
                note(),
                d.clone(),
                null.clone()
            ),
            entry(
                "STATUS_CHANGED",
                json!("NEW"),
                json!("CONTACTED"),
                null.clone(),
                d.clone(),
                null.clone()
            ),
            entry(
                "ASSIGNED",
                null.clone(),
                null.clone(),
                null.clone(),
                d,
                assigned
            ),
            entry(
                "NOTE",
                null.clone(),
                null.clone(),
                note(),
                a.clone(),
                null.clone()
            ),
            entry(
                "STATUS_CHANGED",
                json!("CONTACTED"),
                json!("SCHEDULED"),
                null.clone(),
                a.clone(),
                null.clone()
            ),
            entry(
                "ASSIGNED",
                null.clone(),
                null.clone(),
                null.clone(),
                a,
                null
            ),
        ]
    );
}

#[tokio::test]
async fn public_queries_cannot_reach_booking_requests() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let (_, id) = request(&app, clinic.form()).await;
    use base64::Engine;
    let global = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("BookingRequest:1");
    for id in [id.clone(), global] {
        let res = app
            .gql(
                "query($id: ID!) { node(id: $id) { __typename } }",
                json!({ "id": id }),
            )
            .await;
        assert_eq!(res.ok()["node"], Value::Null, "{id}");
    }
    let res = app
        .gql("{ bookingRequests { totalCount } }", json!({}))
        .await;
    assert_eq!(res.error_code(), Some("UNAUTHENTICATED"));
    assert_eq!(res.data, Value::Null);

    // The receipt has no field for a patient's details at all.
    let res = app
        .gql(
            r#"{ __type(name: "BookingReceipt") { fields { name } } }"#,
            json!({}),
        )
        .await;
    let fields = pluck(&res.ok()["__type"]["fields"], "name");
    assert_eq!(
        fields,
        [
            "id",
            "reference",
            "status",
            "submittedAt",
            "service",
            "location",
            "therapist",
            "preferredWindows"
        ]
    );
}

// --- Finding requests ----------------------------------------------------

/// Around a seeded clinic (in Chicago): two locations in Denver's time zone,
/// three more services, and a therapist for each.
struct Directory {
    highlands: Seeded,
    pearl_street: Seeded,
    evaluation: Seeded,
    sports: Seeded,
    manual: Seeded,
    thomas: Seeded,
    sarah: Seeded,
    daniel: Seeded,
    linh: Seeded,
}

async fn directory(app: &TestApp, clinic: &Clinic) -> Directory {
    let open = || hours(&WEEKDAYS, "08:00", "18:00");
    let highlands = seed_location(app, "Highlands", "America/Denver", open()).await;
    let pearl_street = seed_location(app, "Pearl Street", "America/Denver", open()).await;
    let evaluation = seed_service(app, "Physical Therapy Evaluation", "CLINICAL").await;
    let sports = seed_service(app, "Sports Massage", "CLINICAL").await;
    let manual = seed_service(app, "Manual Therapy", "CLINICAL").await;
    let thomas = seed_therapist(
        app,
        "Thomas",
        "Brandt",
        &[&evaluation.slug],
        &[&highlands.slug],
    )
    .await;
    let sarah = seed_therapist(app, "Sarah", "Moss", &[&sports.slug], &[&pearl_street.slug]).await;
    let at_clinic = [clinic.location.slug.as_str()];
    let daniel = seed_therapist(app, "Daniel", "Roe", &[&manual.slug], &at_clinic).await;
    let elsewhere = [highlands.slug.as_str(), pearl_street.slug.as_str()];
    let linh = seed_therapist(app, "Linh", "Tran", &[&clinic.service.slug], &elsewhere).await;
    Directory {
        highlands,
        pearl_street,
        evaluation,
        sports,
        manual,
        thomas,
        sarah,
        daniel,
        linh,
    }
}

/// Five requests, oldest first: Pat (the clinic's location and service, with
/// its therapist), Robin (Highlands, PT evaluation with Thomas; CONTACTED),
/// Sam (Pearl Street, sports massage with Sarah), Alex (the clinic's
/// location, manual therapy; Daniel assigned), and a bot (the clinic's
/// location and service; SPAM). Returns their references.
async fn five_requests(
    app: &TestApp,
    clinic: &Clinic,
    dir: &Directory,
    desk: &Staff,
) -> [String; 5] {
    let denver = |weekday, h| {
        let day = next(weekday);
        json!({
            "start": local("America/Denver", day, h, 0).to_rfc3339(),
            "end": local("America/Denver", day, h + 1, 0).to_rfc3339(),
        })
    };
    let pat = request(app, clinic.form()).await;
    let robin = request(
        app,
        clinic.form_with(json!({
            "fullName": "Robin Castle", "email": "robin.castle@example.org",
            "phone": "(303) 555-0123", "location": dir.highlands.slug,
            "service": dir.evaluation.slug, "therapist": dir.thomas.slug,
            "preferredWindows": [denver(Weekday::Tue, 10)],
        })),
    )
    .await;
    set_status(app, desk, &robin.1, "NEW", "CONTACTED").await;
    let sam = request(
        app,
        clinic.form_with(json!({
            "fullName": "Sam Lee", "email": "sam.lee@example.net",
            "phone": "(720) 555-0145", "location": dir.pearl_street.slug,
            "service": dir.sports.slug, "therapist": dir.sarah.slug,
            "preferredWindows": [denver(Weekday::Wed, 10)],
        })),
    )
    .await;
    let alex = request(
        app,
        clinic.form_with(json!({
            "fullName": "Alex Kim", "email": "alex.kim@example.com",
            "phone": "(312) 555-0166", "service": dir.manual.slug, "therapist": null,
        })),
    )
    .await;
    let res = app
        .gql_as(
            &desk.token,
            ASSIGN,
            json!({ "id": alex.1, "therapist": dir.daniel.slug }),
        )
        .await;
    assert_eq!(
        answer(&res, "assignBookingRequestTherapist")["userErrors"],
        json!([])
    );
    let bot = request(
        app,
        clinic.form_with(json!({
            "fullName": "Casey Bot", "email": "casey@example.com", "phone": "(312) 555-0177",
            "therapist": null, "website": "https://spam.example.com",
            "preferredWindows": [clinic.window(9, 10)],
        })),
    )
    .await;
    [pat.0, robin.0, sam.0, alex.0, bot.0]
}

#[tokio::test]
async fn the_front_desk_pages_through_requests_newest_first() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let dir = directory(&app, &clinic).await;
    let desk = app.staff(Role::FrontDesk).await;
    let [pat, robin, sam, alex, bot] = five_requests(&app, &clinic, &dir, &desk).await;
    let newest_first = [&bot, &alex, &sam, &robin, &pat];

    let mut seen = Vec::new();
    let mut after = Value::Null;
    for (page, has_next) in [(2, true), (2, true), (1, false)] {
        let res = app
            .gql_as(&desk.token, LIST, json!({ "first": 2, "after": after }))
            .await;
        let list = &res.ok()["bookingRequests"];
        assert_eq!(list["totalCount"], 5);
        let references = pluck(list, "reference");
        assert_eq!(references.len(), page);
        assert_eq!(list["pageInfo"]["hasNextPage"], has_next);
        seen.extend(references);
        after = list["pageInfo"]["endCursor"].clone();
    }
    assert_eq!(seen, owned(&newest_first));

    let res = app.gql_as(&desk.token, LIST, json!({ "last": 2 })).await;
    assert_eq!(
        pluck(&res.ok()["bookingRequests"], "reference"),
        owned(&[&robin, &pat])
    );
    // Statuses as staff see them: spam is spam.
    let res = app.gql_as(&desk.token, LIST, json!({ "first": 1 })).await;
    assert_eq!(res.ok()["bookingRequests"]["nodes"][0]["status"], "SPAM");
}

#[tokio::test]
async fn the_front_desk_filters_requests() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let dir = directory(&app, &clinic).await;
    let desk = app.staff(Role::FrontDesk).await;
    let [pat, robin, sam, alex, bot] = five_requests(&app, &clinic, &dir, &desk).await;
    let list = |filter: Value| {
        let token = desk.token.clone();
        let app = &app;
        async move {
            let res = app
                .gql_as(&token, LIST, json!({ "first": 10, "filter": filter }))
                .await;
            let list = &res.ok()["bookingRequests"];
            let references = pluck(list, "reference");
            assert_eq!(list["totalCount"], references.len(), "{filter}");
            (references, list["nodes"].clone())
        }
    };

    let (_, all) = list(json!({})).await;
    let submitted = |reference: &String| {
        all.as_array()
            .unwrap()
            .iter()
            .find(|n| n["reference"] == reference.as_str())
            .unwrap()["submittedAt"]
            .clone()
    };
    let cases = [
        (json!({ "status": "NEW" }), vec![&alex, &sam, &pat]),
        (
            json!({ "status": ["CONTACTED", "SPAM"] }),
            vec![&bot, &robin],
        ),
        (
            json!({ "status": [] }),
            vec![&bot, &alex, &sam, &robin, &pat],
        ),
        (
            json!({ "location": clinic.location.slug }),
            vec![&bot, &alex, &pat],
        ),
        (json!({ "location": dir.pearl_street.slug }), vec![&sam]),
        (json!({ "service": clinic.service.slug }), vec![&bot, &pat]),
        (json!({ "service": dir.evaluation.slug }), vec![&robin]),
        // Preferred by the patient, or assigned by the front desk.
        (json!({ "therapist": dir.sarah.slug }), vec![&sam]),
        (json!({ "therapist": dir.daniel.slug }), vec![&alex]),
        (json!({ "therapist": dir.linh.slug }), vec![]),
        (
            json!({ "location": clinic.location.slug, "status": "NEW" }),
            vec![&alex, &pat],
        ),
        (json!({ "location": "atlantis" }), vec![]),
        // From is inclusive, to exclusive.
        (
            json!({ "submittedFrom": submitted(&sam) }),
            vec![&bot, &alex, &sam],
        ),
        (
            json!({ "submittedTo": submitted(&sam) }),
            vec![&robin, &pat],
        ),
        (
            json!({ "submittedFrom": submitted(&robin), "submittedTo": submitted(&alex) }),
            vec![&sam, &robin],
        ),
        // Words in the name, email, phone or reference, in any case.
        (json!({ "search": "castle" }), vec![&robin]),
        (json!({ "search": "ROBIN castle" }), vec![&robin]),
        (json!({ "search": "robin sam" }), vec![]),
        (json!({ "search": "example.org" }), vec![&robin]),
        (json!({ "search": "sam.lee@" }), vec![&sam]),
        (json!({ "search": "+17205550145" }), vec![&sam]),
        (json!({ "search": "7205550145" }), vec![&sam]),
        (json!({ "search": "(720) 555-0145" }), vec![&sam]),
        (json!({ "search": "720-555-0145" }), vec![&sam]),
        (json!({ "search": alex.to_lowercase() }), vec![&alex]),
        (json!({ "search": "100%" }), vec![]),
        (json!({ "search": "Pat_Example" }), vec![]),
        (
            json!({ "search": "   " }),
            vec![&bot, &alex, &sam, &robin, &pat],
        ),
    ];
    for (filter, want) in cases {
        let (got, _) = list(filter.clone()).await;
        assert_eq!(got, owned(&want), "{filter}");
    }
}

#[tokio::test]
async fn one_request_shows_every_detail_and_its_log() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let desk = app.staff(Role::FrontDesk).await;
    let receipt = submit(&app, clinic.form()).await;
    let id = id_of(&app, &reference(&receipt)).await;
    let request = detail(&app, &desk, &id).await;
    assert_eq!(request["id"], id);
    assert_eq!(request["reference"], receipt["reference"]);
    assert_eq!(request["status"], "NEW");
    assert_eq!(
        request["nextStatuses"],
        json!(["CONTACTED", "DECLINED", "CANCELLED", "SPAM"])
    );
    assert_eq!(request["fullName"], "Pat Example");
    assert_eq!(request["email"], "pat.example@example.com");
    assert_eq!(request["phone"], "+13125550199");
    assert_eq!(request["preferredContact"], "PHONE");
    assert_eq!(request["service"]["slug"], clinic.service.slug);
    assert_eq!(request["location"]["slug"], clinic.location.slug);
    assert_eq!(request["preferredTherapist"]["slug"], clinic.therapist.slug);
    assert_eq!(request["assignedTherapist"], Value::Null);
    assert_eq!(request["preferredWindows"], receipt["preferredWindows"]);
    assert_eq!(request["newPatient"], true);
    assert_eq!(request["physicianReferral"], true);
    assert_eq!(request["insuranceProvider"], "Blue Cross");
    assert_eq!(
        request["message"],
        "Lower back pain after a fall, referred by Dr. Smith."
    );
    assert_eq!(request["submittedAt"], receipt["submittedAt"]);
    assert_eq!(request["updatedAt"], receipt["submittedAt"]);
    assert_eq!(request["anonymisedAt"], Value::Null);
    assert_eq!(request["events"][0]["at"], receipt["submittedAt"]);
    assert_eq!(
        log(&request),
        [entry(
            "SUBMITTED",
            Value::Null,
            json!("NEW"),
            Value::Null,
            Value::Null,
            Value::Null
        )]
    );

    for id in [
        "00000000-0000-4000-8000-000000000000",
        "not-an-id",
        "",
        &clinic_api::graphql::ids::encode("Therapist", 1).0,
    ] {
        let res = app.gql_as(&desk.token, DETAIL, json!({ "id": id })).await;
        assert_eq!(res.ok()["bookingRequest"], Value::Null, "{id:?}");
    }
}

// --- Moving requests along -----------------------------------------------

#[tokio::test]
async fn staff_move_requests_along_every_allowed_path() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let desk = app.staff(Role::FrontDesk).await;
    let paths: [&[&str]; 10] = [
        &["NEW", "CONTACTED", "SCHEDULED"],
        &["NEW", "DECLINED"],
        &["NEW", "SPAM"],
        &["NEW", "CANCELLED"],
        &["NEW", "CONTACTED", "DECLINED"],
        &["NEW", "CONTACTED", "SPAM"],
        &["NEW", "CONTACTED", "CANCELLED"],
        &["NEW", "CONTACTED", "SCHEDULED", "DECLINED"],
        &["NEW", "CONTACTED", "SCHEDULED", "SPAM"],
        &["NEW", "CONTACTED", "SCHEDULED", "CANCELLED"],
    ];
    for (n, path) in (1..).zip(paths) {
        let receipt = submit(&app, clinic.patient(n)).await;
        let id = id_of(&app, &reference(&receipt)).await;
        let mut updated = receipt["submittedAt"].clone();
        let mut want = vec![entry(
            "SUBMITTED",
            Value::Null,
            json!("NEW"),
            Value::Null,
            Value::Null,
            Value::Null,
        )];
        for step in path.windows(2) {
            let note = format!("{} to {}", step[0], step[1]);
            let res = app
                .gql_as(
                    &desk.token,
                    SET_STATUS,
                    json!({ "id": id, "expected": step[0], "status": step[1], "note": note }),
                )
                .await;
            let payload = answer(&res, "updateBookingRequestStatus");
            assert_eq!(payload["userErrors"], json!([]), "{step:?}: {payload:#}");
            assert_eq!(payload["bookingRequest"]["status"], step[1]);
            assert_ne!(payload["bookingRequest"]["updatedAt"], updated);
            updated = payload["bookingRequest"]["updatedAt"].clone();
            want.push(entry(
                "STATUS_CHANGED",
                json!(step[0]),
                json!(step[1]),
                json!(note),
                json!(desk.email),
                Value::Null,
            ));
        }
        let request = detail(&app, &desk, &id).await;
        let last = path.last().unwrap();
        assert_eq!(request["status"], *last);
        assert_eq!(
            request["updatedAt"],
            request["events"].as_array().unwrap().last().unwrap()["at"]
        );
        let next = match *last {
            "SCHEDULED" => json!(["DECLINED", "CANCELLED", "SPAM"]),
            _ => json!([]),
        };
        assert_eq!(request["nextStatuses"], next, "{path:?}");
        assert_eq!(log(&request), want, "{path:?}");
    }
}

#[tokio::test]
async fn disallowed_moves_are_refused_and_change_nothing() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let desk = app.staff(Role::FrontDesk).await;
    let (_, id) = request(&app, clinic.form()).await;
    let refused = |from: &'static str, to: &'static str| {
        let app = &app;
        let desk = &desk;
        let id = id.clone();
        async move {
            let before = snapshot(app, desk, &id).await;
            let res = app
                .gql_as(
                    &desk.token,
                    SET_STATUS,
                    json!({ "id": id, "expected": from, "status": to, "note": "try" }),
                )
                .await;
            let payload = answer(&res, "updateBookingRequestStatus");
            assert_eq!(
                problems(payload),
                expected(&[("status", "INVALID_STATE")]),
                "{from} → {to}"
            );
            assert_eq!(snapshot(app, desk, &id).await, before, "{from} → {to}");
        }
    };
    refused("NEW", "SCHEDULED").await;
    refused("NEW", "NEW").await;
    set_status(&app, &desk, &id, "NEW", "CONTACTED").await;
    refused("CONTACTED", "NEW").await;
    refused("CONTACTED", "CONTACTED").await;
    set_status(&app, &desk, &id, "CONTACTED", "SCHEDULED").await;
    refused("SCHEDULED", "CONTACTED").await;
    refused("SCHEDULED", "NEW").await;
    set_status(&app, &desk, &id, "SCHEDULED", "DECLINED").await;
    for to in ["NEW", "CONTACTED", "SCHEDULED", "CANCELLED", "SPAM"] {
        refused("DECLINED", to).await;
    }

    for closed in ["CANCELLED", "SPAM"] {
        let (_, id) = request(&app, clinic.patient(if closed == "SPAM" { 1 } else { 2 })).await;
        set_status(&app, &desk, &id, "NEW", closed).await;
        for to in ["NEW", "CONTACTED", "DECLINED"] {
            let res = app
                .gql_as(
                    &desk.token,
                    SET_STATUS,
                    json!({ "id": id, "expected": closed, "status": to }),
                )
                .await;
            let payload = answer(&res, "updateBookingRequestStatus");
            assert_eq!(problems(payload), expected(&[("status", "INVALID_STATE")]));
            let message = payload["userErrors"][0]["message"].as_str().unwrap();
            assert!(message.contains("closed"), "{message}");
        }
    }

    // An unknown request, and a note too long for the log.
    let res = app
        .gql_as(
            &desk.token,
            SET_STATUS,
            json!({ "id": "00000000-0000-4000-8000-000000000000", "expected": "NEW", "status": "CONTACTED" }),
        )
        .await;
    let payload = answer(&res, "updateBookingRequestStatus");
    assert_eq!(payload["bookingRequest"], Value::Null);
    assert_eq!(problems(payload), expected(&[("id", "NOT_FOUND")]));
    let (_, fresh) = request(&app, clinic.patient(3)).await;
    let res = app
        .gql_as(
            &desk.token,
            SET_STATUS,
            json!({ "id": fresh, "expected": "NEW", "status": "CONTACTED", "note": "n".repeat(2001) }),
        )
        .await;
    assert_eq!(
        problems(answer(&res, "updateBookingRequestStatus")),
        expected(&[("note", "INVALID_LENGTH")])
    );
    assert_eq!(detail(&app, &desk, &fresh).await["status"], "NEW");
}

#[tokio::test]
async fn a_stale_expected_status_is_refused_with_the_request_as_it_is() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let desk = app.staff(Role::FrontDesk).await;
    let (_, id) = request(&app, clinic.form()).await;
    set_status(&app, &desk, &id, "NEW", "CONTACTED").await;
    let before = detail(&app, &desk, &id).await;

    let res = app
        .gql_as(
            &desk.token,
            SET_STATUS,
            json!({ "id": id, "expected": "NEW", "status": "DECLINED" }),
        )
        .await;
    let payload = answer(&res, "updateBookingRequestStatus");
    assert_eq!(
        problems(payload),
        expected(&[("expectedStatus", "STALE_STATUS")])
    );
    assert_eq!(payload["bookingRequest"]["id"], id);
    assert_eq!(payload["bookingRequest"]["status"], "CONTACTED");
    assert_eq!(detail(&app, &desk, &id).await, before);
}

#[tokio::test]
async fn of_two_concurrent_changes_exactly_one_wins() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let desk = app.staff(Role::FrontDesk).await;
    let admin = app.staff(Role::Admin).await;
    for n in 1..=3 {
        let (_, id) = request(&app, clinic.patient(n)).await;
        let (contacted, declined) = join(
            change(&app, &desk, &id, "NEW", "CONTACTED"),
            change(&app, &admin, &id, "NEW", "DECLINED"),
        )
        .await;
        let answers = [
            (
                answer(&contacted, "updateBookingRequestStatus"),
                "CONTACTED",
            ),
            (answer(&declined, "updateBookingRequestStatus"), "DECLINED"),
        ];
        let won: Vec<&str> = answers
            .iter()
            .filter(|(p, _)| p["userErrors"] == json!([]))
            .map(|(_, to)| *to)
            .collect();
        assert_eq!(won.len(), 1, "{answers:#?}");
        let winner = won[0];
        for (payload, to) in &answers {
            assert_eq!(payload["bookingRequest"]["status"], winner, "{to}");
            if *to != winner {
                assert_eq!(
                    problems(payload),
                    expected(&[("expectedStatus", "STALE_STATUS")])
                );
            }
        }
        let request = detail(&app, &desk, &id).await;
        assert_eq!(request["status"], winner);
        let changes: Vec<_> = log(&request)
            .into_iter()
            .filter(|e| e[0] == "STATUS_CHANGED")
            .collect();
        assert_eq!(changes.len(), 1, "{changes:?}");
        assert_eq!(changes[0][2], winner);
    }
}

#[tokio::test]
async fn the_front_desk_assigns_a_therapist_who_works_there() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let at_clinic = [clinic.location.slug.as_str()];
    // Another therapist giving the clinic's service there; one working there
    // at something else; one giving the service elsewhere.
    let colleague = seed_therapist(&app, "Ana", "Costa", &[&clinic.service.slug], &at_clinic).await;
    let other = seed_service(&app, "Manual Therapy", "CLINICAL").await;
    let daniel = seed_therapist(&app, "Daniel", "Roe", &[&other.slug], &at_clinic).await;
    let elsewhere = seed_location(
        &app,
        "Highlands",
        "America/Denver",
        hours(&WEEKDAYS, "08:00", "18:00"),
    )
    .await;
    let linh = seed_therapist(
        &app,
        "Linh",
        "Tran",
        &[&clinic.service.slug],
        &[&elsewhere.slug],
    )
    .await;
    let desk = app.staff(Role::FrontDesk).await;
    let (_, id) = request(&app, clinic.form()).await;
    let assign = |therapist: Value, note: Value| {
        app.gql_as(
            &desk.token,
            ASSIGN,
            json!({ "id": id, "therapist": therapist, "note": note }),
        )
    };

    let res = assign(json!(colleague.slug), json!("Jordan is on leave")).await;
    let payload = answer(&res, "assignBookingRequestTherapist");
    assert_eq!(payload["userErrors"], json!([]), "{payload:#}");
    assert_eq!(
        payload["bookingRequest"]["assignedTherapist"]["slug"],
        colleague.slug
    );
    // What the patient asked for stays as asked.
    assert_eq!(
        payload["bookingRequest"]["preferredTherapist"]["slug"],
        clinic.therapist.slug
    );

    let before = detail(&app, &desk, &id).await;
    // Daniel works there, but not at the service asked for.
    let res = assign(json!(daniel.slug), Value::Null).await;
    let payload = answer(&res, "assignBookingRequestTherapist");
    assert_eq!(payload["bookingRequest"], Value::Null);
    assert_eq!(
        problems(payload),
        expected(&[("therapist", "INVALID_STATE")])
    );
    deactivate_therapist(&app, &daniel).await;
    for (therapist, code) in [
        // Linh works elsewhere.
        (linh.slug.as_str(), "INVALID_STATE"),
        ("nobody-at-all", "NOT_FOUND"),
        (daniel.slug.as_str(), "NOT_FOUND"),
    ] {
        let res = assign(json!(therapist), Value::Null).await;
        let payload = answer(&res, "assignBookingRequestTherapist");
        assert_eq!(payload["bookingRequest"], Value::Null);
        assert_eq!(
            problems(payload),
            expected(&[("therapist", code)]),
            "{therapist}"
        );
    }
    assert_eq!(detail(&app, &desk, &id).await, before);

    let res = assign(Value::Null, Value::Null).await;
    let payload = answer(&res, "assignBookingRequestTherapist");
    assert_eq!(payload["userErrors"], json!([]));
    assert_eq!(payload["bookingRequest"]["assignedTherapist"], Value::Null);
    let null = Value::Null;
    let by = json!(desk.email);
    assert_eq!(
        log(&detail(&app, &desk, &id).await)[1..],
        [
            entry(
                "ASSIGNED",
                null.clone(),
                null.clone(),
                json!("Jordan is on leave"),
                by.clone(),
                json!(colleague.slug)
            ),
            entry(
                "ASSIGNED",
                null.clone(),
                null.clone(),
                null.clone(),
                by,
                null
            ),
        ]
    );

    // Closed requests are left as they are.
    set_status(&app, &desk, &id, "NEW", "DECLINED").await;
    let res = assign(json!(clinic.therapist.slug), Value::Null).await;
    assert_eq!(
        problems(answer(&res, "assignBookingRequestTherapist")),
        expected(&[("id", "INVALID_STATE")])
    );
    let res = app
        .gql_as(
            &desk.token,
            ASSIGN,
            json!({ "id": "00000000-0000-4000-8000-000000000000", "therapist": clinic.therapist.slug }),
        )
        .await;
    assert_eq!(
        problems(answer(&res, "assignBookingRequestTherapist")),
        expected(&[("id", "NOT_FOUND")])
    );
}

#[tokio::test]
async fn notes_go_into_the_log() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let desk = app.staff(Role::FrontDesk).await;
    let (_, id) = request(&app, clinic.form()).await;
    let note = |text: String| app.gql_as(&desk.token, NOTE, json!({ "id": id, "note": text }));

    for (text, code) in [
        (String::new(), "REQUIRED"),
        ("  \n ".to_owned(), "REQUIRED"),
        ("n".repeat(2001), "INVALID_LENGTH"),
    ] {
        let res = note(text).await;
        let payload = answer(&res, "addBookingRequestNote");
        assert_eq!(payload["bookingRequest"], Value::Null);
        assert_eq!(problems(payload), expected(&[("note", code)]));
    }
    assert_eq!(count(&app, "booking_request_event").await, 1);

    let res = note("  Left a voicemail; will call back Tuesday. ".to_owned()).await;
    let payload = answer(&res, "addBookingRequestNote");
    assert_eq!(payload["userErrors"], json!([]));
    assert_eq!(payload["bookingRequest"]["status"], "NEW");
    let res = note("n".repeat(2000)).await;
    assert_eq!(payload_ok(&res), json!([]));
    let request = detail(&app, &desk, &id).await;
    let notes: Vec<_> = log(&request)
        .into_iter()
        .filter(|e| e[0] == "NOTE")
        .map(|e| (e[3].clone(), e[4].clone()))
        .collect();
    assert_eq!(
        notes,
        [
            (
                json!("Left a voicemail; will call back Tuesday."),
                json!(desk.email)
            ),
            (json!("n".repeat(2000)), json!(desk.email)),
        ]
    );

    let res = app
        .gql_as(
            &desk.token,
            NOTE,
            json!({ "id": "not-an-id", "note": "hello" }),
        )
        .await;
    assert_eq!(
        problems(answer(&res, "addBookingRequestNote")),
        expected(&[("id", "NOT_FOUND")])
    );
}

/// The user errors of `addBookingRequestNote`.
fn payload_ok(res: &GqlResponse) -> Value {
    res.ok()["addBookingRequestNote"]["userErrors"].clone()
}
