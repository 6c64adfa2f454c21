//! Integration tests: GraphQL and HTTP through the real router, each test on a
//! fresh database (SQLite, or PostgreSQL when `TEST_DATABASE_URL` is set).

mod articles;
mod clinic;
mod demo;
mod directory;
mod helpers;
mod http;
mod migrations;
mod node;
mod pagination;
mod schema;
mod statements;
