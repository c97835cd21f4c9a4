//! Values a lesson prints, typed by where they come from.
//!
//! An *exact* value is a fact the lesson guarantees (10000 increments, 78498 primes): it is the
//! same on every machine and every run, so snapshots keep it. A *measured* value (a time, a
//! speedup, a count of lost updates) changes from run to run, so snapshot tests and the book
//! check see it redacted to a placeholder such as `[time]`, while the learner sees the number.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::Value as Json;

/// A number measured on this run.
#[derive(Debug, Clone, PartialEq)]
pub enum Measured {
    Time(Duration),
    /// A time too small for whole nanoseconds, such as the cost of one increment, in seconds.
    Seconds(f64),
    /// A ratio such as a speedup: printed as `1.93x`.
    Ratio(f64),
    /// A share of a whole, 0.0 to 1.0: printed as `97%`.
    Share(f64),
    Bytes(u64),
    /// A count that varies between runs (lost updates, meals eaten).
    Count(u64),
    /// Items per second.
    Rate(f64),
    /// A fact about the machine (cores, CPU model, build profile): true, but not the same elsewhere.
    Machine(String),
    /// Words that depend on the run, such as which variant came out cheapest.
    Varies(String),
}

impl Measured {
    pub fn placeholder(&self) -> &'static str {
        match self {
            Measured::Time(_) | Measured::Seconds(_) => "[time]",
            Measured::Ratio(_) => "[ratio]",
            Measured::Share(_) => "[share]",
            Measured::Bytes(_) => "[bytes]",
            Measured::Count(_) => "[count]",
            Measured::Rate(_) => "[rate]",
            Measured::Machine(_) => "[machine]",
            Measured::Varies(_) => "[varies]",
        }
    }

    pub fn to_json(&self) -> Json {
        match self {
            Measured::Time(d) => Json::from(d.as_secs_f64()),
            Measured::Seconds(x) | Measured::Ratio(x) | Measured::Share(x) | Measured::Rate(x) => {
                Json::from(*x)
            }
            Measured::Bytes(n) | Measured::Count(n) => Json::from(*n),
            Measured::Machine(text) | Measured::Varies(text) => Json::from(text.as_str()),
        }
    }
}

impl std::fmt::Display for Measured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Measured::Time(d) => f.write_str(&format_seconds(d.as_secs_f64())),
            Measured::Seconds(x) => f.write_str(&format_seconds(*x)),
            Measured::Ratio(x) => write!(f, "{x:.2}x"),
            Measured::Share(x) => write!(f, "{:.0}%", x * 100.0),
            Measured::Bytes(n) => f.write_str(&format_bytes(*n)),
            Measured::Count(n) => write!(f, "{n}"),
            Measured::Rate(x) => f.write_str(&format_rate(*x)),
            Measured::Machine(text) | Measured::Varies(text) => f.write_str(text),
        }
    }
}

/// One piece of a printed line.
#[derive(Debug, Clone, PartialEq)]
pub enum Segment {
    /// Text or a number that is the same on every run.
    Exact(String, Json),
    Measured(Measured),
}

impl Segment {
    pub fn render(&self, redact: bool) -> String {
        match self {
            Segment::Exact(text, _) => text.clone(),
            Segment::Measured(m) if redact => m.placeholder().to_string(),
            Segment::Measured(m) => m.to_string(),
        }
    }

    pub fn to_json(&self) -> Json {
        match self {
            Segment::Exact(_, json) => json.clone(),
            Segment::Measured(m) => m.to_json(),
        }
    }
}

impl From<Measured> for Segment {
    fn from(m: Measured) -> Self {
        Segment::Measured(m)
    }
}

impl From<&str> for Segment {
    fn from(text: &str) -> Self {
        Segment::Exact(text.to_string(), Json::from(text))
    }
}

impl From<String> for Segment {
    fn from(text: String) -> Self {
        Segment::Exact(text.clone(), Json::from(text))
    }
}

impl From<&String> for Segment {
    fn from(text: &String) -> Self {
        Segment::from(text.as_str())
    }
}

macro_rules! exact_numbers {
    ($($t:ty),*) => {$(
        impl From<$t> for Segment {
            fn from(n: $t) -> Self {
                Segment::Exact(n.to_string(), Json::from(n))
            }
        }
    )*};
}
exact_numbers!(u8, u16, u32, u64, usize, i32, i64);

/// A sentence made of exact and measured pieces; build it with [`phrase!`](crate::phrase).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Phrase {
    pub segments: Vec<Segment>,
}

impl Phrase {
    /// Fills each `{}` of `template` with the next value.
    pub fn fill(template: &str, values: Vec<Segment>) -> Phrase {
        let mut segments = Vec::new();
        let mut values = values.into_iter();
        for (i, text) in template.split("{}").enumerate() {
            if i > 0 {
                segments.push(
                    values
                        .next()
                        .expect("phrase!: fewer values than {} in the template"),
                );
            }
            if !text.is_empty() {
                segments.push(Segment::from(text));
            }
        }
        assert!(
            values.next().is_none(),
            "phrase!: more values than {{}} in the template"
        );
        Phrase { segments }
    }

    pub fn render(&self, redact: bool) -> String {
        self.segments.iter().fold(String::new(), |mut line, s| {
            let _ = write!(line, "{}", s.render(redact));
            line
        })
    }

    /// As [`Phrase::render`], with the space inside a measured quantity (`28.7 µs`, `1.50 MiB`)
    /// made unbreakable, so that wrapping never parts a number from its unit;
    /// [`crate::wrap::wrap`] turns it back into a plain space.
    pub fn render_unbreakable(&self, redact: bool) -> String {
        self.segments.iter().fold(String::new(), |mut line, s| {
            let text = s.render(redact);
            match s {
                Segment::Measured(Measured::Machine(_) | Measured::Varies(_)) => line += &text,
                Segment::Measured(_) => line += &text.replace(' ', &UNBREAKABLE_SPACE.to_string()),
                Segment::Exact(..) => line += &text,
            }
            line
        })
    }
}

/// A space that wrapping does not break at (U+00A0), turned back into a plain space when wrapped.
pub const UNBREAKABLE_SPACE: char = '\u{a0}';

impl From<&str> for Phrase {
    fn from(text: &str) -> Self {
        Phrase {
            segments: vec![Segment::from(text)],
        }
    }
}

impl From<String> for Phrase {
    fn from(text: String) -> Self {
        Phrase {
            segments: vec![Segment::from(text)],
        }
    }
}

/// `phrase!("{} of {} trials lost updates", Measured::Count(lost), trials)`: exact values are
/// kept in snapshots, [`Measured`] ones are redacted.
#[macro_export]
macro_rules! phrase {
    ($template:expr $(, $value:expr)* $(,)?) => {
        $crate::value::Phrase::fill($template, vec![$($crate::value::Segment::from($value)),*])
    };
}

/// `1.23 s`, `45.6 ms`, `789 µs`, `12.3 ns`: three significant digits in a readable unit.
pub fn format_duration(d: Duration) -> String {
    format_seconds(d.as_secs_f64())
}

/// As [`format_duration`], for times below a nanosecond too.
pub fn format_seconds(secs: f64) -> String {
    let (value, unit) = if secs >= 1.0 {
        (secs, "s")
    } else if secs >= 1e-3 {
        (secs * 1e3, "ms")
    } else if secs >= 1e-6 {
        (secs * 1e6, "µs")
    } else {
        (secs * 1e9, "ns")
    };
    format!("{} {unit}", three_digits(value))
}

fn format_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["B", "KiB", "MiB", "GiB"];
    let mut value = n as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit < UNITS.len() - 1 {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 {
        format!("{n} B")
    } else {
        format!("{} {}", three_digits(value), UNITS[unit])
    }
}

fn format_rate(per_second: f64) -> String {
    if per_second >= 1e6 {
        format!("{} M/s", three_digits(per_second / 1e6))
    } else if per_second >= 1e3 {
        format!("{} k/s", three_digits(per_second / 1e3))
    } else {
        format!("{} /s", three_digits(per_second))
    }
}

fn three_digits(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phrases_keep_exact_values_and_redact_measured_ones() {
        let line = crate::phrase!(
            "{} of {} trials, {}",
            Measured::Count(37),
            50u64,
            Measured::Ratio(1.5)
        );
        assert_eq!(line.render(false), "37 of 50 trials, 1.50x");
        assert_eq!(line.render(true), "[count] of 50 trials, [ratio]");
    }

    #[test]
    fn a_quantity_stays_whole_when_a_phrase_is_wrapped() {
        let line = crate::phrase!("a thread: {}", Measured::Time(Duration::from_nanos(28_700)));
        assert_eq!(line.render_unbreakable(false), "a thread: 28.7\u{a0}µs");
        let wrapped = crate::wrap::wrap(&line.render_unbreakable(false), "", "", 14);
        assert_eq!(wrapped, "a thread:\n28.7 µs\n");
    }

    #[test]
    fn durations_use_a_readable_unit() {
        assert_eq!(format_duration(Duration::from_millis(1234)), "1.23 s");
        assert_eq!(format_duration(Duration::from_micros(45_600)), "45.6 ms");
        assert_eq!(format_duration(Duration::from_nanos(789_000)), "789 µs");
        assert_eq!(format_duration(Duration::from_nanos(12)), "12.0 ns");
        assert_eq!(format_seconds(0.33e-9), "0.33 ns");
    }

    #[test]
    fn bytes_and_rates() {
        assert_eq!(format_bytes(512), "512 B");
        assert_eq!(format_bytes(3 * 1024 * 1024 / 2), "1.50 MiB");
        assert_eq!(format_rate(2_500_000.0), "2.50 M/s");
    }
}
