//! Budgets for reading untrusted input: a request object from JS (any value
//! at all, hostile ones included) and a body from the network. They bound
//! the time and memory one call can take, whatever it is given. They are
//! ours, not the service's: each sits far above anything a valid request or
//! a real answer needs, so no valid input ever meets one.
//!
//! Most of them are applied by the readers of JS values and network bodies,
//! which run in wasm only: a native build does not use them.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

/// Nesting depth at which reading stops (a cycle ends here too). A valid
/// request is 3 levels deep.
pub const MAX_DEPTH: usize = 32;
/// Values read from one input before the rest is cut (shared sub-objects
/// count once per place they appear, so a DAG cannot explode the walk).
/// A valid request has fewer than 30.
pub const MAX_VALUES: usize = 10_000;
/// Arrays longer than this are not read item by item (no field allows more
/// than 9 items).
pub const MAX_ITEMS: usize = 10_000;
/// How a too-long array is named in messages.
pub const HUGE_ARRAY: &str = "an array of more than 10000 items";
/// How a read that ran out of [`MAX_VALUES`] names what it skipped.
pub const TOO_MANY_VALUES: &str = "a value past the 10000-value reading budget";
/// How an object with more keys than the budget left is named.
pub const TOO_MANY_KEYS: &str = "an object with too many keys to read (over the 10000-value reading budget)";
/// How a value past [`MAX_DEPTH`] is named.
pub const TOO_DEEP: &str = "a value nested too deeply (or a cycle)";
/// Longest string copied into wasm, in UTF-16 units. Longer ones are kept as
/// their length only ([`crate::core::Value::Unread`]): a prompt that long is
/// already over its limit, and no URL that long can be fetched.
pub const MAX_STRING_UNITS: usize = 65_536;
/// UTF-16 units copied from one input in all, across its strings.
pub const MAX_TOTAL_UNITS: usize = 1 << 20;
/// Largest response body read from the network: a job answer is a few KB.
pub const MAX_BODY_BYTES: usize = 1 << 20;
/// Finished jobs a client keeps in its store (the newest); older ones are
/// dropped. Unfinished jobs are never dropped for room.
pub const MAX_FINISHED_RECORDS: usize = 20;
/// Store keys looked at when listing recorded jobs: a store shared with an
/// app that keeps many entries cannot make the listing unbounded.
pub const MAX_STORE_KEYS: usize = 10_000;
/// Longest stored record read back, in UTF-16 units: a record is a request
/// body and one job answer, each bounded far below this.
pub const MAX_RECORD_UNITS: usize = 4 << 20;

#[cfg(test)]
mod tests {
    use super::*;

    /// The messages name the budgets they report: held equal here, since a
    /// `const` text cannot be built from a number without `core::fmt`.
    #[test]
    fn messages_name_their_budgets() {
        let n = |v: usize| crate::core::text::num(v as u64);
        assert!(HUGE_ARRAY.contains(&*crate::core::text::cat(&["more than ", &n(MAX_ITEMS), " items"])));
        assert!(TOO_MANY_VALUES.contains(&*crate::core::text::cat(&[&n(MAX_VALUES), "-value"])));
        assert!(TOO_MANY_KEYS.contains(&*crate::core::text::cat(&[&n(MAX_VALUES), "-value"])));
    }
}
