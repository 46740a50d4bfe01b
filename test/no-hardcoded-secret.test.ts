import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { relativePath } from '../src/core/files';
import type { Finding } from '../src/core/types';
import { maskSecret } from '../src/rules/secrets/mask';
import { hasDemoWords, isPlaceholder, isPublicValue } from '../src/rules/secrets/placeholders';
import { credentialKind, envNameFor } from '../src/rules/secrets/names';
import { looksGenerated } from '../src/rules/secrets/classify';
import { SECRET_PATTERNS, findKnownSecret, findPrivateKey } from '../src/rules/secrets/patterns';
import { findUrlCredential } from '../src/rules/secrets/urls';
import { parseEnvFile, parseTomlStrings } from '../src/rules/secrets/env-file';
import { shannonEntropy } from '../src/rules/secrets/entropy';
import { FIXTURES, expectationKeys, expectationsFor, findingKeys, listFiles, scanFixture } from './support/fixtures';
import { scanRules, tempDir, tempProject, writeFiles } from './support/project';

const RULE = 'no-hardcoded-secret';

// ---------------------------------------------------------------------------------------------
// Fake secrets. Every value is generated here from a fixed seed, so no test source holds a
// token, and every one is remembered so the last test can check no output ever printed one.
// ---------------------------------------------------------------------------------------------

const generated = new Set<string>();
let seed = 0x5eed;

function random(): number {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

function chars(length: number, alphabet = ALNUM): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(random() * alphabet.length)];
  return out;
}

/** A fake secret: a public prefix and a random body. Remembered for the leak check. */
function fake(prefix: string, length: number, alphabet = ALNUM): string {
  const value = prefix + chars(length, alphabet);
  generated.add(value);
  return value;
}

const tokens = {
  stripeLive: () => fake('sk_' + 'live_', 24),
  stripeTest: () => fake('sk_' + 'test_', 24),
  restrictedLive: () => fake('rk_' + 'live_', 24),
  whsec: () => fake('whsec' + '_', 32),
  ghp: () => fake('ghp' + '_', 36),
  gho: () => fake('gho' + '_', 36),
  githubPat: () => fake('github' + '_pat_' + chars(22) + '_', 59),
  awsKeyId: () => fake('AK' + 'IA', 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'),
  awsSecret: () => fake('', 40, ALNUM + '+/'),
  slackBot: () => fake('xo' + 'xb-' + chars(12, '0123456789') + '-' + chars(13, '0123456789') + '-', 24),
  slackHook: () => fake('https://hooks.' + 'slack.com/services/T' + chars(8, 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789') + '/B' + chars(10, 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789') + '/', 24),
  sendgrid: () => fake('S' + 'G.' + chars(22, ALNUM + '_-') + '.', 43, ALNUM + '_-'),
  openai: () => fake('sk-' + 'proj-', 56, ALNUM + '_-'),
  google: () => fake('AI' + 'za', 35, ALNUM + '_-'),
  npm: () => fake('np' + 'm_', 36),
  twilio: () => fake('S' + 'K', 32, HEX),
  resend: () => fake('r' + 'e_' + chars(8) + '_', 24),
  gitlab: () => fake('gl' + 'pat-', 20, ALNUM + '_-'),
  notion: () => fake('sec' + 'ret_', 43),
  notionNew: () => fake('nt' + 'n_' + chars(11, '0123456789'), 35),
  mailgun: () => fake('ke' + 'y-', 32, HEX),
  hex64: () => fake('', 64, HEX),
  generic: () => fake('', 32),
  pem: () => fake('-----BEGIN ' + 'RSA PRIVATE KEY-----\n', 0) && pemKey(),
};

function pemKey(): string {
  const lines: string[] = [];
  for (let i = 0; i < 12; i++) lines.push(chars(64, ALNUM + '+/'));
  const value = `-----BEGIN RSA ${'PRIVATE'} KEY-----\n${lines.join('\n')}\n-----END RSA ${'PRIVATE'} KEY-----`;
  generated.add(value);
  return value;
}

// ---------------------------------------------------------------------------------------------
// Throwaway Redwood apps.
// ---------------------------------------------------------------------------------------------

const allFindings: Finding[] = [];

const TSCONFIG = JSON.stringify({ compilerOptions: { baseUrl: './', paths: { 'src/*': ['./src/*'], '@lib/*': ['./src/lib/*'] } } });

function scanApp(files: Record<string, string>, options: { includeTests?: boolean } = {}): Finding[] {
  const root = tempProject({ 'api/tsconfig.json': TSCONFIG, ...files }, 'fnscan-secret-');
  const result = scanRules(root, [RULE], options);
  assert.deepEqual(result.skipped, []);
  allFindings.push(...result.findings);
  return result.findings.map((f) => ({ ...f, location: { ...f.location, file: relativePath(root, f.location.file) } }));
}

/** Findings for one module at api/src/lib/x.ts. */
function scanModule(code: string): Finding[] {
  return scanApp({ 'api/src/lib/x.ts': code });
}

/** `line:level:messageId` of each finding, for compact comparisons. */
function summary(findings: Finding[]): string[] {
  return findings.map((f) => `${f.location.startPos.line}:${f.level}:${f.messageId}`);
}

// ---------------------------------------------------------------------------------------------

describe('maskSecret', () => {
  test('a long value shows its first four characters and its length', () => {
    const value = tokens.stripeLive();
    assert.equal(maskSecret(value), `${value.slice(0, 4)}…(32 chars)`);
  });

  test('a value of 12 to 19 characters shows two characters', () => {
    assert.equal(maskSecret('abcdefghijklmnop'), 'ab…(16 chars)');
  });

  test('a value shorter than 12 characters shows only its length', () => {
    assert.equal(maskSecret('hunter22!x'), '10 chars');
  });

  test('a prefix never carries a backtick, a newline or a non-ASCII character', () => {
    assert.equal(maskSecret('ab`cdefghijklmnopqrstuvwxyz'), 'ab…(27 chars)');
    assert.equal(maskSecret('\nabcdefghijklmnopqrstuvwxyz'), '27 chars');
    assert.equal(maskSecret('é' + 'x'.repeat(30)), '31 chars');
  });
});

describe('placeholders', () => {
  const placeholders = [
    '', '   ', 'changeme', 'CHANGE_ME', 'change-this', 'your-key-here', 'YOUR_API_KEY', 'your_stripe_secret',
    'xxx', 'xxxxxxxxxxxxxxxx', '********', '<token>', '<your-token-here>', '${SESSION_SECRET}', '$SESSION_SECRET',
    '{{ webhook_secret }}', '%s', '__SECRET__', 'THIS_IS_NOT_SECRET_PLEASE_CHANGE', 'replace_me', 'REPLACE-WITH-REAL-KEY',
    'example', 'test', 'secret', 'password', 'Password', 'placeholder', 'dummy-token', 'redacted', '12345678',
    'abcdefghijklmnop', '0123456789abcdef', 'not-a-secret', 'insert-key-here', '...', 'whsec_test', 'ghp_your_token',
    'sk_' + 'test_xxx', '$S{userAccessToken}', '{token}', 'sk_' + 'test_fake_key_for_build', 'ghp_' + 'not-a-real-token',
  ];
  for (const value of placeholders) {
    test(`is a placeholder: ${JSON.stringify(value)}`, () => assert.equal(isPlaceholder(value), true));
  }

  test('generated values are not placeholders, nor words that do not say the value is fake', () => {
    for (const value of [tokens.generic(), tokens.hex64(), tokens.awsSecret(), tokens.stripeLive(), 'sk_' + 'test_' + chars(24), 'whsec_' + 'test_key_for_development']) {
      assert.equal(isPlaceholder(value), false, value.slice(0, 8));
    }
  });

  test('demo words are spotted through l33t spelling', () => {
    assert.equal(hasDemoWords('Sup3rS3cret!'), true);
    assert.equal(hasDemoWords('Passw0rd2024'), true);
    assert.equal(hasDemoWords(tokens.generic().replace(/[a-z]/gi, 'Q')), false);
  });

  test('publishable and public keys are public values', () => {
    assert.equal(isPublicValue('pk_' + 'live_' + chars(24)), true);
    assert.equal(isPublicValue('pk_' + 'test_' + chars(24)), true);
    assert.equal(isPublicValue('-----BEGIN PUBLIC KEY-----\nMIIB'), true);
    assert.equal(isPublicValue('ssh-ed25519 AAAAC3Nza'), true);
    assert.equal(isPublicValue('phc_' + chars(43, ALNUM)), true);
    assert.equal(isPublicValue(tokens.stripeLive()), false);
    assert.equal(isPublicValue('phx_' + chars(43, ALNUM)), false);
  });
});

describe('credential names', () => {
  const credentials: [string, string][] = [
    ['apiKey', 'API key'], ['api_key', 'API key'], ['API_KEY', 'API key'], ['x-api-key', 'API key'], ['APIKey', 'API key'],
    ['secret', 'secret'], ['clientSecret', 'secret'], ['CLIENT_SECRET', 'secret'], ['signingSecret', 'secret'],
    ['SESSION_SECRET', 'secret'], ['webhookSecret', 'secret'], ['token', 'token'], ['accessToken', 'token'],
    ['authToken', 'token'], ['GITHUB_TOKEN', 'token'], ['password', 'password'], ['DB_PASSWORD', 'password'],
    ['DB_PASS', 'password'], ['passphrase', 'password'], ['privateKey', 'private key'], ['STRIPE_SECRET_KEY', 'secret key'],
    ['signingKey', 'secret key'], ['encryptionKey', 'secret key'], ['credentials', 'credential'], ['ALGOLIA_ADMIN_SEARCH_KEY', 'secret key'],
  ];
  for (const [name, kind] of credentials) {
    test(`\`${name}\` names a ${kind}`, () => assert.equal(credentialKind(name), kind));
  }

  const notCredentials = [
    'hashedPassword', 'salt', 'resetToken', 'resetTokenExpiresAt', 'passwordLabel', 'passwordPlaceholder', 'tokenType',
    'token_type', 'grant_type', 'publishableKey', 'STRIPE_PUBLISHABLE_KEY', 'publicKey', 'NEXT_PUBLIC_API_KEY',
    'nextPageToken', 'csrfToken', 'secretName', 'secretArn', 'tokenUrl', 'key', 'cacheKey', 'idempotencyKey',
    'signatureHeader', 'pass', 'bypass', 'testSecret', 'mockToken', 'FAKE_PASSWORD', 'accessKeyId', 'apiKeyHeader',
    'searchApiKey', 'ALGOLIA_SEARCH_KEY', 'supabaseAnonKey', 'siteKey',
  ];
  for (const name of notCredentials) {
    test(`\`${name}\` does not name a credential`, () => assert.equal(credentialKind(name), undefined));
  }

  test('the suggested environment variable is the name in UPPER_SNAKE_CASE', () => {
    assert.equal(envNameFor('apiKey'), 'API_KEY');
    assert.equal(envNameFor('clientSecret'), 'CLIENT_SECRET');
    assert.equal(envNameFor('STRIPE_KEY'), 'STRIPE_KEY');
    assert.equal(envNameFor('x-api-key'), 'X_API_KEY');
    assert.equal(envNameFor('config.webhookSigningSecret'), 'WEBHOOK_SIGNING_SECRET');
    assert.equal(envNameFor('APIKey'), 'API_KEY');
  });
});

describe('generated-looking values', () => {
  test('random values of every usual alphabet look generated', () => {
    for (const value of [tokens.generic(), tokens.hex64(), tokens.awsSecret(), fake('7', 11, ALNUM + '!#%'), fake('', 24, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz')]) {
      assert.ok(looksGenerated(value), `a ${value.length}-character value`);
    }
  });

  const traps = [
    'Enter your password', 'hashedPassword', 'resetTokenExpiresAt', 'rw-auth-token-v2', 'us-east-1', 'text-gray-500',
    'rw-input rw-input-error', 'auth.password.label', 'Passw0rd!', 'Sup3rS3cret!', 'demo-password-2024',
    'dev-session-secret-2024', 'STRIPE_SECRET_KEY', 'support@ledgerly.app', 'https://api.example.com/v1',
    './config/secrets.json', 'sha384-' + chars(64, ALNUM + '+/'), 'client_credentials', 'abc12345',
  ];
  for (const value of traps) {
    test(`does not look generated: ${JSON.stringify(value.slice(0, 24))}`, () => assert.equal(looksGenerated(value), false));
  }

  test('entropy is measured in bits per character', () => {
    assert.equal(shannonEntropy('aaaa'), 0);
    assert.equal(shannonEntropy('abcd'), 2);
  });
});

describe('known token formats', () => {
  const cases: [string, () => string, string, string][] = [
    ['Stripe live secret key', tokens.stripeLive, 'stripe-secret-key', 'error'],
    ['Stripe test secret key', tokens.stripeTest, 'stripe-secret-key', 'warning'],
    ['Stripe restricted key', tokens.restrictedLive, 'stripe-secret-key', 'error'],
    ['webhook signing secret', tokens.whsec, 'webhook-signing-secret', 'error'],
    ['GitHub personal access token', tokens.ghp, 'github-token', 'error'],
    ['GitHub OAuth token', tokens.gho, 'github-token', 'error'],
    ['GitHub fine-grained token', tokens.githubPat, 'github-fine-grained-token', 'error'],
    ['AWS access key ID', tokens.awsKeyId, 'aws-access-key-id', 'error'],
    ['Slack bot token', tokens.slackBot, 'slack-token', 'error'],
    ['Slack webhook URL', tokens.slackHook, 'slack-webhook-url', 'error'],
    ['SendGrid API key', tokens.sendgrid, 'sendgrid-api-key', 'error'],
    ['OpenAI API key', tokens.openai, 'openai-api-key', 'error'],
    ['Google API key', tokens.google, 'google-api-key', 'warning'],
    ['npm token', tokens.npm, 'npm-token', 'error'],
    ['Resend API key', tokens.resend, 'resend-api-key', 'error'],
    ['GitLab token', tokens.gitlab, 'gitlab-token', 'error'],
    ['PEM private key', pemKey, 'private-key', 'error'],
    ['Notion integration token', tokens.notion, 'notion-token', 'error'],
    ['Notion integration token (ntn_)', tokens.notionNew, 'notion-token', 'error'],
  ];
  for (const [label, make, patternId, level] of cases) {
    test(`finds a ${label}, alone and inside a longer string`, () => {
      const token = make();
      const alone = findKnownSecret(token);
      assert.equal(alone?.patternId, patternId);
      assert.equal(alone?.level, level);
      assert.ok(alone?.token === token, 'the whole token is the secret');
      const embedded = findKnownSecret(`config: "${token}" (rotated yearly)`);
      assert.ok(embedded?.token === token, 'the token is cut out of the longer string');
      assert.equal(embedded?.start, 9);
    });
  }

  test('Mailgun keys: the whole value, or inside a text that mentions Mailgun (key-<md5> is also a cache key)', () => {
    const key = tokens.mailgun();
    assert.equal(findKnownSecret(key)?.patternId, 'mailgun-api-key');
    assert.equal(findKnownSecret(`api:${key}`)?.token, key);
    assert.equal(findKnownSecret(`cache:${key}`), undefined);
    assert.equal(findKnownSecret(`uploads/${key}.png`), undefined);
    assert.equal(findKnownSecret(`cache:${key}`, { mailgun: true })?.token, key);
    assert.equal(findKnownSecret(`x ${key}`, { name: 'mailgun_api_key' })?.level, 'error');
  });

  test('Twilio API keys need a Twilio context', () => {
    const key = tokens.twilio();
    assert.equal(findKnownSecret(key), undefined);
    assert.equal(findKnownSecret(key, { twilio: true })?.patternId, 'twilio-api-key');
    assert.equal(findKnownSecret(key, { name: 'twilio_api_key' })?.level, 'warning');
  });

  test('an AWS secret access key inside a credentials file text', () => {
    const secret = tokens.awsSecret();
    const keyId = tokens.awsKeyId();
    const found = findKnownSecret(`[default]\naws_access_key_id = ${keyId}\naws_secret_access_key = ${secret}\n`);
    assert.equal(found?.patternId, 'aws-access-key-id');
    assert.ok(findKnownSecret(`aws_secret_access_key=${secret}`)?.token === secret);
  });

  const nearMisses: [string, () => string][] = [
    ['a body one character short', () => 'sk_' + 'live_' + chars(19)],
    ['a placeholder body', () => 'sk_' + 'test_' + 'x'.repeat(24)],
    ['a sequential body', () => 'sk_' + 'live_' + 'abcdefghijklmnopqrstuvwx'],
    ['a prefix glued to a word', () => 'task_' + 'live_' + chars(24)],
    ['a publishable key', () => 'pk_' + 'live_' + chars(24)],
    ['the AWS documentation key', () => 'AK' + 'IAIOSFODNN7EXAMPLE'],
    ['a GitHub token one character short', () => 'ghp' + '_' + chars(35)],
    ['a GitHub token glued to a word', () => 'xghp' + '_' + chars(36)],
    ['a Slack token without numbers', () => 'xo' + 'xb-your-bot-token-goes-right-here'],
    ['the Slack documentation webhook', () => 'https://hooks.' + 'slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX'],
    ['a SendGrid placeholder', () => 'S' + 'G.' + 'x'.repeat(22) + '.' + 'x'.repeat(43)],
    ['an over-long Google key', () => 'AI' + 'za' + chars(40)],
    ['a PEM private key without key material', () => '-----BEGIN ' + 'PRIVATE KEY-----\n...\n-----END PRIVATE KEY-----'],
    ['a PEM private key of repeated characters', () => '-----BEGIN ' + 'PRIVATE KEY-----\n' + 'A'.repeat(200) + '\n-----END PRIVATE KEY-----'],
    ['a PEM public key', () => '-----BEGIN PUBLIC KEY-----\n' + chars(200) + '\n-----END PUBLIC KEY-----'],
    ['a plain word', () => 'skeleton_live_wire'],
  ];
  for (const [label, make] of nearMisses) {
    test(`ignores ${label}`, () => assert.equal(findKnownSecret(make(), { twilio: true }), undefined));
  }

  test('a PEM key with escaped newlines, as written in a one-line env value', () => {
    const pem = pemKey();
    assert.equal(findPrivateKey(pem.replace(/\n/g, '\\n'))?.patternId, 'private-key');
  });
});

describe('passwords in URLs', () => {
  test('a real password to a remote host is found', () => {
    const password = fake('', 20);
    const found = findUrlCredential(`postgresql://app:${password}@db.prod.eu-west-1.rds.amazonaws.com:5432/app`);
    assert.ok(found?.password === password);
    assert.equal(found?.host, 'db.prod.eu-west-1.rds.amazonaws.com');
  });

  const devUrls = [
    'postgresql://postgres:postgres@localhost:5432/app',
    `postgresql://app:${chars(16)}@localhost:5432/app`,
    `postgresql://app:${chars(16)}@127.0.0.1/app`,
    `mysql://root:${chars(16)}@db:3306/app`,
    `redis://default:${chars(16)}@host.docker.internal:6379`,
    `postgres://app:${chars(16)}@db.example.com/app`,
    'postgresql://app:${DB_PASSWORD}@db.prod.internal.net/app',
    'postgresql://app:password@db.prod.internal.net/app',
    'postgresql://app:app@db.prod.internal.net/app',
    'https://user@github.com/acme/repo.git',
    'file:./dev.db',
    'https://api.partner-reports.io/v2/reports',
  ];
  for (const url of devUrls) {
    test(`ignores a development or credential-less URL (${url.split('@').pop()?.slice(0, 30)})`, () => {
      assert.equal(findUrlCredential(url), undefined);
    });
  }

  test('a Cloudinary URL names an account after the @, so a single label there is no development host', () => {
    const secret = chars(27);
    assert.equal(findUrlCredential(`cloudinary://618819851174347:${secret}@acme-landing`)?.password, secret);
    assert.equal(findUrlCredential(`https://618819851174347:${secret}@acme-landing`), undefined, 'any other scheme: a compose service');
  });
});

describe('env and TOML parsing', () => {
  test('dotenv syntax: export, quotes, comments, colons, spans', () => {
    const text = [
      '# a comment',
      'PLAIN=value1 # trailing comment',
      'export EXPORTED=value2',
      "SINGLE='value 3'",
      'DOUBLE="line\\nbreak"',
      'COLON: value5',
      'EMPTY=',
      '   ',
      'MULTI="first',
      'second"',
      'AFTER=value6',
    ].join('\n');
    const parsed = parseEnvFile(text);
    assert.deepEqual(
      parsed.map((a) => [a.key, a.value]),
      [
        ['PLAIN', 'value1'],
        ['EXPORTED', 'value2'],
        ['SINGLE', 'value 3'],
        ['DOUBLE', 'line\nbreak'],
        ['COLON', 'value5'],
        ['EMPTY', ''],
        ['MULTI', 'first\nsecond'],
        ['AFTER', 'value6'],
      ],
    );
    for (const a of parsed.filter((p) => p.key !== 'DOUBLE')) assert.equal(text.slice(a.start, a.end), a.value);
  });

  test('TOML string values, bare, dotted and quoted keys, tables and arrays skipped', () => {
    const text = [
      '[build.environment]',
      '  NODE_VERSION = "20"',
      "  SENTRY_AUTH_TOKEN = 'abc'",
      '  "quoted.key" = "v"',
      '  a.b.API_KEY = "k"',
      '  LIST = ["x", "y"]',
      '  MULTI = """',
      'line"""',
      '[[redirects]]',
      '  from = "/*"',
    ].join('\n');
    assert.deepEqual(
      parseTomlStrings(text).map((a) => [a.key, a.value]),
      [
        ['NODE_VERSION', '20'],
        ['SENTRY_AUTH_TOKEN', 'abc'],
        ['quoted.key', 'v'],
        ['API_KEY', 'k'],
        ['MULTI', '\nline'],
        ['from', '/*'],
      ],
    );
  });
});

describe('committed env and config files', () => {
  test('a real value under a credential key is reported; placeholders and settings are not', () => {
    const session = tokens.hex64();
    const password = fake('', 24);
    const findings = scanApp({
      '.env.defaults': [
        'DATABASE_URL=file:./dev.db',
        'PRISMA_HIDE_UPDATE_MESSAGE=true',
        'LOG_LEVEL=debug',
        `SESSION_SECRET=${session}`,
        'WEBHOOK_SECRET=THIS_IS_NOT_SECRET_PLEASE_CHANGE',
        'STRIPE_SECRET_KEY=sk_' + 'test_xxx',
        `REPLICA_URL="postgresql://ro:${password}@replica.prod.example-corp.net:5432/app"`,
        'LOCAL_URL=postgresql://postgres:postgres@localhost:5432/app',
        '',
      ].join('\n'),
      '.env.example': ['SESSION_SECRET=', 'STRIPE_SECRET_KEY=sk_' + 'test_your_key_here', 'JWT_SECRET=changeme', `export GITHUB_TOKEN='${tokens.ghp()}'`].join('\n'),
    });
    assert.deepEqual(
      findings.map((f) => `${f.location.file}:${f.location.startPos.line}:${f.level}:${f.data.kind}`),
      ['.env.defaults:4:warning:secret', '.env.defaults:7:error:password in a URL', '.env.example:4:error:GitHub personal access token'],
    );
    assert.equal(findings[0].message, `\`SESSION_SECRET\` holds a hardcoded secret (${session.slice(0, 4)}…(64 chars)).`);
  });

  test("Prisma's schema: a datasource url written out, not env(), not a commented line", () => {
    const schema = (url: string) =>
      ['datasource db {', '  provider = "postgresql"', `  url      = ${url}`, '}', '', 'model User {', '  id    Int    @id @default(autoincrement())', '  email String @unique', '}', ''].join('\n');
    const written = scanApp({ 'api/db/schema.prisma': schema(`"postgresql://app:${chars(24)}@db.prod.harbor.dev:5432/app"`) });
    assert.deepEqual(summary(written), ['3:error:hardcoded']);
    assert.equal(written[0].location.file, 'api/db/schema.prisma');
    assert.deepEqual(scanApp({ 'api/db/schema.prisma': schema('env("DATABASE_URL")') }), []);
    assert.deepEqual(scanApp({ 'api/db/schema.prisma': schema(`env("DATABASE_URL")\n  // url = "postgresql://app:${chars(24)}@localhost:5432/app"`) }), []);
  });

  test('a netlify.toml build environment is read too', () => {
    const findings = scanApp({ 'netlify.toml': `[build.environment]\n  NODE_VERSION = "20"\n  STRIPE_SECRET_KEY = "${tokens.stripeLive()}"\n` });
    assert.deepEqual(summary(findings), ['3:error:hardcoded']);
  });

  test("vercel.json's env and build.env blocks are read too; its other strings are not assignments", () => {
    const key = tokens.stripeLive();
    const vercel = [
        '{',
        '  "crons": [{ "path": "/api/cron", "schedule": "0 5 * * *" }],',
        `  "env": { "STRIPE_SECRET_KEY": "${key}", "PUBLIC_BASE_URL": "https://widgets.acme.dev" },`,
        `  "build": { "env": { "SESSION_SECRET": "Zq8vN3kLp2Xr7TgY5wHc9JmB4sDf6AeQ" } },`,
        '  "headers": [{ "source": "/(.*)", "headers": [{ "key": "X-Frame-Options", "value": "DENY" }] }]',
        '}',
      ].join('\n');
    const findings = scanApp({ 'vercel.json': vercel });
    assert.deepEqual(summary(findings), ['3:error:hardcoded', '4:warning:hardcoded']);
    assert.equal(vercel.slice(findings[0].location.start, findings[0].location.end), key);
  });
});

describe('literals used as credentials', () => {
  test("Twilio's auth token passed by position, and a token glued to 'Bearer '", () => {
    const code = [
      "import twilio from 'twilio'",
      `export const client = twilio('AC${chars(32, HEX)}', '${fake('', 32, HEX)}')`,
      `export const headers = { Authorization: 'Bearer ' + '${tokens.generic()}' }`,
      // An env token glued the same way, and a local function called twilio, are not.
      "export const fromEnv = { Authorization: 'Bearer ' + process.env.API_TOKEN }",
    ].join('\n');
    const found = scanModule(code);
    assert.deepEqual(summary(found).map((s) => s.replace(/:(warning|error):/, ':')), ['2:sinkLiteral', '3:authorizationHeader']);
    assert.match(found[0].message, /^The Twilio auth token passed to `twilio` is a hardcoded string/);
    const local = scanModule(`const twilio = (a, b) => [a, b]\nexport const pair = twilio('ACxx', '${chars(32, HEX)}')`);
    assert.deepEqual(local, []);
  });

  test('Redwood verifyEvent secret, with a suggestion to read the environment', () => {
    const code = [
      "import { verifyEvent } from '@redwoodjs/api/webhooks'",
      'export const check = (event) =>',
      "  verifyEvent('timestampSchemeVerifier', { event, secret: 'MY-VOICE-IS-MY-PASSPORT-VERIFY-ME' })",
    ].join('\n');
    const [finding, ...rest] = scanModule(code);
    assert.equal(rest.length, 0);
    assert.equal(finding.message, 'The webhook secret passed to `verifyEvent` is a hardcoded string (MY-V…(33 chars)).');
    assert.equal(finding.level, 'error');
    assert.equal(finding.location.startPos.line, 3);
    assert.deepEqual(finding.suggestions, [
      { description: 'Read it from process.env.SECRET', span: { start: finding.location.start, end: finding.location.end }, text: 'process.env.SECRET' },
    ]);
  });

  test('jwt.sign and jwt.verify keys, createHmac keys, keys wrapped in Buffer.from or sliced', () => {
    const code = [
      "import jwt from 'jsonwebtoken'",
      "import crypto from 'node:crypto'",
      "export const a = (p) => jwt.sign(p, 'shhhhh')",
      "export const b = (t) => jwt.verify(t, 'another-key-1')",
      `export const c = (body) => crypto.createHmac('sha256', '${tokens.generic()}').update(body).digest('hex')`,
      "export const d = (body) => crypto.createHmac('sha256', Buffer.from('YmFzZTY0LWtleQ==', 'base64')).update(body)",
      "export const e = (p) => jwt.sign(p, process.env.JWT_SECRET)",
      "export const f = (p) => jwt.sign(p, 'secret')",
      `const CLERK_WEBHOOK_SECRET_KEY = '${tokens.whsec()}'`,
      "export const g = (event) => verifyEvent('base64Sha256Verifier', { event, secret: CLERK_WEBHOOK_SECRET_KEY.slice(6) })",
      // jose's key as Next.js's auth guide writes it, encoded in a constant.
      "import { SignJWT } from 'jose'",
      `const key = new TextEncoder().encode('${tokens.generic()}')`,
      "export const h = (p) => new SignJWT(p).setProtectedHeader({ alg: 'HS256' }).sign(key)",
    ].join('\n');
    assert.deepEqual(summary(scanModule(code)), ['3:error:sinkLiteral', '4:error:sinkLiteral', '5:error:sinkLiteral', '6:error:sinkLiteral', '9:error:sinkConstant', '12:error:sinkConstant']);
  });

  test('an HMAC key that reads as a label is a derivation constant, not a secret; a JWT key never is', () => {
    const code = [
      "import crypto from 'node:crypto'",
      "import jwt from 'jsonwebtoken'",
      "export const a = (token) => crypto.createHmac('sha256', 'WebAppData').update(token).digest()",
      "export const b = (key) => crypto.createHmac('sha256', 'app-key-derivation-v1').update(key).digest()",
      "export const c = (p) => jwt.sign(p, 'app-key-derivation-v1')",
    ].join('\n');
    assert.deepEqual(summary(scanModule(code)), ['5:error:sinkLiteral']);
  });

  test('svix Webhook and Stripe constructEvent signing secrets', () => {
    const secret = tokens.whsec();
    const code = [
      "import { Webhook } from 'svix'",
      "import Stripe from 'stripe'",
      'const stripe = new Stripe(process.env.STRIPE_SECRET_KEY)',
      `export const wh = new Webhook('${secret}')`,
      "export const parse = (body, sig) => stripe.webhooks.constructEvent(body, sig, 'endpoint-secret-42')",
    ].join('\n');
    const findings = scanModule(code);
    assert.deepEqual(summary(findings), ['4:error:sinkLiteral', '5:error:sinkLiteral']);
    assert.match(findings[0].message, /^The webhook signing secret passed to `new Webhook` is a hardcoded string \(whse…\(38 chars\)\)\.$/);
    assert.match(findings[1].message, /`stripe\.webhooks\.constructEvent`/);
  });

  test('Authorization headers: Bearer and Basic, as property, assignment and header setter', () => {
    const bearer = tokens.generic();
    const basic = Buffer.from(`sync:${fake('', 20)}`).toString('base64');
    const code = [
      `const headers = { Authorization: 'Bearer ${bearer}', Accept: 'application/json' }`,
      'export const send = (request, token) => {',
      `  request.headers.authorization = 'Basic ${basic}'`,
      `  request.headers.set('Authorization', 'Bearer ${tokens.ghp()}')`,
      "  request.headers.set('Authorization', `Bearer ${token}`)",
      "  return { headers, placeholder: { Authorization: 'Bearer <token>' }, demo: { Authorization: 'Basic dXNlcjpwYXNzd29yZA==' } }",
      '}',
    ].join('\n');
    const findings = scanModule(code);
    assert.deepEqual(summary(findings), ['1:error:authorizationHeader', '3:error:authorizationHeader', '4:error:authorizationHeader']);
    assert.deepEqual(findings.map((f) => f.data.kind), ['Bearer token', 'Basic credential', 'GitHub personal access token']);
  });
});

describe('credential names and formats in source', () => {
  test('a known format is an error whatever the name, with an env suggestion', () => {
    const key = tokens.stripeLive();
    const [finding] = scanModule(`export const STRIPE_KEY = '${key}'\n`);
    assert.equal(finding.message, `\`STRIPE_KEY\` holds a hardcoded Stripe secret key (${key.slice(0, 4)}…(32 chars)).`);
    assert.equal(finding.level, 'error');
    assert.equal(finding.suggestions[0].text, 'process.env.STRIPE_KEY');
  });

  test('a test-mode key is a warning', () => {
    assert.deepEqual(summary(scanModule(`export const stripeKey = '${tokens.stripeTest()}'\n`)), ['1:warning:hardcoded']);
  });

  test('a generated value under a credential name is a warning, in every naming style', () => {
    const code = [
      `export const apiKey = '${tokens.generic()}'`,
      `export const config = { client_secret: '${tokens.generic()}', 'x-api-key': '${tokens.hex64()}' }`,
      `class Client { private authToken = '${tokens.generic()}' }`,
      `export const connect = ({ password = '${fake('9', 15, ALNUM + '#!')}' } = {}) => password`,
      `export const isAdmin = (req) => req.headers['x-api-key'] === '${tokens.generic()}'`,
      `settings.signingSecret = '${tokens.generic()}'`,
    ].join('\n');
    const findings = scanModule(code);
    assert.deepEqual(summary(findings), ['1:warning:hardcoded', '2:warning:hardcoded', '2:warning:hardcoded', '3:warning:hardcoded', '4:warning:hardcoded', '5:warning:hardcoded', '6:warning:hardcoded']);
    assert.deepEqual(
      findings.map((f) => f.suggestions[0]?.text),
      ['process.env.API_KEY', 'process.env.CLIENT_SECRET', 'process.env.X_API_KEY', 'process.env.AUTH_TOKEN', 'process.env.PASSWORD', undefined, 'process.env.SIGNING_SECRET'],
    );
  });

  test('AWS: the key ID, and the secret access key beside it', () => {
    const code = `export const credentials = { accessKeyId: '${tokens.awsKeyId()}', secret: '${tokens.awsSecret()}' }\n`;
    const findings = scanModule(code);
    assert.deepEqual(findings.map((f) => f.data.kind), ['AWS access key ID', 'AWS secret access key']);
  });

  test('a Firebase web config apiKey is public; the same key elsewhere is a warning', () => {
    const firebase = `export const app = { apiKey: '${tokens.google()}', authDomain: 'x.firebaseapp.com', projectId: 'x' }\n`;
    assert.deepEqual(scanModule(firebase), []);
    // Known as one by its web app id, by initializeApp, or with the key behind a public name's fallback.
    const shapes = [
      `export const a = { apiKey: '${tokens.google()}', projectId: 'x', appId: '1:99812311234:web:0a1b2c3d4e5f60718293a4' }`,
      "import { initializeApp } from 'firebase/app'",
      `export const b = initializeApp({ apiKey: '${tokens.google()}', projectId: 'x' })`,
      `export const c = initializeApp({ apiKey: process.env.NEXT_PUBLIC_FIREBASE_API_KEY ?? '${tokens.google()}', projectId: 'x' })`,
      `export const d = process.env.NEXT_PUBLIC_MAPS_KEY || '${tokens.google()}'`,
    ].join('\n');
    assert.deepEqual(scanModule(shapes), []);
    assert.deepEqual(summary(scanModule(`export const e = process.env.MAPS_SERVER_KEY || '${tokens.google()}'\n`)), ['1:warning:envFallback']);
    assert.deepEqual(summary(scanModule(`export const MAPS_SERVER_KEY = '${tokens.google()}'\n`)), ['1:warning:hardcoded']);
  });

  test('a known format in an unnamed literal or a template literal', () => {
    const code = [`console.log('${tokens.npm()}')`, `export const url = \`https://x.dev/?token=\${id}&key=${tokens.slackBot()}\``].join('\n');
    assert.deepEqual(summary(scanModule(code)), ['1:error:literal', '2:error:literal']);
  });
});

describe('comments', () => {
  test('a known format in a source comment is reported; format names and literal placeholders are not', () => {
    const code = [
      '// Rotated in March; the old key was:',
      `//   ${tokens.stripeLive()}`,
      `/* backup token ${tokens.ghp()} */`,
      '// Stripe keys look like sk_live_<24 characters>',
      "export const example = 'sk_" + "test_xxxxxxxxxxxxxxxxxxxxxxxx' // a placeholder literal",
      `export const label = \`Copy your key (${'pk_'}live_${chars(24)})\``,
    ].join('\n');
    const findings = scanModule(code);
    assert.deepEqual(summary(findings), ['2:error:comment', '3:error:comment']);
    assert.equal(findings[0].location.start, code.indexOf('sk_' + 'live_'));
  });

  test('a commented-out key in a committed env file is reported', () => {
    const findings = scanApp({
      '.env.defaults': ['# Old key, kept just in case:', `# STRIPE_SECRET_KEY=${tokens.stripeLive()}`, '# WEBHOOK_SECRET=THIS_IS_NOT_SECRET_PLEASE_CHANGE', ''].join('\n'),
      'netlify.toml': `[build.environment]\n  KEYS = ["${tokens.ghp()}"]\n`,
    });
    assert.deepEqual(
      findings.map((f) => `${f.location.file}:${f.location.startPos.line}:${f.messageId}`),
      ['.env.defaults:2:comment', 'netlify.toml:2:literal'],
    );
  });
});

describe('env fallbacks', () => {
  test('known formats, weak defaults for credential variables, and what is left alone', () => {
    const code = [
      `export const a = process.env.SLACK_BOT_TOKEN || '${tokens.slackBot()}'`,
      `export const b = process.env.OPENAI_API_KEY ?? '${tokens.openai()}'`,
      "export const c = process.env.SESSION_SECRET || 'dev-session-secret'",
      "export const d = process.env.JWT_SECRET || 'secret'",
      "export const e = process.env.API_URL || 'https://api.partner-reports.io/v2'",
      "export const f = process.env.REGION ?? 'eu-west-1'",
      `const { WEBHOOK_SECRET = '${tokens.generic()}' } = process.env`,
      `export const g = process.env.BUILD_HASH || '${tokens.hex64()}'`,
      "export const h = process.env.DB_PASSWORD || 'postgres'",
      "export const i = process.env.GOOGLE_APPLICATION_CREDENTIALS || './service-account.json'",
      "export const j = process.env.PRIVATE_KEY_FILE ?? '/etc/secrets/signing.pem'",
      "export const k = process.env.SIGNING_KEY || 'certs/signing-key.pem'",
      "export const l = process.env.PRIVATE_KEY ?? 'file://keys/private.pem'",
      "export const m = process.env.MINIO_SECRET_KEY ?? 'minioadmin'",
      // A public key under a public name: Supabase's anon key is a JWT sent by every browser.
      `export const n = process.env.SUPABASE_ANON_KEY ?? '${'eyJhbGciOiJIUzI1NiJ9.' + chars(60) + '.' + chars(43)}'`,
    ].join('\n');
    const findings = scanModule(code);
    assert.deepEqual(summary(findings), ['1:error:envFallback', '2:error:envFallback', '3:warning:envFallback', '7:warning:envFallback']);
    assert.equal(findings[2].message, 'The fallback for `process.env.SESSION_SECRET` is a hardcoded secret (de…(18 chars)).');
  });

  test('a ternary on the same variable and a default set with ??= are fallbacks too', () => {
    const code = [
      `export const a = process.env.JWT_SECRET ? process.env.JWT_SECRET : '${tokens.generic()}'`,
      `process.env.CRON_SECRET ??= '${tokens.generic()}'`,
      // Another variable's value in the other branch is not a fallback of this one.
      `export const b = process.env.USE_LEGACY ? process.env.LEGACY_TOKEN : 'modern-mode-default'`,
      "export const c = process.env.JWT_SECRET ? process.env.JWT_SECRET : ''",
    ].join('\n');
    assert.deepEqual(summary(scanModule(code)), ['1:warning:envFallback', '2:warning:envFallback']);
  });

  test("edge functions' env readers: Netlify.env.get and Deno.env.get, named as the code reads them", () => {
    const code = [
      `export const a = Netlify.env.get('JWT_SECRET') ?? '${tokens.generic()}'`,
      `export const b = Deno.env.get('SESSION_SECRET') || '${tokens.generic()}'`,
      "export const c = Netlify.env.get('SITE_NAME') ?? 'harbor-desk'",
    ].join('\n');
    const found = scanModule(code);
    assert.deepEqual(summary(found), ['1:warning:envFallback', '2:warning:envFallback']);
    assert.match(found[0].message, /^The fallback for `Netlify\.env\.get\('JWT_SECRET'\)` is/);
  });
});

describe('private keys written one line per literal', () => {
  test('a `+` chain and an array of lines are the key they spell; parts from elsewhere, or a public key, are not', () => {
    const lines = pemKey().split('\n');
    const chain = lines.map((l) => `  '${l}\\n'`).join(' +\n');
    const array = lines.map((l) => `  '${l}',`).join('\n');
    const code = [
      `export const GITHUB_APP_PRIVATE_KEY =\n${chain}`,
      `const LINES = [\n${array}\n]`,
      "export const appleKey = LINES.join('\\n')",
      `export const assembled = '${lines[0]}\\n' + process.env.KEY_BODY + '${lines[lines.length - 1]}'`,
      `export const pub = '-----BEGIN PUBLIC KEY-----\\n' + '${lines[1]}\\n' + '-----END PUBLIC KEY-----'`,
    ].join('\n');
    const found = scanModule(code);
    assert.deepEqual(summary(found), ['2:error:literal', `${lines.length + 3}:error:literal`]);
    for (const f of found) assert.match(f.message, /private key/);
  });
});

describe('traps', () => {
  test('header names, dbAuth fields, publishable keys, UI strings, ids and hashes are not secrets', () => {
    const code = [
      "export const GITHUB_SIGNATURE_HEADER = 'x-hub-signature-256'",
      "export const STRIPE_SIGNATURE_HEADER = 'stripe-signature'",
      "export const options = { signatureHeader: 'X-Webhook-Signature' }",
      "export const authFields = { id: 'id', username: 'email', hashedPassword: 'hashedPassword', salt: 'salt', resetToken: 'resetToken', resetTokenExpiresAt: 'resetTokenExpiresAt' }",
      'export const signup = ({ username, hashedPassword, salt }) => ({ email: username, hashedPassword: hashedPassword, salt: salt })',
      `export const STRIPE_PUBLISHABLE_KEY = 'pk_${'live'}_${chars(24)}'`,
      `export const publishableKey = 'pk_${'test'}_${chars(40)}'`,
      'export const secret = process.env.WEBHOOK_SECRET',
      "export const labels = { passwordLabel: 'Password', placeholder: 'Enter your password', password: 'Enter your password' }",
      "export const tokenResponse = { tokenType: 'Bearer', grant_type: 'client_credentials' }",
      'export const q = (db, input) => db.user.findMany({ select: { password: true }, where: { token: input.token } })',
      "export const i18n = { 'auth.password': 'Password', 'auth.resetToken.expired': 'The link expired' }",
      "export const classes = { password: 'rw-input mt-2 text-gray-500' }",
      "export const ORGANIZATION_ID = '6f1c2d0e-8a47-4b1e-9c3f-2d5e7a9b1c4f'",
      `export const RELEASE_SHA = '${chars(40, HEX)}'`,
      `export const integrity = 'sha384-${chars(64, ALNUM + '+/')}'`,
      "export const pin = { password: 'hunter2' }",
      "type Credentials = { password: 'secret-literal-type'; token: 'Bearer' | 'Basic' }",
      "export const API_URL = 'https://api.partner-reports.io/v2/reports'",
      'export const authorization = `Bearer ${process.env.TOKEN}`',
      "export const DATABASE_URL = 'postgresql://postgres:postgres@localhost:5432/app'",
      `export const posthogApiKey = 'phc_${chars(43, ALNUM)}'`,
      // jwt.io's sample token, in API docs and OpenAPI examples everywhere.
      "export const example = { token: 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c' }",
    ].join('\n');
    assert.deepEqual(summary(scanModule(code)), []);
  });
});

describe('constants reaching a sink', () => {
  test('through a namespace import and a nested path of constant objects, in another module', () => {
    const findings = scanApp({
      'api/src/lib/config/keys.ts': [
        `export const HOOK_MATERIAL = '${tokens.generic()}'`,
        `const settings = { signing: { material: '${tokens.generic()}' }, label: 'app' }`,
        'export default settings',
      ].join('\n'),
      'api/src/lib/sessions.ts': [
        "import crypto from 'node:crypto'",
        "import jwt from 'jsonwebtoken'",
        "import * as keys from 'src/lib/config/keys'",
        "import settings from 'src/lib/config/keys'",
        "export const hookSig = (body) => crypto.createHmac('sha256', keys.HOOK_MATERIAL).update(body).digest('hex')",
        'export const check = (t) => jwt.verify(t, settings.signing.material)',
        // A path that ends in no literal, or in a property that is not there, is nothing.
        'export const other = (t) => jwt.verify(t, settings.signing.missing)',
      ].join('\n'),
    });
    assert.deepEqual(
      findings.map((f) => `${f.location.file}:${f.location.startPos.line}:${f.messageId}`),
      ['api/src/lib/sessions.ts:5:sinkImported', 'api/src/lib/sessions.ts:6:sinkImported'],
    );
  });

  test('a constant of the same file is reported at its definition, once, with the use as related location', () => {
    const code = [
      "import jwt from 'jsonwebtoken'",
      `const ISSUER_MATERIAL = '${tokens.generic()}'`,
      'export const sign = (p) => jwt.sign(p, ISSUER_MATERIAL)',
      'export const verify = (t) => jwt.verify(t, ISSUER_MATERIAL)',
    ].join('\n');
    const findings = scanModule(code);
    assert.deepEqual(summary(findings), ['2:error:sinkConstant']);
    assert.match(findings[0].message, /^`ISSUER_MATERIAL` holds a hardcoded JWT signing key that is passed to `jwt\.sign` \(.{4}…\(32 chars\)\)\.$/);
    assert.equal(findings[0].related[0].startPos.line, 3);
  });

  test('an imported constant with a plain name is reported at the use, with the definition as related location', () => {
    const findings = scanApp({
      'api/src/lib/constants.ts': `export const PARTNER_HOOK = '${tokens.generic()}'\nexport const KEYS = { billing: '${tokens.hex64()}' }\n`,
      'api/src/functions/partner.ts': [
        "import { verifyEvent } from '@redwoodjs/api/webhooks'",
        "import { PARTNER_HOOK } from '@lib/constants'",
        "import { KEYS } from 'src/lib/constants'",
        'export const handler = async (event) => {',
        "  verifyEvent('timestampSchemeVerifier', { event, secret: PARTNER_HOOK })",
        "  verifyEvent('timestampSchemeVerifier', { event, secret: PARTNER_HOOK })",
        "  verifyEvent('timestampSchemeVerifier', { event, secret: KEYS.billing })",
        '  return { statusCode: 200 }',
        '}',
      ].join('\n'),
    });
    assert.deepEqual(
      findings.map((f) => `${f.location.file}:${f.location.startPos.line}:${f.messageId}`),
      ['api/src/functions/partner.ts:5:sinkImported', 'api/src/functions/partner.ts:7:sinkImported'],
    );
    assert.match(findings[0].message, /^The webhook secret passed to `verifyEvent` comes from `PARTNER_HOOK`, a hardcoded string \(.{4}…\(32 chars\)\)\.$/);
    assert.match(findings[1].message, /comes from `KEYS\.billing`/);
    assert.ok(findings[0].related[0].file.endsWith(path.join('api', 'src', 'lib', 'constants.ts')));
    assert.equal(findings[0].related[0].startPos.line, 1);
    assert.equal(findings[1].related[0].startPos.line, 2);
  });

  test('an imported constant its own module already reports is not reported again at the use', () => {
    const findings = scanApp({
      'api/src/lib/constants.ts': `export const STRIPE_SECRET_KEY = '${tokens.stripeLive()}'\nexport const WEBHOOK_SECRET = '${tokens.generic()}'\n`,
      'api/src/lib/stripe.ts': [
        "import Stripe from 'stripe'",
        "import { Webhook } from 'svix'",
        "import { STRIPE_SECRET_KEY, WEBHOOK_SECRET } from './constants'",
        'export const stripe = new Stripe(STRIPE_SECRET_KEY)',
        'export const wh = new Webhook(WEBHOOK_SECRET)',
      ].join('\n'),
    });
    assert.deepEqual(
      findings.map((f) => `${f.location.file}:${f.location.startPos.line}:${f.messageId}`),
      ['api/src/lib/constants.ts:1:hardcoded', 'api/src/lib/constants.ts:2:hardcoded'],
    );
  });

  test('an imported constant that is an env read or a placeholder is not a finding', () => {
    const findings = scanApp({
      'api/src/lib/constants.ts': "export const HOOK = process.env.HOOK_SECRET as string\nexport const DEV = 'changeme'\n",
      'api/src/lib/use.ts': [
        "import jwt from 'jsonwebtoken'",
        "import { HOOK, DEV } from './constants'",
        'export const a = (p) => jwt.sign(p, HOOK)',
        'export const b = (p) => jwt.sign(p, DEV)',
      ].join('\n'),
    });
    assert.deepEqual(findings, []);
  });
});

describe('test files', () => {
  test('fake keys in test files are reported only with includeTests', () => {
    const files = {
      'api/src/services/users/users.test.ts': `const KEY = '${tokens.stripeLive()}'\n`,
      'api/src/services/users/users.scenarios.ts': `export const standard = { user: { one: { data: { token: '${tokens.generic()}' } } } }\n`,
      'api/src/lib/__tests__/x.ts': `export const T = '${tokens.ghp()}'\n`,
    };
    assert.deepEqual(scanApp(files), []);
    assert.equal(scanApp(files, { includeTests: true }).length, 3);
  });
});

describe('regex safety', () => {
  const SIZE = 200_000;
  const fill = (unit: string): string => unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE);

  /** Best of a few runs, in milliseconds. */
  function time(fn: () => unknown, runs = 3): number {
    let best = Infinity;
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      fn();
      best = Math.min(best, performance.now() - start);
    }
    return best;
  }

  function trivialScan(text: string): number {
    let sum = 0;
    for (let i = 0; i < text.length; i++) sum = (sum + text.charCodeAt(i)) | 0;
    return sum;
  }

  /** Near-matches of one keyword: repeated, followed by long valid runs, by placeholders, by runs with bad endings. */
  function adversarial(keyword: string): string[] {
    return [
      fill(keyword),
      fill(keyword + 'a'.repeat(300) + '!'),
      fill(keyword + 'A1'.repeat(150) + '_'),
      fill(keyword + 'x'.repeat(40) + ' '),
      fill(keyword + 'a-b_'.repeat(70) + '.'),
    ];
  }

  const MAX_RATIO = 200;
  const checks: [string, string, (text: string) => unknown][] = [];
  for (const pattern of SECRET_PATTERNS) {
    for (const keyword of pattern.keywords) {
      for (const text of adversarial(keyword)) {
        checks.push([`${pattern.id} (${keyword})`, text, (t) => findKnownSecret(t, { twilio: true, name: 'twilio' })]);
      }
    }
  }
  for (const text of [fill('-----BEGIN RSA PRIVATE KEY-----\nMIIE'), fill('-----BEGIN '), '-----BEGIN PRIVATE KEY-----\n' + fill('QUJD')]) {
    checks.push(['private key', text, (t) => findPrivateKey(t)]);
  }
  for (const text of [fill('a://b:c'), fill('postgres://user:pass') + '@', fill('x://' + 'a'.repeat(600) + '@'), fill('a:/@')]) {
    checks.push(['URL credentials', text, (t) => findUrlCredential(t)]);
  }
  checks.push(['env parsing', fill('A="x\nB=\'y\nexport C: `z\n'), (t) => parseEnvFile(t)]);
  checks.push(['TOML parsing', fill('a = "x\n[t]\nb = \'\'\'y\n'), (t) => parseTomlStrings(t)]);
  checks.push(['placeholder check', fill('<a'), (t) => isPlaceholder(t)]);
  checks.push(['placeholder check behind prefixes', fill('sk_' + 'live_'), (t) => isPlaceholder(t)]);
  checks.push(['entropy', fill('aB3-'), (t) => shannonEntropy(t)]);

  test(`every pattern, parser and check stays within ${MAX_RATIO}x a trivial scan on 200 KB near-matches`, () => {
    const slow: string[] = [];
    for (const [label, text, run] of checks) {
      const baseline = Math.max(time(() => trivialScan(text), 5), 0.5);
      const spent = time(() => run(text));
      if (spent > MAX_RATIO * baseline) slow.push(`${label}: ${spent.toFixed(1)} ms vs ${baseline.toFixed(2)} ms`);
    }
    assert.deepEqual(slow, []);
  });

  test('a whole 200 KB source file of near-matches is scanned quickly', () => {
    const line = `y = 'sk_${'live'}_${'a'.repeat(30)}!' + 'ghp_' + 'postgres://u:p' + '-----BEGIN ' + process.env.X || 'token'\n`;
    const code = `let y = ''\n${line.repeat(Math.ceil(SIZE / line.length))}`;
    const start = performance.now();
    assert.deepEqual(scanModule(code), []);
    assert.ok(performance.now() - start < 5000);
  });
});

describe('the secrets-zoo fixture', () => {
  const WITH_TESTS = /(?:\/\/|#)\s*ruleid-with-tests:\s*([a-z-]+)/;

  test('findings equal the inline annotations of this rule', () => {
    const result = scanFixture('secrets-zoo', { ruleIds: [RULE] });
    allFindings.push(...result.findings);
    assert.deepEqual(findingKeys(result), expectationKeys(expectationsFor('secrets-zoo').filter((e) => e.ruleId === RULE)));
    assert.deepEqual(result.skipped, []);
  });

  test('with includeTests, the test file fakes are reported as well', () => {
    const result = scanFixture('secrets-zoo', { ruleIds: [RULE], includeTests: true });
    allFindings.push(...result.findings);
    const extra = listFiles(path.join(FIXTURES, 'secrets-zoo')).flatMap((file) =>
      fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, i) => (WITH_TESTS.exec(line)?.[1] === RULE ? [{ file, line: i + 2, ruleId: RULE }] : [])),
    );
    assert.ok(extra.length >= 3);
    const expected = [...expectationsFor('secrets-zoo').filter((e) => e.ruleId === RULE), ...extra];
    assert.deepEqual(findingKeys(result), expectationKeys(expected));
  });

  test('no message, data or related message holds the reported value', () => {
    const result = scanFixture('secrets-zoo', { ruleIds: [RULE], includeTests: true });
    for (const finding of result.findings) {
      const reported = finding.related[0] && finding.messageId === 'sinkImported' ? finding.related[0] : finding.location;
      const raw = fs.readFileSync(reported.file, 'utf8').slice(reported.start, reported.end).replace(/^['"`]|['"`]$/g, '');
      const output = [finding.message, JSON.stringify(finding.data), ...finding.related.map((r) => r.message)].join('\n');
      for (let i = 0; i + 10 <= raw.length; i++) {
        assert.ok(!output.includes(raw.slice(i, i + 10)), `${path.basename(reported.file)}:${reported.startPos.line} leaks part of its value`);
      }
      assert.match(finding.secretHash ?? '', /^[0-9a-f]{64}$/);
    }
  });
});

describe('real-world shapes (round y)', () => {
  test("an Authorization value in a constant of any name is one; a constant's own i18n text is not", () => {
    const encoded = Buffer.from(`staging:${chars(22)}`).toString('base64');
    generated.add(encoded);
    const found = scanModule(
      [
        `const STAGING_AUTH = 'Basic ${encoded}'`,
        "export const load = () => fetch('https://staging.acme.dev', { headers: { Authorization: STAGING_AUTH } })",
        "export const PLAN_LABEL = 'Basic Plan'",
        "export const HINT = 'Bearer token'",
      ].join('\n'),
    );
    assert.deepEqual(found.map((f) => `${f.location.startPos.line}:${f.messageId}:${f.message.replace(/\(.*\)/, '')}`), ['1:hardcoded:`STAGING_AUTH` holds a hardcoded Basic credential .']);
  });

  test("the fallback of an env() config helper (Strapi's idiom) is a fallback like process.env's", () => {
    const secret = fake('', 32, HEX);
    const found = scanModule(
      [
        'const env = (key, fallback) => process.env[key] ?? fallback',
        `export default { admin: { auth: { secret: env('ADMIN_JWT_SECRET', '${secret}') } }, port: env('PORT', '1337'), host: env('HOST', '0.0.0.0') }`,
      ].join('\n'),
    );
    assert.deepEqual(summary(found), ['2:warning:envFallback']);
    assert.match(found[0].message, /^The fallback for `env\('ADMIN_JWT_SECRET'\)` is a hardcoded secret/);
  });

  test('a secret imported through a tsconfig alias is followed in a folder that is no app too', () => {
    const secret = fake('', 44);
    const root = tempDir('fnscan-secret-alias-');
    writeFiles(root, {
      'tsconfig.json': JSON.stringify({ compilerOptions: { baseUrl: '.', paths: { '@/*': ['./src/*'] } } }),
      'src/config/index.ts': `export const config = { auth: { hs256: '${secret}' } }\n`,
      'src/lib/verify.ts': "import jwt from 'jsonwebtoken'\nimport { config } from '@/config'\nexport const verify = (t: string) => jwt.verify(t, config.auth.hs256)\n",
    });
    const found = scanRules(root, [RULE]).findings.map((f) => `${relativePath(root, f.location.file)}:${f.location.startPos.line}`);
    assert.deepEqual(found, ['src/lib/verify.ts:3']);
  });
});

describe('the rule doc', () => {
  test('its flagged example is flagged and its clean example is clean', () => {
    const doc = fs.readFileSync(path.resolve(__dirname, '../rules/no-hardcoded-secret.md'), 'utf8');
    const examples = doc.slice(doc.indexOf('## Examples'), doc.indexOf('## Known limits'));
    const blocks = [...examples.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]);
    assert.equal(blocks.length, 2);
    assert.equal(scanApp({ 'api/src/functions/flagged.ts': blocks[0] }).length, 1);
    assert.equal(scanApp({ 'api/src/functions/clean.ts': blocks[1] }).length, 0);
  });
});

test('no output of any scan in this file holds a generated secret', () => {
  assert.ok(allFindings.length > 40);
  for (const finding of allFindings) {
    const output = [finding.message, JSON.stringify(finding.data), ...finding.related.map((r) => r.message), ...finding.suggestions.map((s) => s.text + s.description)].join('\n');
    for (const secret of generated) {
      for (let i = 0; i + 10 <= secret.length; i++) {
        if (output.includes(secret.slice(i, i + 10))) assert.fail(`finding at line ${finding.location.startPos.line} (${finding.messageId}) prints part of a generated secret`);
      }
    }
  }
});
