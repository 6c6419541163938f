// `npm run bench`: the built CLI against the fake LLM server (no added latency).
// Prints start-up, a 3-step task's wall time, phases and peak RSS (in a new project each run, in a
// project nanocode has run in, and without checkpoints), a 40-turn task's
// overhead per turn, and request sizes; then a 60-turn task with compaction off, every
// 10 turns and by size (bench/compaction.ts); then issue 12's target table (bench/targets.ts):
// start → first request, the 3-command task vs node -e 0, a 200-turn task, the install size.
// Figures only; it asserts nothing.

import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { commandShell } from '../src/run-setup.ts';
import { analyzeCommand } from '../src/safety/classify.ts';
import { createSandbox } from '../src/sandbox/sandbox.ts';
import type { CommandShell } from '../src/shell/command-shell.ts';
import { type FakeLLM, type Step, startFakeLLM } from '../test/fake-llm/server.ts';
import { CLI, cleanEnv, tempProject } from '../test/helpers/cli.ts';
import { checkpointRows } from './checkpoints.ts';
import { compactionRows, LONG_TASK_NOTE } from './compaction.ts';
import { SYSTEM_PATH } from './lib/system-path.ts';
import { printTargets } from './target-table.ts';
import { globalInstallMb, longRuns, median, nodeBaselineMs, startToFirstRequest } from './targets.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 10);

interface Measured {
  ms: number;
  peakRssMb: number;
  code: number | null;
  /** performance.now() at the spawn, the clock of the fake server's request times. */
  startedAt: number;
}

/** Runs the CLI once; peak RSS is read from /proc (VmHWM) while it runs. */
function measure(args: string[], cwd: string, env: Record<string, string>): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const startedAt = performance.now();
    const child = spawn(process.execPath, [CLI, ...args], {
      cwd,
      env,
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    let peakKb = 0;
    const sample = () => {
      try {
        const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
        const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
        if (kb > peakKb) peakKb = kb;
      } catch {
        // exited between samples
      }
    };
    const poll = setInterval(sample, 2);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearInterval(poll);
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({ ms, peakRssMb: peakKb / 1024, code, startedAt });
    });
  });
}

function threeStepScript(): Step[] {
  return [
    { toolCalls: [{ name: 'read_file', args: { path: 'calc.py' } }] },
    { toolCalls: [{ name: 'edit_file', args: { path: 'calc.py', old_text: 'a - b', new_text: 'a + b' } }] },
    {
      toolCalls: [{ name: 'run_cmd', args: { command: 'python3 -c "import calc; print(calc.add(2, 3))"' } }],
    },
    { text: 'Fixed.' },
  ];
}

function project(dir = tempProject('nanocode-bench-')): string {
  writeFileSync(join(dir, 'calc.py'), 'def add(a, b):\n    return a - b\n');
  return dir;
}

const PHASES = ['start → first request', 'read turn', 'edit turn', 'run turn', 'last answer → exit'];

/** The 3-step task's phases (ms): start → first request, each turn (an answer → the next request), the end. */
function phases(m: Measured, fake: FakeLLM): number[] {
  const [first, ...rest] = fake.requests;
  const out = [first!.receivedAt - m.startedAt];
  let answered = first!.answeredAt!;
  for (const r of rest) {
    out.push(r.receivedAt - answered);
    answered = r.answeredAt!;
  }
  out.push(m.startedAt + m.ms - answered);
  return out;
}

/**
 * The 3-step task `RUNS` times: medians of wall time, peak RSS and each phase. `known`: every run in the
 * same project with the same HOME, as a user's runs are (the checkpoint store exists after the first,
 * which is not counted); otherwise a new project and HOME each run, as on the first run in a project.
 */
async function threeStep(known: boolean, extra: string[] = []) {
  const wall: number[] = [];
  const rss: number[] = [];
  const phase: number[][] = [];
  let last: FakeLLM | undefined;
  const dir = tempProject('nanocode-bench-');
  const home = tempProject('nanocode-bench-home-');
  for (let i = known ? -1 : 0; i < RUNS; i++) {
    const fake = await startFakeLLM(threeStepScript());
    const env = known ? { ...envFor(fake), HOME: home } : envFor(fake);
    const m = await measure([...extra, 'fix calc.py'], project(known ? dir : undefined), env);
    if (m.code !== 0) throw new Error(`3-step task exited ${m.code}`);
    if (i >= 0) {
      wall.push(m.ms);
      rss.push(m.peakRssMb);
      phase.push(phases(m, fake));
    }
    await fake.close();
    last = fake;
  }
  return {
    wallMs: median(wall),
    peakRssMb: median(rss),
    phasesMs: PHASES.map((_, i) => median(phase.map((p) => p[i]!))),
    last: last!,
  };
}

const phaseText = (ms: number[]) => PHASES.map((name, i) => `${name} ${ms[i]!.toFixed(0)}`).join(' · ');

const envFor = (fake: FakeLLM) =>
  cleanEnv({
    PATH: SYSTEM_PATH,
    OPENAI_API_KEY: 'sk-bench',
    OPENAI_BASE_URL: `${fake.url}/v1`,
    NANOCODE_OPENAI_API: 'responses',
  });

/** Grammar load (first call) and the median cost of classifying each shared case afterwards. */
async function classification(): Promise<{ loadMs: number; medianUs: number; cases: number } | undefined> {
  const file = new URL('../test/fixtures/command-safety-cases.json', import.meta.url);
  if (!existsSync(file)) return undefined;
  const cases = (JSON.parse(readFileSync(file, 'utf8')) as { command: string }[]).map((c) => c.command);
  let started = process.hrtime.bigint();
  await analyzeCommand('ls');
  const loadMs = Number(process.hrtime.bigint() - started) / 1e6;
  const times: number[] = [];
  for (let round = 0; round < 20; round++) {
    for (const command of cases) {
      started = process.hrtime.bigint();
      await analyzeCommand(command, { projectDir: '/work/project' });
      times.push(Number(process.hrtime.bigint() - started) / 1e3);
    }
  }
  return { loadMs, medianUs: median(times), cases: cases.length };
}

interface CommandCosts {
  /** `bash -c true` spawned by node, as run_cmd did before the command shell. */
  spawnMs: number;
  /** `true` through the command shell, plain and inside the sandbox (the shell already running). */
  plainShellMs: number;
  sandboxedShellMs: number;
  /** Starting a sandbox: `bwrap … bash -c true`, as the command shell's start costs. */
  sandboxStartMs: number;
}

/** Median wall times of a trivial command each way; undefined when bwrap does not work. */
async function commandCosts(): Promise<CommandCosts | undefined> {
  const dir = project();
  const median20 = async (once: () => Promise<boolean>) => {
    const runs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = process.hrtime.bigint();
      if (!(await once())) return undefined;
      runs.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return median(runs);
  };
  const spawned = (argv: string[]) => () =>
    new Promise<boolean>((r) =>
      spawn(argv[0]!, argv.slice(1), { cwd: dir, stdio: 'ignore' })
        .on('exit', (code) => r(code === 0))
        .on('error', () => r(false)),
    );
  const through = (shell: CommandShell) => () =>
    new Promise<boolean>((r) =>
      shell
        .start('true', dir, { PATH: SYSTEM_PATH })
        .on('exit', (code) => r(code === 0))
        .on('error', () => r(false)),
    );
  const sandbox = createSandbox({ project: dir, home: homedir(), network: false });
  const plain = commandShell(undefined);
  const boxed = commandShell(sandbox);
  try {
    const spawnMs = await median20(spawned(['bash', '-c', 'true']));
    const sandboxStartMs = await median20(spawned(sandbox.wrapCommand(['bash', '-c', 'true'])));
    const plainShellMs = await median20(through(plain));
    const sandboxedShellMs = await median20(through(boxed));
    if (spawnMs === undefined || sandboxStartMs === undefined) return undefined;
    if (plainShellMs === undefined || sandboxedShellMs === undefined) return undefined;
    return { spawnMs, plainShellMs, sandboxedShellMs, sandboxStartMs };
  } finally {
    plain.dispose();
    boxed.dispose();
    sandbox.dispose();
  }
}

async function main() {
  const version: number[] = [];
  for (let i = 0; i < RUNS; i++)
    version.push((await measure(['--version'], process.cwd(), cleanEnv({ PATH: SYSTEM_PATH }))).ms);
  // The baseline gets the same clean environment as nanocode (an inherited NODE_EXTRA_CA_CERTS alone costs ~50 ms).
  const nodeBaseline = await nodeBaselineMs(RUNS);

  const three = await threeStep(false);
  const knownProject = await threeStep(true);
  const noCheckpoints = await threeStep(false, ['--no-checkpoints']);
  const { requests } = three.last;
  const firstRequestBytes = requests[0]!.bytes;
  const allRequestBytes = requests.reduce((sum, r) => sum + r.bytes, 0);
  const body = requests[0]!.body;
  const promptAndTools =
    Buffer.byteLength(JSON.stringify(body.instructions ?? body.input?.[0] ?? '')) +
    Buffer.byteLength(JSON.stringify(body.tools ?? []));

  const turns = 40;
  const script: Step[] = [];
  for (let i = 0; i < turns - 1; i++)
    script.push({ toolCalls: [{ name: 'run_cmd', args: { command: `echo turn ${i}` } }] });
  script.push({ text: 'done' });
  const fake = await startFakeLLM(script);
  const forty = await measure(['--max-turns', String(turns), 'loop'], project(), envFor(fake));
  await fake.close();
  if (forty.code !== 0) throw new Error(`40-turn task exited ${forty.code}`);
  const startup = median(version);
  const classify = await classification();
  const commands = await commandCosts();
  const longTask = await compactionRows();
  const cold = await startToFirstRequest(RUNS, 'cold');
  await startToFirstRequest(1); // makes the code cache the warm runs use
  const first = await startToFirstRequest(RUNS);
  const inRepo = await startToFirstRequest(RUNS, 'warm', 'repo');
  const long = [await longRuns('compaction off', ['--no-compact']), await longRuns('default compaction', [])];
  const installMb = globalInstallMb();
  const checkpoints = await checkpointRows();

  const rows: [string, string][] = [
    ['node -e 0 (baseline) median', `${nodeBaseline.toFixed(0)} ms`],
    ['nanocode --version median', `${startup.toFixed(0)} ms`],
    [
      'process start → first request in a git repository (status and diff in the prompt)',
      `${inRepo.wallMs.toFixed(0)} ms (main-thread CPU ${inRepo.cpuMs.toFixed(0)} ms)`,
    ],
    ['3-step task median wall (a new project each run)', `${three.wallMs.toFixed(0)} ms`],
    ['  its phases, medians (ms)', phaseText(three.phasesMs)],
    [
      '3-step task in a project nanocode has run in (its checkpoint store exists)',
      `${knownProject.wallMs.toFixed(0)} ms (${(knownProject.wallMs / nodeBaseline).toFixed(1)}× node -e 0)`,
    ],
    ['  its phases, medians (ms)', phaseText(knownProject.phasesMs)],
    [
      '3-step task with --no-checkpoints',
      `${noCheckpoints.wallMs.toFixed(0)} ms (${(noCheckpoints.wallMs / nodeBaseline).toFixed(1)}× node -e 0)`,
    ],
    ['3-step task median peak RSS', `${three.peakRssMb.toFixed(0)} MB`],
    ['40-turn task total', `${forty.ms.toFixed(0)} ms`],
    ['40-turn overhead per turn', `${((forty.ms - startup) / turns).toFixed(1)} ms`],
    ['first request (whole body)', `${firstRequestBytes} B`],
    ['system prompt + tool schemas', `${promptAndTools} B`],
    ['all requests of the 3-step task', `${allRequestBytes} B`],
    ['grammar load (first classification)', classify ? `${classify.loadMs.toFixed(1)} ms` : 'n/a'],
    [
      `classify a command, median of ${classify?.cases ?? 0} cases`,
      classify
        ? `${classify.medianUs.toFixed(0)} µs`
        : 'n/a (test/fixtures/command-safety-cases.json missing)',
    ],
    [
      'a command (true): spawned by node / through the command shell / in the sandbox',
      commands
        ? `${commands.spawnMs.toFixed(1)} / ${commands.plainShellMs.toFixed(1)} / ${commands.sandboxedShellMs.toFixed(1)} ms`
        : 'bwrap unavailable',
    ],
    [
      'starting a sandbox (once per run: the command shell)',
      commands ? `${commands.sandboxStartMs.toFixed(1)} ms` : 'n/a',
    ],
    ...longTask,
    ...checkpoints,
  ];
  console.log(`nanocode bench (${RUNS} runs each, fake LLM on 127.0.0.1, OpenAI Responses format)`);
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) console.log(`  ${k.padEnd(width)}  ${v}`);
  console.log(`  (${LONG_TASK_NOTE}; tokens = request bytes / 4)`);
  console.log('');
  printTargets({ first, cold, ratio: three.wallMs / nodeBaseline, long, installMb });
}

main().catch((error) => {
  console.error(`bench failed: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
});
