import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { applyBaseline, BaselineError, writeBaseline } from '../core/baseline';
import { ConfigError, loadConfig } from '../core/config';
import { InternalError, ScanPlan, type ScanResult } from '../core/engine';
import { relativePath } from '../core/files';
import { firstLine } from '../core/messages';
import { completeScan, startEarlyWorker, type EarlyWorker } from '../core/parallel';
import { MergeError, mergeSarif } from '../reporters/merge-sarif';
import { DEFAULT_LIMITS } from '../core/files';
import { UsageError, projectAt, projectConfig } from '../core/project';
import { inShard } from '../core/shard';
import type { Rule } from '../core/rule';
import { LEVELS, type Finding } from '../core/types';
import { reporters } from '../reporters';
import { printable, summaryLine } from '../reporters/stylish';
import { rules as shippedRules } from '../rules';
import { wantsColor, type Io } from './io';
import { parseArgs, type CliOptions, type FailOn } from './options';
import { noProgress, terminalProgress } from './progress';
import { outputKey, readOutput, writeOutput, type KeptOutput, type Output } from './replay';
import { formatTiming } from './timing';
import { since } from '../core/timing';

export type { Io };

/** Internal seams for tests; not reachable from the command line. */
export interface Deps {
  rules?: readonly Rule[];
}

/** Runs fnscan with the given arguments and resolves to the exit code; never calls `process.exit`. */
export async function run(argv: string[], io: Io, deps: Deps = {}): Promise<number> {
  try {
    if (argv[0] === 'merge-sarif') return mergeCommand(argv.slice(1), io);
    const parsed = parseArgs(argv, toolVersion(), io);
    if ('exitCode' in parsed) return parsed.exitCode;
    return await execute(parsed.options, io, deps.rules ?? shippedRules);
  } catch (error) {
    return reportError(error, io);
  }
}

async function execute(options: CliOptions, io: Io, ruleSet: readonly Rule[]): Promise<number> {
  const started = performance.now();
  const root = reportRoot(io.cwd);
  // Read once, before the scan: a missing baseline fails fast, and the kept output's key and the
  // comparison see the same bytes.
  const baseline = options.baseline === undefined ? undefined : readBaselineFile(options.baseline, io.cwd);
  const key = options.cache ? keyOfOutput(options, io, root, baseline) : undefined;
  const scanned = await scanPaths(options, io, ruleSet, root, key);
  const reporting = performance.now();
  const exitCode = 'output' in scanned ? repeatOutput(scanned.output, options, io) : reportAndKeep(scanned, options, io, root, key, baseline?.toString('utf8'));
  // Printed after the report, never kept with it: the next run's times are its own.
  if (options.timing) io.stderr(formatTiming(scanned.plan, { report: since(reporting), total: since(started), repeated: 'output' in scanned }, root));
  return exitCode;
}

/** Reports the result and, when it has a stamp, keeps the output for the next run of the same scan. */
function reportAndKeep(
  scanned: { result: ScanResult; stamp?: string },
  options: CliOptions,
  io: Io,
  root: string,
  key: string | undefined,
  baseline: string | undefined,
): number {
  const { result, stamp } = scanned;
  const toOutput = (text: string): void => writeFile(options.output!, io.cwd, text);
  if (key === undefined || stamp === undefined) return report(result, options, io, root, toOutput, baseline);
  // Kept with the result's stamp, so the next run of the same scan can repeat it (replay.ts).
  const writes: Output['writes'] = [];
  const logged: Io = {
    ...io,
    stdout: (text) => {
      writes.push({ to: 'stdout', text });
      io.stdout(text);
    },
    stderr: (text) => {
      writes.push({ to: 'stderr', text });
      io.stderr(text);
    },
  };
  const exitCode = report(
    result,
    options,
    logged,
    root,
    (text) => {
      writes.push({ to: 'output', text });
      toOutput(text);
    },
    baseline,
  );
  writeOutput(path.resolve(io.cwd, options.cacheLocation), stamp, key, { exitCode, writes });
  return exitCode;
}

/**
 * Everything a run's output depends on besides the scan result: the options, where it runs, its
 * colour, and the bytes of the baseline it compares with. Undefined when the run is not one to
 * repeat (it writes a baseline).
 */
function keyOfOutput(options: CliOptions, io: Io, root: string, baselineBytes: Buffer | undefined): string | undefined {
  if (options.writeBaseline !== undefined) return undefined;
  const baseline = baselineBytes === undefined ? null : crypto.createHash('sha256').update(baselineBytes).digest('hex');
  // Neither the thread count nor --timing (printed after the kept output) changes what is kept.
  const { jobs: _jobs, timing: _timing, ...shaping } = options;
  return outputKey({
    fnscan: toolVersion(),
    cwd: io.cwd,
    root,
    options: shaping,
    color: [wantsColor(io.env, io.stdoutIsTTY), wantsColor(io.env, io.stderrIsTTY)],
    baseline,
  });
}

/** Prints and writes what the last run of the same scan did, and exits as it did. */
function repeatOutput(output: KeptOutput, options: CliOptions, io: Io): number {
  for (const { to, bytes } of output.writes) {
    if (to === 'stdout') io.stdout(bytes.toString('utf8'));
    else if (to === 'stderr') io.stderr(bytes.toString('utf8'));
    else if (options.output !== undefined) writeFile(options.output, io.cwd, bytes);
  }
  return output.exitCode;
}

/** Writes the report and the notes, and gives the exit code. */
function report(result: ScanResult, options: CliOptions, io: Io, root: string, toOutput: (text: string) => void, baseline: string | undefined): number {
  if (options.writeBaseline !== undefined) {
    writeFile(options.writeBaseline, io.cwd, writeBaseline(result.findings, root));
    printSkipped(result, options, io, root);
    if (!options.quiet) {
      io.stderr(`Wrote ${plural(result.findings.length, 'finding')} to ${options.writeBaseline} as the baseline.\n`);
      for (const note of cacheNotes(result, options)) io.stderr(`${note}\n`);
    }
    return reportCrash(result, io, root) ? 3 : 0;
  }
  const compared =
    baseline === undefined
      ? { findings: result.findings, all: result.findings, notes: [] }
      : compareWithBaseline(result.findings, baseline, root, options.format === 'sarif', scannedHere(options, io, root));
  const findings = compared.findings;
  const notes = options.quiet ? [] : [...compared.notes, ...cacheNotes(result, options)];
  const failing = findings.filter((f) => !f.suppression && reaches(f, options.failOn));
  // SARIF keeps known findings too, marked `unchanged`: code scanning would otherwise close their alerts.
  const reported = options.format === 'sarif' && baseline !== undefined ? compared.all : findings;
  const shown = options.quiet ? reported.filter((f) => f.level === 'error') : reported;
  writeReport({ ...result, findings: shown }, options, io, root, toOutput);
  printSkipped(result, options, io, root);

  const hidden = options.quiet ? failing.filter((f) => f.level !== 'error').length : 0;
  if (hidden > 0) {
    notes.push(
      `${plural(hidden, 'finding')} below error level ${hidden === 1 ? 'counts' : 'count'} towards ` +
        `--fail-on ${options.failOn} but ${hidden === 1 ? 'is' : 'are'} hidden by --quiet.`,
    );
  }
  for (const note of notes) io.stderr(`${note}\n`);
  if (reportCrash(result, io, root)) return 3;
  return failing.length > 0 ? 1 : 0;
}

/** Whether something other than a folder is at `location` (a path that cannot even be looked at is left to the write). */
function isNonFolder(location: string): boolean {
  try {
    return fs.statSync(location, { throwIfNoEntry: false })?.isDirectory() === false;
  } catch {
    return false;
  }
}

/** A cache that could not be written changes no result, but the user asked for it: say so. */
function cacheNotes(result: ScanResult, options: CliOptions): string[] {
  if (result.cacheNotWritten === undefined) return [];
  return [`The cache could not be written to ${printable(options.cacheLocation)} (${result.cacheNotWritten}); the next --cache scan will not be faster.`];
}

/**
 * A file fnscan failed on (the parser or a rule threw) is a bug: the rest is reported, the file is
 * listed as skipped, and the exit code says so.
 */
function reportCrash(result: ScanResult, io: Io, root: string): boolean {
  const crashed = result.skipped.filter((s) => s.reason === 'internal-error');
  if (crashed.length === 0) return false;
  const where = printable(relativePath(root, crashed[0].file));
  const more = crashed.length > 1 ? ` (and on ${plural(crashed.length - 1, 'more file')})` : '';
  io.stderr(`fnscan hit an internal error on ${where}${more}: ${brief(crashed[0].detail)}. Please report it.\n`);
  return true;
}

/**
 * The scan's result with its stamp (when an unchanged-tree record answers for it), or, when the
 * output of a run with the same result and `key` was kept, that output: the result is not needed.
 */
async function scanPaths(
  options: CliOptions,
  io: Io,
  ruleSet: readonly Rule[],
  root: string,
  key: string | undefined,
): Promise<({ result: ScanResult; stamp?: string } | { output: KeptOutput }) & { plan: ScanPlan }> {
  const paths = options.paths.map((p) => existingPath(p, io.cwd));
  // The config of the app the first path lies in, as the ESLint plugin reads it: scanning
  // `api/src/functions/x.ts` or `api/` uses the app root's fnscan.config.json (or its
  // workspace's). Without --config, the other projects found that have their own are judged by
  // theirs (`projectConfigs`), as the plugin judges them.
  const first = fs.realpathSync(paths[0]);
  const appRoot = projectAt(fs.statSync(first).isDirectory() ? first : path.dirname(first)).root;
  const ruleIds = ruleSet.map((r) => r.meta.id);
  const { config, dir: configDir } =
    options.config === undefined
      ? (projectConfig(appRoot, ruleIds) ?? { config: {}, dir: appRoot })
      : { config: loadConfig(path.resolve(io.cwd, options.config), appRoot, ruleIds), dir: appRoot };
  const cacheLocation = options.cache ? path.resolve(io.cwd, options.cacheLocation) : undefined;
  if (cacheLocation !== undefined && isNonFolder(cacheLocation)) {
    throw new UsageError(`--cache-location \`${printable(options.cacheLocation)}\` is a file; it must be a folder (fnscan keeps its cache files in it).`);
  }
  const progress = io.stderrIsTTY && !options.quiet ? terminalProgress(io.stderr) : noProgress;
  // After an edit, a worker loads TypeScript and the rules while planning finds the files to judge.
  let early: EarlyWorker | undefined;
  try {
    const plan = new ScanPlan({
      paths,
      rules: [...ruleSet],
      config,
      includeTests: options.includeTests,
      followSymlinks: options.followSymlinks,
      configRoot: configDir,
      projectConfigs: options.config === undefined,
      limits: { ...DEFAULT_LIMITS, maxFileBytes: options.maxFileSize ?? config.maxFileSize ?? DEFAULT_LIMITS.maxFileBytes },
      onProgress: (done, total) => progress.update(done, total),
      cache: cacheLocation === undefined ? undefined : { location: cacheLocation },
      shard: options.shard,
      root,
      timing: options.timing,
      onRecordStale: (planned) => {
        early ??= startEarlyWorker(planned, options.jobs);
      },
    });
    const known = plan.resultStamp;
    const output = key !== undefined && known !== undefined ? readOutput(cacheLocation!, known, key) : undefined;
    if (output) return { output, plan };
    const used = early;
    early = undefined;
    const result = await completeScan(plan, options.jobs, undefined, used);
    return { result, stamp: plan.resultStamp, plan };
  } finally {
    void early?.worker.terminate();
    progress.clear();
  }
}

/** `fnscan merge-sarif a.sarif b.sarif …`: the shards' SARIF as one run, on stdout. */
function mergeCommand(files: string[], io: Io): number {
  if (files.length === 0 || files.some((f) => f === '-h' || f === '--help')) {
    (files.length === 0 ? io.stderr : io.stdout)('Usage: fnscan merge-sarif <file.sarif>... > merged.sarif\n');
    return files.length === 0 ? 2 : 0;
  }
  const inputs = files.map((name) => {
    try {
      return { name, text: fs.readFileSync(path.resolve(io.cwd, name), 'utf8') };
    } catch (error) {
      throw new UsageError(`SARIF file \`${name}\` cannot be read (${errorCode(error)}).`);
    }
  });
  try {
    io.stdout(mergeSarif(inputs));
  } catch (error) {
    if (error instanceof MergeError) throw new UsageError(error.message);
    throw error;
  }
  return 0;
}

/** The report goes to stdout, or to --output with the summary line on stderr. */
function writeReport(report: ScanResult, options: CliOptions, io: Io, root: string, toOutput: (text: string) => void): void {
  const text = reporters[options.format](report, {
    root,
    color: options.output === undefined && wantsColor(io.env, io.stdoutIsTTY),
    includeSuppressed: options.includeSuppressed,
    category: options.category,
    toolVersion: toolVersion(),
    onLimit: ({ found, kept }) =>
      io.stderr(`GitHub keeps at most ${kept} results per SARIF run: wrote the ${kept} most severe of ${found}.\n`),
  });
  if (options.output === undefined) {
    io.stdout(text);
    return;
  }
  toOutput(text);
  if (!options.quiet) io.stderr(`${summaryLine(report, wantsColor(io.env, io.stderrIsTTY))}\n`);
}

/** Keeps the findings the baseline does not know (marked `new`), and says what it left out. */
function compareWithBaseline(
  all: Finding[],
  baseline: string,
  root: string,
  keepsKnown: boolean,
  covers: (file: string) => boolean,
): { findings: Finding[]; all: Finding[]; notes: string[] } {
  const { absent } = applyBaseline(all, baseline, root, covers);
  const findings = all.filter((f) => f.baselineState !== 'unchanged');
  const known = all.length - findings.length;
  const notes: string[] = [];
  if (known > 0) {
    const fate = keepsKnown ? 'kept in the SARIF as `unchanged` but not counted' : 'not reported';
    notes.push(`${plural(known, 'finding')} already in the baseline ${known === 1 ? 'was' : 'were'} ${fate}.`);
  }
  if (absent.length > 0) {
    notes.push(
      `${plural(absent.length, 'baseline entry', 'baseline entries')} no longer ${absent.length === 1 ? 'matches' : 'match'} ` +
        'any finding; refresh the baseline with --write-baseline.',
    );
  }
  return { findings, all, notes };
}

/**
 * Whether this scan covered a file (relative to the root, as a baseline names it): under one of
 * the scanned paths and in this shard. Only such baseline entries can be called gone.
 */
function scannedHere(options: CliOptions, io: Io, root: string): (file: string) => boolean {
  const scanned = options.paths.map((p) => {
    const absolute = path.resolve(io.cwd, p);
    let real = absolute;
    try {
      real = fs.realpathSync(absolute);
    } catch {
      // reported already: the scan itself needed it
    }
    return relativePath(root, real);
  });
  return (file) =>
    scanned.some((dir) => dir === '' || file === dir || file.startsWith(`${dir}/`)) && inShard(file, options.shard);
}

/** The engine reports real paths (symlinks resolved), so reported paths are relative to the real cwd. */
function reportRoot(cwd: string): string {
  try {
    return fs.realpathSync(cwd);
  } catch {
    return cwd;
  }
}

function reaches(finding: Finding, failOn: FailOn): boolean {
  return failOn !== 'none' && LEVELS.indexOf(finding.level) >= LEVELS.indexOf(failOn);
}

function existingPath(input: string, cwd: string): string {
  const resolved = path.resolve(cwd, input);
  if (!fs.existsSync(resolved)) throw new UsageError(`Path \`${input}\` does not exist.`);
  return resolved;
}

function readBaselineFile(file: string, cwd: string): Buffer {
  try {
    return fs.readFileSync(path.resolve(cwd, file));
  } catch (error) {
    throw new UsageError(`Baseline file \`${file}\` cannot be read (${errorCode(error)}).`);
  }
}

function writeFile(file: string, cwd: string, text: string | Uint8Array): void {
  const target = path.resolve(cwd, file);
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, text);
  } catch (error) {
    throw new UsageError(`Cannot write \`${file}\` (${errorCode(error)}).`);
  }
}

function printSkipped(result: ScanResult, options: CliOptions, io: Io, root: string): void {
  const count = result.skipped.length;
  if (count === 0) return;
  const heading = `${plural(count, 'file')} skipped`;
  if (options.quiet) {
    io.stderr(`${heading}.\n`);
    return;
  }
  const lines = result.skipped.map(
    (s) => `  ${printable(relativePath(root, s.file))} (${s.reason}: ${printable(s.detail)})\n`,
  );
  io.stderr(`${heading}:\n${lines.join('')}`);
}

/** Exit 2 for what the user can fix, 3 for fnscan's own failures; the message never carries file contents. */
function reportError(error: unknown, io: Io): number {
  if (error instanceof UsageError || error instanceof ConfigError || error instanceof BaselineError) {
    io.stderr(`${printable(error.message)}\n`);
    return 2;
  }
  if (error instanceof InternalError) {
    const where = printable(relativePath(reportRoot(io.cwd), error.file));
    io.stderr(`fnscan hit an internal error on ${where} (rule ${error.ruleId}): ${brief(error.cause)}. Please report it.\n`);
    return 3;
  }
  io.stderr(`fnscan hit an internal error: ${brief(error)}. Please report it.\n`);
  return 3;
}

/** First line of an error message, cut short: enough to report, too little to echo a file. */
function brief(error: unknown): string {
  const line = printable(firstLine(error)).replace(/\.$/, '');
  return line.length > 200 ? `${line.slice(0, 199)}…` : line;
}

function errorCode(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? String(error);
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

let version: string | undefined;

function toolVersion(): string {
  version ??= (JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version: string })
    .version;
  return version;
}
