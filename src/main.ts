// Entry point: argv -> command -> one answer on stdout -> exit code.
// A cache hit runs synchronously from here to process.exit; only a miss returns a promise. The
// setup and diagnosis commands live in the cold bundle (tools.ts) and are loaded only when asked for.

import { log, redact } from './log.js';
import { isHelperError, parseInvocation, printableLine, readRequest, versionLine, writeLine, type Action, type Invocation } from './protocol.js';
import { createContext } from './commands/context.js';
import { erase } from './commands/erase.js';
import { get } from './commands/get.js';
import { list } from './commands/list.js';
import { store } from './commands/store.js';
import { token } from './commands/token.js';
import { loadColdBundle } from './load-cold.js';

interface Outcome {
  stdout: string | undefined;
  exitCode: number;
}

/**
 * Where errors go. The protocol's caller reads one line of error text from stdout; the commands a
 * person or a script runs (token, configure, doctor, ...) print errors on stderr, so that a failing
 * `token HOST | docker login --password-stdin` can never pipe an error message on as a password.
 */
let errorFd: 1 | 2 = 1;

function main(): void {
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  const invocation = parseInvocation(process.argv.slice(2));
  if (invocation.kind === 'print') return finish(invocation.text, invocation.exitCode, invocation.fd);
  if (invocation.kind !== 'action') errorFd = 2;
  try {
    const outcome = run(invocation);
    if (outcome instanceof Promise) outcome.then(({ stdout, exitCode }) => finish(stdout, exitCode), fail);
    else finish(outcome.stdout, outcome.exitCode);
  } catch (error) {
    fail(error);
  }
}

function run(invocation: Exclude<Invocation, { kind: 'print' }>): Outcome | Promise<Outcome> {
  switch (invocation.kind) {
    case 'action':
      return succeed(answer(invocation.action));
    case 'token':
      return succeed(token(invocation.host, createContext(process.env)));
    case 'tool':
      return loadColdBundle().then((cold) => cold.runTool(invocation.tool, invocation.args, process.env));
  }
}

function answer(action: Action): string | undefined | Promise<string | undefined> {
  if (action === 'version') return versionLine();
  const ctx = createContext(process.env);
  switch (action) {
    case 'list':
      return list(ctx); // stdin is the word "unused"
    case 'get':
      return get(readRequest(), ctx);
    case 'store':
      return store(readRequest(), ctx);
    case 'erase':
      return erase(readRequest(), ctx);
  }
}

function succeed(stdout: string | undefined | Promise<string | undefined>): Outcome | Promise<Outcome> {
  return stdout instanceof Promise ? stdout.then((text) => ({ stdout: text, exitCode: 0 })) : { stdout, exitCode: 0 };
}

function finish(text: string | undefined, exitCode: number, fd: 1 | 2 = 1): never {
  if (text !== undefined) writeLine(fd, text);
  process.exit(exitCode);
}

/** Every failure is one line and exit 1 (or the error's own code); never a stack trace. */
function fail(error: unknown): never {
  const prefix = errorFd === 2 ? 'docker-credential-ecr-login: ' : '';
  if (isHelperError(error)) return finish(prefix + redact(printableLine(error.message)), error.exitCode, errorFd);
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  log.error(`internal error: ${error instanceof Error ? error.stack : detail}`);
  return finish(redact(`docker-credential-ecr-login internal error (${printableLine(detail).slice(0, 200)}); set AWS_ECR_LOG_LEVEL=debug and see the log in the cache dir`), 1, errorFd);
}

main();
