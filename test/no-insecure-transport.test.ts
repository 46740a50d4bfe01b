import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { relativePath } from '../src/core/files';
import rule from '../src/rules/no-insecure-transport';
import { isLocalHost, plainHttpHost } from '../src/rules/no-insecure-transport/urls';
import { expectationKeys, expectationsFor, findingKeys, scanFixture } from './support/fixtures';
import { scanRules, tempProject } from './support/project';

interface Hit {
  file: string;
  line: number;
  messageId: string;
  message: string;
  level: string;
  text: string;
  related: string[];
}

/** Findings of the rule in a throwaway Redwood app holding `files` (paths relative to the app root). */
function hits(files: Record<string, string>): Hit[] {
  const root = tempProject(files, 'fnscan-transport-');
  const result = scanRules(root, [rule.meta.id]);
  assert.deepEqual(result.skipped, []);
  return result.findings.map((f) => {
    const file = relativePath(root, f.location.file);
    return {
      file,
      line: f.location.startPos.line,
      messageId: f.messageId,
      message: f.message,
      level: f.level,
      text: files[file].slice(f.location.start, f.location.end),
      related: f.related.map((r) => `${relativePath(root, r.file)}:${r.startPos.line}`),
    };
  });
}

/** Findings for one module at api/src/lib/client.js. */
function inLib(...lines: string[]): Hit[] {
  return hits({ 'api/src/lib/client.js': lines.join('\n') });
}

describe('flags credentials and bodies sent to non-local http:// URLs', () => {
  test('fetch with an Authorization header', () => {
    const found = inLib(
      'export const load = () =>',
      "  fetch('http://erp.partner-logistics.com/api/orders', { headers: { Authorization: `Bearer ${token}` } })",
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId, h.level, h.text]), [
      [2, 'header', 'error', "'http://erp.partner-logistics.com/api/orders'"],
    ]);
    assert.equal(
      found[0].message,
      '`fetch` sends the `Authorization` header to `http://erp.partner-logistics.com` over plain HTTP, where anyone on the network path can read it.',
    );
  });

  test('a relative path resolved against a plain-HTTP base with new URL(path, base)', () => {
    const found = inLib(
      "const BASE = 'http://tracking.partner-logistics.com'",
      "export const track = (n) => fetch(new URL(`/track/${n}`, BASE), { headers: { 'x-api-key': process.env.TRACKING_KEY } })",
      // An absolute or unknown first argument replaces the base: nothing is known of the URL.
      "export const other = (url) => fetch(new URL(url, BASE), { headers: { 'x-api-key': process.env.TRACKING_KEY } })",
      "export const abs = () => fetch(new URL('https://api.partner-logistics.com/x', BASE), { headers: { 'x-api-key': process.env.TRACKING_KEY } })",
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [[2, 'header']]);
    assert.match(found[0].message, /to `http:\/\/tracking\.partner-logistics\.com` over plain HTTP/);
  });

  test('a credential in a URL built into a constant first, then requested', () => {
    const found = inLib(
      'const apiKey = process.env.OPENWEATHER_API_KEY',
      'export const weather = async (q) => {',
      '  const url = `http://api.openweathermap.org/data/2.5/weather?q=${q}&appid=${apiKey}`',
      '  return fetch(url)',
      '}',
      'export const forecast = async (q) => {',
      '  const url = `http://api.openweathermap.org/data/2.5/forecast?q=${q}&appid=${process.env.OPENWEATHER_API_KEY}`',
      '  return fetch(url)',
      '}',
      // The key only over HTTPS, and a plain-HTTP URL that carries none.
      'export const secure = async (q) => {',
      '  const url = `https://api.openweathermap.org/data/2.5/weather?q=${q}&appid=${apiKey}`',
      '  return fetch(url)',
      '}',
      'export const open = async (q) => {',
      '  const url = `http://api.open-meteo.com/v1/forecast?q=${q}`',
      '  return fetch(url)',
      '}',
    );
    assert.deepEqual(found.map((h) => [h.messageId, h.message.match(/sends `([^`]+)` to `([^`]+)`/)?.slice(1)]), [
      ['env', ['process.env.OPENWEATHER_API_KEY', 'http://api.openweathermap.org']],
      ['env', ['process.env.OPENWEATHER_API_KEY', 'http://api.openweathermap.org']],
    ]);
  });

  test('a credential from the environment in the query string', () => {
    const found = inLib("export const geocode = (q) => fetch(`http://maps.vendor.io/geocode?q=${q}&key=${process.env.MAPS_API_KEY}`)");
    assert.deepEqual(found.map((h) => [h.messageId, h.message]), [
      ['env', '`fetch` sends `process.env.MAPS_API_KEY` to `http://maps.vendor.io` over plain HTTP, where anyone on the network path can read it.'],
    ]);
    // Set on a URL object first, in the URL's credentials, or in a Request handed to fetch.
    const more = inLib(
      'export const collect = async (body) => {',
      "  const url = new URL('/collect', 'http://collector.metricsvendor.net')",
      "  url.searchParams.set('key', process.env.METRICS_API_KEY)",
      "  await fetch(url, { method: 'POST', body })",
      '}',
      "export const upload = () => fetch(`http://${process.env.FTP_USER}:${process.env.FTP_PASSWORD}@reports.partner-ftp.com/upload`, { method: 'PUT' })",
      "export const lead = () => fetch(new Request('http://api.partner-crm.com/v1/leads', { method: 'POST', headers: { Authorization: `Bearer ${process.env.CRM_TOKEN}` } }))",
      // The host after unknown credentials must be written out.
      'export const unknown = (host) => fetch(`http://${process.env.FTP_USER}@${host}/upload`)',
      // A URL object of a written-out URL, and credentials held in constants first.
      'export const feed = async () => {',
      "  const url = new URL('http://exports.vendor-files.com/daily.csv')",
      '  url.password = process.env.VENDOR_PASSWORD',
      '  return fetch(url)',
      '}',
      'const pass = process.env.FEED_PASSWORD',
      'export const inventory = () => fetch(`http://reader:${pass}@feeds.partner-data.com/inventory.xml`)',
      "export const secure = () => fetch(`https://reader:${pass}@feeds.partner-data.com/inventory.xml`)",
    );
    assert.deepEqual(more.map((h) => [h.line, h.messageId, h.message.match(/to `([^`]+)`/)?.[1]]), [
      [4, 'env', 'http://collector.metricsvendor.net'],
      [6, 'env', 'http://reports.partner-ftp.com'],
      [7, 'header', 'http://api.partner-crm.com'],
      [12, 'env', 'http://exports.vendor-files.com'],
      [15, 'env', 'http://feeds.partner-data.com'],
    ]);
  });

  test('a body is a warning', () => {
    const found = inLib(
      "import axios from 'axios'",
      "export const push = (ticket) => axios.post('http://crm.acme-partner.com/tickets', ticket)",
      "export const put = (ticket) => fetch('http://crm.acme-partner.com/tickets/1', { method: 'PUT', body: JSON.stringify(ticket) })",
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId, h.level]), [[2, 'body', 'warning'], [3, 'body', 'warning']]);
    assert.match(found[0].message, /^`axios\.post` sends a request body to `http:\/\/crm\.acme-partner\.com`/);
  });

  test('axios config objects, basic auth, got and ky', () => {
    const found = inLib(
      "import axios from 'axios'",
      "import got from 'got'",
      "import ky from 'ky'",
      "export const a = () => axios({ url: 'http://legacy.vendor.net/v1/sync', method: 'post', data: { full: true } })",
      "export const b = () => axios.get('http://legacy.vendor.net/v1/me', { auth: { username: 'svc', password: pw } })",
      "export const c = () => got.post('http://legacy.vendor.net/v1/x', { json: { a: 1 }, headers: { 'x-api-key': key } })",
      "export const d = () => ky.get('http://legacy.vendor.net/v1/y', { headers: { Cookie: session } })",
    );
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [[4, 'body'], [5, 'login'], [6, 'header'], [7, 'header']]);
    assert.match(found[2].message, /`got\.post` sends the `x-api-key` header/);
  });

  test('a URL constant from another module, in a template', () => {
    const found = hits({
      'api/src/lib/config.js': "export const ERP_URL = 'http://erp.northwind-traders.com:8080'\n",
      'api/src/lib/erp.js': [
        "import { ERP_URL } from 'src/lib/config'",
        'export const orders = () =>',
        '  fetch(`${ERP_URL}/orders`, { headers: { authorization: process.env.ERP_TOKEN } })',
      ].join('\n'),
    });
    assert.deepEqual(found.map((h) => [h.file, h.line, h.text, h.related]), [
      ['api/src/lib/erp.js', 3, '`${ERP_URL}/orders`', ['api/src/lib/config.js:1']],
    ]);
    assert.match(found[0].message, /`http:\/\/erp\.northwind-traders\.com`/);
  });

  test('an axios preset with credentials is reported once, where it is made', () => {
    const found = hits({
      'api/src/lib/partner.js': [
        "import axios from 'axios'",
        'export const partnerApi = axios.create({',
        "  baseURL: 'http://api.partner-logistics.com/v2',",
        '  headers: { Authorization: `Token ${process.env.PARTNER_TOKEN}` },',
        '})',
      ].join('\n'),
      'api/src/functions/sync.js': [
        "import { partnerApi } from 'src/lib/partner'",
        'export const handler = async () => {',
        "  await partnerApi.post('/shipments', { id: 1 })",
        '  return { statusCode: 200 }',
        '}',
      ].join('\n'),
    });
    assert.deepEqual(found.map((h) => [h.file, h.line, h.messageId, h.text]), [
      ['api/src/lib/partner.js', 3, 'header', "'http://api.partner-logistics.com/v2'"],
    ]);
    assert.match(found[0].message, /^`axios\.create` sends the `Authorization` header/);
  });

  test('a body sent through a preset without credentials is reported at the call', () => {
    const found = hits({
      'api/src/lib/partner.js': "import axios from 'axios'\nexport const statusApi = axios.create({ baseURL: 'http://status.partner-logistics.com' })\n",
      'api/src/functions/sync.js': [
        "import { statusApi } from 'src/lib/partner'",
        'export const handler = async (event) => {',
        "  await statusApi.get('/ping')",
        "  await statusApi.post('/events', JSON.parse(event.body))",
        '  return { statusCode: 200 }',
        '}',
      ].join('\n'),
    });
    assert.deepEqual(found.map((h) => [h.file, h.line, h.messageId, h.text, h.related]), [
      ['api/src/functions/sync.js', 4, 'body', "'/events'", ['api/src/lib/partner.js:2']],
    ]);
  });

  test("Node's http.request with options", () => {
    const found = inLib(
      "import http from 'node:http'",
      "export const r = http.request({ hostname: 'billing.vendor.com', path: '/x', headers: { Authorization: auth } })",
      "export const s = http.request({ hostname: 'billing', path: '/x', headers: { Authorization: auth } })",
    );
    assert.deepEqual(found.map((h) => [h.line, h.text]), [[2, "'billing.vendor.com'"]]);
  });
});

describe('does not flag', () => {
  test('local, private and internal hosts', () => {
    const found = inLib(
      "const h = { headers: { Authorization: 'Bearer x' } }",
      "fetch('http://localhost:8911/graphql', h)",
      "fetch('http://127.0.0.1:4000/x', h)",
      "fetch('http://[::1]:4000/x', h)",
      "fetch('http://host.docker.internal:5432/x', h)",
      "fetch('http://printer.local/jobs', h)",
      "fetch('http://erp:8080/api', h)",
      "fetch('http://10.0.3.12/api', h)",
      "fetch('http://192.168.1.20/api', h)",
      "fetch('http://169.254.169.254/latest/api/token', { method: 'PUT', headers: { 'X-aws-ec2-metadata-token-ttl-seconds': '21600' } })",
      "fetch('http://payments.svc.cluster.local/charge', { method: 'POST', body: '{}' })",
      "fetch('http://api.example.com/x', h)",
      "fetch(`http://localhost:${process.env.PORT}/x`, h)",
    );
    assert.deepEqual(found, []);
  });

  test('https, unknown hosts, and plain GETs without credentials', () => {
    const found = inLib(
      "const h = { headers: { Authorization: 'Bearer x' } }",
      "fetch('https://erp.partner.com/x', h)",
      'fetch(`http://${process.env.ERP_HOST}/x`, h)',
      'fetch(`http://api.${domain}/x`, h)',
      'fetch(process.env.ERP_URL, h)',
      "fetch('http://status.partner.com/health')",
      "fetch('http://feeds.vendor.com/rss.xml', { headers: { Accept: 'application/rss+xml' } })",
    );
    assert.deepEqual(found, []);
  });

  test('http:// strings that are never requested', () => {
    const found = inLib(
      "// fetch('http://erp.partner.com/x', { headers: { Authorization: token } })",
      "export const svg = '<svg xmlns=\"http://www.w3.org/2000/svg\"></svg>'",
      "export const schema = { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object' }",
      "export const redirect = () => ({ statusCode: 301, headers: { Location: 'https://' + 'http://old.site.com'.slice(7) } })",
      "export const link = 'See http://docs.partner.com for the token format'",
      "export const upgrade = (url) => url.replace('http://', 'https://')",
    );
    assert.deepEqual(found, []);
  });

  test('a constant defined by a call on itself ends', () => {
    assert.deepEqual(inLib('export const api = api.post(\'http://x.partner.com\', {})'), []);
  });

  test('requests that only run outside production', () => {
    const found = inLib(
      "if (process.env.NODE_ENV === 'development') fetch('http://mock.partner.com/x', { headers: { Authorization: 't' } })",
    );
    assert.deepEqual(found, []);
  });
});

describe('hosts', () => {
  test('plainHttpHost reads the host of known http:// prefixes only', () => {
    const at = (text: string, complete = true) => plainHttpHost({ text, complete, source: undefined as never });
    assert.equal(at('http://user:pw@Api.Partner.com:8080/x'), 'api.partner.com');
    assert.equal(at('HTTP://api.partner.com'), 'api.partner.com');
    assert.equal(at('http://api.partner.com', false), 'api.partner.com');
    assert.equal(at('http://api.', false), undefined);
    assert.equal(at('http://', false), undefined);
    assert.equal(at('http://10.1.2.3', false), '10.1.2.3');
    assert.equal(at('http://[fd00::1]:80/x'), 'fd00::1');
    assert.equal(at('https://api.partner.com/x'), undefined);
    assert.equal(at('ftp://files.partner.com'), undefined);
  });

  test('isLocalHost', () => {
    for (const host of ['localhost', 'app.localhost', '127.0.0.1', '::1', 'fd00::1', 'fe80::1', '172.20.0.2', 'db.internal', 'erp', 'x.test']) {
      assert.equal(isLocalHost(host), true, host);
    }
    for (const host of ['172.32.0.1', '8.8.8.8', 'partner.com', 'internal.partner.com', 'local.partner.com', '2001:db8::1']) {
      assert.equal(isLocalHost(host), false, host);
    }
  });
});

test('fixture redwood-extras: every no-insecure-transport annotation, and nothing else', () => {
  const result = scanFixture('redwood-extras', { ruleIds: [rule.meta.id] });
  const expected = expectationKeys(expectationsFor('redwood-extras').filter((e) => e.ruleId === rule.meta.id));
  assert.ok(expected.length > 0);
  assert.deepEqual(findingKeys(result), expected);
});
