import { defineRule } from '../core/rule';

export default defineRule({
  meta: {
    id: 'no-hardcoded-secret',
    title: 'No hardcoded secrets',
    description: 'A credential (webhook secret, API key, token, private key) is written in the source or a committed config file.',
    cwe: 798,
    securitySeverity: 7.5,
    precision: 'high',
    defaultLevel: 'error',
    tags: ['security', 'secrets'],
    messages: {
      hardcoded: '`{{name}}` holds a hardcoded secret ({{masked}}).',
    },
    readsConfigFiles: true,
  },
});
