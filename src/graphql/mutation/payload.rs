//! The payloads of the directory and clinic mutations: the object as written,
//! or the user errors that kept anything from being written.

use async_graphql::Result;

use crate::domain::validate::{WriteError, WriteResult};
use crate::graphql::types::UserError;

/// Declares `$payload`, the result of `$mutation`, carrying `$field: $object`
/// (described to clients as `$what`).
macro_rules! payload {
    ($payload:ident, $mutation:literal, $field:ident: $object:ty, $what:literal) => {
        #[doc = concat!("The result of `", $mutation, "`.")]
        #[derive(async_graphql::SimpleObject)]
        pub struct $payload {
            #[doc = concat!("The ", $what, " as it is now; null when nothing was written.")]
            pub $field: Option<$object>,
            /// What to fix; when there is any, nothing was written.
            pub user_errors: Vec<$crate::graphql::types::UserError>,
        }

        impl $crate::graphql::mutation::payload::Payload for $payload {
            type Object = $object;

            fn new(
                object: Option<$object>,
                user_errors: Vec<$crate::graphql::types::UserError>,
            ) -> Self {
                Self {
                    $field: object,
                    user_errors,
                }
            }
        }
    };
}
pub(super) use payload;

/// A payload carrying one object.
pub(super) trait Payload: Sized {
    type Object;
    fn new(object: Option<Self::Object>, user_errors: Vec<UserError>) -> Self;
}

/// A write's result as its payload: the object written (wrapped for GraphQL),
/// or user errors; anything else becomes a top-level error.
pub(super) fn payload_of<P: Payload, T>(
    result: WriteResult<T>,
    wrap: impl FnOnce(T) -> P::Object,
) -> Result<P> {
    match result {
        Ok(value) => Ok(P::new(Some(wrap(value)), Vec::new())),
        Err(WriteError::Invalid(problems)) => Ok(P::new(
            None,
            problems.into_iter().map(UserError::from).collect(),
        )),
        Err(WriteError::Failed(error)) => Err(error.into()),
    }
}
