import type { Rule } from '../core/rule';
import noUnauthenticatedHandler from './no-unauthenticated-handler';
import noHardcodedSecret from './no-hardcoded-secret';
import requireWebhookVerification from './require-webhook-verification';
import requireReplayProtection from './require-replay-protection';
import noDisabledTls from './no-disabled-tls';
import invalidSuppression from './invalid-suppression';
import noTimingUnsafeCompare from './no-timing-unsafe-compare';
import noErrorExposure from './no-error-exposure';
import noInsecureTransport from './no-insecure-transport';
import noSensitiveLogging from './no-sensitive-logging';
import noSpoofableIpAllowlist from './no-spoofable-ip-allowlist';
import noWeakDbauthCookie from './no-weak-dbauth-cookie';
import noGraphqlIntrospectionInProduction from './no-graphql-introspection-in-production';
import noPermissiveCors from './no-permissive-cors';
import requireWebhookSecret from './require-webhook-secret';
import noJwtVerifierBodyTrust from './no-jwt-verifier-body-trust';
import noWeakWebhookSecret from './no-weak-webhook-secret';

/** Every rule fnscan ships, in a fixed order (SARIF `ruleIndex` follows it). */
export const rules: readonly Rule[] = [
  noUnauthenticatedHandler,
  noHardcodedSecret,
  requireWebhookVerification,
  requireReplayProtection,
  noDisabledTls,
  invalidSuppression,
  noTimingUnsafeCompare,
  noErrorExposure,
  noInsecureTransport,
  noSensitiveLogging,
  noSpoofableIpAllowlist,
  noWeakDbauthCookie,
  noGraphqlIntrospectionInProduction,
  noPermissiveCors,
  requireWebhookSecret,
  noJwtVerifierBodyTrust,
  noWeakWebhookSecret,
];

export const ruleIds: readonly string[] = rules.map((r) => r.meta.id);

export function ruleById(id: string): Rule | undefined {
  return rules.find((r) => r.meta.id === id);
}
