import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { relativePath } from '../src/core/files';
import rule from '../src/rules/no-error-exposure';
import { expectationKeys, expectationsFor, findingKeys, scanFixture } from './support/fixtures';
import { scanRules, tempProject } from './support/project';

interface Hit {
  file: string;
  line: number;
  messageId: string;
  message: string;
  text: string;
}

/** Findings of the rule in a throwaway Redwood app holding `files` (paths relative to the app root). */
function hits(files: Record<string, string>): Hit[] {
  const root = tempProject(files, 'fnscan-errors-');
  const result = scanRules(root, [rule.meta.id]);
  assert.deepEqual(result.skipped, []);
  return result.findings.map((f) => {
    const file = relativePath(root, f.location.file);
    return { file, line: f.location.startPos.line, messageId: f.messageId, message: f.message, text: files[file].slice(f.location.start, f.location.end) };
  });
}

function inFunction(code: string): Hit[] {
  return hits({ 'api/src/functions/orders.js': code });
}

describe('flags error details in 5xx responses', () => {
  test('a Lambda response with the message of a caught error', () => {
    const found = inFunction(
      [
        'export const handler = async (event) => {',
        '  try {',
        '    return { statusCode: 200, body: await load(event) }',
        '  } catch (error) {',
        '    return { statusCode: 500, body: JSON.stringify({ error: error.message }) }',
        '  }',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId, h.text]), [[5, 'message', 'error.message']]);
    assert.equal(found[0].message, 'The message of `error`, an unexpected error, is sent to the caller in a 500 response.');
  });

  test('the stack, through Express/Vercel `res.status(500).json`', () => {
    const found = inFunction(
      [
        'export default async function handler(req, res) {',
        '  try {',
        '    res.json(await load(req))',
        '  } catch (err) {',
        '    res.status(500).json({ error: err.message, stack: err.stack })',
        '  }',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId, h.text]), [[5, 'stack', 'err.stack']]);
    assert.equal(found[0].message, '`err.stack` is sent to the caller in a 500 response, revealing file paths and code structure.');
  });

  test('one finding per error and response, where its stack leaks, else at the first place its message does', () => {
    const found = inFunction(
      [
        'export default async function handler(req, res) {',
        '  try { res.json(await load(req)) } catch (err) {',
        '    res.status(500).send(err.stack)',
        '    res.status(503).json({ stack: err.stack, message: err.message })',
        '  }',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [[3, 'stack'], [4, 'stack']]);
    assert.equal(found[0].message, '`err.stack` is sent to the caller in a 500 response, revealing file paths and code structure.');
  });

  test('fetch-style responses, String(err), templates and a constant status', () => {
    const found = inFunction(
      [
        'const INTERNAL_ERROR = 500',
        'export default async (request) => {',
        '  try { return await load(request) } catch (e) {',
        "    if (request.method === 'GET') return new Response(JSON.stringify({ error: e.message }), { status: 502 })",
        "    if (request.method === 'HEAD') return Response.json({ detail: String(e) }, { status: INTERNAL_ERROR })",
        '    return { statusCode: INTERNAL_ERROR, body: `Failed: ${e}` }',
        '  }',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(found.map((h) => [h.line, h.text]), [[4, 'e.message'], [5, 'String(e)'], [6, 'e']]);
  });

  test('statuses named by the http-status-codes and http-status packages', () => {
    const found = inFunction(
      [
        "import { StatusCodes, INTERNAL_SERVER_ERROR } from 'http-status-codes'",
        "const httpStatus = require('http-status')",
        'const UNAVAILABLE = StatusCodes.SERVICE_UNAVAILABLE',
        'export const handler = async (event) => {',
        '  try { return await load(event) } catch (err) {',
        "    if (event.httpMethod === 'GET') return { statusCode: StatusCodes.INTERNAL_SERVER_ERROR, body: JSON.stringify({ error: (err as Error).message }) }",
        "    if (event.httpMethod === 'PUT') return { statusCode: UNAVAILABLE, body: err.message }",
        "    if (event.httpMethod === 'POST') return { statusCode: INTERNAL_SERVER_ERROR, body: err.message }",
        '    return { statusCode: httpStatus.BAD_GATEWAY, body: err.message }',
        '  }',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(found.map((h) => [h.line, h.message]), [
      [6, 'The message of `err`, an unexpected error, is sent to the caller in a 500 response.'],
      [7, 'The message of `err`, an unexpected error, is sent to the caller in a 503 response.'],
      [8, 'The message of `err`, an unexpected error, is sent to the caller in a 500 response.'],
      [9, 'The message of `err`, an unexpected error, is sent to the caller in a 502 response.'],
    ]);
  });

  test('a caught error under another name: a cast alias and a plain alias', () => {
    const found = hits({
      'api/src/functions/orders.ts': [
        'export const handler = async (event) => {',
        '  try { return await load(event) } catch (err) {',
        '    const error = err as Error',
        '    const failure = error',
        "    if (event.httpMethod === 'GET') return { statusCode: 500, body: error.message }",
        '    return { statusCode: 500, body: JSON.stringify({ detail: String(failure) }) }',
        '  }',
        '}',
      ].join('\n'),
    });
    assert.deepEqual(found.map((h) => [h.line, h.messageId, h.text]), [[5, 'message', 'error.message'], [6, 'message', 'String(failure)']]);
    assert.equal(found[0].message, 'The message of `error`, an unexpected error, is sent to the caller in a 500 response.');
  });

  test('a helper of the same file that builds the response from its parameters', () => {
    const found = inFunction(
      [
        'const fail = (status, message) => ({ statusCode: status, body: JSON.stringify({ message }) })',
        "function serverError(res, detail) { res.status(500).json({ error: 'internal', detail }) }",
        'export const handler = async (event, res) => {',
        '  try { return await load(event) } catch (err) {',
        "    if (event.httpMethod === 'GET') return fail(500, err.stack)",
        "    if (event.httpMethod === 'PUT') return serverError(res, err.message)",
        "    return fail(502, `Upstream failed: ${err}`)",
        '  }',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId, h.text]), [[5, 'stack', 'err.stack'], [6, 'message', 'err.message'], [7, 'message', 'err']]);
    assert.equal(found[0].message, '`err.stack` is sent to the caller in a 500 response, revealing file paths and code structure.');
  });


  test('an arrow helper whose expression body builds a fetch-style response', () => {
    const found = hits({
      'netlify/functions/upload.mts': [
        'const fail = (status: number, message: string) => Response.json({ message }, { status })',
        'const raw = (status: number, detail: string) => new Response(detail, { status })',
        'export default async () => {',
        "  try { await fetch('https://uploads.example.com'); return new Response('ok') } catch (err: any) {",
        '    if (Math.random() > 0.5) return raw(502, err.message)',
        '    return fail(500, err.stack)',
        '  }',
        '}',
      ].join('\n'),
      'netlify.toml': '[build]\n  publish = "dist"\n',
    });
    assert.deepEqual(found.map((h) => [h.line, h.messageId, h.text]), [[5, 'message', 'err.message'], [6, 'stack', 'err.stack']]);
  });
  test('a helper that keeps the message for other statuses only still leaks it when written the wrong way round', () => {
    const found = inFunction(
      [
        "const reply = (s, m) => ({ statusCode: s, body: JSON.stringify({ error: s < 500 ? 'Bad request' : m }) })",
        'export const handler = async (event) => {',
        '  try { return await load(event) } catch (err) {',
        '    return reply(500, err.message)',
        '  }',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId, h.text]), [[4, 'message', 'err.message']]);
  });

  test("Node's own response: `res.statusCode = 500` or `res.writeHead(500)`, then `res.end(...)`", () => {
    const found = inFunction(
      [
        'export default async function handler(req, res) {',
        '  try { res.status(200).json(await load(req)) } catch (err) {',
        '    res.statusCode = 500',
        '    res.end(err.message)',
        '  }',
        '}',
        "app.get('/a', async (req, res) => {",
        '  try { res.json(await load(req)) } catch (e) {',
        "    res.writeHead(500, { 'Content-Type': 'text/plain' })",
        '    res.end(String(e))',
        '  }',
        '})',
        "app.get('/b', async (req, res) => {",
        '  try { res.json(await load(req)) } catch (e) {',
        '    if (req.method === "GET") return res.writeHead(502).end(e.stack)',
        '    res.status(503)',
        '    res.send({ error: e.message })',
        '  }',
        '})',
      ].join('\n'),
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId, h.text]), [[4, 'message', 'err.message'], [10, 'message', 'String(e)'], [15, 'stack', 'e.stack'], [17, 'message', 'e.message']]);
  });

  test('concatenation, util.inspect, serializeError and JSON.stringify with its own property names', () => {
    const found = inFunction(
      [
        "import util from 'node:util'",
        "import { serializeError } from 'serialize-error'",
        'export default async function handler(req, res) {',
        '  try { res.json(await load(req)) } catch (err) {',
        "    if (req.method === 'GET') return res.status(500).send('Failed: ' + err)",
        "    if (req.method === 'PUT') return res.status(500).send(util.inspect(err))",
        "    if (req.method === 'POST') return res.status(500).json(serializeError(err))",
        '    res.status(500).send(JSON.stringify(err, Object.getOwnPropertyNames(err)))',
        '  }',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [[5, 'message'], [6, 'stack'], [7, 'stack'], [8, 'stack']]);
  });

  test('through a local constant, a .catch callback and a src/lib helper', () => {
    const found = hits({
      'api/src/functions/orders.js': [
        "import { serverError } from 'src/lib/responses'",
        'export const handler = async (event) => {',
        '  try { return await load(event) } catch (error) {',
        '    const message = error instanceof Error ? error.message : String(error)',
        '    if (event.httpMethod === "GET") return { statusCode: 500, body: JSON.stringify({ message }) }',
        '    return serverError(error)',
        '  }',
        '}',
        'export const retry = (event) => load(event).catch((reason) => ({ statusCode: 500, body: reason.message }))',
      ].join('\n'),
      'api/src/lib/responses.js': 'export const serverError = (err) => ({ statusCode: 500, body: JSON.stringify({ error: err.message }) })\n',
    });
    assert.deepEqual(
      found.map((h) => [h.file, h.line, h.text]),
      [
        ['api/src/functions/orders.js', 4, 'error.message'],
        ['api/src/functions/orders.js', 9, 'reason.message'],
        ['api/src/lib/responses.js', 1, 'err.message'],
      ],
    );
  });
});

describe('does not flag', () => {
  test("the message of the app's own error class, tested with instanceof; a library's or the language's class still leaks", () => {
    const found = inFunction(
      [
        "import { Prisma } from '@prisma/client'",
        "import { UserFacingError } from 'src/lib/errors'",
        'class PublicError extends Error {}',
        'export const handler = async (event) => {',
        '  try { return await load(event) } catch (err) {',
        "    if (err instanceof UserFacingError) return { statusCode: 503, body: JSON.stringify({ error: err.message }) }",
        "    if (event.path === '/a') return { statusCode: 500, body: err instanceof PublicError ? err.message : 'Internal error' }",
        "    if (event.path === '/b') return { statusCode: 500, body: err instanceof Prisma.PrismaClientKnownRequestError ? err.message : 'Internal error' }",
        "    return { statusCode: 500, body: err instanceof Error ? err.message : 'Internal error' }",
        '  }',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(found.map((h) => [h.line, h.text]), [[8, 'err.message'], [9, 'err.message']]);
  });

  test('fixed messages, 4xx validation messages, logging, computed statuses, dev-only stacks', () => {
    const found = inFunction(
      [
        "import { ValidationError } from 'src/lib/errors'",
        'export const handler = async (event) => {',
        '  try {',
        '    return { statusCode: 200, body: await load(event) }',
        '  } catch (error) {',
        '    if (error instanceof ValidationError) {',
        '      return { statusCode: 400, body: JSON.stringify({ error: error.message }) }',
        '    }',
        "    logger.error({ error }, 'load failed')",
        '    console.error(error.stack)',
        "    if (error.code === 'P2025') return { statusCode: error.statusCode ?? 500, body: error.message }",
        "    if (event.httpMethod === 'HEAD') return { statusCode: 500, body: JSON.stringify({ error: error }) }",
        "    if (event.httpMethod === 'PUT') return { statusCode: 500, body: JSON.stringify({ stack: process.env.NODE_ENV === 'development' ? error.stack : undefined }) }",
        "    return { statusCode: 500, body: JSON.stringify({ error: 'Something went wrong', requestId: event.requestContext.requestId }) }",
        '  }',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(found, []);
  });

  test('a message kept out of production through a constant (`isProd`), and one shown only in production', () => {
    const found = inFunction(
      [
        "const isProd = process.env.NODE_ENV === 'production'",
        "const isDev = !isProd",
        'export const a = async () => {',
        "  try { return await load() } catch (err) { return { statusCode: 500, body: JSON.stringify({ error: isProd ? 'Internal error' : err.message }) } }",
        '}',
        'export const b = async () => {',
        "  try { return await load() } catch (err) { return { statusCode: 500, body: JSON.stringify({ error: isDev ? err.message : 'Internal error' }) } }",
        '}',
        'export const c = async () => {',
        "  try { return await load() } catch (err) { return { statusCode: 500, body: JSON.stringify({ error: isProd ? err.message : 'Internal error' }) } }",
        '}',
      ].join('\n'),
    );
    assert.deepEqual(found.map((h) => h.line), [10]);
  });

  test('statuses named by http-status-codes that are not server errors, and a named status outside a response', () => {
    const found = inFunction(
      [
        "import { StatusCodes } from 'http-status-codes'",
        'export const handler = async (event) => {',
        '  try { return await load(event) } catch (err) {',
        "    logger.error({ status: StatusCodes.INTERNAL_SERVER_ERROR, error: err.message }, 'failed')",
        "    if (event.httpMethod === 'GET') return { statusCode: StatusCodes.BAD_REQUEST, body: err.message }",
        "    if (event.httpMethod === 'PUT') return { statusCode: StatusCodes.UNPROCESSABLE_ENTITY, body: err.message }",
        '    return { statusCode: StatusCodes.OK, body: err.message }',
        '  }',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(found, []);
  });

  test('constants that hold another error than the caught one, and a reassigned alias', () => {
    const found = inFunction(
      [
        'export const handler = async (event) => {',
        '  try { return await load(event) } catch (err) {',
        "    const error = new Error('Something went wrong')",
        '    const cause = err.cause',
        '    const mapped = toPublicError(err)',
        '    let last = err',
        "    last = new Error('Try again later')",
        "    if (event.httpMethod === 'GET') return { statusCode: 500, body: error.message }",
        "    if (event.httpMethod === 'PUT') return { statusCode: 500, body: mapped.message }",
        "    if (event.httpMethod === 'POST') return { statusCode: 500, body: last.message }",
        '    return { statusCode: 500, body: JSON.stringify({ error: cause.message }) }',
        '  }',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(found, []);
  });

  test('helpers that get a 4xx status or a fixed message, or keep the message out of the body', () => {
    const found = inFunction(
      [
        'const fail = (status, message) => ({ statusCode: status, body: JSON.stringify({ message }) })',
        "const quiet = (status, message) => { logger.error(message); return { statusCode: status, body: 'internal error' } }",
        "const reply = (s, m) => ({ statusCode: s, body: JSON.stringify({ error: s >= 500 ? 'Internal error' : m }) })",
        "const answer = (s, m) => ({ statusCode: s, body: JSON.stringify({ error: 500 > s ? m : 'Internal error' }) })",
        'export const handler = async (event) => {',
        '  try { return await load(event) } catch (err) {',
        "    if (event.httpMethod === 'GET') return fail(400, err.message)",
        "    if (event.httpMethod === 'PUT') return quiet(500, err.stack)",
        "    if (event.httpMethod === 'POST') return reply(500, err.message)",
        "    if (event.httpMethod === 'PATCH') return answer(502, err.message)",
        "    return fail(500, 'Something went wrong')",
        '  }',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(found, []);
  });

  test("Node responses with a fixed body, a 4xx or computed status set last, or the status of another function", () => {
    const found = inFunction(
      [
        'export default async function handler(req, res) {',
        '  try { res.status(200).json(await load(req)) } catch (err) {',
        '    res.statusCode = 500',
        "    if (req.method === 'GET') return res.end('Internal error')",
        "    if (err.code === 'INVALID') {",
        '      res.statusCode = 422',
        '      return res.end(err.message)',
        '    }',
        '    res.statusCode = err.statusCode ?? 500',
        '    res.end(err.message)',
        '  }',
        '}',
        'const setFailed = (res) => { res.statusCode = 500 }',
        "app.get('/a', async (req, res) => {",
        '  try { res.json(await load(req)) } catch (e) {',
        '    setFailed(res)',
        '    audit.end(e.message)',
        '  }',
        '})',
      ].join('\n'),
    );
    assert.deepEqual(found, []);
  });

  test('messages of things that are not caught errors', () => {
    const found = inFunction(
      [
        'export const handler = async (event, ticket) => {',
        '  const notice = await loadNotice()',
        '  return { statusCode: 503, body: JSON.stringify({ message: notice.message, ticket: ticket.message }) }',
        '}',
      ].join('\n'),
    );
    assert.deepEqual(found, []);
  });
});

test('fixture redwood-extras: every no-error-exposure annotation, and nothing else', () => {
  const result = scanFixture('redwood-extras', { ruleIds: [rule.meta.id] });
  const expected = expectationKeys(expectationsFor('redwood-extras').filter((e) => e.ruleId === rule.meta.id));
  assert.ok(expected.length > 0);
  assert.deepEqual(findingKeys(result), expected);
});

test("round aa: Next.js's `new NextResponse(body, { status: 500 })`, and an axios error serialised whole", () => {
  const found = hits({
    'web/app/api/quote/route.ts': [
      "import { NextResponse } from 'next/server'",
      'export async function GET() {',
      "  try { return NextResponse.json(await (await fetch('https://rates.example/api')).json()) }",
      '  catch (error) { return new NextResponse(JSON.stringify({ message: error.message }), { status: 500 }) }',
      '}',
    ].join('\n'),
    'api/src/functions/weather.ts': [
      "import axios from 'axios'",
      'export const handler = async () => {',
      '  try {',
      "    const { data } = await axios.get('https://api.weather.example/v1', { headers: { Authorization: `Bearer ${process.env.WEATHER_API_KEY}` } })",
      '    return { statusCode: 200, body: JSON.stringify(data) }',
      '  } catch (error) {',
      '    return { statusCode: 502, body: JSON.stringify({ error }) }',
      '  }',
      '}',
    ].join('\n'),
    'api/src/lib/partner.ts': "import axios from 'axios'\nexport const partner = axios.create({ baseURL: 'https://partner.example' })\n",
    'api/src/functions/partnerSync.ts': [
      "import { partner } from 'src/lib/partner'",
      'export const handler = async () => {',
      "  return partner.post('/sync').then(() => ({ statusCode: 204 })).catch((err) => ({ statusCode: 500, body: JSON.stringify(err) }))",
      '}',
    ].join('\n'),
    // Without axios in the try, `JSON.stringify({ error })` of an `Error` is `{}`.
    'api/src/functions/plain.ts': [
      "import { db } from 'src/lib/db'",
      'export const handler = async () => {',
      '  try { return { statusCode: 200, body: JSON.stringify(await db.order.findMany()) } }',
      '  catch (error) { return { statusCode: 500, body: JSON.stringify({ error }) } }',
      '}',
    ].join('\n'),
  });
  assert.deepEqual(
    found.map((h) => `${h.file}:${h.line} ${h.messageId} ${h.text}`),
    [
      'api/src/functions/partnerSync.ts:3 axios err',
      'api/src/functions/weather.ts:7 axios error',
      'web/app/api/quote/route.ts:4 message error.message',
    ],
  );
});
