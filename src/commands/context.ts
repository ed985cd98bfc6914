// What every command is given: the environment, the helper's settings and a file reader.

import { readFileSync } from 'node:fs';
import { readSettings, type Settings } from '../config.js';
import { configureLog } from '../log.js';
import { identifyFor, type ReadText } from '../identity.js';
import { parseRules, ruleFor, type Rule } from '../rules.js';

export interface Context {
  env: Record<string, string | undefined>;
  settings: Settings;
  readText: ReadText;
  /** The config file's rules; none when there is no file. */
  rules: readonly Rule[];
}

/** Reads the settings, points the log at the cache dir and reads the config file's rules. */
export function createContext(env: Record<string, string | undefined>): Context {
  const settings = readSettings(env);
  configureLog(settings.cacheDir, settings.logLevel, env);
  return { env, settings, readText: readTextFile, rules: readRules(settings, readTextFile) };
}

/** The rules of the config file; a missing file has none, a malformed one is an error. */
export function readRules(settings: Settings, readText: ReadText): Rule[] {
  const text = readText(settings.configFile);
  return text === undefined ? [] : parseRules(text, settings.configFile).rules;
}

/** Reads a text file; undefined if it does not exist or cannot be read. */
export const readTextFile: ReadText = (path) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

/** The identity fingerprint a host gets now (its rule's, or the default chain's), computed once per rule. */
export function fingerprintOfHost(rules: readonly Rule[], env: Context['env'], readText: ReadText): (host: string) => string {
  const byRule = new Map<Rule | undefined, string>();
  return (host) => {
    const rule = ruleFor(rules, host);
    if (!byRule.has(rule)) byRule.set(rule, identifyFor(rule, env, readText).fingerprint);
    return byRule.get(rule)!;
  };
}
