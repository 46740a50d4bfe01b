import { defineRule } from '../core/rule';

export default defineRule({
  meta: {
    id: 'no-disabled-tls',
    title: 'No disabled TLS certificate verification',
    description: 'TLS certificate verification is turned off, so any machine in the middle can read and change the traffic.',
    cwe: 295,
    securitySeverity: 7.5,
    precision: 'very-high',
    defaultLevel: 'error',
    tags: ['security', 'tls'],
    messages: {
      rejectUnauthorized: '`rejectUnauthorized: false` turns off certificate verification for this TLS connection.',
    },
    readsConfigFiles: true,
  },
});
