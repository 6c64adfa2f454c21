//! Checks the mutation tests share: user errors, the audit trail, and who may
//! write.

use clinic_api::auth::Role;
use entity::audit_event;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};
use std::sync::atomic::Ordering;

use super::app::TestApp;
pub use super::seed::done;

/// Everything the public can read, to show that a refused write changed nothing.
const EVERYTHING: &str = r#"
query {
  organization { name tagline description phone { display e164 } email website contactUrl staffUrl }
  locations {
    id slug name address { street city region postalCode country } timeZone
    phone { display e164 } email geo { latitude longitude }
    openingHours { weekday opens closes } closures { date reason } services { slug }
  }
  services {
    id slug name kind description durationsMinutes referralAccepted insuranceEligible
    locations { slug }
  }
  therapists(first: 100) {
    totalCount
    nodes {
      id slug firstName lastName credentials title bio bioHtml photoUrl languages
      acceptingNewPatients services { slug } locations { slug }
      certifications { slug issuedOn expiresOn credentialId verified }
    }
  }
  certifications { id slug name issuingBody description url holders { slug therapist { slug } } }
}"#;

/// The `userErrors` of `payload` as (field path joined with `.`, code).
#[track_caller]
pub fn problems(payload: &Value) -> Vec<(String, String)> {
    payload["userErrors"]
        .as_array()
        .unwrap_or_else(|| panic!("no userErrors in {payload:#}"))
        .iter()
        .map(|e| {
            assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{e}");
            let field = e["field"]
                .as_array()
                .map(|f| {
                    f.iter()
                        .map(|s| s.as_str().unwrap().to_owned())
                        .collect::<Vec<_>>()
                        .join(".")
                })
                .unwrap_or_default();
            (field, e["code"].as_str().unwrap().to_owned())
        })
        .collect()
}

/// `(field, code)` pairs as [`problems`] gives them.
pub fn expected(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(f, c)| ((*f).to_owned(), (*c).to_owned()))
        .collect()
}

/// From here on, the audit checks see only what is written later: call it
/// once the builders have made the test's world (they write audit events too).
pub async fn mark_audit_trail(app: &TestApp) {
    let last = audit_event::Entity::find()
        .order_by_desc(audit_event::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .map_or(0, |e| e.id);
    app.audit_mark.store(last, Ordering::SeqCst);
}

fn since_mark(app: &TestApp) -> sea_orm::Select<audit_event::Entity> {
    audit_event::Entity::find()
        .filter(audit_event::Column::Id.gt(app.audit_mark.load(Ordering::SeqCst)))
}

/// The audit trail since [`mark_audit_trail`] as (action, subject), oldest first.
pub async fn audit_trail(app: &TestApp) -> Vec<(String, String)> {
    since_mark(app)
        .order_by_asc(audit_event::Column::Id)
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.subject))
        .collect()
}

/// Asserts the audit trail is exactly `entries`, each recorded for `staff_id`-less checks.
pub async fn assert_audited(app: &TestApp, entries: &[(&str, String)]) {
    let want: Vec<(String, String)> = entries
        .iter()
        .map(|(a, s)| ((*a).to_owned(), s.clone()))
        .collect();
    assert_eq!(audit_trail(app).await, want);
    let anonymous = since_mark(app)
        .filter(audit_event::Column::StaffId.is_null())
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(anonymous, 0, "every audit event names its staff member");
}

/// `Type:rowid` for a global id, as the audit trail names objects.
pub fn subject(global: &Value) -> String {
    let (kind, id) = clinic_api::graphql::ids::decode(global.as_str().unwrap()).unwrap();
    format!("{kind}:{id}")
}

/// Runs every `(mutation name, document, variables)` as EDITOR, as FRONT_DESK
/// and anonymously, expecting FORBIDDEN, FORBIDDEN and UNAUTHENTICATED, and
/// checks that nothing the public can read changed and nothing was audited.
pub async fn assert_only_admins_may(app: &TestApp, cases: &[(&str, String, Value)]) {
    let before = app.gql(EVERYTHING, json!({})).await.ok().clone();
    let editor = app.token_for(Role::Editor).await;
    let front_desk = app.token_for(Role::FrontDesk).await;
    for (name, document, variables) in cases {
        for (who, token) in [
            ("EDITOR", Some(&editor)),
            ("FRONT_DESK", Some(&front_desk)),
            ("anonymous", None),
        ] {
            let res = match token {
                Some(token) => app.gql_as(token, document, variables.clone()).await,
                None => app.gql(document, variables.clone()).await,
            };
            let want = if token.is_some() {
                "FORBIDDEN"
            } else {
                "UNAUTHENTICATED"
            };
            assert_eq!(res.error_code(), Some(want), "{name} as {who}: {res:#?}");
            assert_eq!(res.data, Value::Null, "{name} as {who}");
        }
    }
    let after = app.gql(EVERYTHING, json!({})).await.ok().clone();
    assert_eq!(
        before, after,
        "a refused write changed what the public sees"
    );
    assert_eq!(audit_trail(app).await, Vec::<(String, String)>::new());
    // The same cases as ADMIN pass the guard (they may still have user errors).
    let admin = app.token_for(Role::Admin).await;
    for (name, document, variables) in cases {
        let res = app.gql_as(&admin, document, variables.clone()).await;
        assert!(res.errors.is_empty(), "{name} as ADMIN: {res:#?}");
    }
}
