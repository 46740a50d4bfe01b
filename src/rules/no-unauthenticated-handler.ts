import { defineRule } from '../core/rule';

export default defineRule({
  meta: {
    id: 'no-unauthenticated-handler',
    title: 'Endpoints doing sensitive work authenticate the caller',
    description: 'A serverless function is a public HTTP endpoint; this one does sensitive work without authenticating the caller.',
    cwe: 306,
    securitySeverity: 8.2,
    precision: 'high',
    defaultLevel: 'error',
    tags: ['security', 'authentication'],
    messages: {
      unauthenticated: 'Handler `{{name}}` {{work}} without authenticating the caller.',
      publicHandler: 'Handler `{{name}}` is a public endpoint with no authentication; it does no sensitive work.',
      stubAuth: '`{{name}}` in `{{module}}` always allows the caller, so calls to it authenticate nobody.',
    },
  },
});
