/**
 * TypeScript's compiler API, loaded on first use. Modules write
 *
 *   import ts from '../core/typescript';      // values: ts.isIdentifier, ts.SyntaxKind, ...
 *   import type * as TS from 'typescript';    // types: TS.Node, TS.CallExpression, ...
 *
 * because compiling TypeScript's 9 MB module takes about 180 ms (measured on the bench machine),
 * a large part of a scan that the cache answers entirely, and such a scan never parses a file or
 * tests a node.
 *
 * The default export starts as a getter that requires the package and then replaces itself with
 * a plain value, so every use after the first costs what an ordinary import costs.
 */
import type * as TS from 'typescript';

declare const typescript: typeof TS;
export { typescript as default };

// `module.exports`, not `exports`: under tsx (the tests) esbuild replaces the exports object.
const target: object = module.exports;
Object.defineProperty(target, 'default', {
  configurable: true,
  enumerable: true,
  get(): typeof TS {
    const loaded = require('typescript') as typeof TS;
    Object.defineProperty(target, 'default', { value: loaded, enumerable: true });
    return loaded;
  },
});
