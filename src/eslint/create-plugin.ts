import type { ESLint, Linter, Rule as EslintRule } from 'eslint';
import type { Level } from '../core/types';
import type { Rule } from '../core/rule';
import { rules as allRules } from '../rules';
import { LintSession } from './lint-session';
import { toEslintRule } from './rule-adapter';

// Both are required rather than imported: package.json sits outside rootDir, and the parser only
// publishes types through `exports`, which this project's node10 module resolution does not read.
const pkg = require('../../package.json') as { name: string; version: string };
const tsParser = require('@typescript-eslint/parser') as Linter.Parser;

export const PLUGIN_NAME = 'fnscan';

/** Files the recommended config lints: every JS/TS flavour fnscan parses. */
export const LINTED_FILES = ['**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}'];

/** Folders the CLI never scans; ESLint already skips node_modules and .git. */
const NOT_SCANNED = ['**/.redwood/**', '**/.netlify/**', '**/.vercel/**', '**/.next/**', '**/.cache/**', '**/coverage/**'];

export interface FnscanPlugin extends ESLint.Plugin {
  meta: { name: string; version: string };
  rules: Record<string, EslintRule.RuleModule>;
  configs: { recommended: Linter.Config };
}

/**
 * Builds the plugin. Each call has its own session (parsed modules and per-file results), so
 * tests and benchmarks can start cold; `plugin.ts` exports one instance for ESLint to load.
 */
export function createPlugin(rules: readonly Rule[] = allRules): FnscanPlugin {
  const session = new LintSession(rules);
  const findingsFor = (context: EslintRule.RuleContext) => session.findingsFor(context);
  const plugin: FnscanPlugin = {
    meta: { name: pkg.name, version: pkg.version },
    rules: Object.fromEntries(rules.map((rule) => [rule.meta.id, toEslintRule(rule, findingsFor)])),
    configs: { recommended: {} },
  };
  plugin.configs.recommended = {
    name: `${PLUGIN_NAME}/recommended`,
    files: LINTED_FILES,
    ignores: NOT_SCANNED,
    languageOptions: { parser: tsParser },
    plugins: { [PLUGIN_NAME]: plugin },
    rules: Object.fromEntries(rules.map((rule) => [`${PLUGIN_NAME}/${rule.meta.id}`, severityOf(rule.meta.defaultLevel)])),
  };
  return plugin;
}

/** ESLint has two severities; a fnscan note is worth a look, not a failed build. */
function severityOf(level: Level): Linter.StringSeverity {
  return level === 'error' ? 'error' : 'warn';
}
