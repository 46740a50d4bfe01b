import { PUBLIC_ENV, isSignatureHeader } from '../../analysis/vocabulary';
import type { Origin } from './origins';

/** Headers whose value is a credential or a signature (not `cookie`, which holds many values). */
const CREDENTIAL_HEADERS = new Set([
  'authorization',
  'proxy-authorization',
  'x-api-key',
  'api-key',
  'apikey',
  'x-auth-token',
  'x-access-token',
  'x-cron-secret',
  'x-internal-token',
  'x-admin-token',
  'x-webhook-secret',
  'x-webhook-token',
  'x-gitlab-token',
]);

export function isCredentialHeader(name: string): boolean {
  if (CREDENTIAL_HEADERS.has(name) || isSignatureHeader(name)) return true;
  // `x-api-key-id`, `x-signature-version`: about the credential, not the credential.
  return /(?:^|-)(?:token|secret|signature|api-?key)(?:$|-)/.test(name) && !/-(?:id|name|type|version|algorithm|alg)$/.test(name);
}

/** Env names of credentials; `STRIPE_SECRET_KEY`, `CRON_SECRET`, `API_TOKEN`, `ADMIN_PASSWORD`, `CRON_KEY`. */
const CREDENTIAL_ENV = /SECRET|TOKEN|PASSWORD|PASSWD|PRIVATE_?KEY|API_?KEY|ACCESS_?KEY|CREDENTIAL|SIGNING_?KEY|AUTH_?KEY|(?:CRON|ADMIN|INTERNAL|MASTER|SHARED|SERVICE|MAINT(?:ENANCE)?)_?KEY/i;
/** ...but not the names, ids, addresses or lifetimes of credentials. */
const NOT_A_VALUE = /_(?:URL|URI|NAME|ID|ARN|PATH|FILE|HEADER|ENDPOINT|TTL|EXPIRY|EXPIRES|EXPIRES_IN|LENGTH|REGION|ISSUER|AUDIENCE|TYPE|VERSION|COUNT|HASH(?:E?S)?|DIGEST|REPO)S?$/i;


export function isCredentialEnv(name: string): boolean {
  return CREDENTIAL_ENV.test(name) && !NOT_A_VALUE.test(name) && !PUBLIC_ENV.test(name);
}

/** A value a request's authenticity rests on: a credential header, an HMAC digest, a credential env var. */
export function isSecretOrigin(origin: Origin | undefined): boolean {
  if (!origin) return false;
  if (origin.kind === 'hmac') return true;
  if (origin.kind === 'header') return isCredentialHeader(origin.name);
  if (origin.kind === 'env') return isCredentialEnv(origin.name);
  return false;
}
