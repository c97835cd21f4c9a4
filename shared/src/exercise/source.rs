//! The answer's code without its comments, strings and character literals.
//!
//! A rule such as "no `Mutex` in part 2" must look at code: a comment that says "without a Mutex"
//! is not a lock, and `use std::sync::Mutex as Counter;` is one, whatever it is called later.

/// `source` with every comment, string and char literal replaced by spaces (lines are kept, so
/// positions still match the student's file).
pub fn code_only(source: &str) -> String {
    let chars: Vec<char> = source.chars().collect();
    let mut out = String::with_capacity(source.len());
    let mut i = 0;
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                out.push(' ');
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            let mut depth = 0;
            while i < chars.len() {
                if chars[i] == '/' && chars.get(i + 1) == Some(&'*') {
                    depth += 1;
                    out.push_str("  ");
                    i += 2;
                } else if chars[i] == '*' && chars.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    out.push_str("  ");
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
        } else if c == 'r' && (next == Some('"') || next == Some('#')) && !ident_before(&chars, i) {
            // A raw string: r"..." or r#"..."#.
            let hashes = chars[i + 1..].iter().take_while(|&&h| h == '#').count();
            if chars.get(i + 1 + hashes) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            let close: String = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            let body_start = i + 2 + hashes;
            let rest: String = chars[body_start..].iter().collect();
            let end = rest
                .find(&close)
                .map(|at| body_start + rest[..at].chars().count() + close.len())
                .unwrap_or(chars.len());
            out.extend(chars[i..end].iter().map(|&c| blank(c)));
            i = end;
        } else if c == '"' {
            out.push(' ');
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    out.push(' ');
                    i += 1;
                }
                if i < chars.len() {
                    out.push(blank(chars[i]));
                    i += 1;
                }
            }
            out.push(' ');
            i += 1;
        } else if c == '\'' && is_char_literal(&chars, i) {
            let len = char_literal_len(&chars, i);
            out.extend(std::iter::repeat_n(' ', len));
            i += len;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn ident_before(chars: &[char], i: usize) -> bool {
    i > 0 && (chars[i - 1].is_alphanumeric() || chars[i - 1] == '_')
}

/// `'a'` or `'\n'` rather than a lifetime `'a`.
fn is_char_literal(chars: &[char], i: usize) -> bool {
    matches!(
        (chars.get(i + 1), chars.get(i + 2)),
        (Some('\\'), _) | (Some(_), Some('\''))
    )
}

fn char_literal_len(chars: &[char], i: usize) -> usize {
    let mut j = i + 1;
    while j < chars.len() && chars[j] != '\'' {
        j += if chars[j] == '\\' { 2 } else { 1 };
    }
    (j + 1 - i).min(chars.len() - i)
}

/// The 1-based lines of `source`'s code (not comments or strings) that name `word` as a whole
/// identifier.
pub fn lines_naming(source: &str, word: &str) -> Vec<usize> {
    code_only(source)
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            line.split(|c: char| !(c.is_alphanumeric() || c == '_'))
                .any(|token| token == word)
        })
        .map(|(n, _)| n + 1)
        .collect()
}

/// A top-level item of the code: the names it defines, its text, and its first line.
struct Item {
    names: Vec<String>,
    text: String,
    first_line: usize,
}

fn tokens(text: &str) -> impl Iterator<Item = &str> {
    text.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
}

/// Splits code (already without comments and strings) into its top-level items.
fn items(code: &str) -> Vec<Item> {
    let mut found = Vec::new();
    let (mut depth, mut start, mut line, mut start_line) = (0i32, 0usize, 1usize, 1usize);
    for (at, c) in code.char_indices() {
        match c {
            // Brackets too: the `;` of an array type (`-> [usize; 6]`) ends no item.
            '{' | '[' | '(' => depth += 1,
            '}' | ']' | ')' => depth -= 1,
            '\n' => line += 1,
            _ => {}
        }
        if depth == 0 && (c == ';' || c == '}') {
            let text = code[start..=at].to_string();
            found.push(Item {
                names: defined_names(&text),
                text,
                first_line: start_line,
            });
            start = at + 1;
            start_line = line;
        }
    }
    found
}

/// The name an item defines (`fn NAME`, `type NAME`, `static NAME`, ...); none for `use`.
fn defined_names(text: &str) -> Vec<String> {
    let words: Vec<&str> = tokens(text).collect();
    const KEYWORDS: [&str; 9] = [
        "fn", "struct", "enum", "type", "static", "const", "trait", "mod", "union",
    ];
    words
        .windows(2)
        .find(|pair| KEYWORDS.contains(&pair[0]))
        .map(|pair| vec![pair[1].to_string()])
        .unwrap_or_default()
}

fn is_use(text: &str) -> bool {
    let mut words = tokens(text);
    let first = words.next();
    first == Some("use") || (first == Some("pub") && tokens(text).any(|w| w == "use"))
}

/// Whether function `function` of `source` reaches any of `words` in its code: directly, through
/// an import under another name (`use std::sync::Mutex as Counter`), or through another item of
/// the file (a type alias, a helper function) whose code names one. Returns the line in
/// `function` and the name that leads there.
pub fn reaches(source: &str, function: &str, words: &[&str]) -> Option<(usize, String)> {
    let items = items(&code_only(source));
    let is_target = |item: &Item| item.names.iter().any(|n| n == function);
    let mut tainted: Vec<String> = words.iter().map(|w| w.to_string()).collect();
    loop {
        let before = tainted.len();
        for item in items.iter().filter(|i| !is_target(i)) {
            let mut new = Vec::new();
            if is_use(&item.text) {
                let t: Vec<&str> = tokens(&item.text).collect();
                for w in t.windows(3) {
                    if w[1] == "as" && tainted.iter().any(|x| x == w[0]) {
                        new.push(w[2].to_string());
                    }
                }
            } else if tokens(&item.text).any(|t| tainted.iter().any(|w| w == t)) {
                new.extend(item.names.iter().cloned());
            }
            for name in new {
                if !tainted.contains(&name) {
                    tainted.push(name);
                }
            }
        }
        if tainted.len() == before {
            break;
        }
    }
    let item = items.iter().find(|i| is_target(i))?;
    item.text.lines().enumerate().find_map(|(n, line)| {
        tokens(line)
            .find(|t| tainted.iter().any(|w| w == t))
            .map(|t| (item.first_line + n, t.to_string()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_array_type_in_a_signature_does_not_end_the_function() {
        let code = "pub fn tally() -> [usize; 6] {\n    let t: [AtomicUsize; 6] = x;\n    t[0].store(1, R);\n    t\n}\n";
        assert_eq!(
            reaches(code, "tally", &["store"]),
            Some((3, "store".to_string()))
        );
    }

    #[test]
    fn comments_and_strings_are_not_code() {
        let source = "// a Mutex here\nlet s = \"Mutex\"; /* Mutex */ let c = 'M';\nuse std::sync::Mutex as Counter;\nfn f<'a>(x: &'a str) {}";
        assert_eq!(lines_naming(source, "Mutex"), vec![3]);
        assert!(code_only(source).contains("fn f<'a>(x: &'a str)"));
        assert_eq!(
            lines_naming("let r = r#\"Mutex\"#; RwLock", "RwLock"),
            vec![1]
        );
        assert!(lines_naming("let r = r#\"Mutex\"#;", "Mutex").is_empty());
    }

    #[test]
    fn a_lock_is_found_through_renames_and_helpers() {
        let locks = ["Mutex", "RwLock"];
        let renamed = "use std::sync::Mutex as Counter;\n\npub fn count_to() -> usize {\n    let c = Counter::new(0);\n    0\n}\n";
        assert_eq!(
            reaches(renamed, "count_to", &locks),
            Some((4, "Counter".to_string()))
        );
        let helper = "fn make() -> std::sync::Mutex<usize> { std::sync::Mutex::new(0) }\nfn count_to() { let c = make(); }\n";
        assert_eq!(
            reaches(helper, "count_to", &locks),
            Some((2, "make".to_string()))
        );
        let atomic = "// no Mutex here\nuse std::sync::Mutex;\nfn part_one() { let m = Mutex::new(1); }\nfn count_to() { let a = AtomicUsize::new(0); }\n";
        assert_eq!(reaches(atomic, "count_to", &locks), None);
    }
}
