//! Escaping text for HTML, for the few places that write markup by hand instead of
//! through the view macros (which escape on their own).

/// `text` with `&`, `<`, `>`, `"` and `'` replaced by entities: safe as element text
/// and inside a quoted attribute.
pub fn escape_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape_text;

    #[test]
    fn markup_characters_become_entities() {
        assert_eq!(escape_text("</title><script>alert('x')</script>"), "&lt;/title&gt;&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;");
        assert_eq!(escape_text("a & \"b\""), "a &amp; &quot;b&quot;");
        assert_eq!(escape_text("plain · text"), "plain · text");
    }
}
