//! The root `Subscription`: news pushed to staff over WebSocket.

use async_graphql::{Context, Result, Subscription};
use futures_util::Stream;
use tokio::sync::broadcast::error::RecvError;

use crate::domain::bookings::{self, BookingStatus};
use crate::events::{Event, Events};
use crate::graphql::db;
use crate::graphql::guards::{FRONT_DESK, RoleGuard};
use crate::graphql::types::BookingRequest;

/// Everything that can be followed live.
pub struct SubscriptionRoot;

/// Everything that can be followed live, over WebSocket (graphql-transport-ws).
#[Subscription(name = "Subscription")]
impl SubscriptionRoot {
    /// Front desk (and ADMIN): every booking request as it arrives, on
    /// whichever instance of the service received it. Requests taken for
    /// spam come only with `includeSpam: true`.
    #[graphql(guard = "RoleGuard(FRONT_DESK)")]
    async fn booking_request_received(
        &self,
        ctx: &Context<'_>,
        #[graphql(default = false, desc = "Also deliver requests taken for spam.")]
        include_spam: bool,
    ) -> Result<impl Stream<Item = BookingRequest> + use<>> {
        let db = db(ctx).clone();
        let mut news = ctx.data_unchecked::<Events>().subscribe();
        Ok(async_stream::stream! {
            loop {
                let id = match news.recv().await {
                    Ok(Event::BookingReceived(id)) => id,
                    Ok(_) => continue,
                    Err(RecvError::Lagged(missed)) => {
                        tracing::warn!(missed, "a subscriber fell behind and skipped booking news");
                        continue;
                    }
                    Err(RecvError::Closed) => break,
                };
                match bookings::find(&db, id).await {
                    Ok(Some(request)) if include_spam || request.status != BookingStatus::Spam => {
                        yield BookingRequest(request);
                    }
                    Ok(_) => {}
                    Err(error) => tracing::error!(%error, "could not load a new booking request"),
                }
            }
        })
    }
}
