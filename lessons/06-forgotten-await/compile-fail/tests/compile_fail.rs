/// Fails if a case starts compiling or if rustc's message changes: a bare future call with
/// `unused_must_use` denied, a std `MutexGuard` held across `.await` in a spawned task, and the
/// same with `drop(guard)` after using the guard and before the `.await` (still rejected by
/// rustc 1.95: a local that was borrowed counts as held to the end of its scope,
/// rust-lang/rust#101135).
#[test]
fn every_case_fails_with_the_recorded_message() {
    trybuild::TestCases::new().compile_fail("cases/*.rs");
}
