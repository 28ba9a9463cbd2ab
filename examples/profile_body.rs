//! Native profile target: validates one benchmark body in a loop (body index
//! from argv), for `perf record`. Run: cargo run --release --example profile_body -- 4
use happyhorse::core::{json, validate};

fn main() {
    let text = std::fs::read_to_string("/tmp/bodies.json").expect("bodies");
    let bodies: Vec<String> = serde_json::from_str::<Vec<serde_json::Value>>(&text).unwrap().iter().map(|b| b.to_string()).collect();
    let i: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(4);
    let v = json::parse(&bodies[i]).unwrap();
    for _ in 0..2_000_000 {
        std::hint::black_box(validate(std::hint::black_box(&v)));
    }
}
