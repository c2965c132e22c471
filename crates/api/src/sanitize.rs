//! Making server-provided text safe to print: no character that a terminal acts on.

use std::borrow::Cow;

/// What every removed character becomes.
const REPLACEMENT: char = '\u{fffd}';

/// Whether `c` must not reach a terminal: a control character (C0, DEL, C1, which covers
/// `ESC` and the 8-bit `CSI` U+009B) or a bidirectional formatting character (which reorders
/// what is shown around it).
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// Server-provided text made safe to print or log: every control character (`char::is_control`:
/// C0 including `\n`, `\r`, `\t` and `ESC`, DEL, C1 including the 8-bit `CSI`) and every
/// bidirectional formatting character becomes U+FFFD, so that nothing in it can move the cursor,
/// clear the screen, set the window title, start a hyperlink or reorder the line. What remains of
/// an escape sequence (`[2J`) is plain, inert text. Text without such characters is returned
/// as it is, without a copy.
///
/// The client applies it to everything of an error answer it keeps ([`ApiError`]'s code and
/// message, a redirect's `Location`, a decoding failure's reason); the `chainsig` command applies
/// it to every server-provided text it prints.
///
/// ```
/// use chainsig_api::sanitize_server_text;
///
/// assert_eq!(sanitize_server_text("not found"), "not found");
/// assert_eq!(
///     sanitize_server_text("\x1b]0;owned\x07\x1b[2Jgone\r\u{9b}"),
///     "\u{fffd}]0;owned\u{fffd}\u{fffd}[2Jgone\u{fffd}\u{fffd}"
/// );
/// ```
///
/// [`ApiError`]: crate::ApiError
pub fn sanitize_server_text(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(
        text.chars()
            .map(|c| if is_unsafe(c) { REPLACEMENT } else { c })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_control_and_bidi_character_is_replaced() {
        for c in (0u32..0x20)
            .chain(0x7f..0xa0)
            .chain([0x202a, 0x202e, 0x2066, 0x2069])
            .filter_map(char::from_u32)
        {
            let text = format!("a{c}b");
            assert_eq!(
                sanitize_server_text(&text),
                "a\u{fffd}b",
                "U+{:04X}",
                c as u32
            );
        }
    }

    #[test]
    fn printable_text_is_kept_as_it_is() {
        let text = "Customer «x» not found — 404 (日本語, émoji 🙂, tab-free)";
        assert!(matches!(sanitize_server_text(text), Cow::Borrowed(t) if t == text));
    }
}
