import ts from '../core/typescript';
import type * as TS from 'typescript';
import { calleeName, objectProperty, propertyValue, stringLiteralValue, unwrap } from '../core/ast';
import type { QueryWork, ValueOf } from './queries';
import { PRIVATE_MODEL } from './vocabulary';

/**
 * Firebase in handler code: Cloud Functions' HTTPS triggers (which make an export an endpoint),
 * and the Admin SDK's calls that do sensitive work (Firestore, the Realtime Database, Auth,
 * Cloud Messaging, Cloud Storage). Each call is recognised by the chain it is made on
 * (`db.collection('users').doc(id).set(...)`), never by a method name alone: `map.set(k, v)`,
 * `list.push(x)` and `cache.delete(k)` are no Firebase work.
 */

/** The packages whose `onRequest` / `onCall` make an HTTPS function. */
export function isFirebaseFunctionsModule(specifier: string): boolean {
  return specifier === 'firebase-functions' || specifier.startsWith('firebase-functions/');
}

export interface FirebaseTrigger {
  /** `onRequest` takes a request and a response (or an Express app); `onCall` the callable protocol's request, which carries `auth`. */
  kind: 'request' | 'call';
  /** The handler: a function, a name for one, or an Express app. */
  handler: TS.Expression;
  /** `{ invoker: 'private' }`, a service account or a list of them: Cloud Run's IAM lets only those principals call. */
  invoker?: TS.Node;
}

/**
 * `onRequest(handler)`, `onRequest({ region }, handler)` (v2), `functions.https.onRequest(handler)`,
 * `functions.region('x').runWith({...}).https.onCall(handler)` (v1), and `https.onRequest` on a
 * namespace import. `importOf` says which package a file's name comes from.
 */
export function firebaseTrigger(value: TS.Expression, importOf: (local: string) => string | undefined): FirebaseTrigger | undefined {
  const call = unwrap(value);
  if (!ts.isCallExpression(call)) return undefined;
  const name = calleeName(call);
  if (name !== 'onRequest' && name !== 'onCall') return undefined;
  const callee = unwrap(call.expression);
  let root: TS.Expression = callee;
  let options: TS.Expression | undefined;
  // Back along `functions.region('x').runWith({ invoker }).https.onRequest` to the imported name.
  for (let hops = 0; hops < 8; hops++) {
    if (ts.isPropertyAccessExpression(root)) root = unwrap(root.expression);
    else if (ts.isCallExpression(root)) {
      if (calleeName(root) === 'runWith' && root.arguments[0]) options = root.arguments[0];
      root = unwrap(root.expression);
    } else break;
  }
  if (!ts.isIdentifier(root)) return undefined;
  const specifier = importOf(root.text);
  if (specifier === undefined || !isFirebaseFunctionsModule(specifier)) return undefined;
  const handler = call.arguments[call.arguments.length - 1];
  if (!handler) return undefined;
  // v2 takes its options before the handler.
  if (call.arguments.length > 1) options = call.arguments[0];
  return { kind: name === 'onRequest' ? 'request' : 'call', handler, invoker: restrictedInvoker(options) };
}

/** The `invoker` option when it names principals other than everyone (`'public'`, the default for HTTPS functions). */
function restrictedInvoker(options: TS.Expression | undefined): TS.Node | undefined {
  const object = options && unwrap(options);
  if (!object || !ts.isObjectLiteralExpression(object)) return undefined;
  const property = objectProperty(object, 'invoker');
  const invoker = propertyValue(property);
  if (!invoker || !property) return undefined;
  const value = unwrap(invoker);
  const text = stringLiteralValue(value);
  if (text !== undefined) return text === 'public' ? undefined : property;
  if (ts.isArrayLiteralExpression(value)) {
    const names = value.elements.map((e) => stringLiteralValue(e));
    return names.length > 0 && names.every((n) => n !== undefined && n !== 'public') ? property : undefined;
  }
  return undefined;
}

/** Last names of the calls `firebaseWork` can say yes to: other calls skip it at one lookup. */
export const FIREBASE_CALL_NAMES: ReadonlySet<string> = new Set([
  // Firestore references, batches and transactions; the modular API.
  'set', 'update', 'delete', 'create', 'add', 'get', 'setDoc', 'updateDoc', 'deleteDoc', 'addDoc', 'getDoc', 'getDocs',
  // The Realtime Database.
  'push', 'remove', 'transaction',
  // Auth.
  'createUser', 'deleteUser', 'deleteUsers', 'updateUser', 'setCustomUserClaims', 'revokeRefreshTokens', 'createCustomToken',
  'generatePasswordResetLink', 'generateEmailVerificationLink', 'generateSignInWithEmailLink', 'importUsers',
  'getUser', 'getUserByEmail', 'getUserByPhoneNumber', 'getUsers', 'listUsers',
  // Cloud Messaging.
  'send', 'sendEach', 'sendEachForMulticast', 'sendMulticast', 'sendAll', 'sendToDevice', 'sendToTopic', 'sendToCondition',
  // Firestore's recursive delete of a collection or document and everything below it; a batch's commit.
  'recursiveDelete', 'commit',
  // Cloud Storage.
  'save', 'makePublic', 'upload', 'getSignedUrl',
]);

const DOC_WRITES = new Set(['set', 'update', 'delete', 'create']);
const MODULAR_WRITES = new Set(['setDoc', 'updateDoc', 'deleteDoc', 'addDoc']);
const RTDB_WRITES = new Set(['set', 'update', 'remove', 'push', 'transaction']);
const AUTH_WRITES = new Set([
  'createUser', 'deleteUser', 'deleteUsers', 'updateUser', 'setCustomUserClaims', 'revokeRefreshTokens', 'createCustomToken',
  'generatePasswordResetLink', 'generateEmailVerificationLink', 'generateSignInWithEmailLink', 'importUsers',
]);
const AUTH_READS = new Set(['getUser', 'getUserByEmail', 'getUserByPhoneNumber', 'getUsers', 'listUsers']);
const MESSAGING_SENDS = new Set(['send', 'sendEach', 'sendEachForMulticast', 'sendMulticast', 'sendAll', 'sendToDevice', 'sendToTopic', 'sendToCondition']);
const STORAGE_WRITES = new Set(['delete', 'save', 'makePublic', 'getSignedUrl']);

/** What a Firestore or Realtime Database reference points at. */
interface Reference {
  store: 'firestore' | 'rtdb';
  kind: 'doc' | 'collection';
  /** The collection (Firestore) or the path's first segment (Realtime Database), when written. */
  name?: string;
}

/** A lookup of one document by an id (`db.collection('events').doc(id).get()`): the id's expression. */
export interface FirebaseLookup {
  key: TS.Expression;
}

/**
 * The work a call does through Firebase's Admin SDK (or the client SDK's modular API), if it is
 * one of the shapes above; `name` is its last name. A `create` of a document keyed by an id fails
 * when it exists, as an insert does (`insert`); a `set` writes the same state again (`upsert`).
 */
export function firebaseWork(call: TS.CallExpression, callee: TS.Expression, name: string, valueOf: ValueOf): QueryWork | undefined {
  if (ts.isIdentifier(callee)) {
    if (!MODULAR_WRITES.has(name) && name !== 'getDoc' && name !== 'getDocs') return undefined;
    const ref = call.arguments[0] && referenceOf(call.arguments[0], valueOf, 0);
    if (!ref || ref.store !== 'firestore') return undefined;
    if (MODULAR_WRITES.has(name)) return firestoreWrite(ref, name === 'addDoc' ? 'add' : name.slice(0, -3));
    return firestoreRead(ref);
  }
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const receiver = unwrap(callee.expression);
  if (AUTH_WRITES.has(name) || AUTH_READS.has(name)) {
    if (!isService(receiver, AUTH_SERVICES, valueOf, 0)) return undefined;
    return AUTH_WRITES.has(name) ? { work: `changes Firebase Auth users with \`${name}\``, write: true } : { work: `reads Firebase Auth users with \`${name}\``, write: false };
  }
  if (MESSAGING_SENDS.has(name) && isService(receiver, MESSAGING_SERVICES, valueOf, 0)) {
    return { work: `sends push messages with \`${name}\``, write: true };
  }
  if ((STORAGE_WRITES.has(name) && isStorageFile(receiver, valueOf)) || (name === 'upload' && isBucket(receiver, valueOf, 0))) {
    return { work: `changes Cloud Storage files with \`${name}\``, write: name !== 'getSignedUrl' };
  }
  if (name === 'recursiveDelete') {
    const target = call.arguments[0] ? referenceOf(call.arguments[0], valueOf, 0) : undefined;
    if (target?.store !== 'firestore' || !isFirestore(receiver, valueOf)) return undefined;
    return { work: target.name ? `deletes documents of the \`${target.name}\` collection` : 'deletes Firestore documents with `recursiveDelete`', write: true, table: target.name };
  }
  // `const batch = db.batch()`, then `batch.commit()`: what the batch holds is written, whatever
  // reference its writes were handed (`snap.docs.forEach((d) => batch.update(d.ref, ...))`).
  if (name === 'commit') {
    const made = ts.isIdentifier(receiver) ? valueOf(receiver) : receiver;
    const batch = ts.isExpression(made) ? unwrap(made) : undefined;
    const from = batch && ts.isCallExpression(batch) && ts.isPropertyAccessExpression(unwrap(batch.expression)) && calleeName(batch) === 'batch' ? (unwrap(batch.expression) as TS.PropertyAccessExpression).expression : undefined;
    return from && isFirestore(from, valueOf) ? { work: 'writes to Firestore with `batch.commit`', write: true } : undefined;
  }
  // `batch.set(ref, data)`, `t.update(ref, data)`: a batch's or a transaction's write names the reference first.
  if (DOC_WRITES.has(name) && call.arguments.length >= 1) {
    const target = referenceOf(call.arguments[0], valueOf, 0);
    if (target?.store === 'firestore' && target.kind === 'doc' && !referenceOf(receiver, valueOf, 0)) return firestoreWrite(target, name);
  }
  const ref = referenceOf(receiver, valueOf, 0);
  if (!ref) return undefined;
  if (ref.store === 'rtdb') {
    if (!RTDB_WRITES.has(name)) return undefined;
    return { work: ref.name ? `writes to \`${ref.name}\` in the Realtime Database` : `writes to the Realtime Database with \`${name}\``, write: true, table: ref.name };
  }
  if (name === 'get') return firestoreRead(ref);
  if (ref.kind === 'doc' && DOC_WRITES.has(name)) return firestoreWrite(ref, name);
  if (ref.kind === 'collection' && name === 'add') return firestoreWrite(ref, name);
  return undefined;
}

function firestoreWrite(ref: Reference, verb: string): QueryWork {
  const work = ref.name ? `writes to the \`${ref.name}\` collection` : `writes to Firestore with \`${verb}\``;
  if (verb === 'create') return { work, write: true, table: ref.name, append: true, insert: { quiet: false } };
  if (verb === 'set') return { work, write: true, table: ref.name, upsert: true };
  return { work, write: true, table: ref.name, append: verb === 'add' };
}

function firestoreRead(ref: Reference): QueryWork | undefined {
  return ref.name !== undefined && PRIVATE_MODEL.test(ref.name) ? { work: `reads the \`${ref.name}\` collection`, write: false, table: ref.name } : undefined;
}

/**
 * `db.collection('events').doc(id).get()` or `getDoc(doc(db, 'events', id))`: the id a single
 * document is looked up by, for the replay check (`if (snap.exists) return`).
 */
export function firestoreLookupKey(call: TS.CallExpression, callee: TS.Expression, name: string, valueOf: ValueOf): TS.Expression | undefined {
  if (name === 'getDoc' && ts.isIdentifier(callee)) return call.arguments[0] && documentKey(call.arguments[0], valueOf);
  if (name !== 'get' || !ts.isPropertyAccessExpression(callee)) return undefined;
  return documentKey(callee.expression, valueOf);
}

function documentKey(expr: TS.Expression, valueOf: ValueOf): TS.Expression | undefined {
  let node = unwrap(expr);
  if (ts.isIdentifier(node)) {
    const value = valueOf(node);
    if (value === node || !ts.isExpression(value)) return undefined;
    node = unwrap(value);
  }
  if (!ts.isCallExpression(node) || calleeName(node) !== 'doc') return undefined;
  if (!referenceOf(node, valueOf, 0)) return undefined;
  return node.arguments[node.arguments.length - 1];
}

const FIRESTORE_SERVICES = new Set(['firestore', 'getFirestore']);
const RTDB_SERVICES = new Set(['database', 'getDatabase']);
const AUTH_SERVICES = new Set(['auth', 'getAuth']);
const MESSAGING_SERVICES = new Set(['messaging', 'getMessaging']);
const STORAGE_SERVICES = new Set(['storage', 'getStorage']);
/** What a document snapshot is usually called, whose `.ref` is its document. */
const SNAPSHOT_NAMES = /snap|^doc$|^after$|^before$/i;
/** What a Firestore instance is usually called, when its creation is out of sight (`import { db } from './firebase'`). */
const FIRESTORE_NAMES = /^(?:db|firestore|fs|store)$/i;

/**
 * `admin.firestore()`, `getFirestore()`, `new Firestore()`, or a name holding one: a service of
 * the Admin SDK. `admin.auth` (the namespace, not called) is no instance.
 */
function isService(expr: TS.Expression, services: ReadonlySet<string>, valueOf: ValueOf, depth: number): boolean {
  const node = unwrap(expr);
  if (ts.isCallExpression(node)) return services.has(calleeName(node) ?? '');
  if (ts.isNewExpression(node)) return services === FIRESTORE_SERVICES && calleeName(node) === 'Firestore';
  if (ts.isIdentifier(node) && depth < 4) {
    const value = valueOf(node);
    return value !== node && ts.isExpression(value) && isService(value, services, valueOf, depth + 1);
  }
  return false;
}

/**
 * A Firestore or Realtime Database reference: `db.collection('users').doc(id)`, `db.doc('users/1')`,
 * `x.where(...).orderBy(...)`, `snap.ref`, `doc(db, 'users', id)`, `collection(db, 'users')`,
 * `admin.database().ref('messages').child(id)`, `ref(getDatabase(), 'messages')`, through the
 * constants that hold them.
 */
function referenceOf(expr: TS.Expression, valueOf: ValueOf, depth: number): Reference | undefined {
  if (depth > 8) return undefined;
  const node = unwrap(expr);
  if (ts.isIdentifier(node)) {
    const value = valueOf(node);
    return value !== node && ts.isExpression(value) ? referenceOf(value, valueOf, depth + 1) : undefined;
  }
  // `snapshot.ref`, `change.after.ref` (a document snapshot's own reference).
  if (ts.isPropertyAccessExpression(node)) {
    const owner = unwrap(node.expression);
    const ownerName = ts.isIdentifier(owner) ? owner.text : ts.isPropertyAccessExpression(owner) ? owner.name.text : '';
    return node.name.text === 'ref' && SNAPSHOT_NAMES.test(ownerName) ? { store: 'firestore', kind: 'doc' } : undefined;
  }
  if (!ts.isCallExpression(node)) return undefined;
  const callee = unwrap(node.expression);
  const name = calleeName(node);
  const first = node.arguments[0] && pathHead(unwrap(node.arguments[0]));
  if (ts.isIdentifier(callee)) {
    // The modular API: `doc(db, 'users', id)`, `collection(db, 'users')`, `query(collection(...), where(...))`, `ref(db, 'path')`.
    const second = node.arguments[1] && stringLiteralValue(unwrap(node.arguments[1]));
    if ((name === 'doc' || name === 'collection') && node.arguments.length >= 2 && second !== undefined) {
      return { store: 'firestore', kind: name === 'doc' ? 'doc' : 'collection', name: second.split('/')[0] };
    }
    if (name === 'query' && node.arguments[0]) return referenceOf(node.arguments[0], valueOf, depth + 1);
    if (name === 'ref' && node.arguments[0] && isService(node.arguments[0], RTDB_SERVICES, valueOf, 0)) return { store: 'rtdb', kind: 'doc', name: second?.split('/')[0] };
    return undefined;
  }
  if (!ts.isPropertyAccessExpression(callee)) return undefined;
  const receiver = unwrap(callee.expression);
  switch (name) {
    case 'collection':
    case 'collectionGroup': {
      if (first === undefined) return undefined;
      const parent = isFirestore(receiver, valueOf) || referenceOf(receiver, valueOf, depth + 1)?.store === 'firestore';
      return parent ? { store: 'firestore', kind: 'collection', name: first.split('/')[0] || undefined } : undefined;
    }
    case 'doc': {
      const parent = referenceOf(receiver, valueOf, depth + 1);
      if (parent?.store === 'firestore' && parent.kind === 'collection') return { store: 'firestore', kind: 'doc', name: parent.name };
      // `db.doc('users/1')`, `db.doc(\`users/${id}\`)`: the path's first segment is the collection.
      if (!node.arguments[0] || !isFirestore(receiver, valueOf)) return undefined;
      const collection = first?.split('/')[0];
      return { store: 'firestore', kind: 'doc', name: collection || undefined };
    }
    case 'where':
    case 'orderBy':
    case 'limit':
    case 'limitToLast':
    case 'startAfter':
    case 'startAt':
    case 'endAt':
    case 'endBefore':
    case 'select': {
      const parent = referenceOf(receiver, valueOf, depth + 1);
      return parent?.store === 'firestore' ? { ...parent, kind: 'collection' } : undefined;
    }
    case 'ref':
      return isService(receiver, RTDB_SERVICES, valueOf, 0) ? { store: 'rtdb', kind: 'doc', name: first?.split('/').filter(Boolean)[0] } : undefined;
    case 'child': {
      const parent = referenceOf(receiver, valueOf, depth + 1);
      return parent?.store === 'rtdb' ? parent : undefined;
    }
    default:
      return undefined;
  }
}

/** A path as written: a string's text, or a template's text before its first substitution (`\`users/${id}\``). */
function pathHead(node: TS.Expression): string | undefined {
  return ts.isTemplateExpression(node) ? node.head.text : stringLiteralValue(node);
}

function isFirestore(expr: TS.Expression, valueOf: ValueOf): boolean {
  if (isService(expr, FIRESTORE_SERVICES, valueOf, 0)) return true;
  const node = unwrap(expr);
  // A Firestore instance imported from the project's own module (`import { db } from './firebase'`).
  return ts.isIdentifier(node) && FIRESTORE_NAMES.test(node.text) && valueOf(node) === node;
}

/** `bucket.file('x')`, `admin.storage().bucket().file(name)`: a Cloud Storage object. */
function isStorageFile(expr: TS.Expression, valueOf: ValueOf): boolean {
  const node = unwrap(expr);
  if (ts.isIdentifier(node)) {
    const value = valueOf(node);
    return value !== node && ts.isExpression(value) && isStorageFile(value, valueOf);
  }
  if (!ts.isCallExpression(node) || calleeName(node) !== 'file') return false;
  const callee = unwrap(node.expression);
  return ts.isPropertyAccessExpression(callee) && isBucket(callee.expression, valueOf, 0);
}

function isBucket(expr: TS.Expression, valueOf: ValueOf, depth: number): boolean {
  const node = unwrap(expr);
  if (ts.isIdentifier(node) && depth < 4) {
    const value = valueOf(node);
    return value !== node && ts.isExpression(value) && isBucket(value, valueOf, depth + 1);
  }
  if (!ts.isCallExpression(node) || calleeName(node) !== 'bucket') return false;
  const callee = unwrap(node.expression);
  return ts.isPropertyAccessExpression(callee) && isService(callee.expression, STORAGE_SERVICES, valueOf, 0);
}
