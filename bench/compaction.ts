// The long-task figures of `npm run bench`: a scripted 60-turn task (a command printing ~6 KB each turn)
// run three ways — compaction off, --compact-every 10, and the default (by size, at 60 % of the window) —
// and what each sent. Tokens are estimated from the recorded request bodies (bytes / 4): the fake server
// reports whatever usage it is scripted to. The cache share is what Anthropic's prompt cache would serve:
// per request, the longest common prefix with either of the two requests before it (the one before a
// summary request is the previous turn), over all bytes sent. Summary requests are counted in both.

import { spawn } from 'node:child_process';
import { type RecordedRequest, startFakeLLM } from '../test/fake-llm/server.ts';
import { CLI, cleanEnv, tempProject } from '../test/helpers/cli.ts';
import { isSummaryRequest, longTask } from '../test/helpers/long-task.ts';
import { SYSTEM_PATH } from './lib/system-path.ts';

const TURNS = 60;
const OUTPUT_BYTES = 6000;

export interface LongTaskFigures {
  label: string;
  requests: number;
  summaries: number;
  inputTokens: number;
  cacheShare: number;
}

/** What a prompt cache sees of a request: tools, then the messages (the system prompt first), in order. */
function cacheView(r: RecordedRequest): string {
  return JSON.stringify(r.body.tools ?? []) + JSON.stringify(r.body.messages ?? []);
}

function commonPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

export function figures(label: string, requests: RecordedRequest[]): LongTaskFigures {
  const views = requests.map(cacheView);
  let total = 0;
  let hits = 0;
  views.forEach((view, i) => {
    total += view.length;
    const before = views.slice(Math.max(0, i - 2), i);
    hits += Math.max(0, ...before.map((prev) => commonPrefix(prev, view)));
  });
  return {
    label,
    requests: requests.length,
    summaries: requests.filter(isSummaryRequest).length,
    inputTokens: Math.round(requests.reduce((sum, r) => sum + r.bytes, 0) / 4),
    cacheShare: total ? hits / total : 0,
  };
}

/** The environment of a long bench task: the fake server's chat endpoint, sessions kept in `dir`. */
export function longTaskEnv(fakeUrl: string, dir: string): Record<string, string> {
  return cleanEnv({
    PATH: SYSTEM_PATH,
    OPENAI_API_KEY: 'sk-bench',
    OPENAI_BASE_URL: `${fakeUrl}/v1`,
    OPENAI_MODEL: 'bench-model',
    XDG_STATE_HOME: `${dir}/.state`,
  });
}

async function runLongTask(label: string, flags: string[]): Promise<LongTaskFigures> {
  const task = longTask(TURNS, { outputBytes: OUTPUT_BYTES });
  const fake = await startFakeLLM(task.steps);
  const dir = tempProject('nanocode-bench-');
  const env = longTaskEnv(fake.url, dir);
  try {
    const args = [CLI, '--max-turns', String(TURNS + 5), ...flags, 'print the numbers, one command a turn'];
    const code = await new Promise((resolve, reject) =>
      spawn(process.execPath, args, { cwd: dir, env, stdio: 'ignore' })
        .on('exit', resolve)
        .on('error', reject),
    );
    if (code !== 0) throw new Error(`long task (${label}) exited ${code}`);
    if (fake.protocolErrors.length > 0) throw new Error(`long task (${label}): ${fake.protocolErrors[0]}`);
    return figures(label, fake.requests);
  } finally {
    await fake.close();
  }
}

export async function compactionRows(): Promise<[string, string][]> {
  const runs = [
    await runLongTask('compaction off', ['--no-compact']),
    await runLongTask('--compact-every 10', ['--compact-every', '10']),
    await runLongTask('default (60 % of window)', []),
  ];
  const k = (n: number) => `${(n / 1000).toFixed(0)}k`;
  // Priced like Anthropic's input: cache reads at 0.1×, the rest written to the cache at 1.25×.
  const priced = (r: LongTaskFigures) => r.inputTokens * (r.cacheShare * 0.1 + (1 - r.cacheShare) * 1.25);
  return runs.map((r) => [
    `${TURNS}-turn task, ${r.label}`,
    `${k(r.inputTokens)} input tokens · ${(r.cacheShare * 100).toFixed(0)}% would be Anthropic cache reads · ` +
      `costs like ${k(priced(r))} uncached · ${r.requests} requests, ${r.summaries} summaries`,
  ]);
}

export const LONG_TASK_NOTE = `${TURNS}-turn task: ~${OUTPUT_BYTES / 1000} KB of output a turn, a model with the assumed 128k-token window, OpenAI chat format`;
