//! The course pages (the Python→Rust map, the decision guide, what the articles got wrong, the
//! course plan) quote only what the recordings and the exercises say: their figures and lists are
//! generated (`cargo run -p workspace-checks --bin course-pages`, run by `book/record.sh`) and
//! included, never typed.

use workspace_checks::course::{
    FIGURES_DIR, FIGURES_SPEC, WRONG_DIR, figure_specs, figures, out_of_date, typed_figures,
    wrong_answer_lists,
};
use workspace_checks::{includes, lessons, root};

/// The pages whose every measured figure must come from a recording.
const FIGURE_PAGES: [&str; 3] = ["which-tool.md", "articles-wrong.md", "python-to-rust.md"];

const REGENERATE: &str = "run cargo run -p workspace-checks --bin course-pages";

fn page(name: &str) -> String {
    let path = root().join("book/src").join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Each figure file is what its template picks from the recording now: a re-recorded lesson
/// changes the figures on the pages with it.
#[test]
fn every_figure_on_the_course_pages_is_the_recorded_one() {
    let figures = figures().unwrap_or_else(|problems| {
        panic!("{FIGURES_SPEC} names figures the recordings do not give:\n{problems}")
    });
    let problems = out_of_date(FIGURES_DIR, &figures);
    assert!(
        problems.is_empty(),
        "{FIGURES_DIR} is out of date ({REGENERATE}):\n{}",
        problems.join("\n")
    );
}

/// The pages type no measured figure: a number with a unit outside an include or code is one
/// copied by hand, and the next recording would leave it behind.
#[test]
fn the_course_pages_type_no_measured_figure() {
    let mut problems = Vec::new();
    for name in FIGURE_PAGES {
        for typed in typed_figures(&page(name)) {
            problems.push(format!(
                "{name}: {typed:?} is typed; name it in {FIGURES_SPEC} and include it"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Every figure named in the spec is quoted on a page, and every figure a page includes is named.
#[test]
fn every_named_figure_is_quoted_and_every_quoted_one_named() {
    let spec = std::fs::read_to_string(root().join(FIGURES_SPEC)).expect("book/figures.txt");
    let names: Vec<String> = figure_specs(&spec)
        .expect("a well-formed spec")
        .into_iter()
        .map(|f| format!("recorded/figures/{}.md", f.name))
        .collect();
    let included: Vec<String> = FIGURE_PAGES
        .iter()
        .flat_map(|name| includes(&page(name)))
        .map(|i| i.path)
        .filter(|p| p.starts_with("recorded/figures/"))
        .collect();
    let mut problems = Vec::new();
    for name in &names {
        if !included.contains(name) {
            problems.push(format!(
                "{name} is named in {FIGURES_SPEC} but no page quotes it"
            ));
        }
    }
    for path in &included {
        if !names.contains(path) {
            problems.push(format!("{path} is quoted but not named in {FIGURES_SPEC}"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The course plan lists, for each exercise, the wrong answers its check rejects, from the
/// exercise's `tests/wrong/` folder: a new wrong answer shows up on the page.
#[test]
fn the_course_plan_lists_every_exercises_wrong_answers() {
    let lists = wrong_answer_lists();
    let problems = out_of_date(WRONG_DIR, &lists);
    assert!(
        problems.is_empty(),
        "{WRONG_DIR} is out of date ({REGENERATE}):\n{}",
        problems.join("\n")
    );
    let plan = page("course-plan.md");
    for (file, _) in &lists {
        let include = format!("{{{{#include recorded/course/{file}}}}}");
        assert!(
            plan.contains(&include),
            "course-plan.md does not show {file}: add {include} to its lesson's section"
        );
    }
    for lesson in lessons() {
        let command = format!("cargo run -p {}", lesson.package);
        assert!(
            plan.contains(&command),
            "course-plan.md has no section for {} (its command {command})",
            lesson.package
        );
    }
}

/// The course pages are in the book's table of contents.
#[test]
fn the_course_pages_are_in_the_summary() {
    let summary = page("SUMMARY.md");
    for name in FIGURE_PAGES.iter().chain(&["course-plan.md"]) {
        assert!(
            summary.contains(&format!("({name})")),
            "SUMMARY.md does not list {name}"
        );
    }
}

/// Every Python program of `python/` is recorded by book/record.sh and named on a page.
#[test]
fn every_python_program_is_shown_in_the_book() {
    let record = std::fs::read_to_string(root().join("book/record.sh")).expect("book/record.sh");
    assert!(
        record.contains("python/"),
        "book/record.sh does not run python/"
    );
    let pages: String = ["python-to-rust.md", "articles-wrong.md", "which-tool.md"]
        .iter()
        .map(|p| page(p))
        .collect();
    for entry in std::fs::read_dir(root().join("python"))
        .expect("python/")
        .flatten()
    {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.ends_with(".py") && !name.starts_with('_') {
            assert!(
                pages.contains(&format!("python/{name}")),
                "python/{name} is not named on a course page"
            );
        }
    }
}
