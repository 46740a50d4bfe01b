import { defineRule } from '../core/rule';

export default defineRule({
  meta: {
    id: 'require-replay-protection',
    title: 'Verified webhooks reject replays',
    description: 'A verified webhook accepts the same signed request again: nothing checks its timestamp or de-duplicates its event id.',
    cwe: 294,
    securitySeverity: 5.3,
    precision: 'medium',
    defaultLevel: 'warning',
    tags: ['security', 'webhooks'],
    messages: {
      noReplayProtection: 'Webhook handler `{{name}}` verifies with {{verifier}} but neither checks a timestamp nor de-duplicates events.',
    },
  },
});
