//! What a GraphQL request came to, for the access log and the metrics: the
//! `/graphql` handlers attach it to their responses as an extension.

/// The operation a request ran and how it ended.
#[derive(Clone, Debug, Default)]
pub struct GraphqlOutcome {
    /// The operation's name, when it has one (never its variables).
    pub operation: Option<String>,
    /// `query`, `mutation` or `subscription`, when the document got that far.
    pub kind: Option<&'static str>,
    /// The `extensions.code` of each error in the response (`BAD_USER_INPUT`,
    /// `INTERNAL_SERVER_ERROR`, …), in order; empty when it succeeded.
    pub error_codes: Vec<String>,
}

/// The header that carries a request's id, set on the request by the
/// observability layer (taken from the client when it sent a valid one) and
/// echoed on the response.
pub const REQUEST_ID: &str = "x-request-id";
