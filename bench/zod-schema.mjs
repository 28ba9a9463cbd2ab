// A hand-written zod schema equivalent to the checks zod can express for
// the happyhorse-1.1 body (types, enums, ranges, unknown keys, URL format,
// blank prompt), for the validation-speed comparison. Bundled for the page
// by bench/validate-speed.mjs.
import { z } from 'zod';

const params = z.object({
  images: z.array(z.string().url()).max(9).optional(),
  resolution: z.enum(['720p', '1080p']).optional(),
  aspect_ratio: z.enum(['16:9', '9:16', '1:1', '4:3', '3:4']).optional(),
  duration: z.number().int().min(3).max(15).optional(),
  seed: z.number().int().min(0).max(2147483647).optional(),
}).strict();

export const schema = z.object({
  prompt: z.string().min(1).max(2500).refine((s) => s.trim().length > 0, 'prompt is blank'),
  model: z.literal('happyhorse-1.1').optional(),
  happyhorse11Params: params.optional(),
  webhookUrl: z.string().url().optional(),
  webhookEvents: z.array(z.enum(['progress', 'completed', 'failed'])).min(1).optional(),
}).strict();
