// Docker's config.json and the containers' auth.json, as far as this helper touches them: where they
// are, and adding or removing `credHelpers` entries while keeping every other key. Pure, except
// for the two path functions' reading of the environment they are given.

import { join } from 'node:path';
import { HelperError } from './protocol.js';

/** The value that sends a host to `docker-credential-ecr-login`. */
export const HELPER_SUFFIX = 'ecr-login';

type Env = Record<string, string | undefined>;
export type JsonObject = Record<string, unknown>;

/** Docker CLI: $DOCKER_CONFIG/config.json, else ~/.docker/config.json. */
export function dockerConfigPath(env: Env, home: string): string {
  return join(env.DOCKER_CONFIG || join(home, '.docker'), 'config.json');
}

/**
 * containers/image (skopeo, podman, buildah): $REGISTRY_AUTH_FILE, else the persistent
 * ${XDG_CONFIG_HOME:-~/.config}/containers/auth.json (the ${XDG_RUNTIME_DIR} one is wiped at reboot).
 */
export function containersAuthPath(env: Env, home: string): string {
  return env.REGISTRY_AUTH_FILE || join(env.XDG_CONFIG_HOME || join(home, '.config'), 'containers', 'auth.json');
}

/** Parses a config file's text; a missing file is an empty object, anything but a JSON object an error. */
export function parseConfigText(text: string | undefined, path: string): JsonObject {
  if (text === undefined || text.trim() === '') return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new HelperError(`${path} is not valid JSON (${(error as Error).message}); fix or move it, it was left untouched`);
  }
  if (!isObject(body)) throw new HelperError(`${path} is not a JSON object; fix or move it, it was left untouched`);
  if (body.credHelpers !== undefined && !isObject(body.credHelpers)) throw new HelperError(`${path}: "credHelpers" is not a JSON object; fix it, the file was left untouched`);
  return body;
}

export type Change =
  | { host: string; kind: 'added' | 'removed' | 'already' | 'absent' }
  | { host: string; kind: 'replaced' | 'kept'; other: string };

/**
 * Adds (or removes) `"host": "ecr-login"` in credHelpers. Replacing another helper's entry is
 * reported; removing never touches an entry that names another helper. Returns a new object with
 * the keys in their original order (new hosts at the end).
 */
export function updateCredHelpers(config: JsonObject, hosts: readonly string[], remove: boolean): { config: JsonObject; changes: Change[] } {
  const helpers: JsonObject = { ...((config.credHelpers as JsonObject | undefined) ?? {}) };
  const changes: Change[] = [];
  for (const host of hosts) {
    const current = helpers[host];
    if (remove) {
      if (current === undefined) changes.push({ host, kind: 'absent' });
      else if (current !== HELPER_SUFFIX) changes.push({ host, kind: 'kept', other: String(current) });
      else {
        delete helpers[host];
        changes.push({ host, kind: 'removed' });
      }
    } else if (current === HELPER_SUFFIX) changes.push({ host, kind: 'already' });
    else {
      helpers[host] = HELPER_SUFFIX;
      changes.push(current === undefined ? { host, kind: 'added' } : { host, kind: 'replaced', other: String(current) });
    }
  }
  const changed = changes.some((c) => c.kind === 'added' || c.kind === 'removed' || c.kind === 'replaced');
  if (!changed) return { config, changes };
  return { config: { ...config, credHelpers: helpers }, changes }; // an existing key keeps its place
}

/**
 * What credsStore means for these hosts. Docker asks credHelpers first and credsStore for every
 * other host; skopeo and podman never ask credsStore.
 */
export function credsStoreNotes(config: JsonObject, hosts: readonly string[], remove: boolean): string[] {
  const store = typeof config.credsStore === 'string' ? config.credsStore : undefined;
  if (store === undefined || remove) return [];
  if (store === HELPER_SUFFIX) {
    return [
      `credsStore is already "${HELPER_SUFFIX}", so for Docker these entries shadow nothing (skopeo and podman still need them); note that with this credsStore, \`docker login\` to any non-ECR registry fails, because this helper stores no passwords`,
    ];
  }
  const auths = isObject(config.auths) ? config.auths : {};
  return hosts
    .filter((host) => Object.hasOwn(auths, host) || Object.hasOwn(auths, `https://${host}`))
    .map((host) => `${host} has a login in credsStore "${store}"; the credHelpers entry now takes precedence over it`);
}

/** Serialises like the original: its indentation (Docker writes tabs) and its final newline. */
export function formatLike(original: string | undefined, config: JsonObject): string {
  const indent = original === undefined ? '\t' : (/\n([ \t]+)"/.exec(original)?.[1] ?? (original.includes('\n') ? '\t' : ''));
  const text = JSON.stringify(config, null, indent);
  return original === undefined || original.endsWith('\n') ? `${text}\n` : text;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
