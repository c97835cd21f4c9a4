/// Fails if a case starts compiling or if rustc's message changes: a plain integer shared by
/// threads, a spawned thread that borrows a local, and `move` without an `Arc`.
#[test]
fn every_case_fails_with_the_recorded_message() {
    trybuild::TestCases::new().compile_fail("cases/*.rs");
}
