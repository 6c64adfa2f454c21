//! The demo clinic "Physical Therapy First": what a fresh database is filled with.

mod content;
mod data;
mod load;

pub use load::{is_empty, load};
