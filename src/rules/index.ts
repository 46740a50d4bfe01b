import type { Rule, RuleMeta } from '../core/rule';
import * as meta from './meta';

type Hook = 'source' | 'text';

/**
 * A rule whose code is loaded on its first check. Its metadata and which checks it has are known
 * without loading it, so a scan the cache answers entirely loads neither the analysis nor any rule
 * module (measured: 4% of a warm scan at 8,000 functions). `test/meta.test.ts` checks each entry
 * against its module.
 */
function lazyRule(ruleMeta: RuleMeta, hooks: readonly Hook[], load: () => { default: Rule }): Rule {
  let loaded: Rule | undefined;
  const code = (): Rule => (loaded ??= load().default);
  loaders.set(ruleMeta.id, code);
  const rule: Rule = { meta: ruleMeta };
  if (hooks.includes('source')) rule.checkSource = (ctx) => code().checkSource!(ctx);
  if (hooks.includes('text')) rule.checkText = (ctx) => code().checkText!(ctx);
  return rule;
}

const loaders = new Map<string, () => Rule>();

/** Every rule fnscan ships, in a fixed order (SARIF `ruleIndex` follows it). */
export const rules: readonly Rule[] = [
  lazyRule(meta.noUnauthenticatedHandler, ['source'], () => require('./no-unauthenticated-handler')),
  lazyRule(meta.noHardcodedSecret, ['source', 'text'], () => require('./no-hardcoded-secret')),
  lazyRule(meta.requireWebhookVerification, ['source'], () => require('./require-webhook-verification')),
  lazyRule(meta.requireReplayProtection, ['source'], () => require('./require-replay-protection')),
  lazyRule(meta.noDisabledTls, ['source', 'text'], () => require('./no-disabled-tls')),
  lazyRule(meta.invalidSuppression, [], () => require('./invalid-suppression')),
  lazyRule(meta.noTimingUnsafeCompare, ['source'], () => require('./no-timing-unsafe-compare')),
  lazyRule(meta.noErrorExposure, ['source'], () => require('./no-error-exposure')),
  lazyRule(meta.noInsecureTransport, ['source'], () => require('./no-insecure-transport')),
  lazyRule(meta.noSensitiveLogging, ['source'], () => require('./no-sensitive-logging')),
  lazyRule(meta.noSpoofableIpAllowlist, ['source'], () => require('./no-spoofable-ip-allowlist')),
  lazyRule(meta.noWeakDbauthCookie, ['source'], () => require('./no-weak-dbauth-cookie')),
  lazyRule(meta.noGraphqlIntrospectionInProduction, ['source'], () => require('./no-graphql-introspection-in-production')),
  lazyRule(meta.noPermissiveCors, ['source'], () => require('./no-permissive-cors')),
  lazyRule(meta.requireWebhookSecret, ['source'], () => require('./require-webhook-secret')),
  lazyRule(meta.noJwtVerifierBodyTrust, ['source'], () => require('./no-jwt-verifier-body-trust')),
  lazyRule(meta.noWeakWebhookSecret, ['source', 'text'], () => require('./no-weak-webhook-secret')),
];

export const ruleIds: readonly string[] = rules.map((r) => r.meta.id);

export function ruleById(id: string): Rule | undefined {
  return rules.find((r) => r.meta.id === id);
}

/** Loads the code of these rules (and the analysis they use) now rather than on their first check. */
export function loadRuleCode(ids: readonly string[]): void {
  for (const id of ids) loaders.get(id)?.();
}
