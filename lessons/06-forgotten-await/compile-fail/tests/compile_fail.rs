/// Fails if a case starts compiling or if rustc's message changes: a bare future call with
/// `unused_must_use` denied, a std `MutexGuard` held across `.await` in a spawned task, and the
/// same with `drop(guard)` before the `.await` (still rejected by rustc 1.95).
#[test]
fn every_case_fails_with_the_recorded_message() {
    trybuild::TestCases::new().compile_fail("cases/*.rs");
}
