import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { signPayload } from '@redwoodjs/api/webhooks';
import { scanRules } from './support/project';

/**
 * The handler rules encode claims about Redwood's real webhook API. Each case here writes a small
 * Redwood function, asks fnscan for its verdict, then runs the same function with the real
 * `@redwoodjs/api` against signed, forged and replayed requests to show the verdict is right.
 * The apps live inside the repository so the function can import the installed package.
 */
const ROOT = path.resolve(__dirname, '../.fnscan-tmp/redwood-semantics');
const SECRET = 'test-only-webhook-secret-value';
const BODY = JSON.stringify({ id: 'evt_1', type: 'invoice.paid' });

after(() => fs.rmSync(ROOT, { recursive: true, force: true }));

function writeApp(name: string, functionSource: string): string {
  const app = path.join(ROOT, name);
  fs.mkdirSync(path.join(app, 'api/src/functions'), { recursive: true });
  fs.writeFileSync(path.join(app, 'redwood.toml'), '[web]\n  title = "t"\n');
  const file = path.join(app, 'api/src/functions', `${name}.ts`);
  fs.writeFileSync(file, functionSource);
  return file;
}

const HANDLER_RULES = ['no-unauthenticated-handler', 'require-webhook-verification', 'require-replay-protection'];

/** The handler rules' verdict (the literal test secret is another rule's business). */
function verdict(file: string): string[] {
  const app = path.dirname(path.dirname(path.dirname(path.dirname(file))));
  const result = scanRules(app, HANDLER_RULES);
  return result.findings.map((f) => `${f.ruleId}:${f.messageId}`);
}

async function invoke(file: string, signature: string): Promise<number> {
  const mod = await import(file);
  const response = await mod.handler({ headers: { 'rw-webhook-signature': signature }, body: BODY });
  return response.statusCode;
}

const handlerSource = (verify: string, onError: string) => `import { verifyEvent, WebhookVerificationError } from '@redwoodjs/api/webhooks'

const processed: string[] = []

export const handler = async (event: { headers: Record<string, string>; body: string }) => {
  try {
    ${verify}
  } catch (error) {
    ${onError}
  }
  processed.push(JSON.parse(event.body).id)
  await Promise.resolve(processed)
  return { statusCode: 200 }
}
`;

const rejectOnError = 'if (error instanceof WebhookVerificationError) { return { statusCode: 401 } }\n    throw error';

test('a bare verifyEvent in try/catch rejects forgeries, and fnscan calls it verified (but replayable)', async () => {
  const file = writeApp('sha', handlerSource(`verifyEvent('sha256Verifier', { event, secret: '${SECRET}' })`, rejectOnError));
  // It verifies but has no window: only the replay rule speaks.
  assert.deepEqual(verdict(file), ['require-replay-protection:noReplayProtection']);
  const good = signPayload('sha256Verifier', { payload: BODY, secret: SECRET });
  assert.equal(await invoke(file, good), 200);
  assert.equal(await invoke(file, 'sha256=' + '0'.repeat(64)), 401);
  // The same signed request is accepted again later: sha256Verifier has no timestamp.
  assert.equal(await invoke(file, good), 200);
});

test('a catch that only logs lets forged requests through, and fnscan flags it', async () => {
  const file = writeApp('swallow', handlerSource(`verifyEvent('sha256Verifier', { event, secret: '${SECRET}' })`, 'console.warn(String(error))'));
  assert.deepEqual(verdict(file), ['require-webhook-verification:swallowed']);
  const original = console.warn;
  console.warn = () => undefined;
  try {
    assert.equal(await invoke(file, 'sha256=forged'), 200);
  } finally {
    console.warn = original;
  }
});

test('skipVerifier accepts anything, and fnscan flags it', async () => {
  const file = writeApp('skip', handlerSource(`verifyEvent('skipVerifier', { event })`, rejectOnError));
  assert.deepEqual(verdict(file), ['require-webhook-verification:skipVerifier']);
  const original = console.warn;
  console.warn = () => undefined;
  try {
    assert.equal(await invoke(file, 'anything'), 200);
  } finally {
    console.warn = original;
  }
});

test('timestampSchemeVerifier rejects an old signature, and fnscan finds nothing to report', async () => {
  const file = writeApp('stamp', handlerSource(`verifyEvent('timestampSchemeVerifier', { event, secret: '${SECRET}' })`, rejectOnError));
  assert.deepEqual(verdict(file), []);
  const fresh = signPayload('timestampSchemeVerifier', { payload: BODY, secret: SECRET });
  assert.equal(await invoke(file, fresh), 200);
  const stale = signPayload('timestampSchemeVerifier', {
    payload: BODY,
    secret: SECRET,
    options: { currentTimestampOverride: Date.now() - 10 * 60 * 1000 },
  });
  assert.equal(await invoke(file, stale), 401);
});
