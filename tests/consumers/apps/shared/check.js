// The recipe's answers, checked the same way in every consumer app (page,
// module worker, Node): the Quick start request, validated, priced and run
// once with the README's `client.generate(request, { onUpdate })` against
// the fake API at `fakeUrl`. Returns plain data for the test to assert on.
const REQUEST = {
  prompt: 'A herd of horses thundering across desert dunes, golden hour',
  happyhorse11Params: { duration: 10, resolution: '1080p' },
};

export async function check({ validate, estimateCost, Client }, fakeUrl) {
  const report = validate(REQUEST);
  const invalid = validate({ prompt: '' });
  const cost = estimateCost(REQUEST);
  const updates = [];
  const client = new Client({ baseUrl: fakeUrl });
  const job = await client.generate(REQUEST, { onUpdate: (j) => updates.push(j.status) });
  return {
    ok: report.ok,
    mode: report.mode,
    errors: report.errors,
    invalidCodes: invalid.errors.map((e) => e.code),
    credits: cost.credits,
    status: job.status,
    videoUrls: job.videoUrls,
    updates,
  };
}
