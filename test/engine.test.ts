import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { scan } from '../src/core/engine';
import { rules } from '../src/rules';
import { tempDir } from './support/project';

const tmp = tempDir('fnscan-engine-');

test('a finding keeps a secret only as a hash: its context (cached, fingerprinted) has it redacted', () => {
  const secret = 'sk_live_' + 'Q7mZ2pX9vL4kT8wR1nB6cY3d';
  fs.writeFileSync(path.join(tmp, 'stripe.ts'), `export const stripeKey = '${secret}'\n`);
  const result = scan({ paths: [tmp], rules: [...rules], config: {}, includeTests: false });
  const finding = result.findings.find((f) => f.ruleId === 'no-hardcoded-secret');
  assert.ok(finding, 'the live key is reported');
  assert.ok(finding.secretHash && /^[0-9a-f]{64}$/.test(finding.secretHash));
  assert.ok(!JSON.stringify(result).includes(secret), 'no part of the scan result holds the raw secret');
});
