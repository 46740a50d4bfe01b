import type { RuleMeta } from '../core/rule';
import { INVALID_SUPPRESSION } from '../core/suppressions';

/*
 * Every shipped rule's metadata, apart from its code. The list of rules (./index.ts) is built from
 * these and loads a rule's code on its first check, so a scan the cache answers entirely, or a
 * listing of the rules, never loads the analysis or any rule module.
 */

/** Ids the handler analysis reports its verdicts under (src/analysis/endpoint.ts). */
export const UNAUTHENTICATED = 'no-unauthenticated-handler';
export const WEBHOOK_VERIFICATION = 'require-webhook-verification';
export const REPLAY = 'require-replay-protection';

export const invalidSuppression: RuleMeta = {
  id: INVALID_SUPPRESSION,
  title: 'Suppression comments are valid and used',
  description:
    'An `fnscan-disable` comment lacks a reason, names an unknown rule, has expired or suppresses nothing, so it hides no finding or hides one without saying why.',
  precision: 'very-high',
  defaultLevel: 'note',
  tags: ['maintainability', 'suppressions'],
  messages: {
    unknownDirective: '`{{directive}}` is not a fnscan directive, so it suppresses nothing.',
    noRule: 'This suppression names no rule, so it suppresses nothing.',
    missingReason: 'The suppression of `{{rules}}` gives no reason after `--`, so it suppresses nothing.',
    badUntil: 'The suppression of `{{rules}}` has `until={{until}}`, which is not a YYYY-MM-DD date, so it suppresses nothing.',
    expired: 'The suppression of `{{rules}}` expired on {{until}}, so it suppresses nothing.',
    unknownRule: '`{{rule}}` is not a fnscan rule that can be suppressed.',
    unused: 'The suppression of `{{rule}}` matches no `{{rule}}` finding on line {{line}}.',
  },
  readsConfigFiles: true,
};

export const noDisabledTls: RuleMeta = {
  id: 'no-disabled-tls',
  title: 'No disabled TLS certificate verification',
  description: 'TLS certificate verification is turned off, so any machine in the middle can read and change the traffic.',
  cwe: 295,
  securitySeverity: 7.5,
  precision: 'very-high',
  defaultLevel: 'error',
  tags: ['security', 'tls'],
  messages: {
    rejectUnauthorized: '`rejectUnauthorized: false` turns off certificate verification for the TLS connections made with these options.',
    rejectUnauthorizedClient: '`rejectUnauthorized: false` turns off certificate verification for `{{client}}`.',
    strictSsl: '`strictSSL: false` turns off certificate verification for the requests made with these options.',
    strictSslClient: '`strictSSL: false` turns off certificate verification for `{{client}}`.',
    rejectUnauthorizedInProduction:
      '`rejectUnauthorized: {{value}}` is `false` when `NODE_ENV` is `production`, which turns off certificate verification for the TLS connections made with these options there.',
    rejectUnauthorizedInProductionClient:
      '`rejectUnauthorized: {{value}}` is `false` when `NODE_ENV` is `production`, which turns off certificate verification for `{{client}}` there.',
    strictSslInProduction:
      '`strictSSL: {{value}}` is `false` when `NODE_ENV` is `production`, which turns off certificate verification for the requests made with these options there.',
    strictSslInProductionClient: '`strictSSL: {{value}}` is `false` when `NODE_ENV` is `production`, which turns off certificate verification for `{{client}}` there.',
    optionAssignment: 'Setting `{{target}}` to `false` turns off certificate verification.',
    optionAssignmentInProduction: 'Setting `{{target}}` to `{{value}}`, `false` when `NODE_ENV` is `production`, turns off certificate verification there.',
    checkServerIdentity: '`checkServerIdentity` accepts every certificate, so a valid certificate for any host name is trusted.',
    checkServerIdentityClient:
      '`checkServerIdentity` accepts every certificate for `{{client}}`, so a valid certificate for any host name is trusted.',
    nodeTlsRejectUnauthorized:
      '`NODE_TLS_REJECT_UNAUTHORIZED` set to `0` turns off certificate verification for every TLS connection of the process.',
    pgSslMode: '`PGSSLMODE` set to `no-verify` turns off certificate verification for node-postgres connections.',
    connectionString: '`{{param}}` turns off certificate verification for the database connection.',
    libpqRequire: '`{{param}}` with `uselibpqcompat=true` encrypts the database connection without verifying the certificate.',
  },
  readsConfigFiles: true,
  hasSuggestions: true,
};

export const noErrorExposure: RuleMeta = {
  id: 'no-error-exposure',
  title: 'Server errors do not reveal internals to the caller',
  description:
    'A 5xx response sends the stack trace or the message of an unexpected error to the caller, revealing file paths, queries or configuration.',
  cwe: 209,
  securitySeverity: 5.3,
  precision: 'high',
  defaultLevel: 'warning',
  tags: ['security', 'error-handling'],
  messages: {
    stack: '`{{name}}.stack` is sent to the caller in a {{status}} response, revealing file paths and code structure.',
    message: 'The message of `{{name}}`, an unexpected error, is sent to the caller in a {{status}} response.',
    axios:
      '`{{name}}`, an error axios threw, is serialised into a {{status}} response: its `toJSON()` carries the stack and the request\'s config, headers and credentials included.',
  },
};

export const noGraphqlIntrospectionInProduction: RuleMeta = {
  id: 'no-graphql-introspection-in-production',
  title: 'GraphQL introspection and GraphiQL stay off in production',
  description:
    "`allowIntrospection: true` or `allowGraphiQL: true` in Redwood's `createGraphQLHandler` turns them on in every environment, publishing the whole schema and a query playground.",
  cwe: 200,
  securitySeverity: 5.3,
  precision: 'very-high',
  defaultLevel: 'warning',
  tags: ['security', 'graphql'],
  messages: {
    introspection:
      '`allowIntrospection: true` turns on GraphQL introspection in every environment, so anyone can download the full schema, admin-only fields included.',
    graphiql: '`allowGraphiQL: true` serves the GraphiQL playground in every environment, not only in development.',
    introspectionInProduction:
      '`allowIntrospection` is on exactly when `NODE_ENV` is `production`, the reverse of the usual switch, so anyone can download the full schema of the deployed API.',
    graphiqlInProduction: '`allowGraphiQL` is on when `NODE_ENV` is `production`, the reverse of the usual switch, so the deployed API serves the GraphiQL playground.',
  },
};

export const noHardcodedSecret: RuleMeta = {
  id: 'no-hardcoded-secret',
  title: 'No hardcoded secrets',
  description: 'A credential (webhook secret, API key, token, private key) is written in the source or a committed config file.',
  cwe: 798,
  securitySeverity: 7.5,
  precision: 'high',
  defaultLevel: 'error',
  tags: ['security', 'secrets'],
  messages: {
    hardcoded: '`{{name}}` holds a hardcoded {{kind}} ({{masked}}).',
    literal: 'A string literal holds a hardcoded {{kind}} ({{masked}}).',
    comment: 'A comment holds a hardcoded {{kind}} ({{masked}}).',
    authorizationHeader: 'The `{{name}}` header holds a hardcoded {{kind}} ({{masked}}).',
    envFallback: 'The fallback for `{{env}}` is a hardcoded {{kind}} ({{masked}}).',
    sinkLiteral: 'The {{role}} passed to `{{sink}}` is a hardcoded string ({{masked}}).',
    sinkConstant: '`{{name}}` holds a hardcoded {{role}} that is passed to `{{sink}}` ({{masked}}).',
    sinkImported: 'The {{role}} passed to `{{sink}}` comes from `{{name}}`, a hardcoded string ({{masked}}).',
  },
  readsConfigFiles: true,
  hasSuggestions: true,
};

export const noInsecureTransport: RuleMeta = {
  id: 'no-insecure-transport',
  title: 'Credentials and data are not sent over plain HTTP',
  description:
    'A request sends credentials or a body to a non-local `http://` URL, where anyone on the network path can read and change them.',
  cwe: 319,
  securitySeverity: 7.4,
  precision: 'high',
  defaultLevel: 'error',
  tags: ['security', 'transport'],
  messages: {
    header: '`{{client}}` sends the `{{header}}` header to `http://{{host}}` over plain HTTP, where anyone on the network path can read it.',
    login: '`{{client}}` sends the `{{option}}` credentials to `http://{{host}}` over plain HTTP, where anyone on the network path can read them.',
    env: '`{{client}}` sends `process.env.{{name}}` to `http://{{host}}` over plain HTTP, where anyone on the network path can read it.',
    body: '`{{client}}` sends a request body to `http://{{host}}` over plain HTTP, where anyone on the network path can read and change it.',
  },
};

export const noJwtVerifierBodyTrust: RuleMeta = {
  id: 'no-jwt-verifier-body-trust',
  title: "Redwood's jwtVerifier is not trusted to vouch for the body",
  description:
    "Redwood's `jwtVerifier` checks the signed token in the header but never compares it with the body, so a handler that acts on `event.body` accepts any body sent with one captured token.",
  cwe: 345,
  securitySeverity: 6.5,
  precision: 'high',
  defaultLevel: 'warning',
  tags: ['security', 'webhooks'],
  messages: {
    bodyNotBound:
      "`{{call}}` checks only the token, not that it covers the body, so anyone holding one captured token can send `{{body}}` with any content until the token expires.",
  },
};

export const noPermissiveCors: RuleMeta = {
  id: 'no-permissive-cors',
  title: 'CORS does not grant credentials to every origin',
  description:
    'A CORS configuration allows credentials (cookies, `Authorization`) together with any origin, so other websites can make authenticated requests as the visitor.',
  cwe: 942,
  securitySeverity: 8.1,
  precision: 'high',
  defaultLevel: 'error',
  tags: ['security', 'cors'],
  messages: {
    reflect:
      '`{{where}}` allows credentialed requests from any origin (`{{origin}}` with credentials), so any website can act as its logged-in visitors and read the responses.',
    wildcard:
      '`{{where}}` pairs the wildcard origin `*` with credentials, a configuration that trusts every website with its visitors\' credentials.',
  },
};

export const noSensitiveLogging: RuleMeta = {
  id: 'no-sensitive-logging',
  title: 'Logs do not receive requests, headers, bodies or secrets',
  description:
    'A log call writes a whole request, its headers or body, or a secret into logs, where anyone who can read them can reuse the credentials and personal data.',
  cwe: 532,
  securitySeverity: 5.5,
  precision: 'high',
  defaultLevel: 'warning',
  tags: ['security', 'logging'],
  messages: {
    event: '`{{call}}` logs the whole request `{{name}}`, including its cookies, authorization headers and body.',
    headers: '`{{call}}` logs `{{name}}`, which holds the caller\'s cookies and authorization headers.',
    header: '`{{call}}` logs the `{{name}}` header, a credential.',
    body: '`{{call}}` logs the request body `{{name}}`, which can hold passwords, tokens and personal data.',
    env: '`{{call}}` logs `{{name}}`, a secret.',
    envAll: '`{{call}}` logs `{{name}}`, which holds every secret of the deployment.',
    named: '`{{call}}` logs `{{name}}`, whose name says it holds a credential.',
    cookies: '`{{call}}` logs `{{name}}`, all of the caller\'s cookies, session cookies among them.',
    cookie: '`{{call}}` logs the `{{name}}` cookie, which holds the caller\'s login.',
    holds: '`{{call}}` logs `{{name}}`, which holds `{{credential}}`.',
  },
};

export const noSpoofableIpAllowlist: RuleMeta = {
  id: 'no-spoofable-ip-allowlist',
  title: 'Access is not decided by client-supplied IP headers',
  description:
    'Access is allowed or refused by an IP address read from `X-Forwarded-For`, `Client-IP` or a similar header, which any caller can set to an allowed address.',
  cwe: 290,
  securitySeverity: 7.3,
  precision: 'high',
  defaultLevel: 'error',
  tags: ['security', 'authentication'],
  messages: {
    spoofable: 'Access is decided by the `{{header}}` header, which any caller can set to an allowed address.',
  },
};

export const noTimingUnsafeCompare: RuleMeta = {
  id: 'no-timing-unsafe-compare',
  title: 'Secrets are compared in constant time',
  description:
    'A signature, token or API key is compared with `===` or `!==`, whose running time reveals how much of a guess is right; `crypto.timingSafeEqual` does not.',
  cwe: 208,
  securitySeverity: 5.9,
  precision: 'high',
  defaultLevel: 'warning',
  tags: ['security', 'authentication', 'webhooks'],
  messages: {
    hmac: 'An HMAC digest is compared with `{{op}}`, whose running time reveals how many leading characters of a forged signature are right.',
    env: '`{{read}}` is compared with `{{op}}`, whose running time reveals how many leading characters of a guess are right.',
    header: 'The `{{name}}` header is compared with `{{op}}`, whose running time reveals how many leading characters of a guess are right.',
  },
};

export const noUnauthenticatedHandler: RuleMeta = {
  id: UNAUTHENTICATED,
  title: 'Endpoints doing sensitive work authenticate the caller',
  description:
    'A serverless function is a public HTTP endpoint; this one does sensitive work (database, email, files, credentialed API calls) without authenticating the caller.',
  cwe: 306,
  securitySeverity: 8.2,
  precision: 'high',
  defaultLevel: 'error',
  tags: ['security', 'authentication'],
  messages: {
    unauthenticated: 'Handler `{{name}}` {{work}} without authenticating the caller.',
    unguardedPath: 'Handler `{{name}}` {{work}} on a path that skips its check of the caller ({{via}}).',
    optionalCheck:
      'Handler `{{name}}` {{work}}, but checks the caller ({{via}}) only when the request carries a credential, so a request without one gets through.',
    wrapperOnly:
      'Handler `{{name}}` {{work}} without authenticating the caller; `useRequireAuth` only decodes the caller and rejects nobody.',
    stubOnly: 'Handler `{{name}}` {{work}} and its only auth check is a stub that allows every caller.',
    decodeOnly:
      'Handler `{{name}}` {{work}} and its only auth check decodes the caller\'s token with `{{decoder}}` without verifying its signature, so a forged token passes.',
    headerOnly:
      'Handler `{{name}}` {{work}} and its only auth check trusts the `{{header}}` header, which any caller can set.',
    openFunctionUrl:
      'Handler `{{name}}` is open to anyone through a function URL with `AuthType: NONE` and checks no caller in code.',
    stubAuth: '`{{name}}` in `{{module}}` always allows the caller, so calls to it authenticate nobody.',
    serverAction:
      'Server action `{{name}}` {{work}} without authenticating the caller; anyone can call a server action with a POST request, whatever page renders its form.',
    serverActionUnguarded: 'Server action `{{name}}` {{work}} on a path that skips its check of the caller ({{via}}).',
    serverActionOptionalCheck:
      'Server action `{{name}}` {{work}}, but checks the caller ({{via}}) only when the request carries a credential, so a request without one gets through.',
    serverActionStub: 'Server action `{{name}}` {{work}} and its only auth check is a stub that allows every caller.',
    serverActionDecodeOnly:
      'Server action `{{name}}` {{work}} and its only auth check decodes the caller\'s token with `{{decoder}}` without verifying its signature, so a forged token passes.',
    serverActionHeaderOnly:
      'Server action `{{name}}` {{work}} and its only auth check trusts the `{{header}}` header, which any caller can set.',
  },
};

export const noWeakDbauthCookie: RuleMeta = {
  id: 'no-weak-dbauth-cookie',
  title: 'The dbAuth session cookie keeps HttpOnly, Secure and SameSite',
  description:
    "The options of Redwood's `DbAuthHandler` weaken the session cookie (`HttpOnly` or `Secure` off, `SameSite: 'None'` without `Secure`), exposing sessions to scripts, plain HTTP or other sites.",
  cwe: 1004,
  securitySeverity: 6.5,
  precision: 'very-high',
  defaultLevel: 'error',
  tags: ['security', 'cookies', 'authentication', 'external/cwe/cwe-614', 'external/cwe/cwe-1275'],
  messages: {
    httpOnlyOff: 'The dbAuth session cookie is set with `HttpOnly: false`, so any script on the page, injected ones included, can read the session.',
    httpOnlyMissing:
      'The dbAuth session cookie attributes leave out `HttpOnly`, and Redwood adds no default, so any script on the page can read the session.',
    secureOff: 'The dbAuth session cookie is set with `Secure: false`, so browsers also send it over plain HTTP.',
    sameSiteNone:
      "The dbAuth session cookie is set with `SameSite: 'None'` and no `Secure`, so it goes with cross-site requests, over plain HTTP too, where browsers accept it.",
  },
};

export const noWeakWebhookSecret: RuleMeta = {
  id: 'no-weak-webhook-secret',
  title: 'Committed webhook and session secrets are not weak or placeholders',
  description:
    'A committed config file sets a webhook signing secret or `SESSION_SECRET` to a placeholder or a short, guessable value, or the code falls back to one when a signing key\'s variable is unset (`process.env.JWT_SECRET || \'changeme\'`), which any deployment that does not set it will use.',
  cwe: 1391,
  securitySeverity: 7.5,
  precision: 'high',
  defaultLevel: 'warning',
  tags: ['security', 'secrets', 'webhooks'],
  messages: {
    placeholder:
      '`{{name}}` is set to a placeholder in a committed file, so any deployment that does not override it relies on a value anyone with the repository can read.',
    short: '`{{name}}` is set to a value of only {{length}} characters in a committed file, short enough to guess; a shared secret needs at least 16 random characters.',
    guessable: '`{{name}}` is set to a guessable value (words, a sequence or repeated characters) in a committed file.',
    fallback:
      '`{{read}}` falls back to {{what}} written in the code: wherever the variable is unset, tokens and signatures rest on a key anyone who reads the repository knows.',
  },
  readsConfigFiles: true,
};

export const requireReplayProtection: RuleMeta = {
  id: REPLAY,
  title: 'Verified webhooks reject replays',
  description:
    'A verified webhook accepts the same signed request again: nothing checks its timestamp or de-duplicates its event id.',
  cwe: 294,
  securitySeverity: 5.3,
  precision: 'medium',
  defaultLevel: 'warning',
  tags: ['security', 'webhooks'],
  messages: {
    noReplayProtection:
      'Webhook handler `{{name}}` verifies with {{via}} but neither checks a timestamp nor de-duplicates events.',
    weakWindow: 'Webhook handler `{{name}}` verifies with {{via}} using {{note}}, which does not stop replays.',
    unsignedTimestamp:
      'Webhook handler `{{name}}` checks a timestamp that {{via}} does not sign, so a replayed request passes with a fresh timestamp.',
  },
};

export const requireWebhookSecret: RuleMeta = {
  id: 'require-webhook-secret',
  title: 'Redwood webhook verification names its secret',
  description:
    "`verifyEvent` without a `secret` falls back to `process.env.WEBHOOK_SECRET ?? ''`; when nothing in the project defines `WEBHOOK_SECRET`, the key may be empty and signatures forgeable.",
  cwe: 1188,
  securitySeverity: 7.5,
  precision: 'medium',
  defaultLevel: 'warning',
  tags: ['security', 'webhooks'],
  messages: {
    emptyKey:
      "`{{call}}` has no `secret`, so it falls back to `WEBHOOK_SECRET`, which no committed env file or code of the project mentions; wherever the deployment leaves it unset, the key is `''` and anyone can sign requests.",
    emptySecretKey:
      "`{{call}}` has no `secret`, so it falls back to `WEBHOOK_SECRET`, which no committed env file or code of the project mentions; wherever the deployment leaves it unset, a request with an empty signature header passes.",
  },
  readsConfigFiles: true,
};

export const requireWebhookVerification: RuleMeta = {
  id: WEBHOOK_VERIFICATION,
  title: 'Webhook handlers verify the signature',
  description:
    'A webhook handler acts on a payload whose signature it does not verify, or verifies it in a way that can be bypassed.',
  cwe: 345,
  securitySeverity: 8.1,
  precision: 'high',
  defaultLevel: 'error',
  tags: ['security', 'webhooks'],
  hasSuggestions: true,
  messages: {
    unverified: "Webhook handler `{{name}}` {{work}} without verifying the payload's signature.",
    presenceOnly:
      'Webhook handler `{{name}}` only checks that the `{{header}}` header is present; it never verifies the signature.',
    skipVerifier: 'Webhook handler `{{name}}` verifies with `skipVerifier`, which accepts every request.',
    envVerifierType:
      'Webhook handler `{{name}}` reads its verifier type from the environment, so a deployment can silently run `skipVerifier`.',
    swallowed: 'Webhook handler `{{name}}` catches the failure of {{via}} and carries on with the payload.',
    withoutVerification:
      'Webhook handler `{{name}}` builds the Stripe event with `constructEventWithoutVerification`, which checks no signature.',
    unawaited: 'Webhook handler `{{name}}` does not await {{via}}; the pending promise is truthy, so every signature passes.',
    unawaitedRejection:
      'Webhook handler `{{name}}` does not await {{via}}, so a bad signature rejects a promise nobody waits for and the handler carries on with the payload.',
    resultIgnored: 'Webhook handler `{{name}}` ignores the result of {{via}}, so requests with bad signatures are processed.',
    validUnchecked: 'Webhook handler `{{name}}` never checks `.valid` from {{via}}, which does not throw on a bad signature.',
    signatureVerificationOff: 'Webhook handler `{{name}}` turns off Slack request verification with `signatureVerification: false`.',
    validateOff: 'Webhook handler `{{name}}` turns off Twilio request validation with `validate: false`.',
    onlyWhenSigned:
      'Webhook handler `{{name}}` runs {{via}} only when the request carries a signature header; a request without one skips the check.',
    skippedOnRequest:
      'Webhook handler `{{name}}` skips {{via}} when a header or query parameter of the request says so, and acts on the unverified payload; any sender can set it.',
    actsBeforeVerify: 'Webhook handler `{{name}}` {{work}} before verifying the signature with {{via}}.',
  },
};
