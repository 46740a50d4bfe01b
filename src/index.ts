export { scan, RuleRunner, FileCache, InternalError, type ScanOptions, type ScanResult } from './core/engine';
export { rules, ruleIds, ruleById } from './rules';
export type { Finding, Level, Location, RelatedLocation, SkippedFile } from './core/types';
export type { Rule, RuleMeta } from './core/rule';
export { loadConfig, ConfigError, type FnscanConfig } from './core/config';
