//! Compile-fail cases for lesson 06. Each `cases/*.rs` must fail to compile with exactly the
//! message in the `.stderr` file beside it; the lesson prints some of these files, so the message
//! it shows is the compiler's own and stays current. Regenerate with `TRYBUILD=overwrite`.
