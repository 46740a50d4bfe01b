import { defineRule } from '../core/rule';
import { invalidSuppression as meta } from './meta';

/**
 * Meta rule: its findings come from src/core/suppressions.ts, which sees every other rule's
 * findings for a file before deciding which suppressions were used. Not a security rule, so it
 * has no CWE and no security-severity.
 */
export default defineRule({
  meta,
});
