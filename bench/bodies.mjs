// The mix of request bodies the validation benchmark runs: the contract's
// examples, a long text-to-video prompt, a 9-image reference body, and
// invalid ones.
const img = (i) => `https://example.com/images/${i}.jpg`;
// A 2,400-character text-to-video prompt (no image references), built from
// ordinary prose so the reference scan sees text, not one repeated letter.
const LONG_PROSE = 'A herd of wild horses gallops across a windswept plain at dawn, manes streaming, hooves throwing up clods of wet earth; the camera tracks low beside the lead mare, then rises in a slow crane over the valley as mist lifts off the river and the first light turns the grass gold. ';
export const longPrompt = LONG_PROSE.repeat(Math.ceil(2400 / LONG_PROSE.length)).slice(0, 2399) + '.';
export const bodies = [
  { prompt: 'A herd of horses thundering across desert dunes, dust trailing behind, golden hour' },
  { prompt: '[Image 1] walks through the gate of [Image 2] at dusk, cinematic tracking shot', happyhorse11Params: { images: [img(1), img(2)] } },
  { prompt: 'A product hero shot of [Image 1] rotating slowly on a reflective surface, studio lighting', happyhorse11Params: { images: [img(1)] } },
  { model: 'happyhorse-1.1', prompt: 'a cinematic sunrise over a futuristic cityscape, smooth camera push-in', happyhorse11Params: { images: ['https://example.com/input.jpg'], resolution: '1080p', aspect_ratio: '16:9', seed: 1 } },
  {
    prompt: '[Image 1] and [Image 2] meet [Image 3], [Image 4], [Image 5], [Image 6], [Image 7], [Image 8] and [Image 9] in a sunlit meadow, slow dolly shot',
    happyhorse11Params: { images: Array.from({ length: 9 }, (_, i) => img(i + 1)), resolution: '720p', aspect_ratio: '9:16', duration: 10, seed: 42 },
    webhookUrl: 'https://example.com/hooks/video', webhookEvents: ['completed', 'failed'],
  },
  { prompt: longPrompt },
  { prompt: '', happyhorse11Params: { duration: 20 } },
  { prompt: 'a horse', happyhorse11Params: { aspectRatio: '16:9', images: ['not a url'] } },
  { prompt: 'x'.repeat(2600), happyhorse11Params: { resolution: '4k', seed: -1 } },
];
// Short labels for the per-body results, in the order of `bodies`.
export const names = [
  'text', '2 refs', '1 image', 'quick-start', '9 refs + webhook', '2,400-char text',
  'invalid: blank, duration', 'invalid: key, url', 'invalid: long, enum, seed',
];
