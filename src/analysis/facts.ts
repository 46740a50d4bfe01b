import type * as TS from 'typescript';
import type { SourceFileInfo } from '../core/files';

/** A place in the project: the node that shows a fact, and the file it is in. */
export interface Site {
  file: SourceFileInfo;
  node: TS.Node;
}

/** How a verification can be bypassed or is not one at all. */
export type BrokenReason =
  | 'skipVerifier'
  | 'envVerifierType'
  | 'swallowed'
  | 'withoutVerification'
  | 'unawaited'
  | 'unawaitedRejection'
  | 'resultIgnored'
  | 'validUnchecked'
  | 'signatureVerificationOff'
  | 'validateOff'
  | 'onlyWhenSigned'
  | 'skippedOnRequest';

export interface VerifyFact extends Site {
  /** Human name of the check, e.g. "`verifyEvent('sha256Verifier')`". */
  via: string;
  /** Whether the verifier itself rejects old or replayed requests. */
  replay: 'window' | 'none';
  /** Why a nominal window does not count (tolerance too large, Stripe tolerance <= 0). */
  replayNote?: string;
  broken?: BrokenReason;
}

/** A stretch of a source file: a branch, or clauses of a `switch` that sit together. */
export interface Stretch {
  sf: TS.SourceFile;
  pos: number;
  end: number;
}

export interface AuthFact extends Site {
  via: string;
  /** A check that refuses nobody but guards a branch (`if (session) { ... }`): it covers only the work in there. */
  onlyWithin?: Stretch;
  /**
   * The check runs only when the request carries a credential (`if (token) jwt.verify(token, key)`):
   * `onlyWithin` is that branch, or empty for a refusal that needs the credential to be there
   * (`if (key && key !== expected) return 403`).
   */
  optional?: true;
  /**
   * A check whose refusal a `catch` that carries on swallows: it still stops the rest of its `try`
   * block, so it covers the work after it in there (`try { requireAuth(); await work() } catch {}`).
   */
  swallowedIn?: TS.Node;
}

export interface SensitiveFact extends Site {
  /** Verb phrase for the message: "writes to `db.user`". */
  work: string;
  write: boolean;
  /** The model, table or collection, when the code names it. */
  model?: string;
  /** A write that adds a row or bumps a count (create, insert, upsert, increment): what bookkeeping does. */
  append?: boolean;
}

/**
 * What running a function can do, as far as a reviewer would tell from reading it and the
 * project helpers it calls. `anchor` is the call in the analysed function that leads to a fact,
 * so order (act before verify) can be judged in the handler's own body.
 */
export interface Facts {
  verifies: Anchored<VerifyFact>[];
  auth: Anchored<AuthFact>[];
  sensitive: Anchored<SensitiveFact>[];
  /**
   * Delivery-id / event-id de-duplication. `idempotent`: a write keyed by the id (`upsert`,
   * `update`) that stops no replay by itself but makes that write harmless to repeat.
   */
  dedupe: Array<Site & { idempotent?: boolean }>;
  /** A manual check of a signed timestamp against the clock. */
  timestampChecks: Site[];
  /** A clock check on a timestamp the hand-written HMAC of the same function does not sign. */
  unsignedTimestamps: Site[];
  /** Signature header reads (by name). */
  signatureHeaders: Array<Site & { header: string }>;
  /** Whether a signature header read is only tested for presence. */
  signaturePresenceChecked: boolean;
  /** Event-name header reads (`x-github-event`), a sign the handler receives webhooks. */
  eventHeaders: Site[];
  /** Raw-material for a manual HMAC check, combined at the top. */
  hmac: Site[];
  compares: Site[];
  readsBody: boolean;
  /** The function can reject the caller: throws or returns 401/403. */
  rejects: boolean;
  /** Calls of auth helpers that always allow (stub `src/lib/auth`), or that only decode the caller's token. */
  stubAuthCalls: Array<Site & { decodes?: string; header?: string }>;
  /** A token's claims read without a check of its signature (`jwt.decode(token)`), as written. */
  decodes: Array<Site & { via: string }>;
}

export type Anchored<T> = T & { anchor: TS.Node };

export function emptyFacts(): Facts {
  return {
    verifies: [],
    auth: [],
    sensitive: [],
    dedupe: [],
    timestampChecks: [],
    unsignedTimestamps: [],
    signatureHeaders: [],
    signaturePresenceChecked: false,
    eventHeaders: [],
    hmac: [],
    compares: [],
    readsBody: false,
    rejects: false,
    stubAuthCalls: [],
    decodes: [],
  };
}

/** Adds a callee's facts to the caller's, re-anchored at the call (or kept, for the handler itself). */
export function mergeFacts(into: Facts, from: Facts, anchor?: TS.Node): void {
  const reanchor = <T extends { anchor: TS.Node }>(xs: T[]): T[] => (anchor ? xs.map((x) => ({ ...x, anchor })) : xs);
  into.verifies.push(...reanchor(from.verifies));
  into.auth.push(...reanchor(from.auth));
  into.sensitive.push(...reanchor(from.sensitive));
  into.dedupe.push(...from.dedupe);
  into.timestampChecks.push(...from.timestampChecks);
  into.unsignedTimestamps.push(...from.unsignedTimestamps);
  into.signatureHeaders.push(...from.signatureHeaders);
  into.signaturePresenceChecked ||= from.signaturePresenceChecked;
  into.eventHeaders.push(...from.eventHeaders);
  into.hmac.push(...from.hmac);
  into.compares.push(...from.compares);
  into.readsBody ||= from.readsBody;
  into.rejects ||= from.rejects;
  into.stubAuthCalls.push(...from.stubAuthCalls);
  into.decodes.push(...from.decodes);
}
