// npm run bench [-- --runs N] [--herd N] [--vs PATH]
// Times every built artifact against its floor (the bare runtime starting and exiting, same run),
// interleaving all cases in each round so that machine noise hits them alike. Every figure is
// measured with NODE_EXTRA_CA_CERTS as the environment has it and with it unset. Prints a table and
// writes bench-results/bench.json. `--vs PATH` adds another helper (e.g. the Go
// docker-credential-ecr-login); it reaches the fake ECR through a loopback CONNECT proxy under the
// real AWS hostname, since it does not honour AWS_ENDPOINT_URL_ECR.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { ConnectProxy } from '../test/fakes/connect-proxy.js';
import { FakeEcr } from '../test/fakes/ecr.js';
import { createTestCa } from '../test/fakes/test-ca.js';
import { Sandbox } from '../test/helpers/helper-process.js';
// @ts-expect-error -- a plain .mjs module of the build
import { baseNode } from './sea-base.mjs';

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
interface Subject {
  label: string;
  path: string;
  floor: string;
  env: (cacheDir: string) => Env;
}
interface Case {
  name: string;
  subject: string;
  command: string[];
  stdin: string;
  env: () => Env;
  expectCode: number;
}

const fake = await new FakeEcr().start();
const ca = createTestCa(['api.ecr.us-west-2.amazonaws.com']);
const proxy = await new ConnectProxy(ca, fake).start();
const box = new Sandbox();
const node24 = resolve(await baseNode(process.arch));
const floors = [
  { label: `node ${process.version} -e 0`, command: [process.execPath, '-e', '0'] },
  { label: 'node 24 (SEA base) -e 0', command: [node24, '-e', '0'] },
];
const direct = (dir: string): Env => ({ ...box.env(fake.url), AWS_ECR_CACHE_DIR: dir });
const subjects: Subject[] = [
  { label: 'SEA', path: 'dist/docker-credential-ecr-login', floor: floors[1]!.label, env: direct },
  { label: 'Bun', path: 'dist/docker-credential-ecr-login-bun', floor: floors[1]!.label, env: direct },
  { label: 'npm script', path: 'dist/npm/docker-credential-ecr-login', floor: floors[0]!.label, env: direct },
  ...(VS
    ? [{
        label: 'vs',
        path: VS,
        floor: floors[1]!.label,
        env: (dir: string): Env => ({ ...direct(dir), HOME: dir, AWS_ENDPOINT_URL_ECR: undefined, AWS_REGION: 'us-west-2', HTTPS_PROXY: proxy.url, SSL_CERT_FILE: ca.caCertFile }),
      }]
    : []),
].filter((s) => existsSync(s.path));
const caVariants: [string, Env][] = [
  ['set', { NODE_EXTRA_CA_CERTS: process.env.NODE_EXTRA_CA_CERTS }],
  ['unset', {}],
];

let coldRound = 0;
const cases: Case[] = [
  ...floors.map((f) => ({ name: 'floor', subject: f.label, command: f.command, stdin: '', env: () => ({ PATH: process.env.PATH }), expectCode: 0 })),
  ...subjects.flatMap((s) => {
    const hitDir = `${box.root}/${s.label}-hit`;
    return [
      { name: 'get, cache hit', subject: s.label, command: [resolve(s.path), 'get'], stdin: HOST, env: () => s.env(hitDir), expectCode: 0 },
      { name: 'get, cold', subject: s.label, command: [resolve(s.path), 'get'], stdin: HOST, env: () => s.env(`${box.root}/${s.label}-cold-${coldRound++}`), expectCode: 0 },
      { name: 'get, non-ECR host', subject: s.label, command: [resolve(s.path), 'get'], stdin: 'docker.io', env: () => s.env(hitDir), expectCode: 1 },
    ];
  }),
];

// Asynchronous spawns: the fake ECR lives in this process and must keep answering meanwhile.
function run(command: string[], stdin: string, env: Env): Promise<{ code: number | null; stdout: string; ms: number }> {
  const started = process.hrtime.bigint();
  return new Promise((done, fail) => {
    const child = spawn(command[0]!, command.slice(1), { env: env as NodeJS.ProcessEnv });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(stdin);
  });
}

async function timeOnce(c: Case, extra: Env): Promise<number> {
  const result = await run(c.command, c.stdin, { ...c.env(), ...extra });
  if (result.code !== c.expectCode) throw new Error(`${c.subject} ${c.name} exited ${result.code}: ${result.stdout}`);
  return result.ms;
}

/** Peak RSS (KiB) of one run, from the kernel's rusage of a child of a tiny Python parent. */
async function peakRssKiB(c: Case, extra: Env): Promise<number | undefined> {
  const py = 'import resource,subprocess,sys; subprocess.run(sys.argv[2:], input=sys.argv[1].encode(), capture_output=True); print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)';
  const result = await run(['python3', '-c', py, c.stdin, ...c.command], '', { ...c.env(), ...extra });
  return result.code === 0 ? Number(result.stdout.trim()) : undefined;
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const keyOf = (c: { subject: string; name: string }, variant: string) => `${c.subject}|${c.name}|${variant}`;

async function herd(s: Subject) {
  fake.reset();
  fake.set({ delayMs: 200 });
  const env = s.env(`${box.root}/herd-${s.label}`);
  const started = Date.now();
  const codes = await Promise.all(Array.from({ length: HERD }, () => run([resolve(s.path), 'get'], HOST, env).then((r) => r.code)));
  const result = { subject: s.label, processes: HERD, wallMs: Date.now() - started, ok: codes.filter((c) => c === 0).length, ecrCalls: fake.calls.length };
  fake.reset();
  return result;
}

// Warm the hit caches (and check that every case works) before timing.
for (const c of cases) for (const [, extra] of caVariants) await timeOnce(c, extra);
const samples = new Map<string, number[]>();
for (let round = 0; round < RUNS; round++) {
  for (const [variant, extra] of caVariants) {
    for (const c of cases) samples.set(keyOf(c, variant), [...(samples.get(keyOf(c, variant)) ?? []), await timeOnce(c, extra)]);
  }
}

const medianOf = (subject: string, name: string, variant: string) => median(samples.get(keyOf({ subject, name }, variant))!);
const rows = [];
for (const c of cases) {
  for (const [variant, extra] of caVariants) {
    const subject = subjects.find((s) => s.label === c.subject);
    const ms = medianOf(c.subject, c.name, variant);
    const floorMs = subject ? medianOf(subject.floor, 'floor', variant) : ms;
    const vsMs = VS && subject && subject.label !== 'vs' ? medianOf('vs', c.name, variant) : undefined;
    rows.push({
      subject: c.subject,
      case: c.name,
      nodeExtraCaCerts: variant,
      medianMs: round1(ms),
      xFloor: round2(ms / floorMs),
      xVs: vsMs ? round2(ms / vsMs) : undefined,
      peakRssMiB: round1(((await peakRssKiB(c, extra)) ?? NaN) / 1024),
    });
  }
}
const herds = [];
for (const s of subjects) herds.push(await herd(s));
const sizes = subjects.map((s) => {
  const bytes = statSync(s.path).size;
  return { subject: s.label, path: s.path, mib: round1(bytes / 2 ** 20), gzippedMib: round1(gzipSync(readFileSync(s.path), { level: 6 }).length / 2 ** 20) };
});

function round1(n: number) {
  return Number(n.toFixed(1));
}
function round2(n: number) {
  return Number(n.toFixed(2));
}

console.log(`docker-credential-ecr-login benchmark: medians of ${RUNS} interleaved runs, ${new Date().toISOString()}`);
console.log('subjects: ' + subjects.map((s) => `${s.label} = ${s.path} (floor: ${s.floor})`).join('; '));
console.log(`${'subject'.padEnd(26)} ${'case'.padEnd(18)} ${'CA certs'.padEnd(9)} ${'ms'.padStart(7)} ${'x floor'.padStart(8)} ${VS ? 'x vs'.padStart(6) : ''} ${'RSS MiB'.padStart(8)}`);
for (const r of rows) {
  const vs = VS ? (r.xVs === undefined ? '-' : r.xVs.toFixed(2)).padStart(6) : '';
  console.log(`${r.subject.padEnd(26)} ${r.case.padEnd(18)} ${r.nodeExtraCaCerts.padEnd(9)} ${r.medianMs.toFixed(1).padStart(7)} ${r.xFloor.toFixed(2).padStart(8)} ${vs} ${String(r.peakRssMiB).padStart(8)}`);
}
for (const h of herds) console.log(`herd ${h.subject}: ${h.processes} concurrent cold gets, fake ECR answering in 200 ms: ${h.ok}/${h.processes} ok in ${h.wallMs} ms, ${h.ecrCalls} ECR call(s)`);
for (const s of sizes) console.log(`size ${s.subject}: ${s.mib} MiB, ${s.gzippedMib} MiB gzipped`);
mkdirSync('bench-results', { recursive: true });
writeFileSync('bench-results/bench.json', `${JSON.stringify({ runs: RUNS, subjects, rows, herds, sizes }, null, 2)}\n`);
console.log('wrote bench-results/bench.json');
box.remove();
await proxy.stop();
await fake.stop();
ca.remove();
