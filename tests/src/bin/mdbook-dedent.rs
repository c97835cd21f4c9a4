//! An mdBook preprocessor: strips the common indentation of the book's code blocks, so that code
//! included by anchor from inside a function starts at the left margin (mdBook 0.5.4 keeps it).
//! mdBook runs it as `mdbook-dedent supports <renderer>`, then with `[context, book]` as JSON on
//! stdin, expecting the book back on stdout.

use std::io::Read as _;

use serde_json::Value;

fn main() -> std::process::ExitCode {
    if std::env::args().nth(1).as_deref() == Some("supports") {
        return std::process::ExitCode::SUCCESS; // every renderer: it only changes Markdown
    }
    let mut input = String::new();
    if let Err(error) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("mdbook-dedent: cannot read the book: {error}");
        return std::process::ExitCode::FAILURE;
    }
    let Ok(Value::Array(mut pair)) = serde_json::from_str::<Value>(&input) else {
        eprintln!("mdbook-dedent: expected [context, book] as JSON on stdin");
        return std::process::ExitCode::FAILURE;
    };
    let Some(mut book) = pair.pop() else {
        eprintln!("mdbook-dedent: expected [context, book] as JSON on stdin");
        return std::process::ExitCode::FAILURE;
    };
    dedent_chapters(&mut book);
    println!("{book}");
    std::process::ExitCode::SUCCESS
}

/// Every chapter, however deeply nested: an object `{"Chapter": {"content": …, "sub_items": …}}`.
fn dedent_chapters(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Object(chapter)) = map.get_mut("Chapter")
                && let Some(Value::String(content)) = chapter.get_mut("content")
            {
                *content = workspace_checks::dedent_code_blocks(content);
            }
            map.values_mut().for_each(dedent_chapters);
        }
        Value::Array(items) => items.iter_mut().for_each(dedent_chapters),
        _ => {}
    }
}
