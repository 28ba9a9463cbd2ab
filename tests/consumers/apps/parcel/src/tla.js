// What the recipe avoids: `parcel build` takes a top-level await, Parcel's
// dev server answers it with "SyntaxError: Unexpected reserved word".
import init, { validate } from 'happyhorse';
await init();
window.__result = { ok: validate({ prompt: 'a horse' }).ok };
