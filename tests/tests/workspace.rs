//! Every lesson has all its parts where readers and teachers look for them, and the book says
//! what the code does.

use workspace_checks::{book_pages, includes, lessons, root, snapshot_body, unresolved};

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
