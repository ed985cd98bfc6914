// The commands a person or a script runs (not Docker): argument parsing and dispatch. Part of the
// cold bundle. Errors are HelperErrors; main.ts prints them on stderr with their exit code.

import { parseArgs } from 'node:util';
import { readSettings } from './config.js';
import { configureLog } from './log.js';
import { EXIT_USAGE, HelperError, NAME, type Tool } from './protocol.js';
import { helpText } from './help.js';
import { configCheck } from './commands/config-check.js';
import { configure } from './commands/configure.js';
import { createContext, readTextFile } from './commands/context.js';
import { doctor } from './commands/doctor.js';

export interface Outcome {
  stdout: string | undefined;
  exitCode: number;
}

type Env = Record<string, string | undefined>;

export async function runTool(tool: Tool, args: string[], env: Env): Promise<Outcome> {
  if (tool === 'help') return help(args);
  if (args.includes('--help') || args.includes('-h')) return help([tool]);
  switch (tool) {
    case 'config': {
      if (args[0] !== 'check') throw new HelperError(`usage: ${NAME} config check [HOST...]`, EXIT_USAGE);
      return { stdout: configCheck(args.slice(1), createContext(env)), exitCode: 0 };
    }
    case 'configure': {
      const { values } = parse(tool, args, {
        registry: { type: 'string', multiple: true },
        public: { type: 'boolean' },
        'from-config': { type: 'boolean' },
        remove: { type: 'boolean' },
        containers: { type: 'boolean' },
        'dry-run': { type: 'boolean' },
      });
      const options = {
        registries: (values.registry as string[] | undefined) ?? [],
        public: Boolean(values.public),
        fromConfig: Boolean(values['from-config']),
        remove: Boolean(values.remove),
        containers: Boolean(values.containers),
        dryRun: Boolean(values['dry-run']),
      };
      return { stdout: configure(options, createContext(env)), exitCode: 0 };
    }
    case 'doctor': {
      const { values, positionals } = parse(tool, args, { online: { type: 'boolean' }, json: { type: 'boolean' } }, 1);
      const settings = readSettings(env);
      configureLog(settings.cacheDir, settings.logLevel, env);
      const report = await doctor({ host: positionals[0], online: Boolean(values.online), json: Boolean(values.json) }, { env, settings, readText: readTextFile });
      return { stdout: report.text, exitCode: report.ok ? 0 : 1 };
    }
  }
}

function help(args: string[]): Outcome {
  if (args.length > 1) throw new HelperError(`usage: ${NAME} help [COMMAND]`, EXIT_USAGE);
  const text = helpText(args[0] === '--help' || args[0] === '-h' ? 'help' : args[0]);
  if (text === undefined) throw new HelperError(`no such command: ${args[0]!.slice(0, 40)} (see: ${NAME} --help)`, EXIT_USAGE);
  return { stdout: text, exitCode: 0 };
}

type Options = NonNullable<Parameters<typeof parseArgs>[0]>['options'];

/** node:util's parser, strict; its errors become one usage line with exit code 2. */
function parse(tool: Tool, args: string[], options: Options, maxPositionals = 0): { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] } {
  let parsed;
  try {
    parsed = parseArgs({ args, options, strict: true, allowPositionals: maxPositionals > 0 });
  } catch (error) {
    throw new HelperError(`${tool}: ${(error as Error).message.split('\n')[0]} (see: ${NAME} ${tool} --help)`, EXIT_USAGE);
  }
  if (parsed.positionals.length > maxPositionals) throw new HelperError(`${tool}: unexpected argument ${parsed.positionals[maxPositionals]!.slice(0, 100)} (see: ${NAME} ${tool} --help)`, EXIT_USAGE);
  return parsed;
}
