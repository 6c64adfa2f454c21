//! `requestBooking` refuses a form field by field: every problem at once, each
//! tied to its field, nothing stored, and none of the patient's details echoed
//! back. Windows are read on the location's own clock. Forms that look sent by
//! a bot are stored as spam without telling the sender.

use chrono::{Datelike, Duration, NaiveDate, Offset, TimeZone, Utc, Weekday};
use chrono_tz::Tz;
use entity::booking_request::BookingStatus;
use serde_json::{Value, json};

use crate::support::admin::{expected, problems};
use crate::support::bookings::{
    REQUEST, assert_no_patient_details, local, receipt_of, reference, row, stored, submit,
};
use crate::support::seed::{
    WEEKDAYS, deactivate_therapist, hours, next, seed_closure, seed_location, seed_service,
    seed_therapist, seed_therapist_with, set_therapist_locations, set_therapist_services,
};
use crate::support::{TestApp, pluck, seed_clinic, seed_clinic_in};

/// A window from `from` to `to` o'clock local time at a Denver-time location
/// on `weekday`.
fn denver_window(weekday: Weekday, from: (u32, u32), to: (u32, u32)) -> Value {
    let day = next(weekday);
    json!({
        "start": local("America/Denver", day, from.0, from.1).to_rfc3339(),
        "end": local("America/Denver", day, to.0, to.1).to_rfc3339(),
    })
}

/// A location in Denver's time zone, open 08:00–18:00 on weekdays.
async fn seed_denver(app: &TestApp, name: &str) -> crate::support::Seeded {
    seed_location(
        app,
        name,
        "America/Denver",
        hours(&WEEKDAYS, "08:00", "18:00"),
    )
    .await
}

/// `input` with `key` set to `value`.
fn with(mut input: Value, key: &str, value: Value) -> Value {
    input[key] = value;
    input
}

fn sorted(mut pairs: Vec<(String, String)>) -> Vec<(String, String)> {
    pairs.sort();
    pairs
}

/// Sends `input` and expects exactly the problems `want` (field path joined
/// with `.`, code), no receipt, nothing stored or counted, and no patient
/// detail in the answer. Returns the user errors.
async fn assert_refused(app: &TestApp, input: Value, want: &[(&str, &str)]) -> Vec<Value> {
    let before = stored(app).await;
    let res = app.gql(REQUEST, json!({ "input": input })).await;
    let payload = &res.ok()["requestBooking"];
    assert_eq!(payload["receipt"], Value::Null, "{payload:#}");
    assert_eq!(
        sorted(problems(payload)),
        sorted(expected(want)),
        "{payload:#}"
    );
    assert_eq!(stored(app).await, before, "a refused form left rows behind");
    assert_no_patient_details(&res.data.to_string(), &input);
    payload["userErrors"].as_array().unwrap().clone()
}

/// The message of the only user error.
fn only_message(errors: &[Value]) -> String {
    assert_eq!(errors.len(), 1, "{errors:#?}");
    errors[0]["message"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn every_problem_comes_back_at_once_and_nothing_is_stored() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let input = clinic.form_with(json!({
        "fullName": "   ",
        "email": "pat.example.com",
        "phone": "12",
        "therapist": "no-such-therapist",
        "preferredWindows": [],
        "insuranceProvider": null,
        "selfPay": false,
        "message": format!("Knee surgery follow-up. {}", "x".repeat(2000)),
        "consent": false,
    }));
    let errors = assert_refused(
        &app,
        input,
        &[
            ("input.fullName", "REQUIRED"),
            ("input.email", "INVALID_FORMAT"),
            ("input.phone", "INVALID_FORMAT"),
            ("input.therapist", "NOT_FOUND"),
            ("input.preferredWindows", "INVALID_LENGTH"),
            ("input.insuranceProvider", "REQUIRED"),
            ("input.message", "INVALID_LENGTH"),
            ("input.consent", "REQUIRED"),
        ],
    )
    .await;
    // Fields are named as the input names them, as a list of segments.
    let email = errors
        .iter()
        .find(|e| e["code"] == "INVALID_FORMAT" && e["field"][1] == "email")
        .unwrap();
    assert_eq!(email["field"], json!(["input", "email"]));
}

#[tokio::test]
async fn names_have_1_to_200_characters() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    assert_refused(
        &app,
        clinic.form_with(json!({ "fullName": "A".repeat(201) })),
        &[("input.fullName", "INVALID_LENGTH")],
    )
    .await;

    // A huge name is refused like any other, and not sent back.
    let huge = "B".repeat(100_000);
    let res = app
        .gql(
            REQUEST,
            json!({ "input": clinic.form_with(json!({ "fullName": huge })) }),
        )
        .await;
    let payload = &res.ok()["requestBooking"];
    assert_eq!(
        problems(payload),
        expected(&[("input.fullName", "INVALID_LENGTH")])
    );
    assert!(
        res.data.to_string().len() < 1_000,
        "the answer is short: {}",
        res.data
    );

    let name = format!("  {}  ", "C".repeat(200));
    let receipt = submit(&app, clinic.form_with(json!({ "fullName": name }))).await;
    assert_eq!(
        row(&app, &reference(&receipt)).await.full_name,
        "C".repeat(200)
    );
}

#[tokio::test]
async fn messages_have_at_most_2000_characters_and_may_be_left_out() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    assert_refused(
        &app,
        clinic.form_with(json!({ "message": "m".repeat(2001) })),
        &[("input.message", "INVALID_LENGTH")],
    )
    .await;

    let longest = submit(
        &app,
        with(clinic.patient(1), "message", json!("m".repeat(2000))),
    )
    .await;
    let stored_message = row(&app, &reference(&longest)).await.message;
    assert_eq!(stored_message.map(|m| m.chars().count()), Some(2000));

    let blank = submit(&app, with(clinic.patient(2), "message", json!("   "))).await;
    assert_eq!(row(&app, &reference(&blank)).await.message, None);
    let none = submit(&app, with(clinic.patient(3), "message", Value::Null)).await;
    assert_eq!(row(&app, &reference(&none)).await.message, None);
}

#[tokio::test]
async fn emails_must_be_addresses_and_are_stored_lower_case() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    for email in ["", "pat", "pat@", "@example.com", "pat example@example.com"] {
        assert_refused(
            &app,
            clinic.form_with(json!({ "email": email })),
            &[("input.email", "INVALID_FORMAT")],
        )
        .await;
    }
    let receipt = submit(
        &app,
        clinic.form_with(json!({ "email": "  Robin@Example.ORG " })),
    )
    .await;
    assert_eq!(
        row(&app, &reference(&receipt)).await.email,
        "robin@example.org"
    );
}

#[tokio::test]
async fn phone_numbers_are_read_as_dialled_and_stored_in_e164() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    for (typed, e164) in [
        ("(312) 555-0199", "+13125550199"),
        ("312.555.0142", "+13125550142"),
        ("+44 20 7946 0958", "+442079460958"),
    ] {
        let receipt = submit(&app, clinic.form_with(json!({ "phone": typed }))).await;
        assert_eq!(
            row(&app, &reference(&receipt)).await.phone_e164,
            e164,
            "{typed}"
        );
    }
    for (typed, code) in [
        ("12", "INVALID_FORMAT"),
        ("call me maybe", "INVALID_FORMAT"),
        ("+1 555", "INVALID_FORMAT"),
        ("   ", "REQUIRED"),
        (&"9".repeat(41), "INVALID_LENGTH"),
    ] {
        assert_refused(
            &app,
            clinic.form_with(json!({ "phone": typed })),
            &[("input.phone", code)],
        )
        .await;
    }
}

#[tokio::test]
async fn slugs_must_name_an_active_service_a_location_and_an_active_therapist() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    assert_refused(
        &app,
        clinic.form_with(json!({
            "service": "no-such-service",
            "location": "atlantis",
            "therapist": "nobody-at-all",
        })),
        &[
            ("input.service", "NOT_FOUND"),
            ("input.location", "NOT_FOUND"),
            ("input.therapist", "NOT_FOUND"),
        ],
    )
    .await;

    // Windows are still checked for what needs no location: all at once.
    let past = json!({
        "start": (Utc::now() - Duration::hours(3)).to_rfc3339(),
        "end": (Utc::now() - Duration::hours(1)).to_rfc3339(),
    });
    assert_refused(
        &app,
        clinic.form_with(json!({ "location": "atlantis", "preferredWindows": [past] })),
        &[
            ("input.location", "NOT_FOUND"),
            ("input.preferredWindows.0.start", "OUT_OF_RANGE"),
        ],
    )
    .await;

    // An inactive therapist is not offered to patients (a colleague still
    // gives the service there).
    let at_clinic = [clinic.location.slug.as_str()];
    seed_therapist(&app, "Ana", "Costa", &[&clinic.service.slug], &at_clinic).await;
    deactivate_therapist(&app, &clinic.therapist).await;
    assert_refused(&app, clinic.form(), &[("input.therapist", "NOT_FOUND")]).await;
}

/// The services `location` offers, as the public sees them.
async fn offered_at(app: &TestApp, location: &str) -> Vec<String> {
    let query = "query($slug: String!) { location(slug: $slug) { services { slug } } }";
    let res = app.gql(query, json!({ "slug": location })).await;
    pluck(&res.ok()["location"]["services"], "slug")
}

#[tokio::test]
async fn the_service_must_be_offered_at_the_location() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    // A location offers what its therapists give there.
    let pearl = seed_denver(&app, "Pearl Street").await;
    let therapist = seed_therapist(
        &app,
        "Sarah",
        "Moss",
        &[&clinic.service.slug],
        &[&pearl.slug],
    )
    .await;
    let service = clinic.service.slug.clone();
    let at_pearl = json!({ "location": pearl.slug, "therapist": null,
        "preferredWindows": [denver_window(Weekday::Tue, (10, 0), (11, 0))] });
    assert!(offered_at(&app, &pearl.slug).await.contains(&service));
    submit(&app, clinic.form_with(at_pearl.clone())).await;
    set_therapist_services(&app, &therapist, &[]).await;
    assert!(!offered_at(&app, &pearl.slug).await.contains(&service));

    let errors = assert_refused(
        &app,
        clinic.form_with(at_pearl),
        &[("input.service", "INVALID_STATE")],
    )
    .await;
    let message = only_message(&errors);
    assert!(message.contains("Pearl Street"), "{message}");
}

#[tokio::test]
async fn a_preferred_therapist_must_work_there_offer_the_service_and_take_new_patients() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let highlands = seed_denver(&app, "Highlands").await;
    let evaluation = seed_service(&app, "Physical Therapy Evaluation", "CLINICAL").await;
    let at_clinic = [clinic.location.slug.as_str()];
    let at_highlands = [highlands.slug.as_str()];
    let daniel = seed_therapist(&app, "Daniel", "Roe", &[&evaluation.slug], &at_clinic).await;
    let linh = seed_therapist(&app, "Linh", "Tran", &[&clinic.service.slug], &at_highlands).await;
    let james = seed_therapist_with(
        &app,
        "James",
        "Obi",
        &[&evaluation.slug],
        &at_highlands,
        json!({ "acceptingNewPatients": false }),
    )
    .await;
    let denver = |service: &str, therapist: &str| {
        json!({
            "location": highlands.slug,
            "service": service,
            "therapist": therapist,
            "preferredWindows": [denver_window(Weekday::Tue, (9, 0), (10, 0))],
        })
    };
    // The clinic's therapist works at its location only.
    let errors = assert_refused(
        &app,
        clinic.form_with(denver(&clinic.service.slug, &clinic.therapist.slug)),
        &[("input.therapist", "INVALID_STATE")],
    )
    .await;
    assert!(only_message(&errors).contains("does not work at"));
    // Daniel gives evaluations there, not the clinic's service.
    let errors = assert_refused(
        &app,
        clinic.form_with(json!({ "therapist": daniel.slug })),
        &[("input.therapist", "INVALID_STATE")],
    )
    .await;
    assert!(only_message(&errors).contains("does not offer"));
    // Linh neither gives evaluations nor works at the clinic's location.
    assert_refused(
        &app,
        clinic.form_with(json!({ "therapist": linh.slug, "service": evaluation.slug })),
        &[
            ("input.therapist", "INVALID_STATE"),
            ("input.therapist", "INVALID_STATE"),
        ],
    )
    .await;

    // James sees only patients he knows.
    let errors = assert_refused(
        &app,
        clinic.form_with(denver(&evaluation.slug, &james.slug)),
        &[("input.therapist", "INVALID_STATE")],
    )
    .await;
    assert!(only_message(&errors).contains("not accepting new patients"));
    let mut returning = clinic.form_with(denver(&evaluation.slug, &james.slug));
    returning["newPatient"] = json!(false);
    let receipt = submit(&app, returning).await;
    assert_eq!(receipt["therapist"]["slug"], james.slug);
    assert_eq!(receipt["location"]["slug"], highlands.slug);
}

#[tokio::test]
async fn a_form_offers_one_to_five_windows() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let hourly: Vec<Value> = (7..13).map(|h| clinic.window(h, h + 1)).collect();
    assert_refused(
        &app,
        clinic.form_with(json!({ "preferredWindows": [] })),
        &[("input.preferredWindows", "INVALID_LENGTH")],
    )
    .await;
    assert_refused(
        &app,
        clinic.form_with(json!({ "preferredWindows": hourly })),
        &[("input.preferredWindows", "INVALID_LENGTH")],
    )
    .await;
    let receipt = submit(
        &app,
        clinic.form_with(json!({ "preferredWindows": &hourly[..5] })),
    )
    .await;
    let windows = receipt["preferredWindows"].as_array().unwrap();
    assert_eq!(windows.len(), 5);
    // Each as sent, whatever offset it was sent with.
    for (got, sent) in windows.iter().zip(&hourly) {
        for end in ["start", "end"] {
            let got = chrono::DateTime::parse_from_rfc3339(got[end].as_str().unwrap()).unwrap();
            let sent = chrono::DateTime::parse_from_rfc3339(sent[end].as_str().unwrap()).unwrap();
            assert_eq!(got, sent);
        }
    }
}

#[tokio::test]
async fn each_window_must_be_a_bookable_time_at_the_location() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let today = Utc::now().date_naive();
    let tuesday = next(Weekday::Tue);
    let mut far_tuesday = today + Duration::days(91);
    while far_tuesday.weekday() != Weekday::Tue {
        far_tuesday += Duration::days(1);
    }
    let closed_day = next(Weekday::Wed) + Duration::days(7);
    seed_closure(&app, &clinic.location, closed_day, "Staff training").await;
    let over_midnight = json!({
        "start": local(clinic.time_zone, tuesday, 18, 0).to_rfc3339(),
        "end": local(clinic.time_zone, tuesday + Duration::days(1), 1, 0).to_rfc3339(),
    });
    let cases: Vec<(&str, Value, &str, String)> = vec![
        (
            "in the past",
            clinic.window_on(today - Duration::days(1), (10, 0), (11, 0)),
            "input.preferredWindows.1.start",
            "future".into(),
        ),
        (
            "ending before it starts",
            clinic.window_on(tuesday, (12, 0), (11, 0)),
            "input.preferredWindows.1.end",
            "after the start".into(),
        ),
        (
            "29 minutes long",
            clinic.window_on(tuesday, (10, 0), (10, 29)),
            "input.preferredWindows.1.end",
            "30 minutes".into(),
        ),
        (
            "more than 90 days ahead",
            clinic.window_on(far_tuesday, (10, 0), (11, 0)),
            "input.preferredWindows.1.start",
            "90 days".into(),
        ),
        (
            "before opening",
            clinic.window_on(tuesday, (6, 30), (7, 30)),
            "input.preferredWindows.1",
            "opening hours".into(),
        ),
        (
            "past closing",
            clinic.window_on(tuesday, (18, 30), (19, 30)),
            "input.preferredWindows.1",
            "07:00\u{2013}19:00".into(),
        ),
        (
            "on a Saturday afternoon",
            clinic.window_on(next(Weekday::Sat), (12, 30), (13, 30)),
            "input.preferredWindows.1",
            "08:00\u{2013}13:00".into(),
        ),
        (
            "on a Sunday",
            clinic.window_on(next(Weekday::Sun), (10, 0), (12, 0)),
            "input.preferredWindows.1",
            "closed on Sundays".into(),
        ),
        (
            "on a closure date",
            clinic.window_on(closed_day, (10, 0), (12, 0)),
            "input.preferredWindows.1",
            closed_day.to_string(),
        ),
        (
            "over midnight",
            over_midnight,
            "input.preferredWindows.1",
            "same day".into(),
        ),
    ];
    for (what, window, field, says) in cases {
        let input =
            clinic.form_with(json!({ "preferredWindows": [clinic.window(10, 12), window] }));
        let errors = assert_refused(&app, input, &[(field, "OUT_OF_RANGE")]).await;
        let message = only_message(&errors);
        assert!(
            message.contains(&says),
            "{what}: {message:?} lacks {says:?}"
        );
    }

    // Every problem of every window at once.
    let input = clinic.form_with(json!({ "preferredWindows": [
        clinic.window_on(tuesday, (12, 0), (11, 0)),
        clinic.window(10, 12),
        clinic.window_on(next(Weekday::Sun), (10, 0), (12, 0)),
    ] }));
    assert_refused(
        &app,
        input,
        &[
            ("input.preferredWindows.0.end", "OUT_OF_RANGE"),
            ("input.preferredWindows.2", "OUT_OF_RANGE"),
        ],
    )
    .await;

    // The edges of the day are bookable.
    let receipt = submit(
        &app,
        clinic.form_with(json!({ "preferredWindows": [
            clinic.window_on(tuesday, (7, 0), (7, 30)),
            clinic.window_on(tuesday, (18, 0), (19, 0)),
            clinic.window_on(next(Weekday::Sat), (8, 0), (13, 0)),
        ] })),
    )
    .await;
    assert_eq!(receipt["preferredWindows"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn a_location_may_close_for_lunch() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    // Closed 12:00–13:00 on Wednesdays only.
    let mut open = hours(
        &[Weekday::Mon, Weekday::Tue, Weekday::Thu, Weekday::Fri],
        "08:00",
        "18:00",
    );
    open.extend(hours(&[Weekday::Wed], "08:00", "12:00"));
    open.extend(hours(&[Weekday::Wed], "13:00", "18:00"));
    let highlands = seed_location(&app, "Highlands", "America/Denver", open).await;
    let linh = seed_therapist(
        &app,
        "Linh",
        "Tran",
        &[&clinic.service.slug],
        &[&highlands.slug],
    )
    .await;
    let at_denver = |windows: Vec<Value>| {
        clinic.form_with(json!({
            "location": highlands.slug,
            "therapist": linh.slug,
            "preferredWindows": windows,
        }))
    };
    for (from, to) in [((11, 30), (12, 30)), ((12, 0), (13, 0)), ((11, 0), (14, 0))] {
        let errors = assert_refused(
            &app,
            at_denver(vec![denver_window(Weekday::Wed, from, to)]),
            &[("input.preferredWindows.0", "OUT_OF_RANGE")],
        )
        .await;
        let message = only_message(&errors);
        assert!(
            message.contains("08:00\u{2013}12:00, 13:00\u{2013}18:00"),
            "{message}"
        );
    }
    let receipt = submit(
        &app,
        at_denver(vec![
            denver_window(Weekday::Wed, (8, 0), (12, 0)),
            denver_window(Weekday::Wed, (13, 0), (18, 0)),
            // Other days have no lunch break.
            denver_window(Weekday::Thu, (11, 30), (13, 30)),
        ]),
    )
    .await;
    assert_eq!(receipt["preferredWindows"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn consent_is_required() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let errors = assert_refused(
        &app,
        clinic.form_with(json!({ "consent": false })),
        &[("input.consent", "REQUIRED")],
    )
    .await;
    assert!(only_message(&errors).contains("consent"));
}

#[tokio::test]
async fn a_patient_names_an_insurance_provider_or_pays_themselves() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    for provider in [Value::Null, json!(""), json!("   ")] {
        assert_refused(
            &app,
            clinic.form_with(json!({ "insuranceProvider": provider, "selfPay": false })),
            &[("input.insuranceProvider", "REQUIRED")],
        )
        .await;
    }
    assert_refused(
        &app,
        clinic.form_with(json!({ "insuranceProvider": "Aetna Choice", "selfPay": true })),
        &[("input.insuranceProvider", "INVALID_STATE")],
    )
    .await;
    assert_refused(
        &app,
        clinic.form_with(json!({ "insuranceProvider": "I".repeat(201) })),
        &[("input.insuranceProvider", "INVALID_LENGTH")],
    )
    .await;

    let self_pay = submit(
        &app,
        clinic.form_with(json!({ "insuranceProvider": null, "selfPay": true })),
    )
    .await;
    assert_eq!(
        row(&app, &reference(&self_pay)).await.insurance_provider,
        None
    );
}

/// The last and the first bookable weekdays (Monday to Friday, 3 to 85 days
/// out) on either side of a change of `tz`'s UTC offset, with
/// the offsets (seconds east of UTC) at 07:00 on each.
fn around_offset_change(tz: Tz, today: NaiveDate) -> Option<[(NaiveDate, i32); 2]> {
    let offset_at_seven = |day: NaiveDate| {
        tz.from_local_datetime(&day.and_hms_opt(7, 0, 0).unwrap())
            .single()
            .map(|t| t.offset().fix().local_minus_utc())
    };
    let mut last: Option<(NaiveDate, i32)> = None;
    for n in 3..=85 {
        let day = today + Duration::days(n);
        if day.weekday().number_from_monday() > 5 {
            continue;
        }
        let Some(offset) = offset_at_seven(day) else {
            continue;
        };
        match last {
            Some((before, was)) if was != offset => {
                // A clock change, not a zone changing its standard time by hours.
                return ((offset - was).abs() <= 3600).then_some([(before, was), (day, offset)]);
            }
            _ => last = Some((day, offset)),
        }
    }
    None
}

#[tokio::test]
async fn windows_are_read_on_the_location_clock_across_a_daylight_saving_change() {
    let app = TestApp::empty().await;
    let today = Utc::now().date_naive();
    let chicago: Tz = "America/Chicago".parse().unwrap();
    // Chicago changes its clocks in March and November, more than 90 days
    // apart; when no change falls in the bookable time, the clinic is set in
    // a zone whose clocks change in it (there is one most of the year).
    let found = around_offset_change(chicago, today)
        .map(|days| (chicago, days))
        .or_else(|| {
            chrono_tz::TZ_VARIANTS
                .iter()
                .find_map(|tz| around_offset_change(*tz, today).map(|days| (*tz, days)))
        });
    let Some((tz, [before, after])) = found else {
        // No clock in the world changes in the next 85 days (some weeks in
        // May and November): show at least that each location's own offset
        // is used, with the same hours an hour west.
        let clinic = seed_clinic(&app).await;
        let mut open = hours(&WEEKDAYS, "07:00", "19:00");
        open.extend(hours(&[Weekday::Sat], "08:00", "13:00"));
        let west = seed_location(&app, "Highlands", "America/Denver", open).await;
        let at = [clinic.location.slug.as_str(), west.slug.as_str()];
        set_therapist_locations(&app, &clinic.therapist, &at).await;
        let tuesday = next(Weekday::Tue);
        let seven = local(clinic.time_zone, tuesday, 7, 0);
        let window = json!({
            "start": seven.to_rfc3339(),
            "end": (seven + Duration::hours(1)).to_rfc3339(),
        });
        submit(
            &app,
            clinic.form_with(json!({ "preferredWindows": [window.clone()] })),
        )
        .await;
        assert_refused(
            &app,
            clinic.form_with(json!({ "location": west.slug, "preferredWindows": [window] })),
            &[("input.preferredWindows.0", "OUT_OF_RANGE")],
        )
        .await;
        return;
    };
    let clinic = seed_clinic_in(&app, tz.name()).await;
    // 07:00 on the day with the larger offset is, at the same UTC clock time,
    // before 07:00 on the other day, when the clinic is not yet open.
    let ((open_day, _), (closed_day, _)) = if after.1 > before.1 {
        (after, before)
    } else {
        (before, after)
    };
    let open_start = tz
        .from_local_datetime(&open_day.and_hms_opt(7, 0, 0).unwrap())
        .single()
        .unwrap()
        .with_timezone(&Utc);
    let closed_start = open_start + Duration::days((closed_day - open_day).num_days());
    assert_eq!(open_start.time(), closed_start.time());
    assert!(
        closed_start.with_timezone(&tz).time() < chrono::NaiveTime::from_hms_opt(7, 0, 0).unwrap()
    );
    let window = |start: chrono::DateTime<Utc>| json!({ "start": start.to_rfc3339(), "end": (start + Duration::hours(1)).to_rfc3339() });
    eprintln!(
        "{}: {open_start} is 07:00 on {open_day}, {closed_start} is {} on {closed_day}",
        tz.name(),
        closed_start.with_timezone(&tz).time()
    );

    let receipt = submit(
        &app,
        clinic.form_with(json!({ "preferredWindows": [window(open_start)] })),
    )
    .await;
    assert_eq!(receipt["preferredWindows"].as_array().unwrap().len(), 1);
    let errors = assert_refused(
        &app,
        clinic.form_with(json!({ "preferredWindows": [window(closed_start)] })),
        &[("input.preferredWindows.0", "OUT_OF_RANGE")],
    )
    .await;
    let message = only_message(&errors);
    assert!(message.contains("opening hours"), "{message}");
}

#[tokio::test]
async fn a_filled_in_honeypot_is_stored_as_spam_but_answered_as_new() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let status_query = r#"query($reference: String!, $email: String!) {
        bookingRequestStatus(reference: $reference, email: $email) { status } }"#;
    let mut bot = clinic.patient(1);
    bot["website"] = json!("https://cheap-pills.example.com");
    let receipt = submit(&app, bot).await;
    assert_eq!(receipt["status"], "NEW");
    assert_eq!(
        row(&app, &reference(&receipt)).await.status,
        BookingStatus::Spam
    );
    let res = app
        .gql(
            status_query,
            json!({ "reference": reference(&receipt), "email": "patient1@example.com" }),
        )
        .await;
    assert_eq!(res.ok()["bookingRequestStatus"]["status"], "NEW");

    // A blank honeypot is what people send.
    let mut person = clinic.patient(2);
    person["website"] = json!("  ");
    let receipt = submit(&app, person).await;
    assert_eq!(
        row(&app, &reference(&receipt)).await.status,
        BookingStatus::New
    );
}

#[tokio::test]
async fn a_form_sent_seconds_after_it_was_opened_is_stored_as_spam() {
    let app = TestApp::empty().await;
    let clinic = seed_clinic(&app).await;
    let opened = |seconds_ago: i64| (Utc::now() - Duration::seconds(seconds_ago)).to_rfc3339();
    let cases = [
        (1, BookingStatus::Spam),
        (60, BookingStatus::New),
        // Sent from a device whose clock runs five minutes fast: a person's.
        (-300, BookingStatus::New),
    ];
    for (n, (seconds_ago, status)) in (1..).zip(cases) {
        let mut input = clinic.patient(n);
        input["formOpenedAt"] = json!(opened(seconds_ago));
        let res = app.gql(REQUEST, json!({ "input": input })).await;
        let receipt = receipt_of(&res);
        assert_eq!(receipt["status"], "NEW");
        assert_eq!(
            row(&app, &reference(&receipt)).await.status,
            status,
            "opened {seconds_ago}s before"
        );
    }
    // Left out, nothing is known about the timing.
    let receipt = submit(&app, clinic.patient(3)).await;
    assert_eq!(
        row(&app, &reference(&receipt)).await.status,
        BookingStatus::New
    );
}

#[test]
fn the_days_around_a_clock_change_are_the_working_days_either_side() {
    let chicago: Tz = "America/Chicago".parse().unwrap();
    let day = |m, d| NaiveDate::from_ymd_opt(2027, m, d).unwrap();
    // Clocks go forward on Sunday 14 March 2027.
    assert_eq!(
        around_offset_change(chicago, day(2, 1)),
        Some([(day(3, 12), -6 * 3600), (day(3, 15), -5 * 3600)])
    );
    // Nothing changes from April to July.
    assert_eq!(around_offset_change(chicago, day(4, 1)), None);
}
