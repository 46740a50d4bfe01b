import fs from 'node:fs';
import path from 'node:path';
import type { Level } from './types';
import { DEFAULT_LIMITS, readTextFile } from './files';

export type RuleSetting = Level | 'off';

/** The JSON configuration. Never executed: only `fnscan.config.json` or package.json's `fnscan` key. */
export interface FnscanConfig {
  rules?: Record<string, RuleSetting>;
  /** Globs (relative to the scanned path) of files and folders to skip. */
  ignore?: string[];
  /** Function names (e.g. `healthz`) or endpoint globs declared intentionally public. */
  publicFunctions?: string[];
  /** Largest file to read, in bytes. */
  maxFileSize?: number;
}

export class ConfigError extends Error {}

const RULE_SETTINGS = new Set(['off', 'note', 'warning', 'error']);

export function validateConfig(raw: unknown, source: string, knownRules: string[]): FnscanConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError(`${source} must hold a JSON object.`);
  }
  const config = raw as Record<string, unknown>;
  const allowed = new Set(['$schema', 'rules', 'ignore', 'publicFunctions', 'maxFileSize']);
  for (const key of Object.keys(config)) {
    if (!allowed.has(key)) throw new ConfigError(`${source} has an unknown key \`${key}\`.`);
  }
  if (config.rules !== undefined) {
    if (typeof config.rules !== 'object' || config.rules === null || Array.isArray(config.rules)) {
      throw new ConfigError(`${source}: \`rules\` must be an object of rule ids to "off", "note", "warning" or "error".`);
    }
    for (const [id, setting] of Object.entries(config.rules)) {
      const bare = id.replace(/^fnscan\//, '');
      if (!knownRules.includes(bare)) throw new ConfigError(`${source}: \`rules\` names an unknown rule \`${id}\`.`);
      if (typeof setting !== 'string' || !RULE_SETTINGS.has(setting)) {
        throw new ConfigError(`${source}: rule \`${id}\` must be "off", "note", "warning" or "error".`);
      }
    }
  }
  for (const key of ['ignore', 'publicFunctions'] as const) {
    const value = config[key];
    if (value !== undefined && (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))) {
      throw new ConfigError(`${source}: \`${key}\` must be an array of strings.`);
    }
  }
  if (config.maxFileSize !== undefined && !(Number.isSafeInteger(config.maxFileSize) && (config.maxFileSize as number) > 0)) {
    throw new ConfigError(`${source}: \`maxFileSize\` must be a positive whole number of bytes.`);
  }
  const rules = config.rules
    ? Object.fromEntries(
        Object.entries(config.rules as Record<string, RuleSetting>).map(([id, s]) => [id.replace(/^fnscan\//, ''), s]),
      )
    : undefined;
  return { ...(config as FnscanConfig), rules };
}

/** Reads an explicit config file, or looks for one in the given directory. */
export function loadConfig(explicit: string | undefined, dir: string, knownRules: string[]): FnscanConfig {
  if (explicit) {
    if (!/\.json$/i.test(explicit)) throw new ConfigError(`Config file \`${explicit}\` must be JSON (fnscan never runs JS config).`);
    return validateConfig(readJson(explicit), explicit, knownRules);
  }
  return folderConfig(dir, knownRules) ?? {};
}

/** A config and the folder its `ignore` and `publicFunctions` globs are relative to (the one holding it). */
export interface FoundConfig {
  dir: string;
  config: FnscanConfig;
}

/** The files a folder's own config is read from, in that order: its `fnscan.config.json`, else its package.json's `fnscan` key. */
export const CONFIG_FILES = ['fnscan.config.json', 'package.json'] as const;

/** The folder's own config (`CONFIG_FILES`); undefined when it has neither. */
export function folderConfig(dir: string, knownRules: string[]): FnscanConfig | undefined {
  const own = path.join(dir, CONFIG_FILES[0]);
  if (fs.existsSync(own)) return validateConfig(readJson(insideDir(own, dir)), own, knownRules);
  const pkg = path.join(dir, CONFIG_FILES[1]);
  if (fs.existsSync(pkg)) {
    const json = readJson(insideDir(pkg, dir)) as { fnscan?: unknown };
    if (json && typeof json === 'object' && json.fnscan !== undefined) {
      return validateConfig(json.fnscan, `${pkg} (key "fnscan")`, knownRules);
    }
  }
  return undefined;
}

/**
 * A config file found in the scanned tree is data written by whoever wrote the tree; a symlink
 * there must not make fnscan read (and quote the keys of) a file elsewhere on the machine.
 */
function insideDir(file: string, dir: string): string {
  let real: string;
  try {
    real = fs.realpathSync(file);
  } catch {
    throw new ConfigError(`Config file \`${file}\` cannot be read.`);
  }
  const realDir = fs.realpathSync(dir);
  if (!real.startsWith(realDir + path.sep)) {
    throw new ConfigError(`Config file \`${file}\` links outside the scanned folder; pass it with --config to use it.`);
  }
  return real;
}

/**
 * Reads a JSON file: a regular file of at most the default file-size limit, so a link to a device
 * cannot hang the scan. A parse error gives its position only, never the text around it, so a
 * config that is not what it claims to be is not echoed into a CI log.
 */
function readJson(file: string): unknown {
  const read = readTextFile(file, DEFAULT_LIMITS);
  if ('skipped' in read) throw new ConfigError(`Config file \`${file}\` cannot be read (${read.skipped.detail}).`);
  try {
    return JSON.parse(read.text);
  } catch (error) {
    const at = /at position (\d+)/.exec((error as Error).message);
    throw new ConfigError(`Config file \`${file}\` is not valid JSON${at ? ` (at character ${Number(at[1]) + 1})` : ''}.`);
  }
}
