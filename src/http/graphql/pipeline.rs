//! From a request's parameters to its answer, one step of the gate at a
//! time, with the response cache between the first step and the rest.

use async_graphql::ErrorExtensions;
use async_graphql::parser::types::OperationType;
use axum::http::{Method, StatusCode, header};

use super::Call;
use super::answer::Answer;
use crate::auth::Viewer;
use crate::graphql::RequestInfo;
use crate::graphql::gate::{self, Admitted, Ask, Caller, Checked, Executed, Refusal, Transport};
use crate::http::auth::{self, ViewerError};
use crate::http::caching;
use crate::http::outcome::{GraphqlOutcome, REQUEST_ID};
use crate::http::response_cache::{ResponseCache, Ticket};

/// Whether the answer to this request may come from the response cache:
/// it is on, and the request is anonymous.
pub(super) fn cacheable(call: &Call<'_>) -> bool {
    call.state.responses.enabled() && !call.headers.contains_key(header::AUTHORIZATION)
}

/// A step's refusal: the answer to send instead of going on.
type Stop = Box<Answer>;

/// Runs the request through every step; the first that refuses it answers.
pub(super) async fn run(call: &Call<'_>, ask: Ask) -> Answer {
    match steps(call, ask).await {
        Ok(answer) => answer,
        Err(stop) => *stop,
    }
}

async fn steps(call: &Call<'_>, ask: Ask) -> Result<Answer, Stop> {
    let gate = &call.state.gate;
    let admitted = gate
        .admit(ask)
        .map_err(|refusal| Box::new(Answer::refused_by_gate(refusal)))?;
    // An anonymous query answered before (by this instance, since the last
    // write) is answered again as it was. It passed every check below then.
    let cache_key = cacheable(call).then(|| cache_key(&admitted));
    if let Some(cached) = cache_key
        .as_deref()
        .and_then(|key| call.state.responses.get(key))
    {
        return Ok(Answer::cached(cached));
    }
    let ticket = call.state.responses.ticket();
    let checked = check(call, admitted)?;
    let outcome = GraphqlOutcome {
        operation: checked.name().map(str::to_owned),
        kind: Some(gate::kind_name(checked.kind())),
        error_codes: Vec::new(),
    };
    let query = checked.kind() == OperationType::Query;
    let viewer = viewer(call).await?;
    let anonymous = viewer.is_none();
    let executed = gate
        .execute(checked, caller(call, viewer))
        .await
        .map_err(|refusal| Box::new(with_outcome(Answer::refused_by_gate(refusal), &outcome)))?;
    let mut answer = finish(call, &executed, anonymous && query);
    if let Some(key) = cache_key.filter(|_| anonymous && query) {
        keep(call, &mut answer, key, ticket, &executed, &outcome);
    }
    Ok(with_outcome(answer, &outcome))
}

fn cache_key(admitted: &Admitted) -> String {
    ResponseCache::key(
        admitted.tokens(),
        admitted.operation_name(),
        admitted.variables(),
    )
}

/// The gate's checks of the document, for this transport.
fn check(call: &Call<'_>, admitted: Admitted) -> Result<Checked, Stop> {
    let transport = if call.method == Method::GET {
        Transport::Url
    } else {
        Transport::Body
    };
    let operation = admitted.operation_name().map(str::to_owned);
    call.state
        .gate
        .check(admitted, transport)
        .map_err(|refusal| {
            let mut answer = Answer::refused_by_gate(refusal);
            answer.outcome.operation = operation;
            Box::new(answer)
        })
}

/// The staff member the bearer token names; a bad token is 401.
async fn viewer(call: &Call<'_>) -> Result<Option<Viewer>, Stop> {
    match auth::viewer(call.state, call.headers).await {
        Ok(viewer) => Ok(viewer),
        Err(ViewerError::Token(problem)) => Err(Box::new(Answer::refused(
            StatusCode::UNAUTHORIZED,
            Refusal::new("UNAUTHENTICATED", problem.message()),
        ))),
        Err(ViewerError::Failed(error)) => {
            // Logged where it was made into a GraphQL error.
            let _ = error.extend();
            Err(Box::new(Answer::internal(request_id(call))))
        }
    }
}

fn caller(call: &Call<'_>, viewer: Option<Viewer>) -> Caller {
    Caller {
        viewer,
        info: RequestInfo {
            client_ip: call.client.0,
            idempotency_key: call
                .headers
                .get("idempotency-key")
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned()),
            request_id: Some(request_id(call)),
        },
    }
}

/// The answer to what ran, with the caching its hints and caller allow.
fn finish(call: &Call<'_>, executed: &Executed, anonymous_query: bool) -> Answer {
    let response = &executed.response;
    let cache_control = caching::policy(
        response.cache_control,
        anonymous_query,
        anonymous_query,
        response.errors.is_empty(),
    );
    Answer::executed(executed, call.media, cache_control)
}

/// Keeps a successful, public answer in the response cache for its `max-age`.
fn keep(
    call: &Call<'_>,
    answer: &mut Answer,
    key: String,
    ticket: Ticket,
    executed: &Executed,
    outcome: &GraphqlOutcome,
) {
    let hints = executed.response.cache_control;
    let Ok(max_age @ 1..) = u32::try_from(hints.max_age) else {
        return;
    };
    if !executed.response.errors.is_empty() || !hints.public {
        return;
    }
    let Some(body) = answer.serialized().cloned() else {
        return;
    };
    let etag = caching::etag(&body);
    answer.kept = call.state.responses.insert(
        key,
        ticket,
        body,
        etag.clone(),
        max_age,
        outcome.operation.clone(),
    );
    answer.set_etag(etag);
}

fn with_outcome(mut answer: Answer, outcome: &GraphqlOutcome) -> Answer {
    answer.outcome.operation.clone_from(&outcome.operation);
    answer.outcome.kind = outcome.kind;
    answer
}

fn request_id(call: &Call<'_>) -> String {
    call.headers
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("unknown")
        .to_owned()
}
