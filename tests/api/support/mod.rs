//! What the feature tests share: the app over a fresh database (`app`),
//! builders that make a small world through the API (`seed`), booking forms
//! for it (`bookings`), a WebSocket client (`ws`) and the checks mutation
//! tests share (`admin`).

pub mod admin;
pub mod app;
pub mod bookings;
pub mod seed;
pub mod ws;

pub use app::{GqlResponse, HttpResponse, TestApp, other_instance, pluck};
pub use seed::{Clinic, Directory, Seeded, seed_clinic, seed_clinic_in, seed_directory};
