//! Every lesson has all its parts where readers and teachers look for them, and the book says
//! what the code does.

use workspace_checks::{
    book_pages, convention_problems, includes, lessons, not_a_slice, recorded_sections, root,
    snapshot_body, unresolved,
};

/// The widest line a recorded run may have: the kit wraps to this (`lesson_kit::wrap`).
const LINE_WIDTH: usize = 100;

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn there_are_lessons() {
    assert!(
        !lessons().is_empty(),
        "no lesson packages found under lessons/"
    );
}

#[test]
fn every_lesson_has_a_chapter_in_the_summary() {
    let summary = read("book/src/SUMMARY.md");
    for lesson in lessons() {
        let chapter = format!("{}.md", lesson.topic);
        assert!(
            summary.contains(&format!("({chapter})")),
            "{}: book/src/SUMMARY.md does not list {chapter}",
            lesson.package
        );
        assert!(
            root().join("book/src").join(&chapter).exists(),
            "{}: book/src/{chapter} is missing",
            lesson.package
        );
    }
}

#[test]
fn every_lesson_has_a_row_in_the_readme() {
    let readme = read("README.md");
    for lesson in lessons() {
        let row = readme
            .lines()
            .find(|l| l.starts_with('|') && l.contains(&format!("`{}`", lesson.package)));
        let row = row.unwrap_or_else(|| {
            panic!("{}: no row in README.md's table of lessons", lesson.package)
        });
        assert!(
            !row.contains("coming"),
            "{}: its README row still says it is coming",
            lesson.package
        );
    }
}

#[test]
fn every_include_in_the_book_resolves() {
    let mut problems = Vec::new();
    for page in book_pages() {
        let text = std::fs::read_to_string(&page).expect("a readable page");
        for include in includes(&text) {
            if let Some(problem) =
                unresolved(page.parent().expect("pages are in a folder"), &include)
            {
                problems.push(format!("{}: {problem}", page.display()));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "unresolved includes:\n{}",
        problems.join("\n")
    );
}

#[test]
fn every_chapter_shows_its_lessons_recorded_run_and_figures() {
    for lesson in lessons() {
        let chapter = read(&format!("book/src/{}.md", lesson.topic));
        let recorded = format!("recorded/{}/output.txt", lesson.package);
        assert!(
            chapter.contains(&recorded),
            "{}: the chapter does not include {recorded}",
            lesson.package
        );
        for line in chapter.lines().filter(|l| l.starts_with("![")) {
            let path = line
                .rsplit_once('(')
                .and_then(|(_, p)| p.strip_suffix(')'))
                .unwrap_or("");
            assert!(
                root().join("book/src").join(path).exists(),
                "{}: figure {path} is missing",
                lesson.package
            );
        }
    }
}

/// The recorded run, redacted, must equal the lesson's snapshot; the snapshot test in turn keeps
/// the snapshot equal to what the lesson prints now. So the book shows what the code does.
#[test]
fn every_recorded_run_matches_its_lessons_current_output() {
    for lesson in lessons() {
        let recorded = read(&format!(
            "book/src/recorded/{}/output.redacted.txt",
            lesson.package
        ));
        let snapshots = lesson.dir.join("tests/snapshots");
        let snapshot = std::fs::read_dir(&snapshots)
            .unwrap_or_else(|e| panic!("{}: {}: {e}", lesson.package, snapshots.display()))
            .flatten()
            .map(|e| e.path())
            .find(|p| {
                p.file_name()
                    .is_some_and(|n| n.to_string_lossy().ends_with("__default_run.snap"))
            })
            .unwrap_or_else(|| panic!("{}: no default_run snapshot", lesson.package));
        let snapshot = std::fs::read_to_string(snapshot).expect("a readable snapshot");
        assert_eq!(
            recorded.trim_end(),
            snapshot_body(&snapshot).trim_end(),
            "{}: the book's recorded run no longer matches the lesson's output; run book/record.sh {}",
            lesson.package,
            lesson.package
        );
    }
}

/// The recorded files of a lesson other than its whole run: `(file name, text)`.
fn recorded_pieces(package: &str) -> Vec<(String, String)> {
    let dir = root().join("book/src/recorded").join(package);
    let mut pieces: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt") && !n.starts_with("output."))
        .map(|n| {
            let text = std::fs::read_to_string(dir.join(&n)).expect("a readable recording");
            (n, text)
        })
        .collect();
    pieces.sort();
    pieces
}

/// Each experiment's recorded result, which a chapter shows beside the experiment's text, is a
/// piece of the same recorded run: so it is as current as the run, which matches the snapshot.
#[test]
fn every_recorded_experiment_is_a_piece_of_its_recorded_run() {
    let mut problems = Vec::new();
    for lesson in lessons() {
        let package = &lesson.package;
        let output = read(&format!("book/src/recorded/{package}/output.txt"));
        let redacted = read(&format!("book/src/recorded/{package}/output.redacted.txt"));
        if recorded_sections(&output) != recorded_sections(&redacted) {
            problems.push(format!(
                "{package}: output.txt and output.redacted.txt have different experiments"
            ));
        }
        let pieces = recorded_pieces(package);
        let names: Vec<String> = recorded_sections(&output)
            .into_iter()
            .chain(["opening".to_string()])
            .map(|name| format!("{name}.txt"))
            .collect();
        for name in &names {
            if !pieces.iter().any(|(n, _)| n == name) {
                problems.push(format!("{package}: {name} is missing"));
            }
        }
        for (name, text) in &pieces {
            if !names.contains(name) {
                problems.push(format!(
                    "{package}: {name} is no experiment of the recorded run"
                ));
            } else if let Some(problem) = not_a_slice(text, &output) {
                problems.push(format!("{package}: {name}: {problem}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "recorded experiments out of step (run book/record.sh):\n{}",
        problems.join("\n")
    );
}

/// The book shows the output in a 100-column block; so does a terminal of that width.
#[test]
fn every_recorded_line_fits_100_columns() {
    let mut problems = Vec::new();
    for lesson in lessons() {
        let output = read(&format!("book/src/recorded/{}/output.txt", lesson.package));
        for (number, line) in output.lines().enumerate() {
            let width = line.chars().count();
            // A single word wider than the line cannot be wrapped; anything else must fit.
            if width > LINE_WIDTH && line.trim().contains(' ') {
                problems.push(format!(
                    "{} output.txt:{}: {width} columns: {line}",
                    lesson.package,
                    number + 1
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "lines wider than {LINE_WIDTH} columns:\n{}",
        problems.join("\n")
    );
}

/// Each chapter shows every experiment's result beside its text, the whole run only collapsed,
/// and every recorded figure (book/CONVENTIONS.md).
#[test]
fn every_chapter_follows_the_books_conventions() {
    let mut problems = Vec::new();
    for lesson in lessons() {
        let package = &lesson.package;
        let chapter = read(&format!("book/src/{}.md", lesson.topic));
        let output = read(&format!("book/src/recorded/{package}/output.txt"));
        let dir = root().join("book/src/recorded").join(package);
        let mut figures: Vec<String> = std::fs::read_dir(&dir)
            .expect("the recorded run's folder")
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".svg"))
            .collect();
        figures.sort();
        let found = convention_problems(&chapter, package, &output, &figures);
        problems.extend(found.iter().map(|p| format!("{}.md: {p}", lesson.topic)));
    }
    assert!(
        problems.is_empty(),
        "see book/CONVENTIONS.md:\n{}",
        problems.join("\n")
    );
}

/// An exercise's `tests/check_works.rs` builds and checks every submission through
/// `check-exercise` (minutes): each of its tests is `#[ignore]`d with a reason, so that
/// `cargo test --workspace` stays quick, and `.ci/run` runs them once with `--include-ignored`.
#[test]
fn every_check_through_the_teachers_command_is_left_to_ci() {
    let mut problems = Vec::new();
    for lesson in lessons() {
        let path = lesson.dir.join("exercise/tests/check_works.rs");
        let Ok(text) = std::fs::read_to_string(&path) else {
            continue;
        };
        let lines: Vec<&str> = text.lines().collect();
        for (number, line) in lines.iter().enumerate() {
            let next = lines.get(number + 1).map(|l| l.trim()).unwrap_or("");
            if line.trim() == "#[test]" && !next.starts_with("#[ignore = ") {
                problems.push(format!(
                    "{}:{}: a test without #[ignore = \"...\"] after #[test]",
                    path.display(),
                    number + 1
                ));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "slow exercise checks in `cargo test --workspace`:\n{}",
        problems.join("\n")
    );
}
