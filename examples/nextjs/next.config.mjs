// The package's Node build loads its .wasm from next to itself: keep it out
// of the server bundle, so it is required from node_modules as it ships.
export default { serverExternalPackages: ['happyhorse'] };
