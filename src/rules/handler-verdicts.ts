import type { SourceContext } from '../core/rule';
import { endpointFindings } from '../analysis/endpoint';

/** Reports this rule's share of the shared endpoint verdict. */
export function reportEndpointVerdicts(ruleId: string, ctx: SourceContext): void {
  for (const finding of endpointFindings(ctx.file, ctx.analysis, ctx.config)) {
    if (finding.ruleId !== ruleId) continue;
    ctx.report({
      messageId: finding.messageId,
      data: finding.data,
      at: finding.at,
      level: finding.level,
      related: finding.related,
      suggestions: finding.suggestions,
    });
  }
}
