import { defineRule } from '../core/rule';
import { WEBHOOK_VERIFICATION } from '../analysis/endpoint';
import { reportEndpointVerdicts } from './handler-verdicts';

export default defineRule({
  meta: {
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
      resultIgnored: 'Webhook handler `{{name}}` ignores the result of {{via}}, so requests with bad signatures are processed.',
      validUnchecked: 'Webhook handler `{{name}}` never checks `.valid` from {{via}}, which does not throw on a bad signature.',
      signatureVerificationOff: 'Webhook handler `{{name}}` turns off Slack request verification with `signatureVerification: false`.',
      validateOff: 'Webhook handler `{{name}}` turns off Twilio request validation with `validate: false`.',
      actsBeforeVerify: 'Webhook handler `{{name}}` {{work}} before verifying the signature with {{via}}.',
    },
  },
  checkSource(ctx) {
    reportEndpointVerdicts(WEBHOOK_VERIFICATION, ctx);
  },
});
