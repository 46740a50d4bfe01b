import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { relativePath } from '../src/core/files';
import rule, { PREFILTER } from '../src/rules/no-spoofable-ip-allowlist';
import { expectationKeys, expectationsFor, findingKeys, scanFixture } from './support/fixtures';
import { scanRules, tempProject } from './support/project';

interface Hit {
  file: string;
  line: number;
  message: string;
}

/** Findings of the rule in a throwaway Redwood app holding `files` (paths relative to the app root). */
function hits(files: Record<string, string>): Hit[] {
  const root = tempProject(files, 'fnscan-ip-');
  const result = scanRules(root, [rule.meta.id]);
  assert.deepEqual(result.skipped, []);
  return result.findings.map((f) => ({
    file: relativePath(root, f.location.file),
    line: f.location.startPos.line,
    message: f.message,
  }));
}

function inHandler(...lines: string[]): Hit[] {
  const code = [
    "const ALLOWED_IPS = ['203.0.113.7', '198.51.100.12']",
    'export const handler = async (event) => {',
    ...lines.map((l) => `  ${l}`),
    '  return { statusCode: 200 }',
    '}',
  ].join('\n');
  return hits({ 'api/src/functions/admin.js': code });
}

describe('flags access decided by client-supplied address headers', () => {
  test("Redwood's documented `client-ip || sourceIp`, checked against an allowlist", () => {
    const found = inHandler(
      "const ip = event.headers['client-ip'] || event.requestContext.identity.sourceIp",
      'if (!ALLOWED_IPS.includes(ip)) return { statusCode: 403 }',
    );
    assert.deepEqual(found.map((h) => [h.line, h.message]), [
      [4, 'Access is decided by the `client-ip` header, which any caller can set to an allowed address.'],
    ]);
  });

  test('the first X-Forwarded-For entry, a Set, an equality and a prefix', () => {
    const found = inHandler(
      "const forwarded = (event.headers['x-forwarded-for'] ?? '').split(',')[0].trim()",
      'if (new Set(ALLOWED_IPS).has(forwarded)) return { statusCode: 200, body: "welcome" }',
      "if (event.headers['x-real-ip'] !== '203.0.113.7') throw new Error('forbidden')",
      "if (event.headers['x-real-ip'].startsWith('10.')) return { statusCode: 200 }",
    );
    assert.deepEqual(found.map((h) => h.line), [4, 5, 6]);
  });

  test('an address parsed with ipaddr.js and matched against ranges', () => {
    const found = inHandler(
      "const addr = ipaddr.parse(event.headers['client-ip'])",
      "const ok = ['198.51.100.0/24'].some((r) => addr.match(ipaddr.parseCIDR(r)))",
      'if (!ok) return { statusCode: 403 }',
    );
    assert.deepEqual(found.map((h) => h.line), [4]);
  });

  test('one finding for one decision with several comparisons', () => {
    const found = inHandler("const ip = event.headers['x-forwarded-for']", "if (ip === '203.0.113.7' || ip === '198.51.100.12') return { statusCode: 200 }");
    assert.deepEqual(found.map((h) => h.line), [4]);
  });

  test('a configured address, a map of addresses, a `net.BlockList` and the request-ip package', () => {
    const found = hits({
      'api/src/functions/gate.ts': [
        "import net, { BlockList } from 'node:net'",
        "import requestIp, { getClientIp } from 'request-ip'",
        'const office = new BlockList()',
        'const vpn = new net.BlockList()',
        "const ALLOWED: Record<string, boolean> = { '203.0.113.7': true }",
        'const OFFICE_IP = process.env.OFFICE_IP',
        'export const handler = async (event) => {',
        "  const ip = event.headers['x-forwarded-for']",
        '  if (ip !== process.env.OFFICE_IP) return { statusCode: 403 }',
        "  if (event.headers['x-real-ip'] === OFFICE_IP) return { statusCode: 200, body: 'welcome' }",
        '  if (!ALLOWED[ip]) return { statusCode: 403 }',
        '  if (!office.check(ip)) return { statusCode: 403 }',
        "  if (!vpn.check(event.headers['true-client-ip'], 'ipv4')) return { statusCode: 403 }",
        '  return { statusCode: 200 }',
        '}',
        'export const viaPackage = async (req) => {',
        '  if (!ALLOWED[requestIp.getClientIp(req)]) return { statusCode: 403 }',
        '  const clientIp = getClientIp(req)',
        '  if (!office.check(clientIp)) return { statusCode: 403 }',
        '  return { statusCode: 200 }',
        '}',
      ].join('\n'),
    });
    assert.deepEqual(found.map((h) => [h.line, h.message]), [
      [9, 'Access is decided by the `x-forwarded-for` header, which any caller can set to an allowed address.'],
      [10, 'Access is decided by the `x-real-ip` header, which any caller can set to an allowed address.'],
      [11, 'Access is decided by the `x-forwarded-for` header, which any caller can set to an allowed address.'],
      [12, 'Access is decided by the `x-forwarded-for` header, which any caller can set to an allowed address.'],
      [13, 'Access is decided by the `true-client-ip` header, which any caller can set to an allowed address.'],
      [17, 'Access is decided by the `x-forwarded-for` header, which any caller can set to an allowed address.'],
      [19, 'Access is decided by the `x-forwarded-for` header, which any caller can set to an allowed address.'],
    ]);
  });

  test('a src/lib helper whose result is returned, and a flag tested later', () => {
    const found = hits({
      'api/src/lib/network.js': [
        "import ipRangeCheck from 'ip-range-check'",
        "const OFFICE = ['203.0.113.0/24']",
        "export const fromOffice = (event) => ipRangeCheck(event.headers['x-forwarded-for'], OFFICE)",
        'export const guard = (event) => {',
        "  const trusted = OFFICE.includes(event.headers['true-client-ip'])",
        '  if (!trusted) throw new Error("forbidden")',
        '}',
      ].join('\n'),
    });
    assert.deepEqual(found.map((h) => h.line), [3, 5]);
  });
});

describe('does not flag', () => {
  test('logging, rate-limit keys and stored addresses', () => {
    const found = inHandler(
      "const ip = event.headers['x-forwarded-for']",
      "console.info('caller', ip)",
      'const allowed = await rateLimiter.consume(ip)',
      'if (!allowed) return { statusCode: 429 }',
      'if (await isRateLimited(ip)) return { statusCode: 429 }',
      'await db.loginAttempt.create({ data: { ip } })',
      'const region = ALLOWED_IPS.includes(ip) ? "office" : "remote"',
    );
    assert.deepEqual(found, []);
  });

  test('addresses set by the platform, presence checks, and other headers', () => {
    const found = inHandler(
      'if (!ALLOWED_IPS.includes(event.requestContext.identity.sourceIp)) return { statusCode: 403 }',
      "if (!ALLOWED_IPS.includes(event.headers['x-nf-client-connection-ip'])) return { statusCode: 403 }",
      "if (!event.headers['x-forwarded-for']) return { statusCode: 400 }",
      "if (event.headers['x-forwarded-for'] === undefined) return { statusCode: 400 }",
      "if (event.headers['x-forwarded-proto'] !== 'https') return { statusCode: 301 }",
      "const ip = event.headers['x-real-ip']",
      'if (ALLOWED_IPS.includes(ip)) console.log("office visit")',
    );
    assert.deepEqual(found, []);
  });
});

describe('does not flag, near the new shapes', () => {
  test('labels from a map, request counters, platform addresses, other `check` methods and other `getClientIp`', () => {
    const found = hits({
      'api/src/functions/gate.ts': [
        "import { BlockList } from 'node:net'",
        "import requestIp from 'request-ip'",
        "import { getClientIp } from 'src/lib/ip'",
        'const office = new BlockList()',
        'const limiter = new RateLimiter()',
        "const REGIONS = { '203.0.113.7': 'office' }",
        'const hits = {}',
        "export const regionOf = (event) => REGIONS[event.headers['x-forwarded-for']]",
        'export const handler = async (event, context) => {',
        "  const ip = event.headers['x-forwarded-for']",
        "  console.log('caller', ip, process.env.OFFICE_IP)",
        "  const region = REGIONS[ip] ?? 'remote'",
        '  if (hits[ip] > 100) return { statusCode: 429 }',
        '  if (!limiter.check(ip)) return { statusCode: 429 }',
        '  if (event.requestContext.identity.sourceIp !== process.env.OFFICE_IP) return { statusCode: 403 }',
        '  if (!office.check(event.requestContext.identity.sourceIp)) return { statusCode: 403 }',
        '  if (!office.check(context.ip)) return { statusCode: 403 }',
        "  if (event.headers['x-forwarded-proto'] !== process.env.EXPECTED_PROTO) return { statusCode: 301 }",
        '  if (!office.check(getClientIp(event))) return { statusCode: 403 }',
        "  logger.info({ caller: requestIp.getClientIp(event) }, 'request')",
        '  return { statusCode: 200, body: REGIONS[ip] }',
        '}',
      ].join('\n'),
    });
    assert.deepEqual(found, []);
  });
});

test('the text prefilter admits address headers and address names, not words that end in "ip"', () => {
  const admitted = [
    "event.headers['x-forwarded-for']",
    "headers['X-Real-IP']",
    "headers['CF-Connecting-IP']",
    "h['client-ip']",
    'const ip = getAddress(event)',
    'if (!allowed(IP)) return',
    'const ips = list()',
    'const callerIp = addressOf(event)',
    'const clientIps = []',
    'const OFFICE_IPS = []',
    'const ALLOWED_IP = "203.0.113.7"',
    'const clientIP = addressOf(event)',
    'const allowedIPs = []',
    'const client_ip = addressOf(event)',
    "headers['X-Forwarded-For']",
    "headers['true-client-ip']",
  ];
  const refused = [
    '// publishable keys ship to browsers',
    'const fetchForecast = (zip) => fetch(url)',
    'const tips = []',
    'const SHIP = 1',
    'const ZIP_CODE = 1',
    'const membership = load()',
  ];
  assert.deepEqual(admitted.filter((t) => !PREFILTER.test(t)), []);
  assert.deepEqual(refused.filter((t) => PREFILTER.test(t)), []);
});

test('fixture redwood-extras: every no-spoofable-ip-allowlist annotation, and nothing else', () => {
  const result = scanFixture('redwood-extras', { ruleIds: [rule.meta.id] });
  const expected = expectationKeys(expectationsFor('redwood-extras').filter((e) => e.ruleId === rule.meta.id));
  assert.ok(expected.length > 0);
  assert.deepEqual(findingKeys(result), expected);
});

test('round aa: a header chain inside String(), and request-ip with a default', () => {
  const found = hits({
    'api/admin.ts': [
      "const ADMIN = ['203.0.113.7']",
      'export default function handler(req, res) {',
      "  const ip = String(req.headers['cf-connecting-ip'] || req.headers['x-forwarded-for'] || '').split(',')[0].trim()",
      '  if (!ADMIN.includes(ip)) return res.status(403).end()',
      '  res.json({ ok: true })',
      '}',
    ].join('\n'),
    'api/reindex.ts': [
      "import requestIp from 'request-ip'",
      "const ALLOWED = ['203.0.113.7']",
      'export default function handler(req, res) {',
      "  const ip = requestIp.getClientIp(req) ?? ''",
      '  if (!ALLOWED.includes(ip)) return res.status(403).end()',
      '  res.json({ ok: true })',
      '}',
    ].join('\n'),
  });
  assert.deepEqual(found.map((h) => `${h.file}:${h.line} ${h.message.slice(0, h.message.indexOf(' header'))}`), [
    'api/admin.ts:4 Access is decided by the `cf-connecting-ip`',
    'api/reindex.ts:5 Access is decided by the `x-forwarded-for`',
  ]);
});
