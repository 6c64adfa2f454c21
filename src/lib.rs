//! clinic-api: the GraphQL service of a physical-therapy and medical-massage clinic.
//!
//! `cli` parses the command line and dispatches; `app` assembles the axum router
//! from `http` (routes, health checks) and `graphql` (schema, types, loaders), which
//! call `domain` (rules that know neither HTTP nor GraphQL) over `db`. `demo` holds
//! the demo clinic that a fresh database is filled with.

pub mod app;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod demo;
pub mod domain;
pub mod error;
pub mod events;
pub mod graphql;
pub mod http;
pub mod telemetry;

pub use app::{AppState, build_app};
