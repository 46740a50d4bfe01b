import { defineRule } from '../core/rule';

export default defineRule({
  meta: {
    id: 'require-webhook-verification',
    title: 'Webhook handlers verify the signature',
    description: 'A webhook handler acts on a payload whose signature it does not verify, or verifies in a way that can be bypassed.',
    cwe: 345,
    securitySeverity: 8.1,
    precision: 'high',
    defaultLevel: 'error',
    tags: ['security', 'webhooks'],
    messages: {
      unverified: 'Webhook handler `{{name}}` acts on the payload without verifying its signature.',
    },
  },
});
