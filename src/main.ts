// Entry point: argv -> action -> one answer on stdout -> exit code.
// A cache hit runs synchronously from here to process.exit; only a miss returns a promise.

import { readSettings } from './config.js';
import { configureLog, log, redact } from './log.js';
import { isHelperError, parseInvocation, readRequest, versionLine, writeLine, type Action } from './protocol.js';
import { readRules, readTextFile, type Context } from './commands/context.js';
import { erase } from './commands/erase.js';
import { configCheck } from './commands/config-check.js';
import { get } from './commands/get.js';
import { list } from './commands/list.js';
import { store } from './commands/store.js';

type Answer = string | undefined;

function main(): void {
  process.on('uncaughtException', fail);
  process.on('unhandledRejection', fail);
  const invocation = parseInvocation(process.argv.slice(2));
  if (invocation.kind === 'print') return finish(invocation.text, invocation.exitCode);
  try {
    const answer = invocation.kind === 'config-check' ? configCheck(invocation.hosts, context()) : run(invocation.action);
    if (answer instanceof Promise) answer.then((text) => finish(text, 0), fail);
    else finish(answer, 0);
  } catch (error) {
    fail(error);
  }
}

function run(action: Action): Answer | Promise<Answer> {
  if (action === 'version') return versionLine();
  const ctx = context();
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

function context(): Context {
  const settings = readSettings(process.env);
  configureLog(settings.cacheDir, settings.logLevel, process.env);
  return { env: process.env, settings, readText: readTextFile, rules: readRules(settings, readTextFile) };
}

function finish(text: Answer, exitCode: number): never {
  if (text !== undefined) writeLine(1, text);
  process.exit(exitCode);
}

/** Every failure is one line on stdout and exit 1; never a stack trace. */
function fail(error: unknown): never {
  if (isHelperError(error)) return finish(redact(error.message.replace(/\s+/g, ' ')), error.exitCode);
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  log.error(`internal error: ${error instanceof Error ? error.stack : detail}`);
  return finish(redact(`docker-credential-ecr-login internal error (${detail.replace(/\s+/g, ' ').slice(0, 200)}); set AWS_ECR_LOG_LEVEL=debug and see the log in the cache dir`), 1);
}

main();
