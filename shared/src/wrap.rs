//! Lines that fit a 100-column block, in the terminal and in the book.
//!
//! A lesson writes its sentences as one line each; the report wraps them here, at spaces, with a
//! hanging indent so that a wrapped verdict still reads as one item. The real and the redacted
//! output are wrapped separately, each from its own text: the redacted one must not depend on the
//! measured numbers, or its snapshot would change from run to run.

/// The widest line a lesson prints, in characters.
pub const LINE_WIDTH: usize = 100;

/// Wraps `text` at spaces so that no line is wider than `width` characters (a single word wider
/// than that stays whole): the first line starts with `first`, the others with `rest`. Every
/// line, the last included, ends with a newline. An unbreakable space
/// ([`UNBREAKABLE_SPACE`](crate::value::UNBREAKABLE_SPACE)) holds its neighbours together and
/// comes out as a plain space.
pub fn wrap(text: &str, first: &str, rest: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = first.to_string();
    let mut line_width = first.chars().count();
    let mut empty = true;
    for word in text.split(' ').filter(|w| !w.is_empty()) {
        let word_width = word.chars().count();
        if !empty && line_width + 1 + word_width > width {
            out += line.trim_end();
            out.push('\n');
            line = rest.to_string();
            line_width = rest.chars().count();
            empty = true;
        }
        if !empty {
            line.push(' ');
            line_width += 1;
        }
        line += word;
        line_width += word_width;
        empty = false;
    }
    out += line.trim_end();
    out.push('\n');
    out.replace(crate::value::UNBREAKABLE_SPACE, " ")
}

/// Wraps one line of verbatim text (a compiler message, a worker's report), keeping its spacing:
/// a line that fits stays as it is, a longer one breaks at its last space that fits and
/// continues indented by four more spaces than it started.
pub fn wrap_verbatim(line: &str, prefix: &str, width: usize) -> String {
    let leading = &line[..line.len() - line.trim_start().len()];
    let continuation = format!("{prefix}{leading}    ");
    let mut out = String::new();
    let mut current = format!("{prefix}{line}");
    loop {
        let chars: Vec<(usize, char)> = current.char_indices().collect();
        if chars.len() <= width {
            break;
        }
        // The last space within the width past the continuation's indent, so that every line
        // carries some of the text on.
        let cut = chars[..=width]
            .iter()
            .rev()
            .find(|(at, c)| *c == ' ' && *at > continuation.len())
            .map(|(at, _)| *at);
        let Some(cut) = cut else { break };
        out += current[..cut].trim_end();
        out.push('\n');
        current = format!("{continuation}{}", current[cut..].trim_start());
    }
    out += current.trim_end();
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_sentences_wrap_with_a_hanging_indent() {
        let text = "one two three four five six";
        assert_eq!(
            wrap(text, "  ", "    ", 14),
            "  one two\n    three four\n    five six\n"
        );
        assert_eq!(wrap("short", "  ✓ ", "    ", 14), "  ✓ short\n");
    }

    #[test]
    fn no_line_is_wider_than_asked_unless_one_word_is() {
        let text = "a ".repeat(200) + "unbreakable-word-longer-than-the-line";
        let wrapped = wrap(&text, "", "  ", 20);
        for line in wrapped.lines() {
            assert!(
                line.chars().count() <= 20 || !line.trim().contains(' '),
                "{line:?}"
            );
        }
        assert!(wrapped.contains("\n  unbreakable-word-longer-than-the-line\n"));
    }

    #[test]
    fn verbatim_lines_keep_their_indent_and_continue_deeper() {
        assert_eq!(wrap_verbatim("   | short", "  | ", 40), "  |    | short\n");
        let long = "   |    -   ^^ a message that is much too long for the line";
        assert_eq!(
            wrap_verbatim(long, "  | ", 34),
            "  |    |    -   ^^ a message that\n  |        is much too long for\n  |        the line\n"
        );
    }
}
