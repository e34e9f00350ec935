import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveHttp } from '../../../src/mcp/http.js';
import { connect } from '../../helpers/kernel.js';
import { chatRequestText } from './chat-bodies.js';
import { fuzzKernel } from './fuzz-kernel.js';
import { postChecked } from './gateway-fuzz.js';
import { stillServing, type Tally } from './mcp-fuzz.js';
import { envCount, fuzzSeed } from './seed.js';

const TOKEN = 'fuzz-gateway-token';

/**
 * Generated /v1/chat/completions bodies, valid-ish and hostile, against the
 * gateway-openai plugin over real HTTP: every answer is OpenAI-shaped JSON
 * (or an SSE stream ending in [DONE] or a coded error), bad input gets its
 * 4xx, nothing answers 500 or dumps a schema, and the server keeps serving.
 */
describe('fuzz: /v1/chat/completions bodies, seeded', () => {
  const seed = fuzzSeed('/v1 bodies');
  const runs = envCount('LLMOS_FUZZ_HTTP_RUNS', 1_000);
  const tally: Tally = new Map();
  let booted: Awaited<ReturnType<typeof fuzzKernel>>;
  let http: Awaited<ReturnType<typeof serveHttp>>;

  beforeAll(async () => {
    booted = await fuzzKernel();
    http = await serveHttp(booted.kernel, { host: '127.0.0.1', port: 0, token: TOKEN });
  });
  afterAll(async () => {
    process.stderr.write(`[fuzz] /v1 bodies: ${[...tally].map(([k, v]) => `${k}: ${v}`).join(', ')}\n`);
    await http?.close();
    await booted?.stop();
  });

  it(`${runs} bodies: OpenAI-shaped answers, 4xx for bad input, never 500, the server still serves`, async () => {
    await fc.assert(
      fc.asyncProperty(chatRequestText, (body) => postChecked(http.url, TOKEN, body, tally, 15_000)),
      { seed, numRuns: runs },
    );
    expect(tally.get('200 ok') ?? 0).toBeGreaterThan(0); // the generator reaches the model, not only the validator
    const models = await fetch(`${http.url}/v1/models`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(models.status).toBe(200);
    const { client, close } = await connect(booted.kernel, 'fuzz');
    await stillServing(client);
    await close();
  }, 300_000); // about 40 s of CPU; generous for a loaded CI machine
});
