import ts from '../core/typescript';
import type * as TS from 'typescript';
import type { Rule as EslintRule, SourceCode } from 'eslint';
import type { Finding } from '../core/types';
import type { Rule } from '../core/rule';
import { SingleFileScanner } from '../core/single-file';

/**
 * Runs the engine once per linted file, whichever fnscan rule asks first: every ESLint rule of
 * the plugin reads its own findings from the same result. One session lives as long as the plugin.
 */
export class LintSession {
  private readonly scanner: SingleFileScanner;
  /** ESLint makes one SourceCode per file per lint pass and hands the same one to every rule. */
  private readonly byPass = new WeakMap<SourceCode, Finding[]>();

  constructor(rules: readonly Rule[]) {
    this.scanner = new SingleFileScanner(rules);
  }

  findingsFor(context: EslintRule.RuleContext): Finding[] {
    const sourceCode = context.sourceCode;
    let findings = this.byPass.get(sourceCode);
    if (!findings) {
      findings = this.scan(context);
      this.byPass.set(sourceCode, findings);
    }
    return findings;
  }

  private scan(context: EslintRule.RuleContext): Finding[] {
    // A block extracted by a processor (a code sample in Markdown) is not a project file.
    if (context.filename !== context.physicalFilename) return [];
    const sourceCode = context.sourceCode;
    const found = this.scanner.scan({
      file: context.filename,
      text: sourceCode.text,
      sf: parsedSourceFile(sourceCode),
      cwd: context.cwd,
    });
    return found.filter((f) => !f.suppression);
  }
}

let ownSourceFilePrototype: object | undefined;

/**
 * The ts.SourceFile @typescript-eslint/parser already built for this text, when the engine can
 * use it as is: made by the same TypeScript module as the engine (so syntax kinds agree), from
 * the same text, with parent pointers set. Otherwise undefined, and the engine parses itself.
 */
function parsedSourceFile(sourceCode: SourceCode): TS.SourceFile | undefined {
  const services = sourceCode.parserServices as { esTreeNodeToTSNodeMap?: { get(node: unknown): unknown } } | undefined;
  const node = services?.esTreeNodeToTSNodeMap?.get(sourceCode.ast);
  if (typeof node !== 'object' || node === null) return undefined;
  ownSourceFilePrototype ??= Object.getPrototypeOf(ts.createSourceFile('probe.ts', '', ts.ScriptTarget.Latest)) as object;
  if (Object.getPrototypeOf(node) !== ownSourceFilePrototype) return undefined;
  const sf = node as TS.SourceFile;
  if (sf.text !== sourceCode.text || !hasParents(sf)) return undefined;
  return sf;
}

function hasParents(sf: TS.SourceFile): boolean {
  const first = sf.statements[0];
  if (!first) return true;
  if (first.parent !== sf) return false;
  return ts.forEachChild(first, (child) => child.parent === first) ?? true;
}
