//! Integration tests: GraphQL and HTTP through the real router, each test on a
//! fresh database (SQLite, or PostgreSQL when `TEST_DATABASE_URL` is set).

mod abuse;
mod article_mutations;
mod articles;
mod auth;
mod booking_follow_up;
mod booking_form;
mod booking_retries;
mod bookings;
mod clinic;
mod clinic_mutations;
mod connections;
mod demo;
mod directory;
mod directory_mutations;
mod edge;
mod http;
mod migrations;
mod node;
mod observability;
mod pagination;
mod resilience;
mod response_cache;
mod schema;
mod statements;
mod subscriptions;
mod support;
mod websocket;
