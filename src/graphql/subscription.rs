//! The root `Subscription`: news pushed to staff over WebSocket.

use std::collections::HashMap;

use async_graphql::{Context, Result, Subscription};
use chrono::{DateTime, Duration, Utc};
use entity::booking_request;
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;
use uuid::Uuid;

use crate::auth::{self, TokenRules, Viewer};
use crate::domain::bookings::{self, BookingStatus};
use crate::error::AppError;
use crate::events::{Event, Events};
use crate::graphql::db;
use crate::graphql::guards::{FRONT_DESK, RoleGuard, require_viewer};
use crate::graphql::types::BookingRequest;

/// How far back a subscriber looks when it may have missed news: a request
/// is stored within seconds of its submission, so one submitted this long
/// before the newest delivered has been delivered already, or is found.
const CATCH_UP_MARGIN: Duration = Duration::minutes(2);
/// Requests read at once while catching up, and the most pages read.
const CATCH_UP_PAGE: u64 = 500;
const CATCH_UP_PAGES: usize = 40;

/// Everything that can be followed live.
pub struct SubscriptionRoot;

/// Everything that can be followed live, over WebSocket (graphql-transport-ws).
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Front desk (and ADMIN): every booking request as it arrives, on
    /// whichever instance of the service received it. Requests taken for
    /// spam come only with `includeSpam: true`. When the service may have
    /// missed news (its connection to the database was lost), it catches
    /// up from the database: each request is delivered once. It ends with
    /// an error once the subscriber's access ends.
    #[graphql(guard = "RoleGuard(FRONT_DESK)")]
    async fn booking_request_received(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false, desc = "Also deliver requests taken for spam.")]
        include_spam: bool,
    ) -> Result<impl Stream<Item = Result<BookingRequest>> + use<>> {
        let db = db(ctx).clone();
        let viewer = require_viewer(ctx)?.clone();
        let rules = *ctx.data_unchecked::<TokenRules>();
        let mut news = ctx.data_unchecked::<Events>().subscribe();
        let started = bookings_now();
        Ok(async_stream::stream! {
            let mut delivered = Delivered::new(started);
            // Whether news may have been missed and the database must be
            // read to catch up: after missed news, or a read that failed.
            let mut behind = false;
            loop {
                let found = if behind {
                    catch_up(&db, &mut delivered).await
                } else {
                    match news.recv().await {
                        Ok(Event::BookingReceived(id)) => bookings::find(&db, id)
                            .await
                            .map(|found| found.into_iter().collect::<Vec<_>>()),
                        Ok(Event::Missed) | Err(RecvError::Lagged(_)) => {
                            behind = true;
                            continue;
                        }
                        Ok(_) => continue,
                        Err(RecvError::Closed) => break,
                    }
                };
                let requests = match found {
                    Ok(requests) => {
                        behind = false;
                        requests
                    }
                    Err(error) => {
                        // Not lost: read again from the database in a moment.
                        let _ = async_graphql::ErrorExtensions::extend(&AppError::from(error));
                        behind = true;
                        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                        continue;
                    }
                };
                for request in requests {
                    if delivered.has(&request) || (!include_spam && request.status == BookingStatus::Spam) {
                        continue;
                    }
                    // Patient details go only to someone whose access holds now.
                    if let Err(ended) = still_allowed(&db, &viewer, rules).await {
                        yield Err(ended.into());
                        return;
                    }
                    delivered.add(&request);
                    yield Ok(BookingRequest(request));
                }
            }
        })
    }
}

/// Every request submitted since a margin before the newest delivered, a
/// page at a time, however many were delivered already.
async fn catch_up(
    db: &sea_orm::DatabaseConnection,
    delivered: &mut Delivered,
) -> Result<Vec<booking_request::Model>, sea_orm::DbErr> {
    let since = delivered.floor();
    let mut found = Vec::new();
    let mut after = None;
    for _ in 0..CATCH_UP_PAGES {
        let page = bookings::submitted_since(db, since, after, CATCH_UP_PAGE).await?;
        let full = page.len() as u64 == CATCH_UP_PAGE;
        after = page.last().map(|last| (last.submitted_at, last.id));
        found.extend(page.into_iter().filter(|r| !delivered.has(r)));
        if !full {
            return Ok(found);
        }
    }
    tracing::warn!(
        pages = CATCH_UP_PAGES,
        "a subscriber catching up found more requests than it reads at once; the oldest are delivered"
    );
    Ok(found)
}

/// Now, as booking requests store it.
fn bookings_now() -> DateTime<Utc> {
    use chrono::SubsecRound;
    Utc::now().trunc_subsecs(6)
}

/// Whether the subscriber's token still holds and their role still allows
/// this subscription.
async fn still_allowed(
    db: &sea_orm::DatabaseConnection,
    viewer: &Viewer,
    rules: TokenRules,
) -> Result<(), AppError> {
    match auth::recheck(db, viewer, Utc::now(), rules).await? {
        Ok(fresh) if fresh.has_role(FRONT_DESK) => Ok(()),
        Ok(_) => Err(AppError::Forbidden),
        Err(problem) => Err(AppError::Unauthenticated(problem.message())),
    }
}

/// The requests one subscription delivered lately, so that catching up
/// delivers none twice.
struct Delivered {
    started: DateTime<Utc>,
    newest: DateTime<Utc>,
    ids: HashMap<Uuid, DateTime<Utc>>,
}

impl Delivered {
    fn new(started: DateTime<Utc>) -> Self {
        Self {
            started,
            newest: started,
            ids: HashMap::new(),
        }
    }

    /// Where catching up starts: a margin before the newest delivered, and
    /// never before the subscription began.
    fn floor(&mut self) -> DateTime<Utc> {
        let floor = self.started.max(self.newest - CATCH_UP_MARGIN);
        self.ids.retain(|_, at| *at >= floor);
        floor
    }

    fn has(&self, request: &booking_request::Model) -> bool {
        self.ids.contains_key(&request.id)
    }

    fn add(&mut self, request: &booking_request::Model) {
        self.ids.insert(request.id, request.submitted_at);
        self.newest = self.newest.max(request.submitted_at);
        // Only those that catching up could find again are worth keeping.
        if self.ids.len() > 4 * CATCH_UP_PAGE as usize {
            self.floor();
        }
    }
}
