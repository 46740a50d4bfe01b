import { defineRule } from '../core/rule';
import { REPLAY } from '../analysis/endpoint';
import { reportEndpointVerdicts } from './handler-verdicts';
import { requireReplayProtection as meta } from './meta';

export default defineRule({
  meta,
  checkSource(ctx) {
    reportEndpointVerdicts(REPLAY, ctx);
  },
});
