/work/main/target-old/wasm32-unknown-unknown/release/deps/happyhorse.d: src/lib.rs src/core/mod.rs src/core/capabilities.rs src/core/cost.rs src/core/date.rs src/core/error.rs src/core/image_probe.rs src/core/issue.rs src/core/job/mod.rs src/core/job/answer.rs src/core/job/client_options.rs src/core/job/exchange.rs src/core/job/machine.rs src/core/job/poll.rs src/core/job/retry.rs src/core/json.rs src/core/limits.rs src/core/options.rs src/core/redact.rs src/core/references.rs src/core/request.rs src/core/spec.rs src/core/text.rs src/core/url.rs src/core/uuid.rs src/core/validate.rs src/core/value.rs src/io/mod.rs src/io/body.rs src/io/cancel.rs src/io/clock.rs src/io/drive.rs src/io/send.rs src/wasm/mod.rs src/wasm/allocator.rs src/wasm/checks.rs src/wasm/client.rs src/wasm/error.rs src/wasm/guard.rs src/wasm/image.rs src/wasm/read.rs src/wasm/references.rs src/wasm/request.rs src/wasm/types.rs src/wasm/write.rs src/core/capabilities.json /tmp/old/src/wasm/guard.js /tmp/old/src/wasm/error.js

/work/main/target-old/wasm32-unknown-unknown/release/deps/happyhorse.wasm: src/lib.rs src/core/mod.rs src/core/capabilities.rs src/core/cost.rs src/core/date.rs src/core/error.rs src/core/image_probe.rs src/core/issue.rs src/core/job/mod.rs src/core/job/answer.rs src/core/job/client_options.rs src/core/job/exchange.rs src/core/job/machine.rs src/core/job/poll.rs src/core/job/retry.rs src/core/json.rs src/core/limits.rs src/core/options.rs src/core/redact.rs src/core/references.rs src/core/request.rs src/core/spec.rs src/core/text.rs src/core/url.rs src/core/uuid.rs src/core/validate.rs src/core/value.rs src/io/mod.rs src/io/body.rs src/io/cancel.rs src/io/clock.rs src/io/drive.rs src/io/send.rs src/wasm/mod.rs src/wasm/allocator.rs src/wasm/checks.rs src/wasm/client.rs src/wasm/error.rs src/wasm/guard.rs src/wasm/image.rs src/wasm/read.rs src/wasm/references.rs src/wasm/request.rs src/wasm/types.rs src/wasm/write.rs src/core/capabilities.json /tmp/old/src/wasm/guard.js /tmp/old/src/wasm/error.js

/work/main/target-old/wasm32-unknown-unknown/release/deps/libhappyhorse.rlib: src/lib.rs src/core/mod.rs src/core/capabilities.rs src/core/cost.rs src/core/date.rs src/core/error.rs src/core/image_probe.rs src/core/issue.rs src/core/job/mod.rs src/core/job/answer.rs src/core/job/client_options.rs src/core/job/exchange.rs src/core/job/machine.rs src/core/job/poll.rs src/core/job/retry.rs src/core/json.rs src/core/limits.rs src/core/options.rs src/core/redact.rs src/core/references.rs src/core/request.rs src/core/spec.rs src/core/text.rs src/core/url.rs src/core/uuid.rs src/core/validate.rs src/core/value.rs src/io/mod.rs src/io/body.rs src/io/cancel.rs src/io/clock.rs src/io/drive.rs src/io/send.rs src/wasm/mod.rs src/wasm/allocator.rs src/wasm/checks.rs src/wasm/client.rs src/wasm/error.rs src/wasm/guard.rs src/wasm/image.rs src/wasm/read.rs src/wasm/references.rs src/wasm/request.rs src/wasm/types.rs src/wasm/write.rs src/core/capabilities.json /tmp/old/src/wasm/guard.js /tmp/old/src/wasm/error.js

src/lib.rs:
src/core/mod.rs:
src/core/capabilities.rs:
src/core/cost.rs:
src/core/date.rs:
src/core/error.rs:
src/core/image_probe.rs:
src/core/issue.rs:
src/core/job/mod.rs:
src/core/job/answer.rs:
src/core/job/client_options.rs:
src/core/job/exchange.rs:
src/core/job/machine.rs:
src/core/job/poll.rs:
src/core/job/retry.rs:
src/core/json.rs:
src/core/limits.rs:
src/core/options.rs:
src/core/redact.rs:
src/core/references.rs:
src/core/request.rs:
src/core/spec.rs:
src/core/text.rs:
src/core/url.rs:
src/core/uuid.rs:
src/core/validate.rs:
src/core/value.rs:
src/io/mod.rs:
src/io/body.rs:
src/io/cancel.rs:
src/io/clock.rs:
src/io/drive.rs:
src/io/send.rs:
src/wasm/mod.rs:
src/wasm/allocator.rs:
src/wasm/checks.rs:
src/wasm/client.rs:
src/wasm/error.rs:
src/wasm/guard.rs:
src/wasm/image.rs:
src/wasm/read.rs:
src/wasm/references.rs:
src/wasm/request.rs:
src/wasm/types.rs:
src/wasm/write.rs:
src/core/capabilities.json:
/tmp/old/src/wasm/guard.js:
/tmp/old/src/wasm/error.js:
