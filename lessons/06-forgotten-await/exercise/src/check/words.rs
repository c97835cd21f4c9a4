//! The words of the checklist: causes the judge recognises in what the answer returned or in its
//! code, and lists of customers said as a sentence says them.

use lesson_kit::exercise::source::code_only;

/// "Cannot start a runtime from within a runtime", explained, if `text` holds that panic.
pub fn blocked_on(text: &str) -> Option<String> {
    let blocked = text.contains("from within a runtime")
        || text.contains("can call blocking only when running on the multi-threaded runtime");
    blocked.then(|| {
        "block_on inside async code panics (\"Cannot start a runtime from within a runtime\"): \
         this thread is already driving the runtime and cannot also block on a future. Inside \
         an async fn, .await the future instead"
            .to_string()
    })
}

/// Lines of the answer's code that block the thread they run on, with what they call.
pub fn blocking_lines(source: &str) -> Vec<(usize, &'static str)> {
    let code = code_only(source);
    let mut found = Vec::new();
    for (n, line) in code.lines().enumerate() {
        for call in ["thread::sleep", "block_on", "block_in_place"] {
            if line.contains(call) {
                found.push((n + 1, call));
            }
        }
    }
    found
}

pub fn list(customers: &[u32]) -> String {
    let names: Vec<String> = customers.iter().map(|c| c.to_string()).collect();
    names.join(", ")
}

/// "customer 104 is" or "customers 104, 109 are".
pub fn customers(list_of: &[u32], one: &str, many: &str) -> String {
    match list_of {
        [one_customer] => format!("customer {one_customer} {one}"),
        _ => format!("customers {} {many}", list(list_of)),
    }
}

/// "1 try" or "3 tries".
pub fn tries(n: usize) -> String {
    if n == 1 {
        "1 try".to_string()
    } else {
        format!("{n} tries")
    }
}
