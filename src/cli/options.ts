import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_LIMITS } from '../core/files';
import type { Level } from '../core/types';
import { FORMATS, type Format } from '../reporters';
import { defaultJobs } from '../core/parallel';
import { parseShard, type Shard } from '../core/shard';

export type FailOn = Level | 'none';

export interface CliOptions {
  paths: string[];
  format: Format;
  output?: string;
  failOn: FailOn;
  includeTests: boolean;
  /** Follow symlinks that point outside the scanned paths (never by default). */
  followSymlinks: boolean;
  config?: string;
  quiet: boolean;
  category: string;
  includeSuppressed: boolean;
  baseline?: string;
  writeBaseline?: string;
  /** Undefined when not given, so the config file's `maxFileSize` can apply. */
  maxFileSize?: number;
  /** Reuse results of unchanged files, kept in `cacheLocation`. */
  cache: boolean;
  cacheLocation: string;
  /** Worker threads for the per-file work. */
  jobs: number;
  shard?: Shard;
  /** Print where the time went (phases, rules, slowest files) on stderr. */
  timing: boolean;
}

/** What parsing the command line came to: options to scan with, or an exit code (help, version, usage error). */
export type Parsed = { options: CliOptions } | { exitCode: number };

export interface ParseOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const EXAMPLES = `
Examples:
  $ fnscan                                   scan the current directory
  $ fnscan api/src --fail-on error           fail only on errors
  $ fnscan --format sarif --output fnscan.sarif
  $ fnscan --format github                   annotate a GitHub Actions run
  $ fnscan --write-baseline .fnscan-baseline.json
  $ fnscan --baseline .fnscan-baseline.json  report only findings new since the baseline
  $ fnscan --cache                           rescan only what changed since the last --cache run
  $ fnscan --cache --timing                  ... and see where the time went (phases, rules, files)
  $ fnscan --shard 2/4 -f sarif -o 2.sarif   scan a quarter of the files (one CI job of four)
  $ fnscan merge-sarif 1.sarif 2.sarif 3.sarif 4.sarif > all.sarif

Exit codes:
  0  nothing at or above --fail-on (suppressed and baselined findings never count)
  1  findings at or above --fail-on
  2  usage or configuration error
  3  internal error (please report it)
`;

export function parseArgs(argv: string[], version: string, out: ParseOutput): Parsed {
  const program = buildProgram(version, out);
  try {
    program.parse(argv, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    if (error.exitCode === 0) return { exitCode: 0 };
    out.stderr(`${sentence(error.message)}\n`);
    return { exitCode: 2 };
  }
  const opts = program.opts();
  return {
    options: {
      paths: program.args.length > 0 ? program.args : ['.'],
      format: opts.format,
      output: opts.output,
      failOn: opts.failOn,
      includeTests: opts.includeTests === true,
      followSymlinks: opts.followSymlinks === true,
      config: opts.config,
      quiet: opts.quiet === true,
      category: opts.category,
      includeSuppressed: opts.includeSuppressed === true,
      baseline: opts.baseline,
      writeBaseline: opts.writeBaseline,
      maxFileSize: opts.maxFileSize,
      cache: opts.cache === true,
      cacheLocation: opts.cacheLocation,
      jobs: opts.jobs ?? defaultJobs(),
      shard: opts.shard,
      timing: opts.timing === true,
    },
  };
}

function buildProgram(version: string, out: ParseOutput): Command {
  return new Command('fnscan')
    .description('Static security scanner for serverless functions (RedwoodJS first). Never runs the scanned code.')
    .argument('[paths...]', 'files or directories to scan (default: .)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('stylish'))
    .option('-o, --output <file>', 'write the report to a file instead of stdout')
    .addOption(
      new Option('--fail-on <level>', 'lowest level that makes the exit code 1')
        .choices(['error', 'warning', 'note', 'none'])
        .default('warning'),
    )
    .option('--include-tests', 'also report findings in test files')
    .option('--follow-symlinks', 'also scan files and folders that symlinks point to outside the scanned paths')
    .option('-c, --config <file>', 'JSON config file (default: fnscan.config.json or package.json "fnscan")')
    .option('-q, --quiet', 'report errors only and show no progress (the exit code still follows --fail-on)')
    .option('--category <name>', 'SARIF automationDetails category', 'fnscan')
    .option('--include-suppressed', 'keep inline-suppressed findings in json and sarif output')
    .option('--baseline <file>', 'report and count only findings that are not in this baseline')
    .addOption(
      // A shard's findings are a slice: written as the baseline, they would drop every other entry.
      new Option('--write-baseline <file>', "write today's findings as a baseline and exit 0").conflicts(['baseline', 'shard']),
    )
    .option(
      '--max-file-size <bytes>',
      `skip files larger than this (default: ${DEFAULT_LIMITS.maxFileBytes})`,
      positiveInteger,
    )
    .option('--cache', 'reuse the results of files unchanged since the last --cache run')
    .option('--cache-location <dir>', 'folder for the cache', 'node_modules/.cache/fnscan')
    .option('--jobs <n>', `threads to scan with: the main one and n-1 workers (default: ${defaultJobs()}, the number of cores)`, positiveCount)
    .option('--shard <i/n>', 'scan only the i-th of n slices of the files (for parallel CI jobs)', shardOption)
    .option('--timing', 'print where the time went on stderr: phases, time per rule, slowest files')
    .version(version, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXAMPLES)
    .exitOverride()
    .configureOutput({
      writeOut: out.stdout,
      writeErr: out.stderr,
      outputError: () => {},
      getOutHelpWidth: () => 100,
      getErrHelpWidth: () => 100,
    });
}

function positiveInteger(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidArgumentError('It must be a positive whole number of bytes.');
  }
  return n;
}

function positiveCount(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(n) || n <= 0) throw new InvalidArgumentError('It must be a positive whole number.');
  return n;
}

function shardOption(value: string): Shard {
  try {
    return parseShard(value);
  } catch {
    throw new InvalidArgumentError('It must be i/n with 1 <= i <= n, e.g. 2/4.');
  }
}

/** Commander says `error: unknown option '--x'`; fnscan prints one capitalised sentence. */
function sentence(message: string): string {
  const text = message.replace(/^error:\s*/, '').trim();
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
