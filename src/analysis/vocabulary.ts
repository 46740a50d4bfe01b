/** Names fnscan recognises in handler code. Kept in one place so the three handler rules agree. */
import ts from '../core/typescript';
import type * as TS from 'typescript';
import type { ProjectAnalysis } from '../core/analysis';
import type { SourceFileInfo } from '../core/files';
import { unwrap } from '../core/ast';

/** `@redwoodjs/...` and its community fork `@cedarjs/...` are the same API. */
export function isRedwoodModule(specifier: string, sub: string): boolean {
  return specifier === `@redwoodjs/${sub}` || specifier === `@cedarjs/${sub}`;
}

export function isRedwoodWebhooksModule(specifier: string): boolean {
  return /^@(redwoodjs|cedarjs)\/api(\/webhooks)?$/.test(specifier);
}

/**
 * Which of Redwood's `verifyEvent` / `verifySignature` a call is, imported by name (renamed or
 * not), or read from the module's namespace (`import * as webhooks`, `require(...)`).
 */
export function redwoodVerifyCall(analysis: ProjectAnalysis, file: SourceFileInfo, call: TS.CallExpression): 'verifyEvent' | 'verifySignature' | undefined {
  const callee = unwrap(call.expression);
  let name: string | undefined;
  let local: string | undefined;
  if (ts.isIdentifier(callee)) {
    local = callee.text;
  } else if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression)) {
    local = callee.expression.text;
    name = callee.name.text;
  }
  if (local === undefined) return undefined;
  const source = analysis.importSource(file, local);
  if (!source || !isRedwoodWebhooksModule(source.specifier)) return undefined;
  if (name === undefined) name = source.name;
  else if (source.name !== '*' && source.name !== 'default') return undefined;
  return name === 'verifyEvent' || name === 'verifySignature' ? name : undefined;
}

/** The eight verifier types of `verifyEvent`; only this one checks time by itself. */
export const TIME_CHECKING_REDWOOD_VERIFIER = 'timestampSchemeVerifier';

/** Replay windows longer than this protect nothing in practice. */
export const MAX_TOLERANCE_MS = 60 * 60 * 1000;

/** Headers that carry a provider's webhook signature. */
export const SIGNATURE_HEADERS = new Set([
  'stripe-signature',
  'x-hub-signature',
  'x-hub-signature-256',
  'svix-signature',
  'webhook-signature',
  'x-slack-signature',
  'x-twilio-signature',
  'x-shopify-hmac-sha256',
  'x-vercel-signature',
  'x-discourse-event-signature',
  'x-webhook-signature',
  'rw-webhook-signature',
  'x-signature',
  'x-razorpay-signature',
  'x-paystack-signature',
  'paddle-signature',
  'x-square-hmacsha256-signature',
  'x-cal-signature-256',
  'linear-signature',
  'x-zm-signature',
  'x-signature-ed25519',
  'sentry-hook-signature',
  'x-hubspot-signature-v3',
  'typeform-signature',
  'x-wc-webhook-signature',
  'calendly-webhook-signature',
  'x-twitch-eventsub-message-signature',
  'x-line-signature',
  'x-hook-signature',
]);

/**
 * A signature header of a provider not listed, named the way they are: `x-acme-signature`,
 * `sanity-webhook-signature`, `x-foo-signature-256`, `x-acme-hmac-sha256`. Not the headers that
 * come with a signature (`x-signature-timestamp`, `signature-input`).
 */
const NAMED_LIKE_A_SIGNATURE = '[a-z0-9-]*-(?:signature|hmac)(?:-(?:v\\d+|\\d+|sha\\d+))?';

const NAMED_SIGNATURE_HEADER = new RegExp(`^${NAMED_LIKE_A_SIGNATURE}$`);

/** Whether a header (its lower-case name) carries a webhook signature. */
export function isSignatureHeader(name: string): boolean {
  return SIGNATURE_HEADERS.has(name) || NAMED_SIGNATURE_HEADER.test(name);
}

/** A signature header's name, quoted as code reads it: `headers['x-hub-signature-256']`, `headers.get('stripe-signature')`. */
export const SIGNATURE_HEADER_TEXT = new RegExp(`['"\`](?:${[...SIGNATURE_HEADERS].join('|')}|${NAMED_LIKE_A_SIGNATURE})['"\`]`, 'i');

/** Headers that identify one delivery, so a handler can refuse to process it twice. */
export const DELIVERY_ID_HEADERS = new Set([
  'x-github-delivery',
  'x-shopify-webhook-id',
  'x-shopify-event-id',
  'x-discourse-event-id',
  'svix-id',
  'webhook-id',
  'i-twilio-idempotency-token',
  'idempotency-key',
  'x-idempotency-key',
]);

/** Headers carrying a signed timestamp (used by manual replay checks). */
export const TIMESTAMP_HEADERS = /(^|-)timestamp$|^x-shopify-triggered-at$/;

/** Headers that name a webhook event: reading them marks a handler as a webhook receiver. */
export const EVENT_HEADERS = new Set(['x-github-event', 'x-shopify-topic', 'x-event-type', 'x-gitlab-event']);

/** Credentials a caller presents. */
export const AUTH_HEADERS = new Set([
  'authorization',
  'x-api-key',
  'api-key',
  'x-auth-token',
  'x-access-token',
  'cookie',
  'x-cron-secret',
  'x-internal-token',
  'x-admin-token',
]);

/** A file or function name that says "I receive webhooks". */
export const WEBHOOK_NAME = /webhook|hook$|callback|[-_]?ipn$|notify|notification|^(?:github|shopify|slack|clerk|svix|discourse|orbit|netlify|vercel|paddle|lemonsqueezy)(?:[A-Z_-]|$)|^(?:stripe|twilio|resend|sendgrid|postmark)$/i;

/**
 * Stripe, Twilio and the email APIs are called far more often than they call in: their name
 * followed by an action (`stripe-checkout`, `resend-send`, `twilioSms`) calls the API, followed
 * by an event (`stripe-payment-succeeded`, `stripe_events`, `twilio-inbound`) receives it.
 */
export const PROVIDER_EVENT_NAME = /^(?:stripe|twilio|resend|sendgrid|postmark)(?:[-_][\w-]*|[A-Z]\w*)(?:ed|[Ee]vents?|[Hh]andler|[Rr]eceiver|[Ll]istener|[Ss]ync|[Ii]nbound|[Ii]ncoming|[Ss]tatus)$/;

/** Prisma model names whose reads are private data. Reads of other models (posts, products) are public-ish. */
export const PRIVATE_MODEL = /user|account|order|payment|invoice|customer|session|subscription|profile|member|employee|patient|message|address|card|token|credential|secret|apikey|transaction|billing|audit|contact|lead|note|document|file|upload|subscriber|person|people|guest|patient|student|tenant/i;

export const PRISMA_WRITES = new Set([
  'create',
  'createMany',
  'createManyAndReturn',
  'update',
  'updateMany',
  'upsert',
  'delete',
  'deleteMany',
  '$executeRaw',
  '$executeRawUnsafe',
]);

export const PRISMA_READS = new Set([
  'findUnique',
  'findUniqueOrThrow',
  'findFirst',
  'findFirstOrThrow',
  'findMany',
  'count',
  'aggregate',
  'groupBy',
  '$queryRaw',
  '$queryRawUnsafe',
]);

/** Calls that send email or SMS, by their last name. */
export const MESSAGE_SENDERS: ReadonlySet<string> = new Set([
  'sendMail',
  'sendEmail',
  'sendSms',
  'sendSMS',
  'sendText',
  'sendMessage',
  'sendTransactionalEmail',
  'sendTemplate',
  'sendBatch',
]);

/** Dotted suffixes of SDK calls that send messages: twilio `messages.create`, resend `emails.send`. */
export const MESSAGE_SDK_CALLS = /(^|\.)(messages\.create|emails\.send|mail\.send|sgMail\.send(?:Multiple)?|sendEmailWithTemplate|transactionalEmails\.send)$/;

export const FS_MODULES = new Set(['fs', 'node:fs', 'fs/promises', 'node:fs/promises', 'fs-extra']);
export const FS_CALLS = /^(readFile|readFileSync|writeFile|writeFileSync|appendFile|appendFileSync|unlink|unlinkSync|rm|rmSync|readdir|readdirSync|createReadStream|createWriteStream|copyFile|rename)$/;

export const EXEC_MODULES = new Set(['child_process', 'node:child_process', 'execa']);

/** Names of credential environment variables, for "returns a secret" and "calls an API with credentials". */
/** Env names bundlers expose to the browser, and keys that are public by design: never a secret. */
export const PUBLIC_ENV = /^(?:NEXT_PUBLIC|REDWOOD_ENV|VITE|PUBLIC|GATSBY|EXPO_PUBLIC|REACT_APP)_|PUBLISHABLE|PUBLIC_?KEY|SEARCH_ONLY|^CLOUDINARY_API_KEY$|^MAPBOX_(?:ACCESS_)?TOKEN$/i;
export const CREDENTIAL_ENV = /SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE|API_?KEY|ACCESS_?KEY|CREDENTIAL|AUTH|SERVICE_?ROLE|(?:CRON|ADMIN|INTERNAL|MASTER|SHARED|SERVICE|MAINT(?:ENANCE)?)_?KEY/i;
