import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { RACY_MS, isRacy, statSignature, vouchingSignature } from '../src/core/signature';

test('a stat signature holds size, both times, inode and device', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fnscan-signature-'));
  try {
    const file = path.join(dir, 'a.ts');
    fs.writeFileSync(file, 'export const a = 1\n');
    const stat = fs.statSync(file);
    assert.equal(statSignature(stat), `${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${stat.ino}:${stat.dev}`);
    // Just written: too recent to vouch for the bytes, until the racy window has passed.
    assert.equal(isRacy(stat), true);
    assert.equal(vouchingSignature(stat), undefined);
    const later = Math.max(stat.mtimeMs, stat.ctimeMs) + RACY_MS;
    assert.equal(isRacy(stat, later), false);
    assert.equal(vouchingSignature(stat, later), statSignature(stat));
    assert.equal(isRacy(stat, later - 1), true);
    // Folders and missing files vouch for nothing.
    assert.equal(vouchingSignature(fs.statSync(dir), later), undefined);
    assert.equal(vouchingSignature(undefined, later), undefined);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
