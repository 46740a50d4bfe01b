/** A single `Scanning 120/800 files…` line on a terminal, redrawn at most every `intervalMs`. */
export interface Progress {
  update(done: number, total: number): void;
  /** Erases the line so the report starts on a clean one. */
  clear(): void;
}

export function terminalProgress(write: (text: string) => void, now = Date.now, intervalMs = 100): Progress {
  let lastDrawn = -Infinity;
  let drawn = false;
  return {
    update(done, total) {
      const time = now();
      if (drawn && done < total && time - lastDrawn < intervalMs) return;
      lastDrawn = time;
      drawn = true;
      write(`\r\u001b[2KScanning ${done}/${total} files…`);
    },
    clear() {
      if (drawn) write('\r\u001b[2K');
      drawn = false;
    },
  };
}

export const noProgress: Progress = { update() {}, clear() {} };
