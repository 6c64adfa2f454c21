//! The gate: the only way into the schema, for every transport.
//!
//! HTTP (GET and POST) and the WebSocket hand a request to the same three
//! steps, and only the last of them can run anything, so a transport cannot
//! skip a check, and every transport refuses with the same codes:
//!
//! 1. [`Gate::admit`]: the document's text, from the request or from a
//!    persisted query (Apollo's automatic ones, or only those of the
//!    manifest when one is loaded), and its lexical tokens, counted. The
//!    HTTP response cache looks answers up by these tokens, before anything
//!    costlier.
//! 2. [`Gate::check`]: the document parsed, its aliases and directives
//!    counted, the operation to run chosen, the characters of every string
//!    (literals and variables) checked, and what the transport may not
//!    carry refused (a mutation in a URL, a subscription over HTTP).
//! 3. [`Gate::execute`] or [`Gate::stream`]: the schema validates (depth and
//!    complexity included) and executes, under the request timeout and
//!    guarded against panics; every error leaves with a code, internal ones
//!    masked, and the root fields come back in the order asked for.
//!
//! All of it happens before any database work. A wrapper rather than an
//! async-graphql extension: an extension puts every field of every answer
//! through a slower path (a boxed future and a registry lookup per field),
//! while these checks concern the request as a whole.

pub mod document;
mod documents;
pub mod persisted;

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use async_graphql::parser::types::{ExecutableDocument, OperationType};
use async_graphql::{Name, Response, ServerError, Value, Variables};
use futures_util::stream::BoxStream;
use futures_util::{FutureExt, StreamExt};

use self::documents::Documents;
use self::persisted::{PersistedQueries, ToRemember};
use super::{AppSchema, RequestInfo};
use crate::auth::Viewer;
use crate::config::{Config, EdgeArgs};

/// Why a request is refused, with the code clients see in `extensions.code`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
    /// For an internal error: the request id the log line carries.
    pub request_id: Option<String>,
}

impl Refusal {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            request_id: None,
        }
    }

    /// The error as GraphQL responses carry it.
    pub fn to_error(&self) -> serde_json::Value {
        let mut extensions = serde_json::json!({ "code": self.code });
        if let Some(id) = &self.request_id {
            extensions["requestId"] = id.clone().into();
        }
        serde_json::json!({ "message": self.message, "extensions": extensions })
    }
}

/// The most errors an answer carries; the rest are counted in one more.
const MAX_ERRORS: usize = 50;

/// How a request arrived, for what each transport may carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Transport {
    /// In a URL (HTTP GET): queries only, and none whose arguments are
    /// personal data, since URLs end up in logs and browser histories.
    Url,
    /// In an HTTP body (POST): queries and mutations.
    Body,
    /// Over the WebSocket: anything, subscriptions included.
    WebSocket,
}

/// Root fields whose arguments are personal data (a patient's email), which
/// may therefore not be asked for in a URL.
const NOT_IN_URLS: &[&str] = &["bookingRequestStatus"];

/// A GraphQL request as a transport read it.
#[derive(Debug, Default)]
pub struct Ask {
    pub query: Option<String>,
    pub operation_name: Option<String>,
    /// A JSON object, or null.
    pub variables: Option<serde_json::Value>,
    pub extensions: Option<serde_json::Value>,
}

/// A request past the first step: its document's text and tokens are known.
#[derive(Debug)]
pub struct Admitted {
    query: String,
    tokens: String,
    operation_name: Option<String>,
    variables: serde_json::Value,
    remember: Option<ToRemember>,
}

impl Admitted {
    /// The document's tokens, one space apart (what GraphQL ignores dropped).
    pub fn tokens(&self) -> &str {
        &self.tokens
    }

    pub fn operation_name(&self) -> Option<&str> {
        self.operation_name.as_deref()
    }

    /// The variables (null when none were sent).
    pub fn variables(&self) -> &serde_json::Value {
        &self.variables
    }
}

/// A request past every check, ready to run.
pub struct Checked {
    request: async_graphql::Request,
    kind: OperationType,
    name: Option<String>,
    root_keys: Vec<Name>,
    remember: Option<(ToRemember, String)>,
    /// A document parsed for this request, to keep once it has run.
    keep: Option<(String, ExecutableDocument)>,
}

impl Checked {
    pub fn kind(&self) -> OperationType {
        self.kind
    }

    /// The operation's name: the one asked for, or the only operation's.
    pub fn name(&self) -> Option<&str> {
        self.name.as_deref()
    }
}

/// Who asks, as the transport knows it.
#[derive(Clone, Debug, Default)]
pub struct Caller {
    /// The signed-in staff member, checked by the transport just now.
    pub viewer: Option<Viewer>,
    pub info: RequestInfo,
}

/// A request that ran: its response, every error coded.
pub struct Executed {
    pub response: Response,
    /// The `extensions.code` of each error, in order.
    pub error_codes: Vec<String>,
    /// Whether it failed before execution (validation), so that no `data` exists.
    pub request_error: bool,
}

/// The one way into the schema; cheap to clone.
#[derive(Clone)]
pub struct Gate {
    schema: AppSchema,
    edge: Arc<EdgeArgs>,
    persisted: PersistedQueries,
    documents: Arc<Documents>,
}

impl Gate {
    /// The gate before `schema`, with the limits of `config`. Fails when the
    /// persisted-query manifest cannot be read.
    pub fn new(schema: AppSchema, config: &Config) -> anyhow::Result<Self> {
        let persisted = match &config.edge.persisted_queries {
            Some(path) => PersistedQueries::from_manifest(path).map_err(|e| {
                anyhow::anyhow!(
                    "cannot load the persisted queries at {}: {e}",
                    path.display()
                )
            })?,
            None => PersistedQueries::open(),
        };
        Ok(Self {
            schema,
            edge: Arc::new(config.edge.clone()),
            persisted,
            documents: Arc::default(),
        })
    }

    /// The schema, for what is not a request (its SDL).
    pub fn schema(&self) -> &AppSchema {
        &self.schema
    }

    /// Bytes the automatic persisted queries keep.
    pub fn persisted_bytes(&self) -> u64 {
        self.persisted.usage()
    }

    /// Step 1: the document's text (a persisted query resolved) and its
    /// tokens, within the limit.
    pub fn admit(&self, ask: Ask) -> Result<Admitted, Refusal> {
        let (query, remember) = self.persisted.resolve(ask.query, ask.extensions.as_ref())?;
        let tokens = document::tokens(&query, self.edge.max_tokens)?;
        Ok(Admitted {
            query,
            tokens,
            operation_name: ask.operation_name,
            variables: ask.variables.unwrap_or(serde_json::Value::Null),
            remember,
        })
    }

    /// Step 2: parsed and checked, for a request that came by `transport`.
    pub fn check(&self, admitted: Admitted, transport: Transport) -> Result<Checked, Refusal> {
        let Admitted {
            query,
            operation_name,
            variables,
            remember,
            ..
        } = admitted;
        let (doc, kept) = self.documents.parse(&query).map_err(|error| {
            Refusal::new(
                "GRAPHQL_PARSE_FAILED",
                format!("the document is not valid GraphQL: {error}"),
            )
        })?;
        document::check_shape(&doc, &self.edge)?;
        let op = document::operation(&doc, operation_name.as_deref())?;
        let kind = op.node.ty;
        let name = operation_name.clone().or_else(|| single_name(&doc));
        match (transport, kind) {
            (Transport::Url, OperationType::Query) => {
                if let Some(field) = document::root_fields(&doc, &op.node)
                    .into_iter()
                    .find(|field| NOT_IN_URLS.contains(field))
                {
                    return Err(Refusal::new(
                        "METHOD_NOT_ALLOWED",
                        format!(
                            "`{field}` takes personal data, which must not travel in a URL; send it with POST"
                        ),
                    ));
                }
            }
            (Transport::Url, _) => {
                return Err(Refusal::new(
                    "METHOD_NOT_ALLOWED",
                    format!(
                        "a {} must be sent with POST; GET runs queries only",
                        kind_name(kind)
                    ),
                ));
            }
            (Transport::Body, OperationType::Subscription) => {
                return Err(Refusal::new(
                    "SUBSCRIPTION_OVER_HTTP",
                    "subscriptions run over WebSocket (graphql-transport-ws) at this same address",
                ));
            }
            _ => {}
        }
        if !variables.is_null() && !variables.is_object() {
            return Err(Refusal::new(
                "BAD_REQUEST",
                "`variables` must be a JSON object",
            ));
        }
        document::check_variables(&variables)?;
        document::check_literals(&doc)?;
        let root_keys = document::root_keys(&doc, &op.node);
        let remember = remember.map(|r| (r, query.clone()));
        let keep = (!kept).then(|| (query.clone(), doc.clone()));
        let mut request =
            async_graphql::Request::new(query).variables(Variables::from_json(variables));
        if let Some(name) = operation_name {
            request = request.operation_name(name);
        }
        request.set_parsed_query(doc);
        Ok(Checked {
            request,
            kind,
            name,
            root_keys,
            remember,
            keep,
        })
    }

    /// Step 3 for a query or a mutation: runs it for `caller` under the
    /// request timeout. A timeout is refused with `TIMEOUT`, a panic with a
    /// masked `INTERNAL_SERVER_ERROR`.
    pub async fn execute(&self, checked: Checked, caller: Caller) -> Result<Executed, Refusal> {
        let Checked {
            request,
            root_keys,
            remember,
            keep,
            ..
        } = checked;
        let request_id = caller.info.request_id.clone();
        let request = with_caller(request, caller);
        let timeout = Duration::from_secs(self.edge.request_timeout_secs);
        let execution = AssertUnwindSafe(self.schema.execute(request)).catch_unwind();
        match tokio::time::timeout(timeout, execution).await {
            Ok(Ok(response)) => {
                let executed = finish(response, &root_keys, request_id.as_deref());
                if !executed.request_error {
                    self.ran(remember, keep);
                }
                Ok(executed)
            }
            Ok(Err(_panic)) => Err(panicked(request_id)),
            Err(_) => Err(Refusal::new(
                "TIMEOUT",
                format!("the request took longer than {} seconds", timeout.as_secs()),
            )),
        }
    }

    /// Step 3 for any operation: a subscription's responses as they come, or
    /// the one response of a query or mutation.
    pub fn stream(
        &self,
        checked: Checked,
        caller: Caller,
    ) -> BoxStream<'static, Result<Executed, Refusal>> {
        if checked.kind != OperationType::Subscription {
            let gate = self.clone();
            return futures_util::stream::once(async move { gate.execute(checked, caller).await })
                .boxed();
        }
        let Checked {
            request,
            root_keys,
            remember,
            keep,
            ..
        } = checked;
        let mut ran = Some((remember, keep));
        let request_id = caller.info.request_id.clone();
        let request = with_caller(request, caller);
        let gate = self.clone();
        let responses = AssertUnwindSafe(self.schema.execute_stream(request)).catch_unwind();
        responses
            .map(move |item| match item {
                Ok(response) => {
                    let executed = finish(response, &root_keys, request_id.as_deref());
                    if !executed.request_error
                        && let Some((remember, keep)) = ran.take()
                    {
                        gate.ran(remember, keep);
                    }
                    Ok(executed)
                }
                Err(_panic) => Err(panicked(request_id.clone())),
            })
            .boxed()
    }
}

impl Gate {
    /// A document ran without a request error: it may be kept, by its text
    /// and, when sent with one, by its hash.
    fn ran(
        &self,
        remember: Option<(ToRemember, String)>,
        keep: Option<(String, ExecutableDocument)>,
    ) {
        if let Some((remember, text)) = remember {
            self.persisted.remember(remember, &text);
        }
        if let Some((text, doc)) = keep {
            self.documents.keep(text, doc);
        }
    }
}

/// The request with what its caller brings: the request's facts, and the
/// staff member when signed in.
fn with_caller(request: async_graphql::Request, caller: Caller) -> async_graphql::Request {
    let request = request.data(caller.info);
    match caller.viewer {
        Some(viewer) => request.data(viewer),
        None => request,
    }
}

fn panicked(request_id: Option<String>) -> Refusal {
    tracing::error!(
        request_id = request_id.as_deref().unwrap_or("unknown"),
        "a resolver panicked"
    );
    Refusal {
        request_id: Some(request_id.unwrap_or_else(|| "unknown".into())),
        ..Refusal::new("INTERNAL_SERVER_ERROR", "internal server error")
    }
}

/// `query`, `mutation` or `subscription`.
pub fn kind_name(kind: OperationType) -> &'static str {
    match kind {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    }
}

/// The name of a document's only operation, for the log.
fn single_name(doc: &ExecutableDocument) -> Option<String> {
    let mut names = doc.operations.iter().map(|(name, _)| name);
    match (names.next(), names.next()) {
        (Some(Some(name)), None) => Some(name.to_string()),
        _ => None,
    }
}

/// A response as it leaves: each error coded, internal ones masked, and the
/// root fields in the order the document asked for them (the schema's
/// merged root objects would answer them grouped by object).
fn finish(mut response: Response, root_keys: &[Name], request_id: Option<&str>) -> Executed {
    let request_error = response.data == Value::Null
        && !response.errors.is_empty()
        && response.errors.iter().all(|e| e.path.is_empty());
    if response.errors.len() > MAX_ERRORS {
        // A document of a few kilobytes can make thousands of errors: the
        // answer need not be hundreds of times the question.
        let left_out = response.errors.len() - MAX_ERRORS;
        response.errors.truncate(MAX_ERRORS);
        let mut note = ServerError::new(format!("{left_out} more errors left out"), None);
        let mut extensions = async_graphql::ErrorExtensionValues::default();
        extensions.set("code", "TOO_MANY_ERRORS");
        note.extensions = Some(extensions);
        response.errors.push(note);
    }
    let mut error_codes = Vec::with_capacity(response.errors.len());
    for error in &mut response.errors {
        error_codes.push(coded(error, request_error, request_id));
    }
    if let Value::Object(data) = &mut response.data {
        // A root field that failed is null, as the specification has it.
        for error in &response.errors {
            if let Some(async_graphql::PathSegment::Field(key)) = error.path.first()
                && root_keys.iter().any(|k| k.as_str() == key)
                && !data.contains_key(key.as_str())
            {
                data.insert(Name::new(key), Value::Null);
            }
        }
        if data.len() > 1 {
            let mut ordered = async_graphql::indexmap::IndexMap::with_capacity(data.len());
            for key in root_keys {
                if let Some((key, value)) = data.shift_remove_entry(key) {
                    ordered.insert(key, value);
                }
            }
            ordered.extend(std::mem::take(data));
            *data = ordered;
        }
    }
    Executed {
        response,
        error_codes,
        request_error,
    }
}

/// Gives an error its code: the schema's own limits and validation errors
/// get theirs, and internal errors carry the request id the log has.
fn coded(error: &mut ServerError, request_error: bool, request_id: Option<&str>) -> String {
    let existing = error
        .extensions
        .as_ref()
        .and_then(|e| e.get("code"))
        .and_then(|c| match c {
            Value::String(s) => Some(s.clone()),
            _ => None,
        });
    let code = existing.unwrap_or_else(|| {
        match error.message.as_str() {
            "Query is too complex." => "QUERY_TOO_COMPLEX",
            "Query is nested too deep." => "QUERY_TOO_DEEP",
            _ if request_error => "GRAPHQL_VALIDATION_FAILED",
            _ => "BAD_USER_INPUT",
        }
        .to_owned()
    });
    let mut extensions = error.extensions.take().unwrap_or_default();
    extensions.set("code", code.clone());
    if code == "INTERNAL_SERVER_ERROR" {
        error.message = "internal server error".into();
        extensions.set("requestId", request_id.unwrap_or("unknown"));
    }
    error.extensions = Some(extensions);
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_become_errors_with_their_code() {
        let refusal = Refusal::new("TIMEOUT", "too slow");
        assert_eq!(
            refusal.to_error(),
            serde_json::json!({ "message": "too slow", "extensions": { "code": "TIMEOUT" } })
        );
        let internal = panicked(Some("r-1".into()));
        assert_eq!(internal.to_error()["extensions"]["requestId"], "r-1");
        assert_eq!(internal.message, "internal server error");
    }

    #[test]
    fn root_fields_come_back_in_the_order_asked_for() {
        let mut data = async_graphql::indexmap::IndexMap::new();
        for key in ["b", "a", "c"] {
            data.insert(Name::new(key), Value::Null);
        }
        let response = Response::new(Value::Object(data));
        let keys = ["c", "a", "b"].map(Name::new);
        let executed = finish(response, &keys, None);
        let Value::Object(data) = executed.response.data else {
            panic!("an object")
        };
        let order: Vec<&str> = data.keys().map(Name::as_str).collect();
        assert_eq!(order, ["c", "a", "b"]);
    }
}
