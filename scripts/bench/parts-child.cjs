'use strict';
/**
 * One process of `npm run bench:parts`: the engine's per-file work over a tree (FileWork.runAll,
 * no cache), with only the handler rules or with no rules, 1 + `passes` times. Run under
 * callgrind; the parts turned off come from FNSCAN_PARTS_OFF, read by the patched build. By hand,
 * `others` (every rule but the handler rules) and `all` give the same counts for the rest of the
 * rules (BENCHMARKS.md item 74).
 *
 *   node parts-child.cjs <dist> <tree> handler|others|all|none <passes>
 */
const path = require('node:path');

const [distArg, tree, plan, passesArg] = process.argv.slice(2);
const dist = path.resolve(distArg);
const HANDLER_RULES = ['no-unauthenticated-handler', 'require-webhook-verification', 'require-replay-protection'];

// The V8 flags the `fnscan` command sets, and so the code cache it loads TypeScript from.
require(path.join(dist, 'core', 'v8-flags.js')).useScanFlags();
const { ScanPlan, FileWork } = require(path.join(dist, 'core', 'engine.js'));
const { rules } = require(path.join(dist, 'rules', 'index.js'));
const handlerRules = rules.filter((rule) => HANDLER_RULES.includes(rule.meta.id));
if (handlerRules.length !== HANDLER_RULES.length) throw new Error(`the build lacks a handler rule: ${HANDLER_RULES.join(', ')}`);
const root = path.resolve(tree);
const PLANS = {
  handler: handlerRules,
  others: rules.filter((rule) => !HANDLER_RULES.includes(rule.meta.id)),
  all: [...rules],
  none: [],
};
if (!(plan in PLANS)) throw new Error(`unknown plan ${plan}: ${Object.keys(PLANS).join(', ')}`);
const scan = new ScanPlan({ paths: [root], rules: PLANS[plan], config: {}, includeTests: false, root });
let findings = 0;
for (let pass = 0; pass <= Number(passesArg); pass++) {
  new FileWork(scan.setup, undefined, scan.folders).runAll(scan.pending, (unit, outcome) => {
    findings += outcome.findings?.length ?? 0;
  });
}
// How TypeScript was loaded: compiling it instead of loading its code cache costs about 1 G
// instructions, more than a part, so the runs compared must all have loaded it the same way.
const { typeScriptLoad } = require(path.join(dist, 'core', 'typescript.js'));
process.stdout.write(`${JSON.stringify({ files: scan.pending.length, findings, typescript: typeScriptLoad })}\n`);
