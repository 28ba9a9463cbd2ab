// A hand-written zod 4 schema equivalent to the checks zod can express for
// the happyhorse-1.1 body (types, enums, ranges, unknown keys, URL format,
// blank prompt), for the validation-speed comparison. Bundled for the page
// by bench/validate-speed.mjs. Written against the zod 4 API (`z.url()`,
// `z.strictObject()`, `z.int()`); `zodVersion` is read from the `z` the
// bundle actually contains, so RESULTS.md names the zod that was timed.
import { z } from 'zod';

const params = z.strictObject({
  images: z.array(z.url()).max(9).optional(),
  resolution: z.enum(['720p', '1080p']).optional(),
  aspect_ratio: z.enum(['16:9', '9:16', '1:1', '4:3', '3:4']).optional(),
  duration: z.int().min(3).max(15).optional(),
  seed: z.int().min(0).max(2147483647).optional(),
});

export const schema = z.strictObject({
  prompt: z.string().min(1).max(2500).refine((s) => s.trim().length > 0, { error: 'prompt is blank' }),
  model: z.literal('happyhorse-1.1').optional(),
  happyhorse11Params: params.optional(),
  webhookUrl: z.url().optional(),
  webhookEvents: z.array(z.enum(['progress', 'completed', 'failed'])).min(1).optional(),
});

// zod 4 exposes its version as `z.core.version` ({ major, minor, patch });
// zod 3 has no such field, so a v3 bundle reports `null` here.
const v = z.core?.version;
export const zodVersion = v ? `${v.major}.${v.minor}.${v.patch}` : null;
