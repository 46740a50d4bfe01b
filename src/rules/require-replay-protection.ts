import { defineRule } from '../core/rule';
import { REPLAY } from './meta';
import { reportEndpointVerdicts } from './handler-verdicts';
import { requireReplayProtection as meta } from './meta';

export default defineRule({
  meta,
  checkSource(ctx) {
    reportEndpointVerdicts(REPLAY, ctx);
  },
});
