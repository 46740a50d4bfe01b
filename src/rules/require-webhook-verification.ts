import { defineRule } from '../core/rule';
import { WEBHOOK_VERIFICATION } from './meta';
import { reportEndpointVerdicts } from './handler-verdicts';
import { requireWebhookVerification as meta } from './meta';

export default defineRule({
  meta,
  checkSource(ctx) {
    reportEndpointVerdicts(WEBHOOK_VERIFICATION, ctx);
  },
});
