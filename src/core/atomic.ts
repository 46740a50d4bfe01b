import crypto from 'node:crypto';
import fs from 'node:fs';

/**
 * Writes `content` to a temporary file beside `file`, then renames it over `file`, so a reader
 * sees the old file or the new one, never part of one. On failure the temporary file is removed
 * (when there is one) and the error is thrown.
 */
export function writeFileAtomically(file: string, content: string | Buffer): void {
  const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
  try {
    fs.writeFileSync(temporary, content);
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
