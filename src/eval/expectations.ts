import fs from 'node:fs';

/**
 * Expected findings live next to the code they concern, as in Semgrep's rule tests:
 * `// ruleid: <rule-id>` (or `# ruleid:` in env/toml files) either trails the flagged line or
 * sits alone on the line above it. `// ok: <rule-id>` marks a trap and is documentation only:
 * the exact-set comparison already fails if the rule fires there.
 */
export interface Expectation {
  file: string;
  line: number;
  ruleId: string;
}

const ANNOTATION = /(?:\/\/|\/\*|#)\s*ruleid:\s*([a-z0-9-]+(?:\s*,\s*[a-z0-9-]+)*)/;

export function readExpectations(file: string): Expectation[] {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const expectations: Expectation[] = [];
  lines.forEach((text, index) => {
    const match = ANNOTATION.exec(text);
    if (!match) return;
    const standalone = text.slice(0, match.index).trim() === '';
    const line = standalone ? nextCodeLine(lines, index) : index + 1;
    for (const ruleId of match[1].split(/\s*,\s*/)) expectations.push({ file, line, ruleId });
  });
  return expectations;
}

/** The line an annotation on its own line refers to: the next line that is not itself an annotation. */
function nextCodeLine(lines: string[], index: number): number {
  let i = index + 1;
  while (i < lines.length && isStandaloneAnnotation(lines[i])) i++;
  return i + 1;
}

function isStandaloneAnnotation(text: string): boolean {
  const match = ANNOTATION.exec(text);
  return match !== null && text.slice(0, match.index).trim() === '';
}

export function key(e: { file: string; line: number; ruleId: string }): string {
  return `${e.file}:${e.line}:${e.ruleId}`;
}
