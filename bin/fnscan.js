#!/usr/bin/env node
'use strict';
// Only starts the process: the CLI lives in src/cli and returns an exit code instead of exiting.
// The process is the scan's own, so it sets the scan's V8 flags first (src/core/v8-flags.ts).
require('../dist/core/v8-flags.js').useScanFlags();
const { run } = require('../dist/cli/main.js');
const { processIo } = require('../dist/cli/io.js');

run(process.argv.slice(2), processIo()).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`fnscan hit an internal error: ${error && error.message}. Please report it.\n`);
    process.exitCode = 3;
  },
);
