import fs from 'node:fs';
import Module from 'node:module';

const WATCHED = ['readFileSync', 'openSync', 'statSync', 'lstatSync', 'existsSync', 'readdirSync'] as const;

/**
 * Replaces the synchronous `fs` calls that take a path with ones that report it (`listing` for
 * `readdirSync`) before they run, for the duration of `run`. Calls made while a module is being
 * `require`d are fnscan loading its own code (a rule's module on its first check, a parser),
 * never something the scanned files depend on, and are not reported; nor are the calls `noted`
 * makes itself.
 */
export function watchingFileSystem<T>(noted: (target: unknown, listing: boolean) => void, run: () => T): T {
  const mutable = fs as unknown as Record<(typeof WATCHED)[number], (...args: unknown[]) => unknown>;
  const original = WATCHED.map((name) => [name, mutable[name]] as const);
  let requiring = 0;
  let noting = false;
  for (const [name, call] of original) {
    mutable[name] = (...args: unknown[]) => {
      if (requiring === 0 && !noting) {
        noting = true;
        try {
          noted(args[0], name === 'readdirSync');
        } finally {
          noting = false;
        }
      }
      return call(...args);
    };
  }
  const loader = Module.prototype as { require(id: string): unknown };
  const plainRequire = loader.require;
  loader.require = function (this: unknown, id: string): unknown {
    requiring++;
    try {
      return plainRequire.call(this, id);
    } finally {
      requiring--;
    }
  };
  try {
    return run();
  } finally {
    for (const [name, call] of original) mutable[name] = call;
    loader.require = plainRequire;
  }
}
