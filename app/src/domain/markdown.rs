//! Markdown for repository descriptions, rendered to HTML that is safe to insert:
//! raw HTML in the source is shown as text, never interpreted, and links and images
//! keep only http(s), mailto or relative targets. The same function renders the
//! server page and the live preview in the browser.

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, html};

fn safe_url(url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    let scheme_end = lower.find(':');
    let first_separator = lower.find(['/', '?', '#']);
    match scheme_end {
        // No scheme, or the colon comes after a path separator: a relative link.
        None => true,
        Some(colon) if first_separator.is_some_and(|s| s < colon) => true,
        Some(_) => lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("mailto:"),
    }
}

pub fn render(source: &str) -> String {
    let parser = Parser::new_ext(source, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH).map(|event| match event {
        // Raw HTML becomes visible text.
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) if !safe_url(&dest_url) => {
            Event::Start(Tag::Link { link_type, dest_url: CowStr::Borrowed("#"), title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) if !safe_url(&dest_url) => {
            Event::Start(Tag::Image { link_type, dest_url: CowStr::Borrowed(""), title, id })
        }
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, parser);
    out
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn markdown_renders() {
        let html = render("# Title\n\nSome *text* and `code`.\n\n- one\n- two\n\n[docs](https://example.com/docs)");
        assert!(html.contains("<h1>Title</h1>"));
        assert!(html.contains("<em>text</em>"));
        assert!(html.contains("<li>one</li>"));
        assert!(html.contains(r#"<a href="https://example.com/docs">docs</a>"#));
    }

    #[test]
    fn scripts_handlers_and_javascript_links_render_inert() {
        let cases = [
            "<script>alert(1)</script>",
            "<img src=x onerror=alert(1)>",
            "<a href=\"javascript:alert(1)\">x</a>",
            "[click](javascript:alert(1))",
            "[click](JaVaScRiPt:alert(1))",
            "[click]( javascript:alert(1))",
            "![img](javascript:alert(1))",
            "<iframe src=\"https://evil.example\"></iframe>",
            "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
            "<svg onload=alert(1)>",
        ];
        for source in cases {
            let html = render(source).to_ascii_lowercase();
            assert!(!html.contains("<script"), "{source}: {html}");
            assert!(!html.contains("<img src=\"x\""), "{source}: {html}");
            assert!(!html.contains("<iframe"), "{source}: {html}");
            assert!(!html.contains("<svg"), "{source}: {html}");
            assert!(!html.contains("<a href=\"javascript:"), "{source}: {html}");
            assert!(!html.contains("<a href=\" javascript:"), "{source}: {html}");
            assert!(!html.contains("<img src=\"javascript:"), "{source}: {html}");
            assert!(!html.contains("<a href=\"data:"), "{source}: {html}");
            assert!(!html.contains(" onerror=") || html.contains("&lt;"), "{source}: {html}");
            // Whatever was typed is still shown, as text.
            assert!(
                html.contains("&lt;") || html.contains("alert") || html.contains("click") || html.contains("img") || html.contains("x"),
                "{source}: {html}"
            );
        }
    }

    #[test]
    fn relative_and_mail_links_stay() {
        assert!(render("[a](/r/apps)").contains(r#"href="/r/apps""#));
        assert!(render("[a](docs/readme.md)").contains(r#"href="docs/readme.md""#));
        assert!(render("[a](mailto:team@example.com)").contains("mailto:team@example.com"));
    }
}
