import { defineRule } from '../core/rule';
import { REPLAY } from '../analysis/endpoint';
import { reportEndpointVerdicts } from './handler-verdicts';

export default defineRule({
  meta: {
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
    },
  },
  checkSource(ctx) {
    reportEndpointVerdicts(REPLAY, ctx);
  },
});
