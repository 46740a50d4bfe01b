import { test } from 'node:test';
import assert from 'node:assert/strict';
import ts from 'typescript';
import { DEFAULT_LIMITS, parseOptions, parseSource } from '../src/core/files';

const GENERATED = `/**
 * Important: When deployed, a custom serverless function is an open API endpoint.
 * @typedef { import('aws-lambda').APIGatewayEvent } APIGatewayEvent
 * @param { APIGatewayEvent } event - an object which contains information from the invoker.
 */
export const handler = async (event) => ({ statusCode: 200 })
`;

test('modules are parsed with JSDoc left as comments: no rule reads it, and it is a large part of the parse', () => {
  const parsed = parseSource('/app/api/src/functions/hello.js', GENERATED, DEFAULT_LIMITS);
  assert.ok('sf' in parsed);
  const [statement] = parsed.sf.statements;
  assert.equal(ts.isVariableStatement(statement), true);
  // With JSDoc parsed, TypeScript hangs the block on the statement as `jsDoc`.
  assert.equal((statement as { jsDoc?: unknown }).jsDoc, undefined);
  const full = ts.createSourceFile('hello.js', GENERATED, ts.ScriptTarget.Latest, false, ts.ScriptKind.JS);
  assert.equal(((full.statements[0] as { jsDoc?: unknown[] }).jsDoc ?? []).length, 1);
  // The comment is still there for directives and line mapping.
  assert.equal(statement.getStart(parsed.sf), GENERATED.indexOf('export'));
});

test("the bench's parse floor parses with the engine's own options", () => {
  const floor = require('../scripts/bench/floor-work.cjs') as { PARSE_OPTIONS: ts.CreateSourceFileOptions };
  assert.deepEqual(floor.PARSE_OPTIONS, parseOptions());
});
