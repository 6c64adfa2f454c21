//! The four operations: their request bodies, built from `benches/queries/`,
//! and the check each answer must pass before the operation is loaded.

use std::path::Path;

use chrono::{Days, Utc, Weekday};
use serde_json::Value;

use crate::dataset::{TIME_ZONE, first_day_from, morning_window};

/// One operation of the workload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Home,
    Article,
    Directory,
    Book,
}

/// What the home page must list with the seed.
const HOME_ARTICLES: usize = 5;
const HOME_THERAPISTS: usize = 60;
const HOME_LOCATIONS: usize = 4;
/// Awards of `ocs` in the seed, expired ones included.
const DIRECTORY_HOLDERS: usize = 16;

impl Op {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "home" => Some(Self::Home),
            "article" => Some(Self::Article),
            "directory" => Some(Self::Directory),
            "book" => Some(Self::Book),
            _ => None,
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Self::Home => "home",
            Self::Article => "article",
            Self::Directory => "directory",
            Self::Book => "book",
        }
    }

    /// The wrk script under `benches/` that sends it.
    pub fn script(self) -> &'static str {
        match self {
            Self::Book => "book.lua",
            _ => "post.lua",
        }
    }

    /// The JSON request body: `<name>.graphql` with `<name>.variables.json`
    /// from `queries`, and for `book` a preferred window that is valid today.
    pub fn request_body(self, queries: &Path) -> String {
        let name = self.name();
        let query = std::fs::read_to_string(queries.join(format!("{name}.graphql")))
            .unwrap_or_else(|e| panic!("read the {name} query: {e}"));
        let variables_path = queries.join(format!("{name}.variables.json"));
        let mut variables: Value = match std::fs::read_to_string(&variables_path) {
            Ok(text) => serde_json::from_str(&text)
                .unwrap_or_else(|e| panic!("{} is not JSON: {e}", variables_path.display())),
            Err(_) => Value::Object(Default::default()),
        };
        if self == Self::Book {
            variables["input"]["preferredWindows"] = serde_json::json!([booking_window()]);
        }
        let mut body = serde_json::json!({ "query": query, "variables": variables });
        if let Some(operation) = operation_name(&query) {
            body["operationName"] = operation.into();
        }
        body.to_string()
    }

    /// Whether `answer` is the data this operation must return; what is wrong if not.
    pub fn check(self, answer: &Value) -> Result<(), String> {
        if let Some(errors) = answer.get("errors") {
            return Err(format!("GraphQL errors: {errors}"));
        }
        let data = &answer["data"];
        match self {
            Self::Home => {
                expect_len(&data["articles"]["nodes"], HOME_ARTICLES, "articles")?;
                expect_len(&data["therapists"]["nodes"], HOME_THERAPISTS, "therapists")?;
                expect_len(&data["locations"], HOME_LOCATIONS, "locations")
            }
            Self::Article => match data["article"]["body"].as_str() {
                Some(body) if !body.is_empty() => Ok(()),
                _ => Err("no article, or one without a body".into()),
            },
            Self::Directory => expect_len(
                &data["certification"]["holders"],
                DIRECTORY_HOLDERS,
                "holders",
            ),
            Self::Book => {
                let payload = &data["requestBooking"];
                expect_len(&payload["userErrors"], 0, "userErrors")?;
                match payload["receipt"]["status"].as_str() {
                    Some("NEW") => Ok(()),
                    other => Err(format!("receipt status {other:?}, not NEW")),
                }
            }
        }
    }
}

/// Next Tuesday at least two days ahead, 10:00 to 12:00 at the clinic:
/// in the future, within 90 days, and inside Northside's hours (Mon–Fri 08–18).
fn booking_window() -> clinic_api::domain::bookings::Window {
    let today = Utc::now().with_timezone(&TIME_ZONE).date_naive();
    morning_window(first_day_from(today + Days::new(2), |d| d == Weekday::Tue))
}

/// The name after the first `query` or `mutation` keyword that starts a line.
fn operation_name(document: &str) -> Option<&str> {
    document.lines().find_map(|line| {
        let mut words = line.split_whitespace();
        match words.next()? {
            "query" | "mutation" => {
                let name = words.next()?;
                let end = name.find(['(', '{']).unwrap_or(name.len());
                Some(&name[..end]).filter(|n| !n.is_empty())
            }
            _ => None,
        }
    })
}

fn expect_len(list: &Value, expected: usize, what: &str) -> Result<(), String> {
    match list.as_array() {
        Some(items) if items.len() == expected => Ok(()),
        Some(items) => Err(format!("{} {what}, expected {expected}", items.len())),
        None => Err(format!("no list of {what}")),
    }
}
