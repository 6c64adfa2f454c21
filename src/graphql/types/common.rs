//! Small types shared by several objects, and the Relay connection shape.

use async_graphql::SimpleObject;

use crate::domain::page::Page;

/// A telephone number in the forms a front end needs.
#[derive(SimpleObject, Clone, Debug)]
pub struct Phone {
    /// As people read it, e.g. `800-PT-FIRST` or `(312) 555-0142`.
    pub display: String,
    /// In E.164 form, e.g. `+18007834778`.
    pub e164: String,
    /// A link that dials it, e.g. `tel:+18007834778`.
    pub tel_uri: String,
}

impl Phone {
    pub fn new(display: &str, e164: &str) -> Self {
        Self {
            display: display.to_owned(),
            e164: e164.to_owned(),
            tel_uri: format!("tel:{e164}"),
        }
    }
}

/// Where a page sits in the whole list.
#[derive(SimpleObject, Clone, Debug)]
pub struct PageInfo {
    /// Whether items follow this page.
    pub has_next_page: bool,
    /// Whether items precede this page.
    pub has_previous_page: bool,
    /// Cursor of the first item of this page; pass it as `before` to go back.
    pub start_cursor: Option<String>,
    /// Cursor of the last item of this page; pass it as `after` to go on.
    pub end_cursor: Option<String>,
}

/// A page converted for GraphQL: the cursors and items, and where it sits.
pub struct PageOf<T> {
    pub edges: Vec<(String, T)>,
    pub page_info: PageInfo,
    pub total: Option<u64>,
}

impl<T> PageOf<T> {
    pub fn new<M>(page: Page<M>, wrap: impl FnMut(M) -> T) -> Self {
        let (has_previous_page, has_next_page, total) =
            (page.has_previous, page.has_next, page.total);
        let edges: Vec<(String, T)> = page.map(wrap).edges().collect();
        let page_info = PageInfo {
            has_next_page,
            has_previous_page,
            start_cursor: edges.first().map(|(c, _)| c.clone()),
            end_cursor: edges.last().map(|(c, _)| c.clone()),
        };
        Self {
            edges,
            page_info,
            total,
        }
    }
}

/// Declares `$connection` and `$edge`, a Relay connection of `$node`.
macro_rules! connection {
    ($connection:ident, $edge:ident, $node:ty, $what:literal) => {
        #[doc = concat!("A page of ", $what, ", with cursors to fetch the pages around it.")]
        pub struct $connection(pub $crate::graphql::types::common::PageOf<$node>);

        #[doc = concat!("One of ", $what, " in a page, with its cursor.")]
        pub struct $edge<'a>(&'a (String, $node));

        #[doc = concat!("A page of ", $what, ", with cursors to fetch the pages around it.")]
        #[async_graphql::Object]
        impl $connection {
            /// The items of this page with their cursors.
            async fn edges(&self) -> Vec<$edge<'_>> {
                self.0.edges.iter().map($edge).collect()
            }

            /// The items of this page, without cursors.
            async fn nodes(&self) -> Vec<&$node> {
                self.0.edges.iter().map(|(_, node)| node).collect()
            }

            /// Where this page sits in the whole list.
            async fn page_info(&self) -> &$crate::graphql::types::PageInfo {
                &self.0.page_info
            }

            /// How many items the whole list holds, over all pages.
            async fn total_count(&self) -> async_graphql::Result<i32> {
                self.0
                    .total
                    .and_then(|n| i32::try_from(n).ok())
                    .ok_or_else(|| {
                        $crate::error::AppError::Internal("total not counted".into()).into()
                    })
            }
        }

        #[doc = concat!("One of ", $what, " in a page, with its cursor.")]
        #[async_graphql::Object]
        impl $edge<'_> {
            /// Opaque position of this item; pass it as `after` or `before`.
            async fn cursor(&self) -> &str {
                &self.0.0
            }

            /// The item.
            async fn node(&self) -> &$node {
                &self.0.1
            }
        }
    };
}
pub(crate) use connection;

/// A calendar date, `YYYY-MM-DD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date(pub chrono::NaiveDate);

/// A calendar date in ISO 8601 form, `YYYY-MM-DD`, e.g. `2026-03-01`.
#[async_graphql::Scalar(name = "Date")]
impl async_graphql::ScalarType for Date {
    fn parse(value: async_graphql::Value) -> async_graphql::InputValueResult<Self> {
        match &value {
            async_graphql::Value::String(text) => {
                chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d")
                    .map(Date)
                    .map_err(|_| {
                        async_graphql::InputValueError::custom("expected a date as YYYY-MM-DD")
                    })
            }
            _ => Err(async_graphql::InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> async_graphql::Value {
        async_graphql::Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}
