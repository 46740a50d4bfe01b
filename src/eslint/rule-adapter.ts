import type { Rule as EslintRule } from 'eslint';
import type { Finding, Fix, Location } from '../core/types';
import type { Rule, RuleMeta } from '../core/rule';
import { ruleDocUrl } from '../core/ruledocs';

/**
 * The one adapter from a fnscan rule to an ESLint rule. The ESLint rule holds no logic of its
 * own: it asks for the file's findings (computed once for all rules) and reports those of its id.
 */
export function toEslintRule(rule: Rule, findingsFor: (context: EslintRule.RuleContext) => Finding[]): EslintRule.RuleModule {
  const { meta } = rule;
  const suggests = declaresSuggestions(meta);
  return {
    meta: {
      type: 'problem',
      docs: { description: meta.description, url: ruleDocUrl(meta.id), recommended: true },
      // fnscan templates use ESLint's own `{{name}}` placeholders, so they carry over unchanged.
      messages: { ...meta.messages },
      schema: [],
      ...(suggests ? { hasSuggestions: true } : {}),
    },
    create(context) {
      return {
        Program() {
          for (const finding of findingsFor(context)) {
            // Every finding shows, at the rule's ESLint severity: parity with the CLI is by file, line and rule.
            if (finding.ruleId === meta.id) context.report(toReport(finding, suggests));
          }
        },
      };
    },
  };
}


function toReport(finding: Finding, suggests: boolean): EslintRule.ReportDescriptor {
  const report: EslintRule.ReportDescriptor = {
    loc: toLoc(finding.location),
    messageId: finding.messageId,
    data: finding.data,
  };
  // ESLint throws on suggestions from a rule that does not declare them; the plugin's tests check
  // that every rule producing suggestions declares them, so nothing is dropped in practice.
  if (suggests && finding.suggestions.length > 0) report.suggest = finding.suggestions.map(toSuggestion);
  return report;
}

/** fnscan columns are 1-based (end exclusive); ESLint's are 0-based (end exclusive). */
function toLoc(location: Location): { start: { line: number; column: number }; end: { line: number; column: number } } {
  return {
    start: { line: location.startPos.line, column: location.startPos.column - 1 },
    end: { line: location.endPos.line, column: location.endPos.column - 1 },
  };
}

/** Suggestions only, never autofix: replacing a secret or a verifier needs a person's decision. */
function toSuggestion(fix: Fix): EslintRule.SuggestionReportDescriptor {
  return {
    desc: fix.description,
    fix: (fixer) => fixer.replaceTextRange([fix.span.start, fix.span.end], fix.text),
  };
}

/** Whether the rule announces suggestions (`hasSuggestions` in its meta). */
export function declaresSuggestions(meta: RuleMeta): boolean {
  return meta.hasSuggestions === true;
}
