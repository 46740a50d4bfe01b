import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { scanRules, tempDir, writeFiles } from './support/project';

/**
 * Firebase Cloud Functions as their users write them: findings as `rule: message @file:line`.
 */
function findings(files: Record<string, string>, rules = ['no-unauthenticated-handler', 'require-webhook-verification', 'require-replay-protection']): string[] {
  const root = tempDir('fnscan-firebase-');
  writeFiles(root, files);
  return scanRules(root, rules).findings.map((f) => `${f.ruleId}: ${f.message} @${path.relative(root, f.location.file)}:${f.location.startPos.line}`);
}

const PROJECT = {
  'firebase.json': '{ "functions": { "source": "functions" } }',
  'functions/package.json': JSON.stringify({ main: 'lib/index.js', dependencies: { 'firebase-admin': '^12.0.0', 'firebase-functions': '^6.0.0' } }),
};
const V2 = "import { onRequest, onCall, HttpsError } from 'firebase-functions/v2/https'\nimport { getFirestore } from 'firebase-admin/firestore'\nimport { getAuth } from 'firebase-admin/auth'\nconst db = getFirestore()\n";

test('each export that is an HTTPS function is an endpoint of its name; other triggers and plain exports are not', () => {
  const index = `${V2}import { onSchedule } from 'firebase-functions/v2/scheduler'
export const wipe = onRequest(async (req, res) => {
  await db.collection('users').doc(req.query.id).delete()
  res.end()
})
export const nightly = onSchedule('every 24 hours', async () => {
  await db.collection('users').doc('stale').delete()
})
export async function helper(id) {
  await db.collection('users').doc(id).delete()
}
`;
  assert.deepEqual(findings({ ...PROJECT, 'functions/src/index.ts': index }), [
    'no-unauthenticated-handler: Handler `wipe` writes to the `users` collection without authenticating the caller. @functions/src/index.ts:6',
  ]);
});

test('v1 functions, from `firebase-functions` or `/v1`, through region() and runWith(), in CommonJS too', () => {
  const v1 = `const functions = require('firebase-functions')
const admin = require('firebase-admin')
admin.initializeApp()
exports.reset = functions.region('europe-west1').runWith({ memory: '256MB' }).https.onRequest(async (req, res) => {
  await admin.database().ref('counters').remove()
  res.send('ok')
})
exports.claims = functions.https.onCall(async (data, context) => {
  if (!context.auth || !context.auth.token.admin) {
    throw new functions.https.HttpsError('permission-denied', 'Admins only')
  }
  await admin.auth().setCustomUserClaims(data.uid, { admin: true })
})
exports.internal = functions.runWith({ invoker: 'private' }).https.onRequest(async (req, res) => {
  await admin.auth().deleteUser(req.body.uid)
  res.end()
})
`;
  const project = { 'firebase.json': '{ "functions": [{ "source": "backend", "codebase": "default" }] }', 'backend/package.json': JSON.stringify({ main: 'index.js', dependencies: { 'firebase-functions': '^4.0.0' } }) };
  assert.deepEqual(findings({ ...project, 'backend/index.js': v1 }), [
    'no-unauthenticated-handler: Handler `reset` writes to `counters` in the Realtime Database without authenticating the caller. @backend/index.js:4',
  ]);
});

test('a callable function authenticates with request.auth: tested and refused, or read through; not with App Check, a logged uid, or a check after the work', () => {
  const callable = (body: string, options = '') => `${V2}export const act = onCall(${options}async (request) => {
${body}
})
`;
  const work = "  await db.collection('orders').add({ item: request.data.item })";
  const at = '@functions/src/index.ts:5';
  const unauthenticated = [`no-unauthenticated-handler: Handler \`act\` writes to the \`orders\` collection without authenticating the caller. ${at}`];
  const write = (body: string, options = '') => findings({ ...PROJECT, 'functions/src/index.ts': callable(body, options) });
  assert.deepEqual(write(`  if (!request.auth) throw new HttpsError('unauthenticated', 'Sign in')\n${work}`), []);
  assert.deepEqual(write(`  const { uid } = request.auth\n${work}`), []);
  assert.deepEqual(write(`  const uid = request.auth.uid\n${work}`), []);
  assert.deepEqual(write(`  if (request.auth?.token.admin !== true) throw new HttpsError('permission-denied', 'Admins only')\n${work}`), []);
  assert.deepEqual(write(work, '{ enforceAppCheck: true }, '), unauthenticated);
  assert.deepEqual(write(`  console.log('caller', request.auth?.uid)\n${work}`), unauthenticated);
  assert.equal(write(`${work}\n  if (!request.auth) throw new HttpsError('unauthenticated', 'Sign in')`).length, 1);
});

test('verifyIdToken awaited refuses a bad token by rejecting; swallowed, it refuses nobody', () => {
  const handler = (check: string) => `${V2}export const me = onRequest(async (req, res) => {
  const token = (req.headers.authorization || '').slice(7)
${check}
  res.json((await db.collection('users').doc(req.query.uid).get()).data())
})
`;
  assert.deepEqual(findings({ ...PROJECT, 'functions/src/index.ts': handler('  await getAuth().verifyIdToken(token)') }), []);
  assert.deepEqual(findings({ ...PROJECT, 'functions/src/index.ts': handler('  const decoded = await getAuth().verifySessionCookie(token, true)') }), []);
  assert.deepEqual(findings({ ...PROJECT, 'functions/src/index.ts': handler("  try {\n    await getAuth().verifyIdToken(token)\n  } catch (e) {\n    console.warn('bad token', e)\n  }") }), [
    'no-unauthenticated-handler: Handler `me` reads the `users` collection on a path that skips its check of the caller (`verifyIdToken()`). @functions/src/index.ts:5',
  ]);
});

test('an Express app served by onRequest is judged route by route; invoker names who may call', () => {
  const api = `import express from 'express'
import { onRequest } from 'firebase-functions/v2/https'
import { getFirestore } from 'firebase-admin/firestore'
const db = getFirestore()
const app = express()
app.get('/products', async (req, res) => res.json((await db.collection('products').get()).docs))
app.post('/orders', async (req, res) => res.json(await db.collection('orders').add(req.body)))
export const api = onRequest(app)
export const ops = onRequest({ invoker: ['scheduler@acme.iam.gserviceaccount.com'] }, app)
export const open = onRequest({ invoker: 'public' }, app)
`;
  assert.deepEqual(findings({ ...PROJECT, 'functions/src/api.ts': api }), [
    'no-unauthenticated-handler: Handler `POST /orders` writes to the `orders` collection without authenticating the caller. @functions/src/api.ts:7',
  ]);
});

test('Firestore, Realtime Database, Auth, Messaging and Storage work by the chain it is made on, not by a method name', () => {
  const handler = (line: string) => `${V2}import { getMessaging } from 'firebase-admin/messaging'
import { getStorage } from 'firebase-admin/storage'
import { getDatabase } from 'firebase-admin/database'
export const run = onRequest(async (req, res) => {
  const cache = new Map()
  const list = []
  ${line}
  res.end()
})
`;
  const work = (line: string) => findings({ ...PROJECT, 'functions/src/index.ts': handler(line) }).map((f) => f.replace(/^no-unauthenticated-handler: Handler `run` (.*) without authenticating the caller\. @.*$/, '$1'));
  assert.deepEqual(work("await db.doc(`accounts/${req.body.id}`).update({ plan: 'pro' })"), ['writes to the `accounts` collection']);
  assert.deepEqual(work('const ref = db.collection(\'carts\').doc(req.body.id)\n  await ref.set(req.body)'), ['writes to the `carts` collection']);
  assert.deepEqual(work("const batch = db.batch()\n  batch.delete(db.collection('carts').doc('a'))\n  await batch.commit()"), ['writes to the `carts` collection']);
  // A batch filled with references fnscan cannot name (documents of a query) still writes when committed.
  assert.deepEqual(
    work("const snap = await db.collection('projects').where('owner', '==', req.body.from).get()\n  const batch = db.batch()\n  snap.docs.forEach((d) => batch.update(d.ref, { owner: req.body.to }))\n  await batch.commit()"),
    ['writes to Firestore with `batch.commit`'],
  );
  assert.deepEqual(work("const tx = knex.transaction()\n  await tx.commit()"), []);
  assert.deepEqual(work("await getDatabase().ref('presence').child(req.body.uid).remove()"), ['writes to `presence` in the Realtime Database']);
  assert.deepEqual(work('await getAuth().createCustomToken(req.body.uid)'), ['changes Firebase Auth users with `createCustomToken`']);
  assert.deepEqual(work('await getMessaging().send({ topic: req.body.topic, notification: req.body })'), ['sends push messages with `send`']);
  assert.deepEqual(work('await getStorage().bucket().file(req.body.path).delete()'), ['changes Cloud Storage files with `delete`']);
  assert.deepEqual(work("const snap = await db.collection('users').where('email', '==', req.body.email).get()"), ['reads the `users` collection']);
  // Public collections are read by anyone; maps, arrays and caches are no database.
  assert.deepEqual(work("const snap = await db.collection('products').get()"), []);
  assert.deepEqual(work("cache.set('a', 1)\n  cache.delete('a')\n  list.push(req.body)"), []);
});

test('a verified webhook claims its delivery id with create(), or looks it up before the work', () => {
  const hook = (dedupe: string) => `import { onRequest } from 'firebase-functions/v2/https'
import { getFirestore } from 'firebase-admin/firestore'
import { verify } from '@octokit/webhooks-methods'
const db = getFirestore()
export const githubWebhook = onRequest(async (req, res) => {
  if (!(await verify(process.env.GITHUB_WEBHOOK_SECRET, req.rawBody.toString(), req.get('x-hub-signature-256')))) {
    res.status(401).end()
    return
  }
  const id = req.get('x-github-delivery')
${dedupe}
  await db.collection('pushes').add({ repo: req.body.repository.full_name })
  res.end()
})
`;
  const write = (dedupe: string) => findings({ ...PROJECT, 'functions/src/index.ts': hook(dedupe) });
  assert.deepEqual(write("  await db.collection('deliveries').doc(id).create({ at: Date.now() })"), []);
  assert.deepEqual(write("  const seen = await db.collection('deliveries').doc(id).get()\n  if (seen.exists) { res.end(); return }"), []);
  assert.deepEqual(write("  await db.collection('deliveries').add({ id })"), [
    'require-replay-protection: Webhook handler `githubWebhook` verifies with Octokit `verify` but neither checks a timestamp nor de-duplicates events. @functions/src/index.ts:6',
  ]);
});

test('the build output that package.json main points into is not judged again; a functions package scanned alone is a Firebase project', () => {
  const source = `${V2}export const wipe = onRequest(async (req, res) => {\n  await db.collection('users').doc(req.query.id).delete()\n  res.end()\n})\n`;
  const compiled = "const { onRequest } = require('firebase-functions/v2/https')\nconst db = require('firebase-admin/firestore').getFirestore()\nexports.wipe = onRequest(async (req, res) => {\n  await db.collection('users').doc(req.query.id).delete()\n  res.end()\n})\n";
  const expected = ['no-unauthenticated-handler: Handler `wipe` writes to the `users` collection without authenticating the caller. @functions/src/index.ts:5'];
  assert.deepEqual(findings({ ...PROJECT, 'functions/src/index.ts': source, 'functions/lib/index.js': compiled }), expected);
  const alone = { 'functions/package.json': PROJECT['functions/package.json'], 'functions/src/index.ts': source };
  assert.deepEqual(findings(alone), expected);
  // A project with firebase.json for hosting only has no functions.
  assert.deepEqual(findings({ 'firebase.json': '{ "hosting": { "public": "dist" } }', 'functions/src/index.ts': source }), []);
});

test('a callable checks nobody when its test skips a signed-out caller, or reads request.auth only inside a branch', () => {
  const callable = (body: string) => findings({ ...PROJECT, 'functions/src/index.ts': `${V2}export const act = onCall(async (request) => {\n${body}\n})\n` });
  const work = "  await db.collection('orders').add({ item: request.data.item })";
  // A signed-out caller has no `request.auth`: the test is false and nothing is refused.
  assert.equal(callable(`  if (request.auth && request.auth.token.admin !== true) throw new HttpsError('permission-denied', 'Admins only')\n${work}`).length, 1);
  assert.deepEqual(callable(`  if (!request.auth || request.auth.token.admin !== true) throw new HttpsError('permission-denied', 'Admins only')\n${work}`), []);
  // Read through inside a branch, it guards that branch only.
  assert.equal(callable(`  if (request.auth) {\n    await db.collection('drafts').doc(request.auth.uid).set({ text: request.data.text })\n  }\n${work}`).length, 1);
  assert.deepEqual(callable(`  const uid = request.auth!.uid\n${work}`), []);
  assert.deepEqual(callable(`  const uid = (request.auth as { uid: string }).uid\n${work}`), []);
});

test('verifySessionCookie(...).then(fn): the work in fn runs only for a cookie it accepts', () => {
  const handler = `${V2}export const profile = onRequest((req, res) => {
  getAuth().verifySessionCookie(req.cookies.__session ?? '', true)
    .then(async (claims) => res.json((await db.collection('users').doc(claims.uid).get()).data()))
    .catch(() => res.redirect('/login'))
})
`;
  assert.deepEqual(findings({ ...PROJECT, 'functions/src/index.ts': handler }), []);
});

test('hand-written HMAC checks: the expected value through constants and a scheme prefix, a time window parsed from the signature header', () => {
  const hook = (check: string) => `import { onRequest } from 'firebase-functions/v2/https'
import { getFirestore } from 'firebase-admin/firestore'
import * as crypto from 'crypto'
const db = getFirestore()
export const billingWebhook = onRequest(async (req, res) => {
${check}
  await db.collection('subscriptions').doc(req.body.data.id).set({ status: req.body.data.status })
  res.end()
})
`;
  const write = (check: string) => findings({ ...PROJECT, 'functions/src/index.ts': hook(check) });
  const github = `  const signature = req.get('x-hub-signature-256') ?? ''
  const expected = 'sha256=' + crypto.createHmac('sha256', process.env.GITHUB_WEBHOOK_SECRET!).update(req.rawBody).digest('hex')
  const a = Buffer.from(signature)
  const b = Buffer.from(expected)
  if (a.length !== b.length || !crypto.timingSafeEqual(a, b)) {
    res.status(401).send('bad signature')
    return
  }`;
  assert.deepEqual(write(github), [
    'require-replay-protection: Webhook handler `billingWebhook` verifies with a manual HMAC check but neither checks a timestamp nor de-duplicates events. @functions/src/index.ts:7',
  ]);
  const paddle = (signed: string) => `  const parts = Object.fromEntries((req.get('paddle-signature') ?? '').split(';').map((p) => p.split('=')))
  const ts = Number(parts.ts)
  if (!ts || Math.abs(Date.now() / 1000 - ts) > 5) {
    res.status(401).send('stale')
    return
  }
  const expected = crypto.createHmac('sha256', process.env.PADDLE_WEBHOOK_SECRET!).update(${signed}).digest('hex')
  if (!crypto.timingSafeEqual(Buffer.from(parts.h1), Buffer.from(expected))) {
    res.status(401).send('bad signature')
    return
  }`;
  assert.deepEqual(write(paddle('`${ts}:${req.rawBody}`')), []);
  // A time the HMAC does not cover can be changed by anyone: no window.
  assert.equal(write(paddle('req.rawBody')).length, 1);
});

test("Paddle Billing's SDK verifies with a five-second window: unmarshal throws, isSignatureValid must decide", () => {
  const hook = (check: string) => `import { onRequest } from 'firebase-functions/v2/https'
import { getFirestore } from 'firebase-admin/firestore'
import { Paddle } from '@paddle/paddle-node-sdk'
const db = getFirestore()
const paddle = new Paddle(process.env.PADDLE_API_KEY!)
export const paddleEvents = onRequest(async (req, res) => {
  const signature = req.get('paddle-signature') ?? ''
${check}
  await db.collection('subscriptions').doc(req.body.data.id).set({ status: req.body.data.status })
  res.end()
})
`;
  const write = (check: string) => findings({ ...PROJECT, 'functions/src/index.ts': hook(check) });
  assert.deepEqual(write('  await paddle.webhooks.unmarshal(req.rawBody.toString(), process.env.PADDLE_WEBHOOK_SECRET!, signature)'), []);
  assert.deepEqual(write("  if (!(await paddle.webhooks.isSignatureValid(req.rawBody.toString(), process.env.PADDLE_WEBHOOK_SECRET!, signature))) {\n    res.status(401).end()\n    return\n  }"), []);
  assert.equal(write('  await paddle.webhooks.isSignatureValid(req.rawBody.toString(), process.env.PADDLE_WEBHOOK_SECRET!, signature)').length, 1);
});

test('recursiveDelete of a collection is a write', () => {
  const handler = `${V2}export const wipeAll = onRequest(async (req, res) => {\n  await db.recursiveDelete(db.collection('users'))\n  res.end()\n})\n`;
  assert.deepEqual(findings({ ...PROJECT, 'functions/src/index.ts': handler }), [
    'no-unauthenticated-handler: Handler `wipeAll` deletes documents of the `users` collection without authenticating the caller. @functions/src/index.ts:5',
  ]);
});

test('a signed time parsed from the signature header and checked by Web Crypto is a window too', () => {
  const hook = (data: string) => `import { onRequest } from 'firebase-functions/v2/https'
import { getFirestore } from 'firebase-admin/firestore'
const db = getFirestore()
export const paddleWebhook = onRequest(async (req, res) => {
  const parts = Object.fromEntries((req.get('paddle-signature') ?? '').split(';').map((p) => p.split('=')))
  const ts = parts['ts']
  if (Math.abs(Date.now() / 1000 - Number(ts)) > 5) {
    res.status(400).send('expired')
    return
  }
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(process.env.PADDLE_SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify'])
  if (!(await crypto.subtle.verify('HMAC', key, Buffer.from(parts['h1'], 'hex'), new TextEncoder().encode(${data})))) {
    res.status(401).send('bad signature')
    return
  }
  await db.collection('subscriptions').doc(req.body.data.id).set({ status: req.body.data.status })
  res.end()
})
`;
  assert.deepEqual(findings({ ...PROJECT, 'functions/src/index.ts': hook('`${ts}:${req.rawBody}`') }), []);
  assert.equal(findings({ ...PROJECT, 'functions/src/index.ts': hook('req.rawBody.toString()') }).length, 1);
});
