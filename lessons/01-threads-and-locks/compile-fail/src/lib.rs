//! Compile-fail cases for lesson 01. Each `cases/*.rs` must fail to compile with exactly the
//! message in the `.stderr` file beside it; the lesson prints that file, so the message it shows
//! is the compiler's own and stays current. Regenerate with `TRYBUILD=overwrite`.
