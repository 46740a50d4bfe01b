/**
 * The arithmetic and the build patch behind `npm run bench:parts` (BENCHMARKS.md item 74): how
 * the handler analysis's cost splits into its parts, found by turning parts off one after another
 * in a copy of the build and counting what each step saves.
 *
 * A part is turned off by returning at the top of its functions in the copy's
 * dist/analysis/behaviour.js, so the verdicts of the copy are wrong by design: it is a yardstick,
 * never a build anyone runs. The parts, in the order they are turned off (each run keeps the
 * earlier ones off):
 *
 * - `look`: the look-around checks (does the function refuse, is the result checked, is a
 *   failure swallowed, the 401/403 branches, the text of returns and request arguments);
 * - `follow`: following calls into project helpers (and resolving API clients' receivers);
 * - `dispatch`: naming and testing each call, property access, comparison and `new`;
 *
 * and what is left with all three off is the walk of the handlers' bodies, the endpoint framework
 * (finding handlers, wrappers, exports) and the rules' verdicts.
 */

import fs from 'node:fs';
import path from 'node:path';

/** The parts, in the order they are turned off. */
export const PARTS = ['look', 'follow', 'dispatch'] as const;
export type Part = (typeof PARTS)[number];

/** The environment variable the patched copy reads: the parts turned off, comma-separated. */
export const PARTS_OFF_ENV = 'FNSCAN_PARTS_OFF';

/** Each part's functions in the compiled behaviour.js, and what each returns while turned off. */
export const PART_FUNCTIONS: Readonly<Record<Part, ReadonlyArray<{ name: string; returns: string }>>> = {
  look: [
    { name: 'functionRejects', returns: 'false' },
    { name: 'guardsRejection', returns: 'false' },
    { name: 'variableGuardsRejection', returns: 'false' },
    { name: 'booleanUse', returns: 'undefined' },
    { name: 'resultIsChecked', returns: 'false' },
    { name: 'shopifyValidUnchecked', returns: 'false' },
    { name: 'decidesRefusal', returns: 'false' },
    { name: 'refusesWithAuthStatus', returns: 'false' },
    { name: 'isSwallowed', returns: 'false' },
    { name: 'testedForPresence', returns: 'false' },
    { name: 'usedInDedupe', returns: 'false' },
    { name: 'isRejectingResponse', returns: 'false' },
    { name: 'credentialIn', returns: 'undefined' },
    { name: 'onIf', returns: 'undefined' },
    { name: 'onReturn', returns: 'undefined' },
  ],
  follow: [
    { name: 'resolveCallee', returns: 'undefined' },
    { name: 'functionFor', returns: 'undefined' },
    { name: 'onClientCall', returns: 'false' },
  ],
  dispatch: [
    { name: 'onCall', returns: 'undefined' },
    { name: 'onAccess', returns: 'undefined' },
    { name: 'onBinary', returns: 'undefined' },
    { name: 'onNew', returns: 'undefined' },
  ],
};

/**
 * behaviour.js with a guard at the top of every part's function: `if (OFF_look) return false;`.
 * Each function must be declared on exactly one line ending in `{` (a top-level `function name(`
 * or a class method `    name(`), so a rename or a reshaped build fails here instead of measuring
 * nothing.
 */
export function patchBehaviour(source: string): string {
  const strict = '"use strict";\n';
  if (!source.startsWith(strict)) throw new Error('behaviour.js does not start with "use strict" (not a tsc build?)');
  const lines = source.slice(strict.length).split('\n');
  for (const part of PARTS) {
    for (const { name, returns } of PART_FUNCTIONS[part]) {
      const declaration = new RegExp(`^(?:function ${name}\\(|    ${name}\\().*\\{$`);
      const at = lines.flatMap((line, i) => (declaration.test(line) ? [i] : []));
      if (at.length !== 1) throw new Error(`behaviour.js declares \`${name}\` on ${at.length} lines ending in "{", not one`);
      lines[at[0]] += ` if (OFF_${part}) return ${returns};`;
    }
  }
  const flags = PARTS.map((part) => `OFF_${part} = off.has('${part}')`).join(', ');
  const header = `const off = new Set((process.env.${PARTS_OFF_ENV} || '').split(',')); const ${flags};`;
  return `${strict}${header}\n${lines.join('\n')}`;
}

/**
 * A copy of `root`'s dist/ under `work`, beside a link to `root`'s node_modules, with
 * behaviour.js patched; returns the copy's dist folder.
 */
export function patchedBuild(root: string, work: string): string {
  const copy = path.join(work, 'build');
  fs.cpSync(path.join(root, 'dist'), path.join(copy, 'dist'), { recursive: true });
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(copy, 'node_modules'), 'dir');
  const behaviour = path.join(copy, 'dist', 'analysis', 'behaviour.js');
  fs.writeFileSync(behaviour, patchBehaviour(fs.readFileSync(behaviour, 'utf8')));
  return path.join(copy, 'dist');
}

/** Main-thread instructions of one process: the first pass, and `passes` more after it. */
export interface PassCounts {
  /** A process that ran one pass. */
  one: number;
  /** A process that ran 1 + `passes` passes. */
  more: number;
  passes: number;
}

/** A pass's instructions: the steady cost (a later pass) and the cold one (the first, with V8's warm-up and the loading of the rules' modules). */
export interface PassCost {
  steady: number;
  cold: number;
}

/**
 * What the handler rules cost over no rules at all, a pass at a time. What a process does before
 * its first pass (Node's start, discovery) is the same with or without rules, so the difference
 * of two one-pass processes is what the rules add to a cold pass.
 */
export function handlerCost(handler: PassCounts, none: PassCounts): PassCost {
  const steady = (c: PassCounts): number => (c.more - c.one) / c.passes;
  return { steady: steady(handler) - steady(none), cold: handler.one - none.one };
}

export interface PartShare {
  name: Part | 'rest';
  cost: PassCost;
}

/**
 * The handler analysis split into its parts: `costs[0]` with every part on, `costs[i]` with the
 * first `i` of `PARTS` off. Each part costs what turning it off saved; `rest` is the cost with all
 * of them off.
 */
export function partShares(costs: readonly PassCost[]): PartShare[] {
  if (costs.length !== PARTS.length + 1) throw new Error(`expected ${PARTS.length + 1} costs, got ${costs.length}`);
  const shares: PartShare[] = PARTS.map((name, i) => ({
    name,
    cost: { steady: costs[i].steady - costs[i + 1].steady, cold: costs[i].cold - costs[i + 1].cold },
  }));
  shares.push({ name: 'rest', cost: costs[PARTS.length] });
  return shares;
}

const LABELS: Record<Part | 'rest', string> = {
  look: 'look-around checks',
  follow: 'following calls into helpers',
  dispatch: 'naming and testing calls and accesses',
  rest: 'walk, endpoint framework, verdicts',
};

/** The table `bench:parts` prints. */
export function partLines(whole: PassCost, shares: readonly PartShare[]): string[] {
  const m = (n: number): string => `${Math.round(n / 1e6).toLocaleString('en-US')} M`.padStart(9);
  const pct = (n: number, of: number): string => `${Math.round((100 * n) / of)}%`.padStart(5);
  const lines = [`${'handler rules over no rules'.padEnd(40)} steady ${m(whole.steady)}        cold ${m(whole.cold)}`];
  for (const { name, cost } of shares) {
    lines.push(`  ${LABELS[name].padEnd(38)} steady ${m(cost.steady)} ${pct(cost.steady, whole.steady)}  cold ${m(cost.cold)} ${pct(cost.cold, whole.cold)}`);
  }
  return lines;
}
