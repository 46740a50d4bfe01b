import fs from 'node:fs';
import path from 'node:path';
import type { RuleMeta } from './rule';

/** Every rule doc (`rules/<id>.md`) has these `##` sections, in this order. */
export const DOC_SECTIONS = [
  'Why it matters',
  'What it flags',
  'What it does not flag',
  'How to fix',
  'Examples',
  'Known limits',
  'References',
] as const;

export const RULE_DOCS_BASE = 'https://github.com/fnscan/fnscan/blob/main/rules/';

/** The package's `rules/` folder: two levels up from both src/core and dist/core. */
export const RULE_DOCS_DIR = path.resolve(__dirname, '../../rules');

export interface RuleDoc {
  /** The `# ` heading. */
  title: string;
  /** Everything after the title, as written. */
  body: string;
  /** `##` section headings in document order. */
  sections: string[];
}

export interface RuleHelp {
  text: string;
  markdown: string;
}

export function ruleDocUrl(id: string): string {
  return `${RULE_DOCS_BASE}${id}.md`;
}

/** Reads `rules/<id>.md`; undefined when it does not exist. */
export function readRuleDoc(id: string, dir: string = RULE_DOCS_DIR): RuleDoc | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, `${id}.md`), 'utf8');
  } catch {
    return undefined;
  }
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const titleAt = lines.findIndex((l) => /^# \S/.test(l));
  const title = titleAt === -1 ? '' : lines[titleAt].slice(2).trim();
  const body = lines.slice(titleAt + 1).join('\n').trim();
  const sections = lines.filter((l) => /^## \S/.test(l)).map((l) => l.slice(3).trim());
  return { title, body, sections };
}

/** Problems that make a doc unfit for the SARIF help panel; empty when it is fine. */
export function docProblems(doc: RuleDoc | undefined): string[] {
  if (!doc) return ['the doc file is missing'];
  const problems: string[] = [];
  if (!doc.title) problems.push('it has no `# ` title');
  const missing = DOC_SECTIONS.filter((s) => !doc.sections.includes(s));
  if (missing.length > 0) problems.push(`it lacks the sections ${missing.map((s) => `"${s}"`).join(', ')}`);
  return problems;
}

/**
 * SARIF `help` for a rule, from its doc. GitHub shows `markdown` in the rule-help panel, where
 * relative links would break, so they are made absolute. A missing doc falls back to the rule's
 * description and a link (the test suite fails on missing docs; a user's scan does not).
 */
export function ruleHelp(meta: RuleMeta, dir: string = RULE_DOCS_DIR): RuleHelp {
  const url = ruleDocUrl(meta.id);
  const doc = readRuleDoc(meta.id, dir);
  if (!doc) {
    return { text: `${meta.description}\n\nDocumentation: ${url}`, markdown: `${meta.description}\n\n[Documentation](${url})` };
  }
  const markdown = absoluteLinks(doc.body);
  return {
    text: `${toPlainText(markdown)}\n\nDocumentation: ${url}\n`,
    markdown: `${markdown}\n\n[Full documentation](${url})\n`,
  };
}

function absoluteLinks(markdown: string): string {
  return markdown.replace(/\]\((?![a-z][a-z0-9+.-]*:|#|\/)([^)\s]+)\)/gi, (_, target: string) => {
    const resolved = new URL(target, RULE_DOCS_BASE).href;
    return `](${resolved})`;
  });
}

/** Markdown to readable plain text: headings lose their marks, fenced code is indented, links show their URL. */
function toPlainText(markdown: string): string {
  const out: string[] = [];
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*(```|~~~)/.test(line)) {
      inFence = !inFence;
      continue;
    }
    if (inFence) out.push(`    ${line}`);
    else out.push(line.replace(/^#{1,6}\s+/, '').replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, '$1 ($2)'));
  }
  return out.join('\n');
}
