//! Native timing of the core's validation on the benchmark bodies (a quick
//! check of the Rust side alone; the real benchmark runs in Chromium, see
//! bench/). Run: cargo run --release --example validate_speed
use happyhorse::core::{json, validate};
use std::time::Instant;

fn main() {
    let text = std::fs::read_to_string("bench/bodies.json").expect("write it first: node -e \"import('./bench/bodies.mjs').then(m => require('fs').writeFileSync('bench/bodies.json', JSON.stringify(m.bodies)))\"");
    let bodies: Vec<String> = serde_json::from_str::<Vec<serde_json::Value>>(&text).unwrap().iter().map(|b| b.to_string()).collect();
    let n = 100_000;
    for (i, body) in bodies.iter().enumerate() {
        let t = Instant::now();
        for _ in 0..n {
            std::hint::black_box(json::parse(std::hint::black_box(body)));
        }
        let parse = t.elapsed().as_nanos() as f64 / n as f64;
        let v = json::parse(body).unwrap();
        let t = Instant::now();
        for _ in 0..n {
            std::hint::black_box(validate(std::hint::black_box(&v)));
        }
        let check = t.elapsed().as_nanos() as f64 / n as f64;
        println!("body {i}: parse {parse:.0} ns, validate {check:.0} ns ({} bytes)", body.len());
    }
}
