//! Checking what staff type into forms: every problem is tied to the input
//! field that holds it (`["input", "timeZone"]`), all of them are collected
//! before anything is written, and a write with any problem writes nothing.
//!
//! The API turns a [`Problem`] into a `UserError`; [`Code`] mirrors its codes.

use std::fmt;

use sea_orm::{ConnectionTrait, DbErr, EntityTrait, PrimaryKeyTrait};

use crate::error::AppError;

/// What kind of problem a value has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Code {
    /// A required value is missing or blank.
    Required,
    /// Longer or shorter than allowed (text or list).
    InvalidLength,
    /// Not in the expected form (email, slug, URL, time zone…).
    InvalidFormat,
    /// A number, date or time outside the allowed range.
    OutOfRange,
    /// Another object already uses this value (a slug).
    Taken,
    /// The object referred to does not exist.
    NotFound,
    /// The object is not in a state that allows this.
    InvalidState,
    /// The object changed since the client read it (a compare-and-swap failed).
    StaleStatus,
}

/// Where in the input a value sits, e.g. `["input", "hours", "2", "closes"]`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Field(Vec<String>);

impl Field {
    pub fn new(path: &[&str]) -> Self {
        Self(path.iter().map(|s| (*s).to_owned()).collect())
    }

    /// The field `key` (a name or a list index) inside this one.
    pub fn at(&self, key: impl fmt::Display) -> Self {
        let mut path = self.0.clone();
        path.push(key.to_string());
        Self(path)
    }

    pub fn segments(&self) -> &[String] {
        &self.0
    }
}

/// One thing wrong with the input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Empty when no one field is at fault.
    pub field: Field,
    pub code: Code,
    pub message: String,
}

/// A phone number as people read it (`800-PT-FIRST`) and as it is dialled (`+18007834778`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhoneNumber {
    pub display: String,
    pub e164: String,
}

/// Why a write did not happen.
#[derive(Debug)]
pub enum WriteError {
    /// The input has problems the user can fix; nothing was written.
    Invalid(Vec<Problem>),
    /// Anything else (the database); reported as an internal error.
    Failed(AppError),
}

pub type WriteResult<T> = Result<T, WriteError>;

impl WriteError {
    /// One problem with the input.
    pub fn invalid(field: &Field, code: Code, message: impl Into<String>) -> Self {
        Self::Invalid(vec![Problem {
            field: field.clone(),
            code,
            message: message.into(),
        }])
    }
}

impl From<AppError> for WriteError {
    fn from(error: AppError) -> Self {
        Self::Failed(error)
    }
}

impl From<DbErr> for WriteError {
    fn from(error: DbErr) -> Self {
        Self::Failed(AppError::Db(error))
    }
}

/// A unique index refused a value that a check just found free: another
/// write took it in between. Reported like the check would have.
pub fn taken_if_unique_violation(error: DbErr, field: &Field) -> WriteError {
    match error.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => WriteError::Invalid(vec![Problem {
            field: field.clone(),
            code: Code::Taken,
            message: "another object took this value at the same time".into(),
        }]),
        _ => error.into(),
    }
}

/// The problems found so far, and checks that add to them. Each check returns
/// the cleaned value (trimmed, normalised), to be used only if no problem is found.
#[derive(Debug, Default)]
pub struct Problems(Vec<Problem>);

impl Problems {
    pub fn add(&mut self, field: &Field, code: Code, message: impl Into<String>) {
        self.0.push(Problem {
            field: field.clone(),
            code,
            message: message.into(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn as_slice(&self) -> &[Problem] {
        &self.0
    }

    /// Each problem as its field path joined with dots, and its code.
    #[cfg(test)]
    pub(crate) fn found(&self) -> Vec<(String, Code)> {
        self.0
            .iter()
            .map(|p| (p.field.segments().join("."), p.code))
            .collect()
    }

    /// `Ok(())` when nothing is wrong, else every problem at once.
    pub fn finish(self) -> WriteResult<()> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(WriteError::Invalid(self.0))
        }
    }

    /// `value` when nothing is wrong, else every problem at once. A `None`
    /// value must come with a problem that explains it.
    pub fn finish_with<T>(self, value: Option<T>) -> WriteResult<T> {
        match value {
            _ if !self.0.is_empty() => Err(WriteError::Invalid(self.0)),
            Some(value) => Ok(value),
            None => Err(WriteError::Failed(AppError::Internal(
                "a value is missing and no problem says why".into(),
            ))),
        }
    }

    /// A value a create needs: `None` there is a Required problem; an update
    /// leaves out what it does not change.
    pub fn present<T>(&mut self, field: &Field, value: Option<T>, required: bool) -> Option<T> {
        if value.is_none() && required {
            self.add(field, Code::Required, "required");
        }
        value
    }

    /// Trimmed text of at most `max` characters; blank is Required unless `may_be_blank`.
    pub fn text(&mut self, field: &Field, value: &str, max: usize, may_be_blank: bool) -> String {
        let value = value.trim();
        if value.is_empty() && !may_be_blank {
            self.add(field, Code::Required, "must not be blank");
        } else if value.chars().count() > max {
            self.add(
                field,
                Code::InvalidLength,
                format!("must have at most {max} characters"),
            );
        }
        value.to_owned()
    }

    /// [`present`](Self::present), then [`text`](Self::text) of what is there.
    pub fn present_text(
        &mut self,
        field: &Field,
        value: Option<String>,
        required: bool,
        max: usize,
        may_be_blank: bool,
    ) -> Option<String> {
        self.present(field, value, required)
            .map(|v| self.text(field, &v, max, may_be_blank))
    }

    /// A slug staff chose: already in the form `slug::slugify` gives.
    pub fn slug(&mut self, field: &Field, value: &str) -> String {
        let value = value.trim();
        if !super::slug::is_valid(value) {
            self.add(
                field,
                Code::InvalidFormat,
                format!(
                    "must be lowercase letters, digits and single dashes, at most {} characters, e.g. `{}`",
                    super::slug::MAX_LENGTH,
                    super::slug::slugify(value)
                ),
            );
        }
        value.to_owned()
    }

    /// An email address, lower-cased; checked loosely (`local@domain.tld`).
    pub fn email(&mut self, field: &Field, value: &str) -> String {
        let value = value.trim().to_lowercase();
        if !is_email(&value) {
            self.add(field, Code::InvalidFormat, "must be an email address");
        }
        value
    }

    /// An absolute `http` or `https` URL.
    pub fn url(&mut self, field: &Field, value: &str) -> String {
        let value = value.trim();
        if !is_web_url(value) {
            self.add(
                field,
                Code::InvalidFormat,
                "must be an http:// or https:// URL",
            );
        }
        value.to_owned()
    }

    /// An absolute `http`/`https` URL, or a path on the clinic's own site
    /// (`/images/…`), as images are often served.
    pub fn url_or_path(&mut self, field: &Field, value: &str) -> String {
        let value = value.trim();
        if !(is_web_url(value) || is_site_path(value)) {
            self.add(
                field,
                Code::InvalidFormat,
                "must be an http:// or https:// URL, or a path starting with /",
            );
        }
        value.to_owned()
    }

    /// A phone number in E.164 form: `+` then 8 to 15 digits.
    pub fn phone_e164(&mut self, field: &Field, value: &str) -> String {
        let value = value.trim();
        if !is_e164(value) {
            self.add(
                field,
                Code::InvalidFormat,
                "must be in E.164 form: + then 8 to 15 digits, e.g. +18007834778",
            );
        }
        value.to_owned()
    }

    /// A phone number: display text and E.164, under `field.display` and `field.e164`.
    pub fn phone(&mut self, field: &Field, phone: &PhoneNumber) -> PhoneNumber {
        PhoneNumber {
            display: self.text(&field.at("display"), &phone.display, 50, false),
            e164: self.phone_e164(&field.at("e164"), &phone.e164),
        }
    }

    /// A number within `min..=max`.
    pub fn in_range<T: PartialOrd + fmt::Display + Copy>(
        &mut self,
        field: &Field,
        value: T,
        min: T,
        max: T,
    ) -> T {
        // Written so that NaN, which compares false to everything, is refused.
        if !(min <= value && value <= max) {
            self.add(
                field,
                Code::OutOfRange,
                format!("must be between {min} and {max}"),
            );
        }
        value
    }
}

/// Which row a create-or-update writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    /// A new row.
    New,
    /// The row with this id; `None` when the id given named no such row
    /// (malformed, or the id of another type).
    Existing(Option<i32>),
}

/// The row of `E` with this id; without one, a NotFound problem on `field`
/// saying that no `what` has this id.
pub async fn existing<E, C>(
    db: &C,
    id: Option<i32>,
    field: &Field,
    what: &str,
    p: &mut Problems,
) -> Result<Option<E::Model>, DbErr>
where
    E: EntityTrait,
    C: ConnectionTrait,
    i32: Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
{
    let found = match id {
        Some(id) => E::find_by_id(id).one(db).await?,
        None => None,
    };
    if found.is_none() {
        p.add(field, Code::NotFound, format!("no {what} has this id"));
    }
    Ok(found)
}

/// `local@domain.tld`, no spaces, at most 254 characters.
pub fn is_email(value: &str) -> bool {
    value.len() <= 254
        && !value.chars().any(char::is_whitespace)
        && value.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain
                    .split_once('.')
                    .is_some_and(|(host, tld)| !host.is_empty() && !tld.is_empty())
                && !domain.ends_with('.')
        })
}

/// An absolute `http`/`https` URL with a host, at most 2048 characters.
pub fn is_web_url(value: &str) -> bool {
    value.len() <= 2048
        && url::Url::parse(value).is_ok_and(|url| {
            matches!(url.scheme(), "http" | "https")
                && url.host_str().is_some_and(|h| !h.is_empty())
        })
}

/// A path on the same site: `/` then no spaces, not `//` (which names another host).
pub fn is_site_path(value: &str) -> bool {
    value.len() <= 2048
        && value.starts_with('/')
        && !value.starts_with("//")
        && !value
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || c == '\\')
}

/// `+` then 8 to 15 digits.
pub fn is_e164(value: &str) -> bool {
    value.strip_prefix('+').is_some_and(|digits| {
        (8..=15).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_collect_every_problem_with_its_field() {
        let input = Field::new(&["input"]);
        let mut p = Problems::default();
        assert_eq!(p.text(&input.at("name"), "  Ana  ", 10, false), "Ana");
        p.text(&input.at("title"), "   ", 10, false);
        p.text(&input.at("bio"), "", 10, true);
        p.text(&input.at("long"), "abcdefghijk", 10, false);
        assert_eq!(p.email(&input.at("email"), " A@B.Example "), "a@b.example");
        p.email(&input.at("email2"), "nope@localhost");
        p.url(&input.at("url"), "javascript:alert(1)");
        p.phone_e164(&input.at("phone"), "+1 800 783");
        p.in_range(&input.at("lat"), f64::NAN, -90.0, 90.0);
        p.slug(&input.at("slug"), "Not A Slug");
        p.present::<()>(&input.at("x"), None, true);
        p.present::<()>(&input.at("y"), None, false);
        let found: Vec<(Vec<String>, Code)> = p
            .as_slice()
            .iter()
            .map(|p| (p.field.segments().to_vec(), p.code))
            .collect();
        let at = |name: &str| vec!["input".to_owned(), name.to_owned()];
        assert_eq!(
            found,
            [
                (at("title"), Code::Required),
                (at("long"), Code::InvalidLength),
                (at("email2"), Code::InvalidFormat),
                (at("url"), Code::InvalidFormat),
                (at("phone"), Code::InvalidFormat),
                (at("lat"), Code::OutOfRange),
                (at("slug"), Code::InvalidFormat),
                (at("x"), Code::Required),
            ]
        );
        assert!(matches!(p.finish(), Err(WriteError::Invalid(v)) if v.len() == 8));
        assert!(Problems::default().finish().is_ok());
    }

    #[test]
    fn formats() {
        assert!(is_e164("+18007834778"));
        assert!(!is_e164("18007834778"));
        assert!(!is_e164("+1234567"));
        assert!(!is_e164("+1234567890123456"));
        assert!(is_web_url("https://ptfirst.example/staff"));
        assert!(!is_web_url("ftp://ptfirst.example"));
        assert!(!is_web_url("ptfirst.example"));
        assert!(is_site_path("/images/therapists/maria-gonzalez.jpg"));
        assert!(!is_site_path("//evil.example/x.jpg"));
        assert!(!is_site_path("images/x.jpg"));
        assert!(is_email("front.desk@ptfirst.example"));
        assert!(!is_email("front desk@ptfirst.example"));
        assert!(!is_email("@ptfirst.example"));
    }
}
