import crypto from 'node:crypto';
import fs from 'node:fs';

/**
 * Writes `content` (or its parts, in order, without joining them first) to a temporary file beside
 * `file`, then renames it over `file`, so a reader sees the old file or the new one, never part of
 * one. On failure the temporary file is removed (when there is one) and the error is thrown.
 */
export function writeFileAtomically(file: string, content: string | Buffer | readonly Buffer[]): void {
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    if (typeof content === 'string' || Buffer.isBuffer(content)) fs.writeFileSync(temporary, content);
    else writeParts(temporary, content);
    fs.renameSync(temporary, file);
  } catch (error) {
    try {
      fs.rmSync(temporary, { force: true });
    } catch {
      // nothing was created (the folder is not one)
    }
    throw error;
  }
}

function writeParts(file: string, parts: readonly Buffer[]): void {
  const fd = fs.openSync(file, 'w');
  try {
    for (const part of parts) {
      for (let done = 0; done < part.length; ) done += fs.writeSync(fd, part, done, part.length - done);
    }
  } finally {
    fs.closeSync(fd);
  }
}
