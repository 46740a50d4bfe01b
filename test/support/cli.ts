import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Io } from '../../src/cli/main';

export const REPO = path.resolve(__dirname, '../..');
export const BIN = path.join(REPO, 'bin', 'fnscan.js');

/** An `Io` for `run()` that keeps what is written to stdout and stderr; neither is a terminal. */
export interface CapturedIo extends Io {
  out: string;
  err: string;
}

export function captureIo(cwd: string, env: Record<string, string> = { NO_COLOR: '1' }): CapturedIo {
  const io: CapturedIo = {
    out: '',
    err: '',
    stdout: (text) => {
      io.out += text;
    },
    stderr: (text) => {
      io.err += text;
    },
    stdoutIsTTY: false,
    stderrIsTTY: false,
    env,
    cwd,
  };
  return io;
}

/** Rebuilds dist/ when any source is newer, so that tests spawning the bin never run stale code. */
export function buildIfStale(): void {
  const built = path.join(REPO, 'dist', 'cli', 'main.js');
  if (!fs.existsSync(built) || fs.statSync(built).mtimeMs < newestSource(path.join(REPO, 'src'))) {
    // Type errors elsewhere still emit JavaScript, which is all the spawned CLI needs.
    spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(REPO, 'tsconfig.json')]);
  }
}

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : fs.statSync(full).mtimeMs);
  }
  return newest;
}
