// A model solution: never compiled into the kit's test (no `solution` feature).
pub fn which() -> &'static str {
    "the model solution"
}
