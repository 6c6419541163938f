// The target figures of `npm run bench` (issue 12's table), measured in one run:
//  - process start → first request at the fake server (wall, and the CPU the main thread used by then), in a
//    plain directory and in a git repository (whose status and diff the system prompt holds),
//  - the 3-command task's wall time as a multiple of `node -e 0` (both with the same clean environment),
//  - a 200-turn task, compaction off and default: nanocode's share of a turn (the fake server's reply
//    sent → the next request received) and the gap between requests, over turns 1–10 and 190–200,
//    total CPU and peak RSS; five runs each, the one with the median growth reported (one run's
//    growth varied from 0.93× to 1.46× within minutes on this machine), peak RSS the largest of them,
//  - the size of a global install of the packed tarball in an empty prefix.
// Figures only; nothing here asserts.

import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RecordedRequest, type Step, startFakeLLM } from '../test/fake-llm/server.ts';
import { CLI, cleanEnv, tempProject } from '../test/helpers/cli.ts';
import { isSummaryRequest, longTask } from '../test/helpers/long-task.ts';
import { installPackedTarball } from '../test/helpers/package.ts';
import { committedRepo } from '../test/helpers/project.ts';
import { longTaskEnv } from './compaction.ts';
import { SYSTEM_PATH } from './lib/system-path.ts';

const LONG_TURNS = 200;

export const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? Number.NaN;
};

/** CPU ms the process's main thread has used (/proc/PID/schedstat), undefined once it is gone. */
function mainThreadCpuMs(pid: number): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/schedstat`, 'utf8').split(' ')[0]) / 1e6;
  } catch {
    return undefined;
  }
}

/** User + system CPU ms of all the process's threads, and its peak RSS in MB, from /proc. */
function procUsage(pid: number): { cpuMs: number; peakRssMb: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14, 15)
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
    return { cpuMs: ticks * 10, peakRssMb: kb / 1024 };
  } catch {
    return undefined;
  }
}

/** Median wall time of `node -e 0` with the environment nanocode gets in this bench. */
export async function nodeBaselineMs(runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await new Promise((resolve) =>
      spawn(process.execPath, ['-e', '0'], { env: cleanEnv({ PATH: SYSTEM_PATH }), stdio: 'ignore' }).on(
        'exit',
        resolve,
      ),
    );
    times.push(performance.now() - started);
  }
  return median(times);
}

/**
 * Process start → first request: median wall ms and the main thread's CPU ms at that moment. Warm: the
 * provider code cache of this bench's earlier runs is there, as for any run after a user's first;
 * cold: a cache directory of its own each run, as on the first run after an install.
 */
export async function startToFirstRequest(
  runs: number,
  cache: 'warm' | 'cold' = 'warm',
  /** `repo`: the project is a git repository with a change, whose status and diff the system prompt holds. */
  project: 'plain' | 'repo' = 'plain',
): Promise<{ wallMs: number; cpuMs: number }> {
  const walls: number[] = [];
  const cpus: number[] = [];
  for (let i = 0; i < runs; i++) {
    let pid = 0;
    let started = 0;
    let arrived: (() => void) | undefined;
    const first = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const step: Step = () => {
      walls.push(performance.now() - started);
      cpus.push(mainThreadCpuMs(pid) ?? Number.NaN);
      arrived?.();
      return { text: 'ok' };
    };
    const fake = await startFakeLLM([step]);
    const coldDir = cache === 'cold' ? mkdtempSync(join(tmpdir(), 'nanocode-cold-')) : undefined;
    const env = cleanEnv({
      PATH: SYSTEM_PATH,
      OPENAI_API_KEY: 'sk-bench',
      OPENAI_BASE_URL: `${fake.url}/v1`,
      NANOCODE_OPENAI_API: 'responses',
      ...(coldDir ? { XDG_CACHE_HOME: coldDir } : {}),
    });
    const cwd = project === 'repo' ? gitProject() : tempProject();
    started = performance.now();
    const child = spawn(process.execPath, [CLI, '--no-session', 'hi'], {
      cwd,
      env,
      stdio: 'ignore',
    });
    pid = child.pid ?? 0;
    const exited = new Promise((resolve) => child.on('exit', resolve));
    await Promise.race([first, exited]);
    await exited;
    await fake.close();
    if (coldDir) rmSync(coldDir, { recursive: true, force: true });
  }
  return { wallMs: median(walls), cpuMs: median(cpus) };
}

/** A git repository with two committed files, one of them changed since. */
function gitProject(): string {
  const dir = committedRepo({ 'a.py': 'print(1)\n', 'b.py': 'print(2)\n' });
  writeFileSync(join(dir, 'a.py'), 'print(3)\n');
  return dir;
}

export interface LongRun {
  label: string;
  /**
   * nanocode's share of a turn, medians over turns 1–10 and 190–200 (ms): from the fake server's end of
   * a reply to the whole next request received (reading the reply, the command, the next request).
   */
  earlyGapMs: number;
  lateGapMs: number;
  /** The same turns measured from one request's arrival to the next: adds the fake server's own parse of each body. */
  earlyArrivalGapMs: number;
  lateArrivalGapMs: number;
  cpuMs: number;
  peakRssMb: number;
  summaries: number;
}

/** A 200-turn task (~3 KB of command output a turn): how the cost of a turn changes as the history grows. */
export async function longRun(label: string, flags: string[]): Promise<LongRun> {
  const task = longTask(LONG_TURNS, { outputBytes: 3000 });
  const arrivals: { at: number; req: RecordedRequest; summary: boolean }[] = [];
  const [next] = task.steps as ((req: RecordedRequest) => Step)[];
  const steps: Step[] = task.steps.map(() => (req: RecordedRequest) => {
    // The previous body is done with: kept, 200 bodies of up to ~700 KB would make this process's own
    // collections (on the same two cores) part of the late turns' figures.
    const previous = arrivals.at(-1)?.req;
    if (previous) previous.body = undefined;
    arrivals.push({ at: performance.now(), req, summary: isSummaryRequest(req) });
    return next!(req);
  });
  const fake = await startFakeLLM(steps);
  const dir = tempProject('nanocode-bench-');
  const env = longTaskEnv(fake.url, dir);
  try {
    const args = [
      CLI,
      '--max-turns',
      String(LONG_TURNS + 5),
      ...flags,
      'print the numbers, one command a turn',
    ];
    const child = spawn(process.execPath, args, { cwd: dir, env, stdio: 'ignore' });
    let last = { cpuMs: 0, peakRssMb: 0 };
    const poll = setInterval(() => {
      // A process that has exited but is not reaped yet has no memory figures: keep the largest seen.
      const now = procUsage(child.pid ?? 0);
      if (now)
        last = { cpuMs: Math.max(last.cpuMs, now.cpuMs), peakRssMb: Math.max(last.peakRssMb, now.peakRssMb) };
    }, 20);
    const code = await new Promise((resolve, reject) => child.on('exit', resolve).on('error', reject));
    clearInterval(poll);
    if (code !== 0) throw new Error(`${LONG_TURNS}-turn task (${label}) exited ${code}`);
    // Gaps between task requests; a gap that holds a summary request is not a turn's overhead.
    const gaps: number[] = [];
    const arrivalGaps: number[] = [];
    for (let i = 1; i < arrivals.length; i++) {
      const [before, after] = [arrivals[i - 1]!, arrivals[i]!];
      if (after.summary || before.summary) continue;
      const answeredAt = before.req.answeredAt;
      if (answeredAt === undefined) throw new Error(`request ${i} of the ${label} run was not answered`);
      gaps.push(after.req.receivedAt - answeredAt);
      arrivalGaps.push(after.at - before.at);
    }
    return {
      label,
      earlyGapMs: median(gaps.slice(0, 10)),
      lateGapMs: median(gaps.slice(-10)),
      earlyArrivalGapMs: median(arrivalGaps.slice(0, 10)),
      lateArrivalGapMs: median(arrivalGaps.slice(-10)),
      cpuMs: last.cpuMs,
      peakRssMb: last.peakRssMb,
      summaries: arrivals.filter((a) => a.summary).length,
    };
  } finally {
    await fake.close();
  }
}

/**
 * `runs` runs of the 200-turn task: the one whose growth (late / early) is the median, with the
 * largest peak RSS of them all. Each ratio is still taken within one run.
 */
export async function longRuns(
  label: string,
  flags: string[],
  runs = 5,
): Promise<LongRun & { growths: number[] }> {
  const all: LongRun[] = [];
  for (let i = 0; i < runs; i++) all.push(await longRun(label, flags));
  const growth = (r: LongRun) => r.lateGapMs / r.earlyGapMs;
  const sorted = [...all].sort((a, b) => growth(a) - growth(b));
  const middle = sorted[Math.floor(sorted.length / 2)]!;
  return {
    ...middle,
    peakRssMb: Math.max(...all.map((r) => r.peakRssMb)),
    growths: all.map(growth),
  };
}

/** Bytes on disk of `npm install -g` of the packed tarball into an empty prefix (offline). */
export function globalInstallMb(): number {
  const { dir, prefix } = installPackedTarball();
  try {
    return Number(execFileSync('du', ['-sk', prefix], { encoding: 'utf8' }).split('\t')[0]) / 1024;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
