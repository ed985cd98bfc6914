// The docker-credential-helpers protocol: argv, stdin, stdout and exit codes.
// Callers read stdout as the answer (or one line of error text) and show stderr to the user, so
// nothing else may ever reach stdout. All I/O here is synchronous: the cache-hit path stays free
// of promises and streams, which costs milliseconds in a process that lives for ~30 ms.

import { readSync, writeSync } from 'node:fs';

export const NAME = 'docker-credential-ecr-login';
export const VERSION = '0.1.0';
export const USAGE = `Usage: ${NAME} <store|get|erase|list|version>`;

/** The three error texts that callers match exactly. */
export const NOT_FOUND = 'credentials not found in native keychain';
export const MISSING_SERVER_URL = 'no credentials server URL';
export const MISSING_USERNAME = 'no credentials username';

/** Largest request accepted on stdin; a server URL or a store request is far smaller. */
export const MAX_REQUEST_BYTES = 64 * 1024;

export type Action = 'get' | 'store' | 'erase' | 'list' | 'version';
const ACTIONS: readonly string[] = ['get', 'store', 'erase', 'list', 'version'];

/**
 * An error whose message is the one line a caller sees on stdout. The hot entry and the cold bundle
 * each carry a copy of this class, so test for it with isHelperError, never instanceof.
 */
export class HelperError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'HelperError';
  }
}

export function isHelperError(error: unknown): error is HelperError {
  return error instanceof Error && error.name === 'HelperError' && typeof (error as HelperError).exitCode === 'number';
}

/** The setup and diagnosis commands; they run from the cold bundle and report errors on stderr. */
export type Tool = 'configure' | 'doctor' | 'config' | 'help';
const TOOLS: readonly string[] = ['configure', 'doctor', 'config', 'help'];
const HELP_FLAGS: readonly string[] = ['-h', '--help'];

export type Invocation =
  | { kind: 'action'; action: Action }
  | { kind: 'token'; host: string }
  | { kind: 'tool'; tool: Tool; args: string[] }
  | { kind: 'print'; text: string; exitCode: number; fd?: 1 | 2 };

/** Exit codes: 0 success, 1 failure (the protocol's only error code), 2 a setup command used wrongly. */
export const EXIT_USAGE = 2;

/** Maps argv (without node and script) to what to do. Pure. */
export function parseInvocation(args: readonly string[]): Invocation {
  const [first = '', ...rest] = args;
  if (TOOLS.includes(first)) return { kind: 'tool', tool: first as Tool, args: rest };
  if (first === 'token') {
    if (rest.length === 1 && !HELP_FLAGS.includes(rest[0]!)) return { kind: 'token', host: rest[0]! };
    if (rest.length === 1) return { kind: 'tool', tool: 'help', args: ['token'] };
    return { kind: 'print', text: `Usage: ${NAME} token HOST (see: ${NAME} token --help)`, exitCode: EXIT_USAGE, fd: 2 };
  }
  // `get --help` and the like: Docker never passes a second argument, so this cannot clash.
  if (args.length === 2 && ACTIONS.includes(first) && HELP_FLAGS.includes(rest[0]!)) return { kind: 'tool', tool: 'help', args: [first] };
  if (args.length !== 1) return { kind: 'print', text: USAGE, exitCode: 1 };
  if (first === '-v' || first === '--version') return { kind: 'print', text: versionLine(), exitCode: 0 };
  if (HELP_FLAGS.includes(first)) return { kind: 'tool', tool: 'help', args: [] };
  if (ACTIONS.includes(first)) return { kind: 'action', action: first as Action };
  return { kind: 'print', text: `${NAME}: unknown action: ${first}`, exitCode: 1 };
}

export function versionLine(): string {
  return `${NAME} (npm ${NAME}) ${VERSION}`;
}

/** Reads all of stdin, refusing more than MAX_REQUEST_BYTES. */
export function readRequest(fd = 0): string {
  const chunks: Buffer[] = [];
  let total = 0;
  const buffer = Buffer.alloc(16 * 1024);
  for (;;) {
    let n: number;
    try {
      n = readSync(fd, buffer, 0, buffer.length, null);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN') {
        sleepSync(2); // stdin inherited in non-blocking mode; wait for the writer
        continue;
      }
      if (code === 'EOF' || code === 'EBADF' || code === 'EINVAL') break; // closed or no stdin
      throw error;
    }
    if (n === 0) break;
    total += n;
    if (total > MAX_REQUEST_BYTES) throw new HelperError(`request on stdin is larger than ${MAX_REQUEST_BYTES} bytes`);
    chunks.push(Buffer.from(buffer.subarray(0, n)));
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
  } catch {
    throw new HelperError('request on stdin is not valid UTF-8 text');
  }
  if (text.includes('\0')) throw new HelperError('request on stdin contains a NUL byte');
  return text;
}

/**
 * Text that came from the request may be anything: one line, with control characters (a NUL, an
 * ANSI escape that would clear the user's terminal) shown as \xNN instead of written raw.
 */
export function printableLine(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Writes text and a newline to a file descriptor, completely, without streams. */
export function writeLine(fd: number, text: string): void {
  const bytes = Buffer.from(`${text}\n`, 'utf8');
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      sleepSync(1);
    }
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The `get` answer, exactly as Docker expects it. */
export function credentialsJson(serverURL: string, username: string, secret: string): string {
  return JSON.stringify({ ServerURL: serverURL, Username: username, Secret: secret });
}

/** The server URL of a get/erase request: trimmed stdin, which must not be empty. */
export function serverURLOf(request: string): string {
  const serverURL = request.trim();
  if (serverURL === '') throw new HelperError(MISSING_SERVER_URL);
  return serverURL;
}

export interface StoreRequest {
  serverURL: string;
  username: string;
}

/** Parses a store request; the secret is deliberately not kept. */
export function parseStoreRequest(request: string): StoreRequest {
  let body: unknown;
  try {
    body = JSON.parse(request);
  } catch {
    throw new HelperError('store request is not valid JSON: expected {"ServerURL":..,"Username":..,"Secret":..}');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HelperError('store request must be a JSON object with ServerURL, Username and Secret');
  }
  const { ServerURL, Username } = body as Record<string, unknown>;
  if (typeof ServerURL !== 'string' || ServerURL.trim() === '') throw new HelperError(MISSING_SERVER_URL);
  if (typeof Username !== 'string' || Username === '') throw new HelperError(MISSING_USERNAME);
  return { serverURL: ServerURL.trim(), username: Username };
}
