// Loads the `--target nodejs` build of the package (pkg-node/), as a user's
// `require('happyhorse')` would, and the provider's schema from ../shared/.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, '..', '..');
const require = createRequire(import.meta.url);

export const pkg = require(path.join(root, 'pkg-node', 'happyhorse.js'));

/** The `happyhorse-1.1` branch of GenerateVideoRequest, from the provider's spec. */
export function happyHorseSchema() {
  const specPath = path.resolve(root, '..', 'shared', 'apiframe-openapi.json');
  const spec = JSON.parse(readFileSync(specPath, 'utf8'));
  const branches = spec.components.schemas.GenerateVideoRequest.oneOf;
  const branch = branches.find((b) => b.properties?.model?.enum?.includes('happyhorse-1.1'));
  if (!branch) throw new Error('no happyhorse-1.1 branch in ' + specPath);
  return branch;
}
