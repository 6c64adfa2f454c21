//! Markdown written by staff, rendered once on write to HTML that is safe to embed.

use pulldown_cmark::{Options, Parser, html};

/// Renders markdown to HTML and strips anything unsafe (scripts, event handlers,
/// `javascript:` links), keeping ordinary formatting, links and tables.
pub fn to_safe_html(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer"))
        .clean(&unsafe_html)
        .to_string()
}

/// Minutes a reader needs at about 200 words a minute, at least one.
pub fn reading_time_minutes(markdown: &str) -> i32 {
    let words = markdown.split_whitespace().count();
    i32::try_from(words.div_ceil(200))
        .unwrap_or(i32::MAX)
        .max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formatting_survives_and_scripts_do_not() {
        let html = to_safe_html(
            "## Care\n\n**Rest** and [ice](https://example.com).\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))",
        );
        assert!(html.contains("<h2>Care</h2>"), "{html}");
        assert!(html.contains("<strong>Rest</strong>"), "{html}");
        assert!(html.contains("href=\"https://example.com\""), "{html}");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("javascript:"), "{html}");
    }

    #[test]
    fn reading_time_rounds_up_and_is_never_zero() {
        assert_eq!(reading_time_minutes(""), 1);
        assert_eq!(reading_time_minutes(&"word ".repeat(200)), 1);
        assert_eq!(reading_time_minutes(&"word ".repeat(201)), 2);
    }
}
