/// Fails if a case starts compiling or if rustc's message changes.
#[test]
fn a_plain_integer_shared_by_threads_does_not_compile() {
    trybuild::TestCases::new().compile_fail("cases/*.rs");
}
