// npm run bench [-- --runs N] [--herd N] [--vs PATH]
// Times the built helper against its floor (`node -e 0`, same Node, same run), interleaving every
// case in each round so that machine noise hits all of them alike. Each figure is measured with
// NODE_EXTRA_CA_CERTS as the environment has it and with it unset. Prints a table, writes JSON.

import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { FakeEcr } from '../test/fakes/ecr.js';
import { HELPER, Sandbox } from '../test/helpers/helper-process.js';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(name);
  return i >= 0 && args[i + 1] ? args[i + 1]! : fallback;
};
const RUNS = Number(option('--runs', '20'));
const HERD = Number(option('--herd', '64'));
const VS = option('--vs', '');
const HOST = '123456789012.dkr.ecr.us-west-2.amazonaws.com';

type Env = Record<string, string | undefined>;
interface Case {
  name: string;
  command: string[];
  stdin: string;
  env: () => Env;
}

const fake = await new FakeEcr().start();
const box = new Sandbox();
const caVariants: [string, Env][] = [
  ['CA set', { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS }],
  ['CA unset', {}],
];

function helperCases(label: string, executable: string, cacheEnv: (dir: string) => Env): Case[] {
  const hitDir = `${box.root}/${label}-hit`;
  let coldRound = 0;
  const base = (dir: string) => ({ ...box.env(fake.url), ...cacheEnv(dir) });
  return [
    { name: `${label} get, cache hit`, command: [executable, 'get'], stdin: HOST, env: () => base(hitDir) },
    { name: `${label} get, cold (empty cache, fake ECR)`, command: [executable, 'get'], stdin: HOST, env: () => base(`${box.root}/${label}-cold-${coldRound++}`) },
    { name: `${label} get, non-ECR host`, command: [executable, 'get'], stdin: 'docker.io', env: () => base(hitDir) },
  ];
}

const cases: Case[] = [
  { name: 'floor: node -e 0', command: [process.execPath, '-e', '0'], stdin: '', env: () => ({ PATH: process.env.PATH }) },
  ...helperCases('helper', HELPER, (dir) => ({ AWS_ECR_CACHE_DIR: dir })),
  ...(VS ? helperCases('vs', VS, (dir) => ({ AWS_ECR_CACHE_DIR: dir, HOME: dir })) : []),
];

// Asynchronous spawns: the fake ECR lives in this process and must keep answering meanwhile.
function run(command: string[], stdin: string, env: Env): Promise<{ code: number | null; stdout: string; ms: number }> {
  const started = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { env: env as NodeJS.ProcessEnv });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);
  });
}

async function timeOnce(c: Case, extra: Env): Promise<number> {
  const result = await run(c.command, c.stdin, { ...c.env(), ...extra });
  const expectedCode = c.stdin === 'docker.io' ? 1 : 0;
  if (result.code !== expectedCode) throw new Error(`${c.name} exited ${result.code}: ${result.stdout}`);
  return result.ms;
}

/** Peak RSS (KiB) of one run, read from the kernel's rusage of a child of a tiny Python parent. */
async function peakRssKiB(c: Case, extra: Env): Promise<number | undefined> {
  const py = 'import resource,subprocess,sys; subprocess.run(sys.argv[2:], input=sys.argv[1].encode(), capture_output=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)';
  const result = await run(['python3', '-c', py, c.stdin, ...c.command], '', { ...c.env(), ...extra });
  return result.code === 0 ? Number(result.stdout.trim()) : undefined;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

// Warm the hit caches once (and check every case works) before timing.
for (const c of cases) for (const [, extra] of caVariants) await timeOnce(c, extra);

const samples = new Map<string, number[]>();
for (let round = 0; round < RUNS; round++) {
  for (const [variant, extra] of caVariants) {
    for (const c of cases) {
      const key = `${c.name}|${variant}`;
      samples.set(key, [...(samples.get(key) ?? []), await timeOnce(c, extra)]);
    }
  }
}

async function herd(executable: string, cacheEnv: (dir: string) => Env): Promise<{ processes: number; wallMs: number; ok: number; ecrCalls: number }> {
  fake.reset();
  fake.set({ delayMs: 200 });
  const env = { ...box.env(fake.url), ...cacheEnv(`${box.root}/herd-${Math.random()}`) };
  const started = Date.now();
  const codes = await Promise.all(
    Array.from({ length: HERD }, () => new Promise<number | null>((resolve) => {
      const child = spawn(executable, ['get'], { env: env as NodeJS.ProcessEnv });
      child.on('close', resolve);
      child.stdin.end(HOST);
    })),
  );
  const result = { processes: HERD, wallMs: Date.now() - started, ok: codes.filter((c) => c === 0).length, ecrCalls: fake.calls.length };
  fake.reset();
  return result;
}

const rows = [];
for (const c of cases) {
  for (const [variant, extra] of caVariants) {
    const ms = median(samples.get(`${c.name}|${variant}`)!);
    const floor = median(samples.get(`floor: node -e 0|${variant}`)!);
    rows.push({ case: c.name, env: variant, medianMs: Number(ms.toFixed(1)), vsFloor: Number((ms / floor).toFixed(2)), peakRssKiB: await peakRssKiB(c, extra) });
  }
}
const herds = { helper: await herd(HELPER, (dir) => ({ AWS_ECR_CACHE_DIR: dir })), ...(VS ? { vs: await herd(VS, (dir) => ({ AWS_ECR_CACHE_DIR: dir, HOME: dir })) } : {}) };

console.log(`docker-credential-ecr-login benchmark: median of ${RUNS} interleaved runs, ${process.version}, ${new Date().toISOString()}`);
console.log(`${'case'.padEnd(44)} ${'NODE_EXTRA_CA_CERTS'.padEnd(20)} ${'median ms'.padStart(10)} ${'x floor'.padStart(8)} ${'peak RSS MiB'.padStart(13)}`);
for (const r of rows) {
  console.log(`${r.case.padEnd(44)} ${r.env.padEnd(20)} ${r.medianMs.toFixed(1).padStart(10)} ${r.vsFloor.toFixed(2).padStart(8)} ${(r.peakRssKiB ? (r.peakRssKiB / 1024).toFixed(1) : '-').padStart(13)}`);
}
for (const [name, h] of Object.entries(herds)) {
  console.log(`herd (${name}): ${h.processes} concurrent cold gets, fake ECR answering in 200 ms: ${h.ok}/${h.processes} ok in ${h.wallMs} ms with ${h.ecrCalls} ECR call(s)`);
}
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/bench.json', `${JSON.stringify({ node: process.version, runs: RUNS, rows, herds }, null, 2)}\n`);
console.log('wrote bench-results/bench.json');
box.remove();
await fake.stop();
