//! The wasm build's allocator: talc, about 3 KB gzipped smaller than Rust's
//! default dlmalloc (measured with `bench/size-variants`, which also builds
//! the `alloc-dlmalloc` and `alloc-lol` variants). The module is
//! single-threaded, which talc's wasm allocator requires.

#[cfg(not(any(feature = "alloc-dlmalloc", feature = "alloc-lol")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[cfg(all(feature = "alloc-lol", not(feature = "alloc-dlmalloc")))]
#[global_allocator]
// SAFETY: wasm32-unknown-unknown without threads: one thread only.
static ALLOCATOR: lol_alloc::AssumeSingleThreaded<lol_alloc::FreeListAllocator> =
    unsafe { lol_alloc::AssumeSingleThreaded::new(lol_alloc::FreeListAllocator::new()) };
