// Groups twiggy's CSV output (see bench/size-names) into a markdown table:
// raw bytes by where the code comes from, and each export's retained size.
//   node bench/size-names.mjs top.csv dominators.csv
import { readFileSync } from 'node:fs';

/** RFC 4180 rows: quoted fields may hold commas and doubled quotes. */
function csv(text) {
  const rows = [];
  for (const line of text.split('\n').filter(Boolean)) {
    const cells = [];
    let cell = '', quoted = false;
    for (let i = 0; i < line.length; i++) {
      const c = line[i];
      if (quoted && c === '"' && line[i + 1] === '"') { cell += '"'; i++; }
      else if (c === '"') quoted = !quoted;
      else if (c === ',' && !quoted) { cells.push(cell); cell = ''; }
      else cell += c;
    }
    cells.push(cell);
    rows.push(cells);
  }
  const [head, ...body] = rows;
  return body.map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

// First match wins: the most specific prefixes come first.
const GROUPS = [
  ['job machine (`core::job`: machine, poll schedule, retry, answers, replies; `core::redact`)', /^happyhorse::core::(job|redact)::/],
  ['I/O loop (`io`: drive, send, body, cancel)', /^happyhorse::io::/],
  ['job client exports (`wasm::client`, its async closure with the machine inlined)', /^happyhorse::wasm::client|^client_|Client/],
  ['checkImage (`wasm::image`, `core::image_probe`)', /^happyhorse::(wasm::image|core::image_probe)|^checkImage/],
  ['createProxy, verifyWebhook (`server`, `wasm::server`)', /^happyhorse::(server|wasm::server)::|^createProxy|^verifyWebhook|proxycore/i],
  ['checks (`core::validate`, `references`, `url`, `issue`, `cost`, `options`, `request`, `text`, `value`, `spec`)', /^happyhorse::core::(validate|references|url|issue|cost|options|request|text|value|spec|uuid|date|json|error|capabilities)/],
  ['the reader and writer (`wasm::read`, `guard`, `write`, `error`)', /^happyhorse::wasm::(read|guard|write|error|checks|request|references)/],
  ['export shims (wasm-bindgen)', /shim$|^validate|^estimateCost|^buildRequest|^findImageReferences|^capabilities/],
  ['serde + serde-wasm-bindgen', /serde/],
  ['wasm-bindgen-futures / js-sys futures', /futures|future_to_promise|spawn_local/],
  ['wasm-bindgen runtime, js-sys, web-sys', /wasm_bindgen|js_sys|web_sys|__wbindgen|__externref|^import /],
  ['allocator (talc)', /talc|__rust_(alloc|dealloc|realloc)|alloc::raw_vec|alloc::alloc/],
  ['core::fmt, panics', /fmt|panic|Debug|Display/],
  ['data (messages, tables)', /^data segment/],
];

const [topFile, domFile] = process.argv.slice(2);
const top = csv(readFileSync(topFile, 'utf8')).filter((r) => !r.Name.includes('"function names" subsection'));
const total = top.reduce((n, r) => n + Number(r.ShallowSize), 0);
const sums = new Map(GROUPS.map(([g]) => [g, 0]));
let other = 0;
for (const r of top) {
  const group = GROUPS.find(([, re]) => re.test(r.Name));
  if (group) sums.set(group[0], sums.get(group[0]) + Number(r.ShallowSize));
  else other += Number(r.ShallowSize);
}
const pct = (n) => `${((100 * n) / total).toFixed(1)} %`;
console.log('| where the code comes from | raw bytes | share |');
console.log('| --- | ---: | ---: |');
for (const [g, n] of [...sums].sort((a, b) => b[1] - a[1])) if (n) console.log(`| ${g} | ${n.toLocaleString('en-US')} | ${pct(n)} |`);
console.log(`| everything else (std, core, alloc, compiler helpers) | ${other.toLocaleString('en-US')} | ${pct(other)} |`);
console.log(`| **total** (names section left out) | **${total.toLocaleString('en-US')}** | 100 % |`);

// Each export's retained size: the exported function and what only it keeps
// alive (the async ones through the table entry of their closure).
const dom = csv(readFileSync(domFile, 'utf8'));
const roots = dom.filter((r) => /^(validate|estimateCost|buildRequest|findImageReferences|capabilities|checkImage|createProxy|verifyWebhook|client_\w+|proxycore_\w+)( |$)/.test(r.Name)
  || /^happyhorse::(wasm::client::run|wasm::image::check_image|wasm::server::\w+::\w+)::\{\{closure\}\}/.test(r.Name));
console.log('');
console.log('| export, or the async work it starts | retained raw bytes |');
console.log('| --- | ---: |');
for (const r of roots.sort((a, b) => Number(b.RetainedSize) - Number(a.RetainedSize))) {
  console.log(`| \`${r.Name.replace(/::h[0-9a-f]{16}$/, '')}\` | ${Number(r.RetainedSize).toLocaleString('en-US')} |`);
}
