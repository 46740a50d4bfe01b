import { defineRule } from '../core/rule';
import { INVALID_SUPPRESSION } from '../core/suppressions';

/**
 * Meta rule: its findings come from src/core/suppressions.ts, which sees every other rule's
 * findings for a file before deciding which suppressions were used. Not a security rule, so it
 * has no CWE and no security-severity.
 */
export default defineRule({
  meta: {
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
  },
});
