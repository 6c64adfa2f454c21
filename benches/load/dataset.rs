//! The data set: the peer benchmark's `schema.sql` + `seed.sql`, evaluated by
//! PostgreSQL in a scratch database, read back, and written in this project's
//! schema into each target database with the same integer ids.

use std::path::Path;
use std::process::{Command, Stdio};

use chrono::{DateTime, Datelike, Days, NaiveDate, TimeZone, Utc, Weekday};
use clinic_api::config::DbConfig;
use clinic_api::domain::bookings::Window;
use clinic_api::domain::markdown;
use entity::{
    article, booking_request, certification, location, location_service, opening_hours, service,
    therapist, therapist_certification, therapist_location, therapist_service,
};
use migration::{Migrator, MigratorTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ConnectionTrait, Database, DatabaseConnection, DbBackend,
    DbErr, EntityTrait, FromQueryResult, IntoActiveModel, NotSet, PaginatorTrait, Statement,
    TransactionTrait,
};

/// Where the seed's clinics are (Portland, Oregon), so their hours are read in this zone.
pub const TIME_ZONE: chrono_tz::Tz = chrono_tz::America::Los_Angeles;
/// The scratch database PostgreSQL evaluates the seed in.
const SCRATCH_DATABASE: &str = "clinic_bench_seed";
/// Rows per `INSERT`.
const BATCH: usize = 200;
/// Tables whose ids come from the seed, so their sequences must be moved past them.
const KEPT_IDS: [&str; 5] = [
    "location",
    "service",
    "therapist",
    "certification",
    "article",
];

mod source;

/// Every row of the seed.
pub struct Seed {
    locations: Vec<source::Location>,
    hours: Vec<source::Hours>,
    therapists: Vec<source::Therapist>,
    certifications: Vec<source::Certification>,
    awards: Vec<source::Award>,
    services: Vec<source::Service>,
    offers: Vec<source::Offer>,
    articles: Vec<source::Article>,
    bookings: Vec<source::Booking>,
}

impl Seed {
    /// Evaluates `schema.sql` + `seed.sql` from `bench_dir` with `psql` in a
    /// fresh scratch database next to `admin_url`, reads every row, and drops
    /// the scratch database again. `psql`'s output goes to `log`.
    pub async fn evaluate(admin_url: &str, bench_dir: &Path, log: &Path) -> Self {
        let admin = Database::connect(admin_url)
            .await
            .unwrap_or_else(|e| panic!("PostgreSQL does not answer at {admin_url}: {e}"));
        recreate_database(&admin, SCRATCH_DATABASE)
            .await
            .expect("create the scratch database");
        let url = database_url(admin_url, SCRATCH_DATABASE);
        run_psql(&url, bench_dir, log);
        let db = Database::connect(&url)
            .await
            .expect("connect to the scratch database");
        let seed = Self::read(&db).await.expect("read the seed back");
        db.close().await.expect("close the scratch database");
        admin
            .execute_unprepared(&format!("DROP DATABASE \"{SCRATCH_DATABASE}\""))
            .await
            .expect("drop the scratch database");
        seed
    }

    async fn read(db: &DatabaseConnection) -> Result<Self, DbErr> {
        Ok(Self {
            locations: all(db, "SELECT * FROM location ORDER BY id").await?,
            hours: all(
                db,
                "SELECT * FROM opening_hours ORDER BY location_id, weekday, opens",
            )
            .await?,
            therapists: all(db, "SELECT * FROM therapist ORDER BY id").await?,
            certifications: all(db, "SELECT * FROM certification ORDER BY id").await?,
            awards: all(
                db,
                "SELECT * FROM therapist_certification ORDER BY therapist_id, certification_id",
            )
            .await?,
            services: all(db, "SELECT * FROM service ORDER BY id").await?,
            offers: all(
                db,
                "SELECT * FROM therapist_service ORDER BY therapist_id, service_id",
            )
            .await?,
            articles: all(db, "SELECT * FROM article ORDER BY id").await?,
            bookings: all(db, "SELECT * FROM booking_request ORDER BY created_at, id").await?,
        })
    }

    /// Creates a fresh database at `url` (SQLite file or PostgreSQL database
    /// that exists and is empty), migrates it, and writes the seed into it in
    /// one transaction; the number of rows of each table afterwards.
    pub async fn write_to(&self, url: &str) -> Vec<(&'static str, u64)> {
        let db = clinic_api::db::connect(&DbConfig {
            database_url: url.to_owned(),
            database_max_connections: 4,
        })
        .await
        .expect("connect to the target database");
        Migrator::up(&db, None).await.expect("migrate the target");
        let txn = db.begin().await.expect("begin");
        self.insert_all(&txn, Utc::now())
            .await
            .expect("write the seed");
        txn.commit().await.expect("commit the seed");
        if db.get_database_backend() == DbBackend::Postgres {
            for table in KEPT_IDS {
                db.execute_unprepared(&format!(
                    "SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
                ))
                .await
                .expect("move a sequence past the seed's ids");
            }
            // Fresh statistics, as the peer's seed ends with.
            db.execute_unprepared("ANALYZE").await.expect("analyze");
        }
        let counts = count_rows(&db).await.expect("count the rows");
        db.close().await.expect("close the target");
        counts
    }

    async fn insert_all(&self, db: &impl ConnectionTrait, now: DateTime<Utc>) -> Result<(), DbErr> {
        insert(db, self.locations.iter().map(|l| location_row(l, now))).await?;
        insert(db, self.hours.iter().map(hours_row)).await?;
        insert(db, self.services.iter().map(|s| service_row(s, now))).await?;
        // The seed has no such table; every location offers every service.
        let offered = self.locations.iter().flat_map(|l| {
            self.services.iter().map(|s| location_service::ActiveModel {
                location_id: Set(l.id),
                service_id: Set(s.id),
            })
        });
        insert(db, offered).await?;
        insert(db, self.therapists.iter().map(|t| therapist_row(t, now))).await?;
        let works_at = self.therapists.iter().filter_map(|t| {
            let location_id = t.location_id?;
            Some(therapist_location::ActiveModel {
                therapist_id: Set(t.id),
                location_id: Set(location_id),
            })
        });
        insert(db, works_at).await?;
        insert(
            db,
            self.certifications
                .iter()
                .map(|c| certification_row(c, now)),
        )
        .await?;
        insert(db, self.awards.iter().map(|a| award_row(a, now))).await?;
        let offers = self.offers.iter().map(|o| therapist_service::ActiveModel {
            therapist_id: Set(o.therapist_id),
            service_id: Set(o.service_id),
        });
        insert(db, offers).await?;
        insert(db, self.articles.iter().map(|a| article_row(a, now))).await?;
        insert(db, self.bookings.iter().map(booking_row)).await
    }
}

/// Runs `schema.sql` then `seed.sql` through `psql`, stopping at the first error.
fn run_psql(url: &str, bench_dir: &Path, log: &Path) {
    let output = std::fs::File::create(log).expect("create the psql log");
    let status = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f"])
        .arg(bench_dir.join("schema.sql"))
        .arg("-f")
        .arg(bench_dir.join("seed.sql"))
        .stdin(Stdio::null())
        .stdout(output.try_clone().expect("share the psql log"))
        .stderr(output)
        .status()
        .expect("psql runs (is the PostgreSQL client installed?)");
    if !status.success() {
        let text = std::fs::read_to_string(log).unwrap_or_default();
        panic!("psql could not load the seed ({status}):\n{text}");
    }
}

async fn all<T: FromQueryResult>(db: &DatabaseConnection, sql: &str) -> Result<Vec<T>, DbErr> {
    T::find_by_statement(Statement::from_string(DbBackend::Postgres, sql))
        .all(db)
        .await
}

/// Inserts `rows` a batch at a time.
async fn insert<A: ActiveModelTrait>(
    db: &impl ConnectionTrait,
    rows: impl IntoIterator<Item = A>,
) -> Result<(), DbErr> {
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        let batch: Vec<A> = rows.by_ref().take(BATCH).collect();
        A::Entity::insert_many(batch)
            .exec_without_returning(db)
            .await?;
    }
    Ok(())
}

/// How many rows each table of the data set holds.
async fn count_rows(db: &DatabaseConnection) -> Result<Vec<(&'static str, u64)>, DbErr> {
    Ok(vec![
        ("locations", location::Entity::find().count(db).await?),
        (
            "opening hours",
            opening_hours::Entity::find().count(db).await?,
        ),
        (
            "location services",
            location_service::Entity::find().count(db).await?,
        ),
        ("services", service::Entity::find().count(db).await?),
        ("therapists", therapist::Entity::find().count(db).await?),
        (
            "therapist locations",
            therapist_location::Entity::find().count(db).await?,
        ),
        (
            "certifications",
            certification::Entity::find().count(db).await?,
        ),
        (
            "awards",
            therapist_certification::Entity::find().count(db).await?,
        ),
        (
            "therapist services",
            therapist_service::Entity::find().count(db).await?,
        ),
        ("articles", article::Entity::find().count(db).await?),
        (
            "booking requests",
            booking_request::Entity::find().count(db).await?,
        ),
    ])
}

fn location_row(l: &source::Location, now: DateTime<Utc>) -> location::ActiveModel {
    location::Model {
        id: l.id,
        slug: l.slug.clone(),
        name: l.name.clone(),
        street: l.street_address.clone(),
        city: l.address_locality.clone(),
        region: l.address_region.clone().unwrap_or_default(),
        postal_code: l.postal_code.clone(),
        country: l.address_country.clone(),
        time_zone: TIME_ZONE.name().to_owned(),
        // Shown as the seed writes it; dialled in E.164.
        phone_display: l.phone.clone(),
        phone_e164: e164(&l.phone),
        email: l.email.clone(),
        latitude: l.latitude,
        longitude: l.longitude,
        position: l.id - 1,
        created_at: now,
        updated_at: now,
    }
    .into_active_model()
}

fn hours_row(h: &source::Hours) -> opening_hours::ActiveModel {
    opening_hours::ActiveModel {
        id: NotSet,
        location_id: Set(h.location_id),
        weekday: Set(h.weekday),
        opens: Set(h.opens),
        closes: Set(h.closes),
    }
}

fn service_row(s: &source::Service, now: DateTime<Utc>) -> service::ActiveModel {
    // Every kind of the seed is clinical care; a class is paid privately and
    // needs no referral.
    let class = s.kind == "class";
    service::Model {
        id: s.id,
        slug: s.slug.clone(),
        name: s.name.clone(),
        kind: service::ServiceKind::Clinical,
        description: s.description.clone(),
        durations_minutes: serde_json::json!([s.duration_minutes]),
        referral_accepted: !class,
        insurance_eligible: !class,
        active: true,
        position: s.id - 1,
        created_at: now,
        updated_at: now,
    }
    .into_active_model()
}

fn therapist_row(t: &source::Therapist, now: DateTime<Utc>) -> therapist::ActiveModel {
    therapist::Model {
        id: t.id,
        slug: t.slug.clone(),
        first_name: t.first_name.clone(),
        last_name: t.last_name.clone(),
        credentials: t.credentials.clone(),
        title: t.title.clone(),
        bio: t.bio.clone(),
        bio_html: markdown::to_safe_html(&t.bio),
        photo_url: t.photo_url.clone(),
        accepting_new_patients: t.accepting_new_patients,
        active: true,
        created_at: now,
        updated_at: now,
    }
    .into_active_model()
}

fn certification_row(c: &source::Certification, now: DateTime<Utc>) -> certification::ActiveModel {
    certification::Model {
        id: c.id,
        slug: c.slug.clone(),
        name: c.name.clone(),
        issuing_body: c.issuing_body.clone(),
        description: c.description.clone(),
        url: None,
        created_at: now,
        updated_at: now,
    }
    .into_active_model()
}

fn award_row(a: &source::Award, now: DateTime<Utc>) -> therapist_certification::ActiveModel {
    therapist_certification::ActiveModel {
        id: NotSet,
        therapist_id: Set(a.therapist_id),
        certification_id: Set(a.certification_id),
        issued_on: Set(a.issued_on),
        expires_on: Set(a.expires_on),
        credential_id: Set(None),
        verified: Set(true),
        created_at: Set(now),
    }
}

fn article_row(a: &source::Article, now: DateTime<Utc>) -> article::ActiveModel {
    let status = match a.status.as_str() {
        "published" => article::ArticleStatus::Published,
        "archived" => article::ArticleStatus::Archived,
        _ => article::ArticleStatus::Draft,
    };
    let written = a.published_at.unwrap_or(now);
    article::Model {
        id: a.id,
        slug: a.slug.clone(),
        title: a.title.clone(),
        summary: a.summary.clone(),
        body: a.body.clone(),
        body_html: markdown::to_safe_html(&a.body),
        reading_time_minutes: markdown::reading_time_minutes(&a.body),
        status,
        published_at: a.published_at,
        author_id: a.author_id,
        created_at: written,
        updated_at: written,
    }
    .into_active_model()
}

fn booking_row(b: &source::Booking) -> booking_request::ActiveModel {
    use booking_request::BookingStatus;
    let status = match b.status.as_str() {
        "contacted" => BookingStatus::Contacted,
        "booked" => BookingStatus::Scheduled,
        "declined" => BookingStatus::Declined,
        _ => BookingStatus::New,
    };
    // The seed keeps no preferred time: the morning of the next working day.
    let asked_on = b.created_at.with_timezone(&TIME_ZONE).date_naive();
    let window = morning_window(first_day_from(asked_on + Days::new(1), is_working_day));
    booking_request::Model {
        id: b.id,
        reference: b.reference.clone(),
        full_name: b.full_name.clone(),
        email: b.email.clone(),
        phone_e164: e164(
            b.phone
                .as_deref()
                .expect("every seeded request has a phone"),
        ),
        preferred_contact: booking_request::ContactMethod::Email,
        service_id: b.service_id.expect("every seeded request names a service"),
        location_id: b
            .location_id
            .expect("every seeded request names a location"),
        therapist_id: b.therapist_id,
        assigned_therapist_id: None,
        preferred_windows: serde_json::to_value([window]).expect("windows as JSON"),
        new_patient: true,
        physician_referral: false,
        insurance_provider: None,
        message: b.message.clone(),
        consent: true,
        status,
        submitted_at: b.created_at,
        updated_at: b.created_at,
        anonymised_at: None,
    }
    .into_active_model()
}

/// `+1 503-555-0140` → `+15035550140`.
fn e164(phone: &str) -> String {
    let number = phonenumber::parse(None, phone)
        .unwrap_or_else(|e| panic!("the seed has a phone number {phone:?} we cannot read: {e}"));
    number.format().mode(phonenumber::Mode::E164).to_string()
}

/// 10:00 to 12:00 on `day`, clinic time.
pub fn morning_window(day: NaiveDate) -> Window {
    let at = |hour| {
        let local = day.and_hms_opt(hour, 0, 0).expect("a valid hour");
        TIME_ZONE
            .from_local_datetime(&local)
            .single()
            .expect("no clock change happens in the morning")
            .with_timezone(&Utc)
    };
    Window {
        start: at(10),
        end: at(12),
    }
}

/// The first day from `day` on (itself included) whose weekday is `wanted`.
pub fn first_day_from(day: NaiveDate, wanted: impl Fn(Weekday) -> bool) -> NaiveDate {
    day.iter_days()
        .find(|d| wanted(d.weekday()))
        .expect("a week has every weekday")
}

fn is_working_day(day: Weekday) -> bool {
    !matches!(day, Weekday::Sat | Weekday::Sun)
}

/// `admin_url` with its database replaced by `name`.
pub fn database_url(admin_url: &str, name: &str) -> String {
    let mut url = url::Url::parse(admin_url)
        .unwrap_or_else(|e| panic!("BENCH_POSTGRES_URL is not a URL ({e})"));
    url.set_path(&format!("/{name}"));
    url.into()
}

/// Drops the database `name` if it exists (disconnecting its sessions) and creates it empty.
pub async fn recreate_database(admin: &DatabaseConnection, name: &str) -> Result<(), DbErr> {
    admin
        .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
        .await?;
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await?;
    Ok(())
}

/// Writes every dirty page out now (`CHECKPOINT`), so that the run that
/// follows starts with PostgreSQL's next timed checkpoint a whole
/// `checkpoint_timeout` away, as the other side's run did.
pub async fn checkpoint(admin: &DatabaseConnection) -> Result<(), DbErr> {
    admin.execute_unprepared("CHECKPOINT").await.map(drop)
}

/// Creates the database `name` unless it exists.
pub async fn ensure_database(admin: &DatabaseConnection, name: &str) -> Result<(), DbErr> {
    let exists = admin
        .query_one_raw(Statement::from_sql_and_values(
            DbBackend::Postgres,
            "SELECT 1 FROM pg_database WHERE datname = $1",
            [name.into()],
        ))
        .await?
        .is_some();
    if !exists {
        admin
            .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
            .await?;
    }
    Ok(())
}

/// The status a booking request with `reference` was stored with in the database at `url`.
pub async fn stored_status(url: &str, reference: &str) -> Option<booking_request::BookingStatus> {
    use sea_orm::{ColumnTrait, QueryFilter};
    let db = Database::connect(url).await.expect("connect to the target");
    let found = booking_request::Entity::find()
        .filter(booking_request::Column::Reference.eq(reference))
        .one(&db)
        .await
        .expect("look the booking request up");
    db.close().await.expect("close the target");
    found.map(|b| b.status)
}

/// Booking requests stored in the database at `url`.
pub async fn booking_count(url: &str) -> u64 {
    let db = Database::connect(url).await.expect("connect to the target");
    let count = booking_request::Entity::find()
        .count(&db)
        .await
        .expect("count the booking requests");
    db.close().await.expect("close the target");
    count
}
