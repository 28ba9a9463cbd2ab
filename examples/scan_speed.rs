//! Native micro-timings of the validation hot spots (url parsing, the
//! reference scan, prompt length). Run: cargo run --release --example scan_speed
use happyhorse::core::{references, text, url};
use std::hint::black_box;
use std::time::Instant;

fn time(name: &str, f: impl Fn()) {
    let n = 200_000;
    let t = Instant::now();
    for _ in 0..n {
        f();
    }
    println!("{name}: {:.0} ns", t.elapsed().as_nanos() as f64 / n as f64);
}

fn main() {
    let long = "x".repeat(2600);
    let prompt = "[Image 1] and [Image 2] meet [Image 3], [Image 4], [Image 5], [Image 6], [Image 7], [Image 8] and [Image 9] in a sunlit meadow, slow dolly shot";
    time("utf16_len 2600", || {
        black_box(text::utf16_len(black_box(&long)));
    });
    time("scan 2600 plain", || {
        black_box(references::scan(black_box(&long)));
    });
    time("scan 9 refs", || {
        black_box(references::scan(black_box(prompt)));
    });
    time("url::parse", || {
        black_box(url::parse(black_box("https://example.com/images/1.jpg")).ok());
    });
}
