//! A field that panics, in unit tests only: what a bug in a resolver gets
//! is tested through the real router.

use async_graphql::Object;

#[derive(Default)]
pub struct PanickingQuery;

#[Object]
impl PanickingQuery {
    /// Panics with a message that must never reach the client.
    async fn panicking(&self) -> bool {
        fail()
    }
}

fn fail() -> bool {
    panic!("secret detail at src/graphql/query/panicking.rs")
}
