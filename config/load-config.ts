/**
 * Loads and validates the branch configuration file (YAML or JSON). A broken file stops the
 * start with every problem listed by field, before anything else is opened.
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { DomainError } from '../common/errors.js';
import { describeIssues, formatPath } from '../common/zod-issues.js';
import { configFileSchema, toQueueConfig, type ConfigFile } from './schema.js';
import type { QueueConfig } from '../core/types.js';

export const DEMO_CONFIG_PATH = fileURLToPath(new URL('./demo-branch.yaml', import.meta.url));

export interface LoadedConfig {
  file: ConfigFile;
  queue: QueueConfig;
  /** Content hash: a change of configuration is recorded as config.applied. */
  hash: string;
  source: string;
}

export { describeIssues, formatPath };

export function parseConfigText(text: string, source: string): LoadedConfig {
  let raw: unknown;
  try {
    raw = source.endsWith('.json') ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new DomainError('CONFIG_INVALID', `${source}: not valid ${source.endsWith('.json') ? 'JSON' : 'YAML'}: ${(e as Error).message}`);
  }
  return checkConfig(raw, source);
}

/**
 * A configuration checked by the file's schema, whatever it came from (the file, the back
 * office's form): every problem named by field in one CONFIG_INVALID error.
 */
export function checkConfig(raw: unknown, source: string): LoadedConfig {
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) {
    const lines = describeIssues(parsed.error.issues);
    throw new DomainError('CONFIG_INVALID', `${source} has ${lines.length} problem(s):\n  ${lines.join('\n  ')}`, lines);
  }
  return loadedConfig(parsed.data, source);
}

/** A checked configuration with the engine's view of it and its content hash. */
export function loadedConfig(file: ConfigFile, source: string): LoadedConfig {
  return {
    file,
    queue: toQueueConfig(file),
    hash: createHash('sha256').update(JSON.stringify(file)).digest('hex').slice(0, 16),
    source,
  };
}

export function loadConfigFile(path: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DomainError('CONFIG_UNREADABLE', `Cannot read the configuration file ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  return parseConfigText(text, path);
}
