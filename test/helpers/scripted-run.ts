// One CLI run against the fake LLM scripted with `steps` (then a final "ok"): what the model was sent
// back for each step, as the tests of the sandbox and the command shell read it.
import { type RecordedRequest, type Step, startFakeLLM } from '../fake-llm/server.ts';
import { cleanEnv, runCli, tempProject } from './cli.ts';

export interface ScriptedRun {
  args?: string[];
  /** The project directory; default a new one. */
  dir?: string;
  home?: string;
  env?: Record<string, string>;
  /** The provider key in the environment (tests look for it where it must not appear). */
  key?: string;
}

/** The tool results a request carries back to the model. */
export const toolOutputs = (r: RecordedRequest): string[] =>
  r.body.messages
    .filter((m: { role: string }) => m.role === 'tool')
    .map((m: { content: string }) => m.content);

/** Runs `nanocode [args] task`; `outputs[i]` is the result of step i as the next request carried it. */
export async function scriptedRun(steps: Step[], opts: ScriptedRun = {}) {
  const fake = await startFakeLLM([...steps, { text: 'ok' }]);
  const dir = opts.dir ?? tempProject();
  const env = cleanEnv({
    OPENAI_API_KEY: opts.key ?? 'sk-test',
    OPENAI_BASE_URL: `${fake.url}/v1`,
    OPENAI_MODEL: 'm',
  });
  if (opts.home) env.HOME = opts.home;
  Object.assign(env, opts.env);
  try {
    const run = await runCli([...(opts.args ?? []), 'task'], { cwd: dir, env });
    const outputs = fake.requests.slice(1).flatMap((r) => toolOutputs(r).slice(-1));
    return { run, dir, env, outputs, requests: fake.requests };
  } finally {
    await fake.close();
  }
}
