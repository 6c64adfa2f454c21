//! clinic-api: the GraphQL service of a physical-therapy and medical-massage clinic.
//!
//! `cli` parses the command line and dispatches; `http` holds the state, the
//! routes and the server, and hands GraphQL requests to `graphql` (the gate,
//! the schema, its types and loaders), whose resolvers call `domain` (rules
//! that know neither HTTP nor GraphQL) over `db`. `demo` holds the demo
//! clinic that a fresh database is filled with.

pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod digest;
pub mod domain;
pub mod error;
pub mod events;
pub mod graphql;
pub mod http;
pub mod telemetry;

pub use http::{AppState, build_app, serve_until};
