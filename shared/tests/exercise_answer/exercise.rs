// A starter, as a student would edit it.
pub fn which() -> &'static str {
    "the starter"
}
