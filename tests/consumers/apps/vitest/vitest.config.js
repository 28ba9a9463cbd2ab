// The recipe: Vitest inlining the package (Vite transforms it instead of
// Node loading it). Its Node entry used to come back with every export
// `undefined` here; see scripts/finish-pkg.mjs.
export default { test: { server: { deps: { inline: ['happyhorse'] } } } };
