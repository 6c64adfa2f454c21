//! The clinic's rules and data access, free of HTTP and GraphQL: what is public,
//! how lists are filtered and paged, how text is rendered and hours are read.

pub mod articles;
pub mod audit;
pub mod bookings;
pub mod certifications;
pub mod content;
pub mod hours;
pub mod limits;
pub mod locations;
pub mod markdown;
pub mod organization;
pub mod page;
pub mod services;
pub mod slug;
pub mod staff;
pub mod therapists;
pub mod validate;
pub mod visibility;

/// Escapes `%`, `_` and `\` so user text matches itself in a `LIKE` pattern
/// (with `ESCAPE '\'`).
pub fn like_contains(text: &str) -> String {
    let mut pattern = String::with_capacity(text.len() + 2);
    pattern.push('%');
    for c in text.to_lowercase().chars() {
        if matches!(c, '%' | '_' | '\\') {
            pattern.push('\\');
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}
