//! The migrations apply and roll back on the database under test.

use migration::{Migrator, MigratorTrait};
use sea_orm::ConnectionTrait;

use crate::support::TestApp;

async fn table_exists(app: &TestApp, table: &str) -> bool {
    app.db
        .execute_unprepared(&format!("SELECT 1 FROM {table} WHERE 1 = 0"))
        .await
        .is_ok()
}

#[tokio::test]
async fn migrations_roll_back_completely_and_apply_again() {
    let app = TestApp::empty().await;
    for table in [
        "organization",
        "therapist_certification",
        "article_tag",
        "booking_request_event",
        "api_token",
    ] {
        assert!(table_exists(&app, table).await, "{table} after up");
    }
    Migrator::down(&app.db, None).await.expect("down");
    for table in [
        "organization",
        "therapist",
        "article",
        "booking_request",
        "staff",
    ] {
        assert!(!table_exists(&app, table).await, "{table} after down");
    }
    Migrator::up(&app.db, None).await.expect("up again");
    assert!(table_exists(&app, "booking_request").await);
    let pending = Migrator::get_pending_migrations(&app.db).await.unwrap();
    assert!(pending.is_empty());
}

#[tokio::test]
async fn the_demo_loads_into_a_freshly_migrated_database() {
    let app = TestApp::with_demo().await;
    assert!(!clinic_api::demo::is_empty(&app.db).await.unwrap());
}
