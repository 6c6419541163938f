// Running a one-function Python benchmark (bench/humaneval.ts, bench/mbpp.ts) end to end against the fake
// LLM: each request is answered from the script of the problem its first user message names, by how many
// turns came before, so problems can run in parallel (--jobs).

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type RecordedRequest, type Step, startFakeLLM } from '../fake-llm/server.ts';
import { type CliRun, cleanEnv, runProgram, tempDir } from './cli.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * `scripts` maps a text that appears in exactly one problem's task (e.g. its function name) to the steps
 * that solve it. A request that names no problem, or runs past its script, gets an HTTP 400 and is
 * recorded in `misses`. Chat-completions wire format (OPENAI_BASE_URL).
 */
export function routedSteps(scripts: Map<string, Step[]>, misses: string[], capacity = 50): Step[] {
  const route = (req: RecordedRequest): Step => {
    const messages: { role: string }[] = req.body?.messages ?? [];
    const user = JSON.stringify(messages.find((m) => m.role === 'user') ?? '');
    const key = [...scripts.keys()].find((k) => user.includes(k));
    const step = key ? scripts.get(key)?.[messages.filter((m) => m.role === 'assistant').length] : undefined;
    if (step) return step;
    misses.push(user.slice(0, 120));
    return { httpError: 400, body: 'fake-llm: no scripted step' };
  };
  return Array.from({ length: capacity }, () => route);
}

/** Writes solution.py with `content`, then answers. */
export const writeSolution = (content: string): Step[] => [
  { toolCalls: [{ name: 'write_file', args: { path: 'solution.py', content } }] },
  { text: 'Done.' },
];

export interface BenchRun {
  run: CliRun;
  /** Requests that matched no script (should be []). */
  misses: string[];
  /** The --out lines, by task_id. */
  results: Map<string, Record<string, unknown>>;
  requests: RecordedRequest[];
}

/** Runs `script` (a bench/ entry point) on `data` with `args`, against a fake LLM playing `scripts`. */
export async function runPythonBench(
  script: string,
  data: string,
  scripts: Map<string, Step[]>,
  args: string[],
): Promise<BenchRun> {
  const misses: string[] = [];
  const fake = await startFakeLLM(routedSteps(scripts, misses));
  const out = join(tempDir('python-bench-out-'), 'results.jsonl');
  try {
    const env = cleanEnv({
      OPENAI_API_KEY: 'sk-test',
      OPENAI_BASE_URL: `${fake.url}/v1`,
      OPENAI_MODEL: 'fake-model',
    });
    const argv = ['--import', 'tsx', script, '--data', data, '--out', out, ...args];
    const run = await runProgram(process.execPath, argv, { cwd: ROOT, env, timeoutMs: 300_000 });
    let lines: Record<string, unknown>[] = [];
    try {
      lines = readFileSync(out, 'utf8')
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
    } catch {
      // no results file: the run failed before its first problem; `run` says why
    }
    return {
      run,
      misses,
      results: new Map(lines.map((r) => [String(r.task_id), r])),
      requests: fake.requests,
    };
  } finally {
    await fake.close();
  }
}
