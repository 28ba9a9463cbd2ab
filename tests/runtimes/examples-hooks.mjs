// Resolve hooks for examples-loader.mjs (they run in Node's loader thread).
const fromHere = new URL('./package.json', import.meta.url).href;
// A module inside pkg/ may import the package by its own name ("self-reference"),
// which goes through pkg/package.json's "exports" with Node's conditions.
const insidePkg = new URL('../../pkg/package.json', import.meta.url).href;
const examples = new URL('../../examples/', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  const bare = !/^(node:|data:|file:|\.{0,2}\/)/.test(specifier);
  if (bare && context.parentURL?.startsWith(examples)) {
    const parentURL = specifier === 'happyhorse' || specifier.startsWith('happyhorse/') ? insidePkg : fromHere;
    return nextResolve(specifier, { ...context, parentURL });
  }
  return nextResolve(specifier, context);
}
