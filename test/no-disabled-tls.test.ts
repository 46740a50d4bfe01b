import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { Finding } from '../src/core/types';
import type { SourceContext } from '../src/core/rule';
import rule from '../src/rules/no-disabled-tls';
import { expectationKeys, expectationsFor, findingKeys, scanFixture } from './support/fixtures';
import { scanRules, tempProject } from './support/project';

const seenMessageIds = new Set<string>();

/** A throwaway Redwood app holding `files` (paths relative to the app root). */
function scanApp(files: Record<string, string>, options: { includeTests?: boolean } = {}): Finding[] {
  const result = scanRules(tempProject(files, 'fnscan-tls-'), [rule.meta.id], options);
  assert.deepEqual(result.skipped, []);
  for (const f of result.findings) seenMessageIds.add(f.messageId);
  return result.findings;
}

interface Hit {
  file: string;
  line: number;
  messageId: string;
  message: string;
  level: string;
  text: string;
}

function hits(files: Record<string, string>, options: { includeTests?: boolean } = {}): Hit[] {
  const sources = new Map(Object.entries(files));
  return scanApp(files, options).map((f) => {
    const file = path.basename(path.dirname(f.location.file)) === 'lib' ? `lib/${path.basename(f.location.file)}` : path.basename(f.location.file);
    const text = [...sources.entries()].find(([name]) => f.location.file.endsWith(name))?.[1] ?? '';
    return {
      file,
      line: f.location.startPos.line,
      messageId: f.messageId,
      message: f.message,
      level: f.level,
      text: text.slice(f.location.start, f.location.end),
    };
  });
}

/** Findings for one JS module at api/src/lib/client.js. */
function inLib(code: string): Hit[] {
  return hits({ 'api/src/lib/client.js': code });
}

function lines(found: Hit[]): number[] {
  return found.map((h) => h.line);
}

describe('rejectUnauthorized: false reaching a TLS client', () => {
  const cases: Array<[string, string, string]> = [
    ['new https.Agent', `import https from 'node:https'\nexport const a = new https.Agent({ rejectUnauthorized: false })`, 'https.Agent'],
    ['tls.connect', `const tls = require('tls')\ntls.connect(443, 'erp', { rejectUnauthorized: false })`, 'tls.connect'],
    ['https.request', `import * as https from 'https'\nhttps.request('https://erp', { rejectUnauthorized: false }, () => {})`, 'https.request'],
    ['https.get', `import https from 'https'\nhttps.get({ host: 'erp', rejectUnauthorized: false }, () => {})`, 'https.get'],
    ['got https option', `import got from 'got'\nexport const r = got(url, { https: { rejectUnauthorized: false } })`, 'got'],
    ['undici connect option', `import { Agent } from 'undici'\nexport const d = new Agent({ connect: { rejectUnauthorized: false } })`, 'undici.Agent'],
    ['pg ssl option', `import { Pool } from 'pg'\nexport const p = new Pool({ ssl: { rejectUnauthorized: false } })`, 'pg.Pool'],
    ['nodemailer tls option', `import nodemailer from 'nodemailer'\nexport const t = nodemailer.createTransport({ host, tls: { rejectUnauthorized: false } })`, 'nodemailer.createTransport'],
    ['imapflow tls option', `import { ImapFlow } from 'imapflow'\nexport const c = new ImapFlow({ host, tls: { rejectUnauthorized: false } })`, 'imapflow.ImapFlow'],
    ['ioredis tls option', `import Redis from 'ioredis'\nexport const r = new Redis(url, { tls: { rejectUnauthorized: false } })`, 'ioredis'],
    ['conditional ssl value', `import pg from 'pg'\nexport const p = new pg.Pool({ ssl: useLegacy ? { rejectUnauthorized: false } : true })`, 'pg.Pool'],
  ];
  for (const [name, code, client] of cases) {
    test(name, () => {
      const found = inLib(code);
      assert.equal(found.length, 1, JSON.stringify(found));
      assert.equal(found[0].line, 2);
      assert.equal(found[0].messageId, 'rejectUnauthorizedClient');
      assert.equal(found[0].message, `\`rejectUnauthorized: false\` turns off certificate verification for \`${client}\`.`);
      assert.equal(found[0].text, 'rejectUnauthorized: false', 'reported at the property');
      assert.equal(found[0].level, 'error');
    });
  }

  test('axios httpsAgent, inline and through a shorthand property', () => {
    const found = inLib(
      [
        `import https from 'node:https'`,
        `import axios from 'axios'`,
        `export const a = axios.create({ httpsAgent: new https.Agent({ rejectUnauthorized: false }) })`,
        `const httpsAgent = new https.Agent({ keepAlive: true, rejectUnauthorized: false })`,
        `export const b = axios.create({ httpsAgent })`,
      ].join('\n'),
    );
    assert.deepEqual(lines(found), [3, 4]);
    assert.ok(found.every((h) => h.message.endsWith('for `https.Agent`.')));
  });

  test('node-fetch agent', () => {
    const found = inLib(
      `import https from 'node:https'\nimport fetch from 'node-fetch'\nfetch(url, { agent: new https.Agent({ rejectUnauthorized: false }) })`,
    );
    assert.deepEqual(lines(found), [3]);
    assert.match(found[0].message, /`https\.Agent`/);
  });

  test('an options object in a variable, spread into the client, is reported where `false` is written', () => {
    const found = inLib(
      [
        `import https from 'node:https'`,
        `const opts = { rejectUnauthorized: false }`,
        `export const agent = new https.Agent({ ...opts, keepAlive: true })`,
      ].join('\n'),
    );
    assert.deepEqual(lines(found), [2]);
    assert.equal(found[0].message, '`rejectUnauthorized: false` turns off certificate verification for `https.Agent`.');
  });

  test('an options object passed by name', () => {
    const found = inLib(`import tls from 'tls'\nconst options = { host, rejectUnauthorized: false }\ntls.connect(options)`);
    assert.deepEqual(lines(found), [2]);
    assert.match(found[0].message, /`tls\.connect`/);
  });

  test('a client the file does not show gets the generic message', () => {
    const found = inLib(`export const legacyTls = { rejectUnauthorized: false }\nexport const agent = makeAgent({ rejectUnauthorized: false })`);
    assert.deepEqual(lines(found), [1, 2]);
    for (const h of found) {
      assert.equal(h.messageId, 'rejectUnauthorized');
      assert.equal(h.message, '`rejectUnauthorized: false` turns off certificate verification for the TLS connections made with these options.');
    }
  });

  test('a helper from the project is not named as the client', () => {
    const found = hits({
      'api/src/lib/agents.js': `export const makeAgent = (o) => o`,
      'api/src/lib/client.js': `import { makeAgent } from 'src/lib/agents'\nexport const a = makeAgent({ rejectUnauthorized: false })`,
    });
    assert.deepEqual(found.map((h) => h.messageId), ['rejectUnauthorized']);
  });

  test('an import of the project whose file is missing is not named as a package either', () => {
    const found = inLib(`import { Agent } from 'src/lib/missingHttp'\nexport const a = new Agent({ rejectUnauthorized: false })`);
    assert.deepEqual(found.map((h) => h.messageId), ['rejectUnauthorized']);
    assert.doesNotMatch(found[0].message, /missingHttp/);
  });

  test('constant false values: a const, `!true`, a property of a const object', () => {
    const found = inLib(
      [
        `import https from 'node:https'`,
        `const VERIFY = false`,
        `const ALLOW_SELF_SIGNED = true`,
        `const config = { tls: { verify: false } }`,
        `new https.Agent({ rejectUnauthorized: VERIFY })`,
        `new https.Agent({ rejectUnauthorized: !ALLOW_SELF_SIGNED })`,
        `new https.Agent({ rejectUnauthorized: config.tls.verify })`,
        `new https.Agent({ rejectUnauthorized: !1 })`,
      ].join('\n'),
    );
    assert.deepEqual(lines(found), [5, 6, 7, 8]);
  });

  test('a shorthand property bound to a const false', () => {
    const found = inLib(`import tls from 'tls'\nconst rejectUnauthorized = false\ntls.connect({ host, rejectUnauthorized })`);
    assert.deepEqual(lines(found), [3]);
    assert.equal(found[0].text, 'rejectUnauthorized');
  });

  test('assignment to an options object', () => {
    const found = inLib(
      `import https from 'node:https'\nhttps.globalAgent.options.rejectUnauthorized = false\nagentOptions['rejectUnauthorized'] = false\nopts.strictSSL = false`,
    );
    assert.deepEqual(
      found.map((h) => [h.line, h.message]),
      [
        [2, 'Setting `https.globalAgent.options.rejectUnauthorized` to `false` turns off certificate verification.'],
        [3, 'Setting `agentOptions.rejectUnauthorized` to `false` turns off certificate verification.'],
        [4, 'Setting `opts.strictSSL` to `false` turns off certificate verification.'],
      ],
    );
    assert.equal(found[0].text, 'https.globalAgent.options.rejectUnauthorized = false', 'reported at the assignment');
  });

  test('TypeScript sources: `as const` and `satisfies` wrappers', () => {
    const found = hits({
      'api/src/lib/client.ts': `import https from 'node:https'\nexport const a = new https.Agent({ rejectUnauthorized: false as const } satisfies https.AgentOptions)`,
    });
    assert.deepEqual(lines(found), [2]);
    assert.match(found[0].message, /`https\.Agent`/);
  });
});

describe('across modules', () => {
  test('a const false imported from a lib module is reported at the property that uses it', () => {
    const found = hits({
      'api/src/lib/settings.js': `export const VERIFY_TLS = false\n`,
      'api/src/lib/client.js': `import https from 'node:https'\nimport { VERIFY_TLS } from 'src/lib/settings'\nexport const a = new https.Agent({ rejectUnauthorized: VERIFY_TLS })`,
    });
    assert.deepEqual(found.map((h) => [h.file, h.line, h.text]), [['lib/client.js', 3, 'rejectUnauthorized: VERIFY_TLS']]);
  });

  test('through a relative import and a re-export', () => {
    const found = hits({
      'api/src/lib/tls/flags.js': `export const VERIFY_TLS = false\n`,
      'api/src/lib/tls/index.js': `export { VERIFY_TLS } from './flags'\n`,
      'api/src/lib/client.js': `import tls from 'tls'\nimport { VERIFY_TLS } from './tls'\ntls.connect({ rejectUnauthorized: VERIFY_TLS })`,
    });
    assert.deepEqual(found.map((h) => [h.file, h.line]), [['lib/client.js', 3]]);
  });

  test('an options object imported from a lib module is reported once, in the lib', () => {
    const found = hits({
      'api/src/lib/tlsOptions.js': `export const legacyTls = {\n  minVersion: 'TLSv1.2',\n  rejectUnauthorized: false,\n}\n`,
      'api/src/lib/client.js': `import https from 'node:https'\nimport { legacyTls } from 'src/lib/tlsOptions'\nexport const a = new https.Agent({ ...legacyTls })\nexport const b = new https.Agent(legacyTls)`,
    });
    assert.deepEqual(found.map((h) => [h.file, h.line, h.messageId]), [['lib/tlsOptions.js', 3, 'rejectUnauthorized']]);
  });

  test('a property of an imported config object', () => {
    const found = hits({
      'api/src/lib/config.js': `export const config = { erp: { verifyTls: false } }\n`,
      'api/src/lib/client.js': `import tls from 'tls'\nimport { config } from 'src/lib/config'\ntls.connect({ rejectUnauthorized: config.erp.verifyTls })`,
    });
    assert.deepEqual(found.map((h) => [h.file, h.line]), [['lib/client.js', 3]]);
  });

  test('a no-op checkServerIdentity function imported from a lib module', () => {
    const found = hits({
      'api/src/lib/identity.js': `export function acceptAnyHost() {}\nexport const acceptAll = () => undefined\n`,
      'api/src/lib/client.js': [
        `import tls from 'tls'`,
        `import { acceptAnyHost, acceptAll } from 'src/lib/identity'`,
        `tls.connect({ checkServerIdentity: acceptAnyHost })`,
        `tls.connect({ checkServerIdentity: acceptAll })`,
      ].join('\n'),
    });
    assert.deepEqual(found.map((h) => [h.file, h.line, h.messageId]), [
      ['lib/client.js', 3, 'checkServerIdentityClient'],
      ['lib/client.js', 4, 'checkServerIdentityClient'],
    ]);
  });
});

describe('rejectUnauthorized traps', () => {
  test('values that keep verification on, or that only the run time knows', () => {
    const found = inLib(
      [
        `import https from 'node:https'`,
        `new https.Agent({ rejectUnauthorized: true })`,
        `new https.Agent({ rejectUnauthorized: process.env.NODE_ENV === 'production' })`,
        `new https.Agent({ rejectUnauthorized: process.env.TLS_VERIFY !== 'false' })`,
        `new https.Agent({ rejectUnauthorized: options.verify })`,
        `let verify = false`,
        `verify = true`,
        `new https.Agent({ rejectUnauthorized: verify })`,
        `new https.Agent({ rejectUnauthorized: 0 })`,
        `new https.Agent({ rejectUnauthorized: null })`,
        `new https.Agent({ rejectUnauthorized: 'false' })`,
        `new https.Agent({ rejectUnauthorized: !false })`,
        `if (agent.options.rejectUnauthorized === false) warn()`,
        `const { rejectUnauthorized } = agent.options`,
        `// new https.Agent({ rejectUnauthorized: false })`,
        `const help = 'pass { rejectUnauthorized: false } only in tests'`,
      ].join('\n'),
    );
    assert.deepEqual(found, []);
  });

  test('a type that mentions `rejectUnauthorized: false` is not a value', () => {
    const found = hits({
      'api/src/lib/client.ts': `export interface Insecure { rejectUnauthorized: false }\nexport type Opts = { strictSSL: false }`,
    });
    assert.deepEqual(found, []);
  });

  test('server options: `rejectUnauthorized` governs client certificates there', () => {
    const found = inLib(
      [
        `import tls from 'tls'`,
        `import https from 'https'`,
        `tls.createServer({ key, cert, requestCert: true, rejectUnauthorized: false })`,
        `https.createServer({ key, cert, rejectUnauthorized: false }, app)`,
        `export const mtls = { requestCert: true, rejectUnauthorized: false }`,
      ].join('\n'),
    );
    assert.deepEqual(found, []);
  });
});

describe('suggestions', () => {
  test('a literal `false` at the property gets "Set rejectUnauthorized to true" on the literal', () => {
    const code = `import https from 'node:https'\nexport const a = new https.Agent({ rejectUnauthorized: false })`;
    const [finding] = scanApp({ 'api/src/lib/client.js': code });
    assert.equal(finding.suggestions.length, 1);
    const [fix] = finding.suggestions;
    assert.equal(fix.description, 'Set rejectUnauthorized to true');
    assert.equal(fix.text, 'true');
    assert.equal(code.slice(fix.span.start, fix.span.end), 'false');
    const fixed = code.slice(0, fix.span.start) + fix.text + code.slice(fix.span.end);
    assert.deepEqual(inLib(fixed), []);
  });

  test('strictSSL gets the same kind of suggestion', () => {
    const code = `import request from 'request'\nexport const r = request.defaults({ strictSSL: false })`;
    const [finding] = scanApp({ 'api/src/lib/client.js': code });
    assert.equal(finding.message, '`strictSSL: false` turns off certificate verification for `request.defaults`.');
    assert.equal(finding.suggestions[0].description, 'Set strictSSL to true');
    assert.equal(code.slice(finding.suggestions[0].span.start, finding.suggestions[0].span.end), 'false');
  });

  test('no suggestion when `false` comes from a constant (the constant may serve other code)', () => {
    const [finding] = scanApp({ 'api/src/lib/client.js': `import tls from 'tls'\nconst VERIFY = false\ntls.connect({ rejectUnauthorized: VERIFY })` });
    assert.deepEqual(finding.suggestions, []);
  });
});

describe('strictSSL', () => {
  test('request-style options, generic and named', () => {
    const found = inLib(`export const opts = { url, strictSSL: false }\nexport const ok = { url, strictSSL: true }`);
    assert.deepEqual(found.map((h) => [h.line, h.message]), [
      [1, '`strictSSL: false` turns off certificate verification for the requests made with these options.'],
    ]);
  });
});

describe('NODE_TLS_REJECT_UNAUTHORIZED in code', () => {
  const message = '`NODE_TLS_REJECT_UNAUTHORIZED` set to `0` turns off certificate verification for every TLS connection of the process.';

  test('every way of setting it to 0', () => {
    const found = inLib(
      [
        `process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'`,
        `process.env['NODE_TLS_REJECT_UNAUTHORIZED'] = '0'`,
        `process.env.NODE_TLS_REJECT_UNAUTHORIZED = 0`,
        `process.env["NODE_TLS_REJECT_UNAUTHORIZED"] = \`0\``,
        `Object.assign(process.env, { NODE_TLS_REJECT_UNAUTHORIZED: '0' })`,
        `const OFF = '0'`,
        `process.env.NODE_TLS_REJECT_UNAUTHORIZED = OFF`,
        `const KEY = 'NODE_TLS_REJECT_UNAUTHORIZED'`,
        `process.env[KEY] = '0'`,
        `process.env.NODE_TLS_REJECT_UNAUTHORIZED ??= '0'`,
        `globalThis.process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'`,
        `spawn('node', ['sync.js'], { env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: 0 } })`,
      ].join('\n'),
    );
    assert.deepEqual(lines(found), [1, 2, 3, 4, 5, 7, 9, 10, 11, 12]);
    assert.ok(found.every((h) => h.message === message));
    assert.equal(found[0].text, `process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'`, 'reported at the assignment');
    assert.equal(found[4].text, `NODE_TLS_REJECT_UNAUTHORIZED: '0'`, 'reported at the property');
  });

  test('through `env` imported from node:process or destructured from process', () => {
    const imported = inLib(`import { env } from 'node:process'\nenv.NODE_TLS_REJECT_UNAUTHORIZED = '0'`);
    assert.deepEqual(imported.map((h) => [h.line, h.message]), [[2, message]]);
    const destructured = inLib(`const { env } = process\nenv['NODE_TLS_REJECT_UNAUTHORIZED'] = 0`);
    assert.deepEqual(lines(destructured), [2]);
    // Some other object called `env` is not the process's, even where `env` is also imported.
    assert.deepEqual(inLib(`import { env } from 'node:process'\nexport const docs = () => {\n  const env = { NODE_TLS_REJECT_UNAUTHORIZED: '' }\n  env.NODE_TLS_REJECT_UNAUTHORIZED = '0'\n  return env\n}`), []);
    assert.deepEqual(inLib(`const env = loadConfig()\nenv.NODE_TLS_REJECT_UNAUTHORIZED = '0'\nimport { env as e } from 'src/lib/env'\ne.NODE_TLS_REJECT_UNAUTHORIZED = '0'`), []);
  });

  test('reading, comparing, setting it to 1, and mentioning it are not flagged', () => {
    const found = inLib(
      [
        `/** Set NODE_TLS_REJECT_UNAUTHORIZED=0 only on your laptop. */`,
        `// process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'`,
        `const current = process.env.NODE_TLS_REJECT_UNAUTHORIZED`,
        `if (process.env.NODE_TLS_REJECT_UNAUTHORIZED === '0') console.warn('TLS verification is off')`,
        `process.env.NODE_TLS_REJECT_UNAUTHORIZED = '1'`,
        `process.env.NODE_TLS_REJECT_UNAUTHORIZED = process.env.LEGACY ? '0' : '1'`,
        `delete process.env.NODE_TLS_REJECT_UNAUTHORIZED`,
        `logger.warn('NODE_TLS_REJECT_UNAUTHORIZED=0 is set')`,
        `config.NODE_TLS_REJECT_UNAUTHORIZED = '0'`,
        `export const doc = { NODE_TLS_REJECT_UNAUTHORIZED: 'Set to 0 to skip verification' }`,
      ].join('\n'),
    );
    assert.deepEqual(found, []);
  });

  test('PGSSLMODE=no-verify set in code', () => {
    const found = inLib(`process.env.PGSSLMODE = 'no-verify'\nprocess.env.PGSSLMODE = 'verify-full'`);
    assert.deepEqual(found.map((h) => [h.line, h.message]), [
      [1, '`PGSSLMODE` set to `no-verify` turns off certificate verification for node-postgres connections.'],
    ]);
  });
});

describe('levels', () => {
  test('disabling that runs only outside production (per NODE_ENV) is a warning', () => {
    const found = inLib(
      [
        `import https from 'node:https'`,
        `if (process.env.NODE_ENV === 'development') process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'`,
        `if (process.env.NODE_ENV !== 'production') { process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0' }`,
        `if (process.env.NODE_ENV === 'production') {} else { process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0' }`,
        `export const a = process.env.NODE_ENV === 'production' ? new https.Agent() : new https.Agent({ rejectUnauthorized: false })`,
        `export const b = process.env.NODE_ENV !== 'production' && { rejectUnauthorized: false }`,
        `if (!(process.env.NODE_ENV === 'production')) process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'`,
      ].join('\n'),
    );
    assert.deepEqual(found.map((h) => [h.line, h.level]), [
      [2, 'warning'],
      [3, 'warning'],
      [4, 'warning'],
      [5, 'warning'],
      [6, 'warning'],
      [7, 'warning'],
    ]);
  });

  test('other guards keep the error level', () => {
    const found = inLib(
      [
        `if (process.env.NODE_ENV === 'production') process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'`,
        `if (process.env.NODE_ENV !== 'development') process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'`,
        `if (process.env.ERP_LEGACY === 'true') process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'`,
        `if (process.env.NODE_ENV === 'development' || legacy) process.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'`,
      ].join('\n'),
    );
    assert.deepEqual(found.map((h) => [h.line, h.level]), [
      [1, 'error'],
      [2, 'error'],
      [3, 'error'],
      [4, 'error'],
    ]);
  });

  test('a value tied to NODE_ENV that is false in production is an error; one true there is a development switch', () => {
    const found = inLib(
      [
        `import https from 'node:https'`,
        `const isProduction = process.env.NODE_ENV === 'production'`,
        `const isDev = process.env.NODE_ENV === 'development'`,
        `new https.Agent({ rejectUnauthorized: !isProduction })`,
        `new https.Agent({ rejectUnauthorized: isProduction ? false : true })`,
        `new https.Agent({ rejectUnauthorized: process.env.NODE_ENV !== 'production' })`,
        `request({ strictSSL: process.env.NODE_ENV === 'production' ? false : true })`,
        `options.rejectUnauthorized = !isProduction`,
        `new https.Agent({ rejectUnauthorized: !isDev })`,
        `new https.Agent({ rejectUnauthorized: isProduction })`,
        `new https.Agent({ rejectUnauthorized: isDev ? false : true })`,
        `new https.Agent({ rejectUnauthorized: isProduction ? true : false })`,
        `new https.Agent({ rejectUnauthorized: legacy ? false : true })`,
      ].join('\n'),
    );
    assert.deepEqual(
      found.map((h) => [h.line, h.level, h.messageId]),
      [
        [4, 'error', 'rejectUnauthorizedInProductionClient'],
        [5, 'error', 'rejectUnauthorizedInProductionClient'],
        [6, 'error', 'rejectUnauthorizedInProductionClient'],
        [7, 'error', 'strictSslInProduction'],
        [8, 'error', 'optionAssignmentInProduction'],
      ],
    );
    assert.equal(found[0].message, '`rejectUnauthorized: !isProduction` is `false` when `NODE_ENV` is `production`, which turns off certificate verification for `https.Agent` there.');
    const other = inLib(
      `import request from 'request'\nexport const options = { rejectUnauthorized: process.env.NODE_ENV !== 'production' }\nrequest({ url, strictSSL: !(process.env.NODE_ENV === 'production') })`,
    );
    assert.deepEqual(other.map((h) => h.messageId), ['rejectUnauthorizedInProduction', 'strictSslInProductionClient']);
  });
});

describe('checkServerIdentity that accepts everything', () => {
  test('no-op shapes', () => {
    const found = inLib(
      [
        `import tls from 'tls'`,
        `tls.connect({ checkServerIdentity: () => undefined })`,
        `tls.connect({ checkServerIdentity: () => {} })`,
        `tls.connect({ checkServerIdentity: () => null })`,
        `tls.connect({ checkServerIdentity: function () { return undefined } })`,
        `function noCheck(host, cert) { return }`,
        `tls.connect({ checkServerIdentity: noCheck })`,
        `tls.connect({ checkServerIdentity(host) { console.log('connecting to', host) } })`,
        `tls.connect({ checkServerIdentity: (host, cert) => { tls.checkServerIdentity(host, cert) } })`,
        `const checkServerIdentity = () => void 0`,
        `tls.connect({ checkServerIdentity })`,
      ].join('\n'),
    );
    assert.deepEqual(lines(found), [2, 3, 4, 5, 7, 8, 9, 11]);
    assert.equal(
      found[0].message,
      '`checkServerIdentity` accepts every certificate for `tls.connect`, so a valid certificate for any host name is trusted.',
    );
    assert.equal(found[0].text, 'checkServerIdentity: () => undefined');
  });

  test('assignment of a no-op', () => {
    const found = inLib(`options.checkServerIdentity = () => {}\noptions.checkServerIdentity = tls.checkServerIdentity`);
    assert.deepEqual(found.map((h) => [h.line, h.messageId]), [[1, 'checkServerIdentity']]);
  });

  test('functions that really check are not flagged', () => {
    const found = inLib(
      [
        `import tls from 'tls'`,
        `tls.connect({ checkServerIdentity: (host, cert) => tls.checkServerIdentity(host, cert) })`,
        `tls.connect({ checkServerIdentity: tls.checkServerIdentity })`,
        `tls.connect({ checkServerIdentity(host, cert) {`,
        `  const error = tls.checkServerIdentity(host, cert)`,
        `  if (error) return error`,
        `  if (cert.fingerprint256 !== PIN) return new Error('pin mismatch')`,
        `} })`,
        `tls.connect({ checkServerIdentity: (host, cert) => { if (cert.subject.CN !== host) throw new Error('mismatch') } })`,
        `tls.connect({ checkServerIdentity: (host, cert) => { assertPinned(host, cert) } })`,
        `tls.connect({ checkServerIdentity: makeChecker(PIN) })`,
      ].join('\n'),
    );
    assert.deepEqual(found, []);
  });
});

describe('connection strings in code', () => {
  test('no-verify parameters in literals and templates, reported at the parameter only', () => {
    const found = inLib(
      [
        `export const a = 'postgresql://app@db.internal:5432/app?sslmode=no-verify'`,
        'export const b = `${process.env.DATABASE_URL}?sslmode=no-verify`',
        'export const c = `postgres://${user}@${host}/app?connect_timeout=10&sslmode=no-verify&application_name=x`',
        `export const d = process.env.REPORTING_URL + '&sslaccept=accept_invalid_certs'`,
        `export const e = 'postgresql://etl@etl.internal/etl?uselibpqcompat=true&sslmode=require'`,
      ].join('\n'),
    );
    assert.deepEqual(found.map((h) => [h.line, h.text, h.messageId]), [
      [1, 'sslmode=no-verify', 'connectionString'],
      [2, 'sslmode=no-verify', 'connectionString'],
      [3, 'sslmode=no-verify', 'connectionString'],
      [4, 'sslaccept=accept_invalid_certs', 'connectionString'],
      [5, 'sslmode=require', 'libpqRequire'],
    ]);
    assert.equal(found[0].message, '`sslmode=no-verify` turns off certificate verification for the database connection.');
    assert.equal(
      found[4].message,
      '`sslmode=require` with `uselibpqcompat=true` encrypts the database connection without verifying the certificate.',
    );
  });

  test('verifying modes and prose are not flagged', () => {
    const found = inLib(
      [
        `export const a = 'postgresql://app@db.internal/app?sslmode=require'`,
        `export const b = 'postgresql://app@db.internal/app?sslmode=verify-full'`,
        `export const c = 'postgresql://app@db.internal/app?sslaccept=strict'`,
        `export const d = 'postgresql://etl@etl.internal/etl?uselibpqcompat=true&sslmode=require&sslrootcert=/etc/ssl/rds.pem'`,
        `export const e = 'postgresql://etl@etl.internal/etl?uselibpqcompat=true&sslmode=verify-full'`,
        `export const f = 'postgresql://app@db.internal/app?sslmode=no-verifyx'`,
        `throw new Error('Do not work around this with ?sslmode=no-verify')`,
        `// DATABASE_URL=postgres://x/y?sslmode=no-verify`,
      ].join('\n'),
    );
    assert.deepEqual(found, []);
  });
});

describe('committed env and TOML files', () => {
  test('.env.defaults, .env.example and .env.sample lines, reported at the value', () => {
    const defaults = [
      '# ruleid-less comment: NODE_TLS_REJECT_UNAUTHORIZED=0',
      'NODE_TLS_REJECT_UNAUTHORIZED=0',
      'DATABASE_URL=postgresql://app@db.internal:5432/app?sslmode=no-verify',
      'TEST_DATABASE_URL=postgresql://app@localhost/app_test?sslmode=require',
      '',
    ].join('\n');
    const example = ['export NODE_TLS_REJECT_UNAUTHORIZED="0"', "PGSSLMODE='no-verify'", 'NODE_TLS_REJECT_UNAUTHORIZED=1', ''].join('\n');
    const sample = ['REPORTING_URL=sqlserver://reports:1433;database=r?sslaccept=accept_invalid_certs # replica', ''].join('\n');
    const found = hits({ '.env.defaults': defaults, '.env.example': example, '.env.sample': sample });
    assert.deepEqual(found.map((h) => [h.file, h.line, h.text, h.messageId]), [
      ['.env.defaults', 2, '0', 'nodeTlsRejectUnauthorized'],
      ['.env.defaults', 3, 'sslmode=no-verify', 'connectionString'],
      ['.env.example', 1, '0', 'nodeTlsRejectUnauthorized'],
      ['.env.example', 2, 'no-verify', 'pgSslMode'],
      ['.env.sample', 1, 'sslaccept=accept_invalid_certs', 'connectionString'],
    ]);
  });

  test('env-file traps: comments, other names, other values', () => {
    const found = hits({
      '.env.defaults': [
        '# NODE_TLS_REJECT_UNAUTHORIZED=0',
        '  # PGSSLMODE=no-verify',
        'MY_NODE_TLS_REJECT_UNAUTHORIZED=0',
        'NODE_TLS_REJECT_UNAUTHORIZED=',
        'NODE_TLS_REJECT_UNAUTHORIZED=00',
        'PGSSLMODE=verify-full',
        'DATABASE_URL=postgresql://app@db/app?sslmode=verify-full # was ?sslmode=no-verify',
        '',
      ].join('\n'),
    });
    assert.deepEqual(found, []);
  });

  test('netlify.toml and redwood.toml', () => {
    const found = hits({
      'netlify.toml': [
        '[build.environment]',
        '  NODE_VERSION = "20"',
        '  NODE_TLS_REJECT_UNAUTHORIZED = "0"',
        '  # NODE_TLS_REJECT_UNAUTHORIZED = "0"',
        '[context.deploy-preview.environment]',
        '  DATABASE_URL = "postgresql://app@db/app?sslmode=no-verify"',
        '',
      ].join('\n'),
    });
    assert.deepEqual(found.map((h) => [h.file, h.line, h.text]), [
      ['netlify.toml', 3, '0'],
      ['netlify.toml', 6, 'sslmode=no-verify'],
    ]);
    const vercel = hits({ 'vercel.json': '{\n  "env": { "NODE_TLS_REJECT_UNAUTHORIZED": "0", "NODE_VERSION": "0" },\n  "build": { "env": { "PGSSLMODE": "no-verify" } }\n}\n' });
    assert.deepEqual(vercel.map((h) => [h.file, h.line, h.text, h.messageId]), [
      ['vercel.json', 2, '0', 'nodeTlsRejectUnauthorized'],
      ['vercel.json', 3, 'no-verify', 'pgSslMode'],
    ]);
  });

  test("Prisma's schema: a datasource url that accepts any certificate; a commented one is not", () => {
    const found = hits({
      'api/db/schema.prisma': [
        'datasource db {',
        '  provider = "postgresql"',
        '  url      = "postgresql://app@db.internal:5432/app?sslaccept=accept_invalid_certs"',
        '  // directUrl = "postgresql://app@db.internal:5432/app?sslmode=no-verify"',
        '}',
        '',
      ].join('\n'),
    });
    assert.deepEqual(found.map((h) => [h.file, h.line, h.text]), [['schema.prisma', 3, 'sslaccept=accept_invalid_certs']]);
  });

  test('CRLF line endings keep spans exact', () => {
    const found = hits({ '.env.defaults': 'A=1\r\nNODE_TLS_REJECT_UNAUTHORIZED=0\r\nB=2\r\n' });
    assert.deepEqual(found.map((h) => [h.line, h.text]), [[2, '0']]);
  });
});

describe('test files', () => {
  const files = {
    'api/src/functions/erpSync.test.js': `import https from 'node:https'\nprocess.env.NODE_TLS_REJECT_UNAUTHORIZED = '0'\nnew https.Agent({ rejectUnauthorized: false })\n`,
    'api/src/lib/__mocks__/erp.js': `export const agentOptions = { rejectUnauthorized: false }\n`,
  };

  test('are skipped by default', () => {
    assert.deepEqual(hits(files), []);
  });

  test('are scanned with includeTests', () => {
    assert.deepEqual(hits(files, { includeTests: true }).map((h) => [h.file, h.line]), [
      ['erpSync.test.js', 2],
      ['erpSync.test.js', 3],
      ['erp.js', 1],
    ]);
  });
});

describe('performance', () => {
  function contextFor(text: string): { ctx: SourceContext; walked: () => boolean } {
    let walked = false;
    const file = {
      kind: 'source',
      path: '/app/api/src/lib/x.js',
      text,
      role: 'source',
      get sf(): ts.SourceFile {
        walked = true;
        return ts.createSourceFile('x.js', text, ts.ScriptTarget.Latest, true);
      },
    };
    const ctx = { file, analysis: undefined, config: {}, report: () => undefined } as unknown as SourceContext;
    return { ctx, walked: () => walked };
  }

  test('a file with none of the trigger words is never parsed or walked', () => {
    const { ctx, walked } = contextFor(`import https from 'node:https'\nexport const a = new https.Agent({ keepAlive: true })\n`);
    rule.checkSource!(ctx);
    assert.equal(walked(), false);
  });

  test('a file with a trigger word is walked', () => {
    const { ctx, walked } = contextFor(`// rejectUnauthorized stays on\nexport const a = 1\n`);
    rule.checkSource!(ctx);
    assert.equal(walked(), true);
  });

  test('8,000 functions in one module scan in well under a few seconds', () => {
    const body: string[] = [`import https from 'node:https'`];
    for (let i = 0; i < 8000; i++) {
      body.push(`export function call${i}(opts) { return https.request({ ...opts, host: 'h${i}', rejectUnauthorized: opts.verify }) }`);
    }
    body.push(`export const bad = new https.Agent({ rejectUnauthorized: false })`);
    const started = process.hrtime.bigint();
    const found = inLib(body.join('\n'));
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    assert.deepEqual(lines(found), [8002]);
    assert.ok(ms < 5000, `took ${ms.toFixed(0)} ms`);
  });
});

describe('tls-legacy fixture', () => {
  test('findings match the no-disabled-tls annotations exactly', () => {
    const result = scanFixture('tls-legacy', { ruleIds: ['no-disabled-tls'] });
    const expected = expectationKeys(expectationsFor('tls-legacy').filter((e) => e.ruleId === 'no-disabled-tls'));
    assert.ok(expected.length >= 25, 'the fixture carries the full set of shapes');
    assert.deepEqual(findingKeys(result), expected);
    assert.deepEqual(result.skipped, []);
    for (const f of result.findings) seenMessageIds.add(f.messageId);
  });

  test('only the production-guarded cases are warnings', () => {
    const result = scanFixture('tls-legacy', { ruleIds: ['no-disabled-tls'] });
    const warnings = result.findings
      .filter((f) => f.level === 'warning')
      .map((f) => `${path.basename(f.location.file)}:${f.location.startPos.line}`);
    assert.deepEqual(warnings, ['bootstrap.js:13', 'warehouse.js:36']);
    assert.ok(result.findings.every((f) => f.level === 'warning' || f.level === 'error'));
  });

  test('the test file in the fixture is found only with includeTests', () => {
    const result = scanFixture('tls-legacy', { ruleIds: ['no-disabled-tls'], includeTests: true });
    const inTests = result.findings.filter((f) => f.location.file.endsWith('erpSync.test.js'));
    assert.equal(inTests.length, 2);
  });
});

describe('rules/no-disabled-tls.md', () => {
  const doc = fs.readFileSync(path.resolve(__dirname, '../rules/no-disabled-tls.md'), 'utf8');
  const examples = doc.slice(doc.indexOf('## Examples'), doc.indexOf('## Known limits'));
  const blocks = [...examples.matchAll(/```(?:js|ts)\n([\s\S]*?)```/g)].map((m) => m[1]);

  test('the flagged example is flagged and the clean one is not', () => {
    assert.equal(blocks.length, 2);
    assert.ok(inLib(blocks[0]).length > 0, 'flagged example');
    assert.deepEqual(inLib(blocks[1]), [], 'clean example');
  });
});

describe('metadata', () => {
  test('messages are one sentence each, with code in backticks', () => {
    for (const [id, text] of Object.entries(rule.meta.messages)) {
      assert.match(text, /^[`A-Z].*\.$/, id);
      assert.equal(text.split(/\.\s/).length, 1, `${id} is one sentence`);
      assert.match(text, /`[^`]+`/, `${id} names code in backticks`);
    }
  });

  test('every message is produced by some case above', () => {
    // Runs last: node:test runs describe blocks in order.
    assert.deepEqual([...seenMessageIds].sort(), Object.keys(rule.meta.messages).sort());
  });
});
