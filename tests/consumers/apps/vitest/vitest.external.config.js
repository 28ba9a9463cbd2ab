// Vitest's default: the package is left to Node (externalized).
export default { test: {} };
