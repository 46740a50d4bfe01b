'use strict';
/** The parse floor's work, in the main thread or as a worker (one message per chunk of files). */
const fs = require('node:fs');
const path = require('node:path');
const { isMainThread, parentPort } = require('node:worker_threads');
const ts = require('typescript');

function scriptKind(file) {
  switch (path.extname(file)) {
    case '.ts':
    case '.mts':
    case '.cts':
      return ts.ScriptKind.TS;
    case '.tsx':
      return ts.ScriptKind.TSX;
    case '.jsx':
      return ts.ScriptKind.JSX;
    default:
      return ts.ScriptKind.JS;
  }
}

/** The engine's parse options (`parseOptions` in src/core/files.ts; a test keeps the two equal). */
const PARSE_OPTIONS = { languageVersion: ts.ScriptTarget.Latest, jsDocParsingMode: ts.JSDocParsingMode.ParseNone };

/**
 * Reads every unit; parses the JS/TS ones with the call the engine makes (same options, no parent
 * pointers: the engine sets them in its own walk, which is its work, not the floor's). Returns how
 * many files it read.
 */
function parseAll(units) {
  for (const unit of units) {
    const text = fs.readFileSync(unit.path, 'utf8');
    if (unit.kind === 'source') ts.createSourceFile(unit.path, text, PARSE_OPTIONS, false, scriptKind(unit.path));
  }
  return units.length;
}

if (!isMainThread) parentPort.on('message', (units) => parentPort.postMessage(parseAll(units)));

module.exports = { parseAll, PARSE_OPTIONS };
