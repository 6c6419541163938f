// Everything a run needs before the first prompt: the working directory, the
// environment (.env layered under the real one), the model, the approval gate,
// the audit log, the system prompt and the conversation. Shared by the one-shot
// mode, JSON on stdin and the REPL.

import { homedir } from 'node:os';
import { resolve } from 'node:path';
import pkg from '../package.json' with { type: 'json' };
import type { AgentEvent } from './agent.ts';
import type { Options } from './args.ts';
import { checkImageFlags } from './attachments.ts';
import { type AuditLog, LOG_NAME, openAuditLog } from './audit-log.ts';
import { createCheckpointer } from './checkpoints/run.ts';
import { Conversation } from './conversation.ts';
import { checkDirectory } from './directory.ts';
import { type LayeredEnv, layerEnv } from './env.ts';
import { excludeFromGit } from './git-exclude.ts';
import { probeLocalServers } from './local-probe.ts';
import type { McpServerSpec } from './mcp/config.ts';
import { type McpHub, startRunMcp } from './mcp/run.ts';
import { preloadModel } from './model.ts';
import { discoverModel } from './model-discovery.ts';
import { buildSystemPrompt, type PromptSandbox } from './prompt.ts';
import { afterFirstRequest } from './provider/first-request.ts';
import { type ThinkingLevel, thinkingLevel } from './provider/thinking.ts';
import { setTransportIdleTimeout } from './provider/transport.ts';
import { chooseModel, KEY_VARS, type ModelChoice, NO_KEY_MESSAGE, ProviderConfigError } from './providers.ts';
import type { ApprovalQuestion } from './safety/gate.ts';
import { redactSecrets } from './safety/redact.ts';
import { classifyWithRules, type Safety, setupSafety } from './safety/setup.ts';
import { trustedDotenv } from './sandbox/dotenv.ts';
import { sandboxNote, sandboxPromptLine } from './sandbox/notes.ts';
import { forgetProbe } from './sandbox/probe-cache.ts';
import { keyRedactor } from './sandbox/redact-keys.ts';
import type { Sandbox } from './sandbox/sandbox.ts';
import { tmpPaths } from './sandbox/tmp-paths.ts';
import { describeResumed } from './sessions/resume-notice.ts';
import { previousSession } from './sessions/run.ts';
import { CommandShell } from './shell/command-shell.ts';

export interface SetupInput {
  opts: Options;
  /** The directory and model asked for (flags, or the first JSON request). */
  cwd: string;
  model?: string;
  /** --thinking or the first JSON request's `thinking`; absent: NANOCODE_THINKING. */
  thinking?: ThinkingLevel;
  /** A session to resume (--resume, or a JSON request's `session`). */
  resume?: string;
  /** Present only when a person can answer approval questions. */
  ask?: (question: ApprovalQuestion) => Promise<boolean>;
  warn: (message: string) => void;
  /** An editor's session (ACP): the MCP servers it passed; .mcp.json is then never asked about. */
  clientMcpServers?: McpServerSpec[];
}

export interface RunSetup {
  cwd: string;
  env: LayeredEnv;
  safety: Safety;
  log: AuditLog;
  system: string;
  conversation: Conversation;
  /** Sinks the caller adds (terminal view, JSON stream, trajectory); the audit log is one already. */
  sinks: ((event: AgentEvent) => void)[];
  /** Listeners for a running command's output as it arrives (secrets redacted): the terminal view. */
  commandOutput: ((text: string) => void)[];
  /** Chooses a model by provider/model for a running conversation (the REPL's /model, a JSON request's model). */
  choose(spec: string): ModelChoice;
  /** The run's MCP servers and their tools. */
  mcp: McpHub;
}

export async function setupRun({
  opts,
  cwd: askedCwd,
  model,
  thinking: thinkingAsked,
  resume,
  ask,
  warn,
  clientMcpServers,
}: SetupInput): Promise<RunSetup> {
  const previous = previousSession({ continue: opts.continue, resume }, resolve(askedCwd), process.env, warn);
  // --resume works in the session's own directory unless one was asked for.
  const resumeHere = resume !== undefined && opts.cwd === undefined && askedCwd === '.';
  const cwd = checkDirectory(resumeHere && previous ? previous.cwd : askedCwd);
  if (previous)
    warn(describeResumed(previous, { here: resolve(askedCwd), workingIn: cwd, env: process.env }));
  const env = layerEnv(process.env, trustedDotenv(cwd, process.env, warn));
  const thinking = thinkingLevel(thinkingAsked ?? opts.thinking, env);
  const choice = { ...(await pickModel(env, model, warn)), thinking };
  setTransportIdleTimeout(opts.idleTimeoutMs);
  for (const note of choice.notes) warn(note);
  await checkImageFlags(opts.images, cwd, choice);
  const { yes, strict, sandbox } = opts;
  const cliRules = { allow: opts.allow, deny: opts.deny };
  const quietFallback = opts.json && !opts.verbose;
  const safetyReady = setupSafety({
    cwd,
    home: homedir(),
    yes,
    strict,
    sandbox,
    quietFallback,
    ask,
    warn,
    cliRules,
  });
  // The system prompt (instructions, git) is read while the sandbox is probed; only its sandbox line
  // and the git calls that read the work tree wait for the probe.
  const systemReady = buildSystemPrompt({
    cwd,
    sandbox: safetyReady.then(({ sandbox: box }) => box && promptSandbox(box)),
    append: opts.appendSystemPrompt,
    home: homedir(),
    warn,
    verbose: opts.verbose,
  });
  systemReady.catch(() => {}); // a bad config file is thrown by the await below, not left unhandled
  // The provider loads (compiles, ~20–50 ms of this thread) while the probe's sandbox and git start.
  preloadModel(choice);
  const safety = await safetyReady;
  const secrets = env.merged();
  // The servers start while the system prompt is built; the first request waits for their handshakes.
  const mcpStarting = startRunMcp({
    opts,
    cwd,
    ask: clientMcpServers ? undefined : ask,
    clientMcpServers,
    warn,
  });
  mcpStarting.catch(() => {}); // a bad config file is thrown by the await below, not left unhandled
  const system = await systemReady;
  const mcp = await mcpStarting;
  const log = openAuditLog(cwd, (text) => redactSecrets(text, secrets), warn);
  excludeFromGit(cwd, LOG_NAME);
  const sinks: ((event: AgentEvent) => void)[] = [auditSink(log)];
  const commandOutput: ((text: string) => void)[] = [];
  const onOutput = (chunk: Buffer) => {
    if (commandOutput.length === 0) return;
    const text = redactSecrets(chunk.toString('utf8'), secrets);
    for (const listener of commandOutput) listener(text);
  };
  const classify = (command: string) => classifyWithRules(command, cwd, homedir(), safety.rules);
  const checkpoints = opts.checkpoints
    ? createCheckpointer({
        cwd,
        env: process.env,
        classify,
        warn,
        placeholders: safety.sandbox?.placeholders,
      })
    : undefined;
  const shell = commandShell(safety.sandbox);
  const toolEnv = commandEnv(process.env);
  // The shell (a sandbox start) starts while the first request is in flight, not when the first command waits.
  afterFirstRequest(() => shell.prewarm(toolEnv));
  const conversation = new Conversation({
    cwd,
    choice,
    system,
    tools: {
      cwd,
      env: toolEnv,
      gate: safety.gate,
      shell,
      redact: keyRedactor(process.env, secrets),
      explainFailure: explainFor(safety),
      tmp: safety.sandbox && tmpPaths(cwd, safety.sandbox.privateTmp),
      onOutput,
      extraTools: mcp.tools,
    },
    emit: (event) => {
      for (const sink of sinks) sink(event);
    },
    idleTimeoutMs: opts.idleTimeoutMs,
    compaction: opts.compact ? { compactAt: opts.compactAt, compactEvery: opts.compactEvery } : undefined,
    previous,
    save: opts.session,
    version: pkg.version,
    env: process.env,
    warn,
    checkpoints,
  });
  const choose = (spec: string) => {
    const next = chooseModel(env, spec);
    if (!next) throw new ProviderConfigError(NO_KEY_MESSAGE);
    return { ...next, thinking };
  };
  return { cwd, env, safety, log, system, conversation, sinks, commandOutput, choose, mcp };
}

/**
 * The run's command shell: inside the sandbox (its /tmp holds the output FIFOs), or plain. A sandboxed
 * shell that dies unasked makes the next run probe the sandbox again (src/sandbox/probe-cache.ts).
 */
export function commandShell(box: Sandbox | undefined): CommandShell {
  if (!box) return new CommandShell();
  return new CommandShell({
    wrap: (argv) => box.wrapCommand(argv, { infoFd: 3 }),
    key: box.shellKey,
    fifos: box.shellFifos,
    onCommand: box.commandStarted,
    onDied: () => forgetProbe(),
    report: box.report,
  });
}

async function pickModel(
  env: LayeredEnv,
  model: string | undefined,
  warn: (m: string) => void,
): Promise<ModelChoice> {
  const choice = chooseModel(env, model);
  if (choice) return discoverModel(choice, warn);
  const local = await probeLocalServers();
  if (!local) throw new ProviderConfigError(NO_KEY_MESSAGE);
  warn(`no API key set; using the local ${local.name} server at ${local.baseURL} (${local.model})`);
  return {
    provider: 'openai-compatible',
    model: local.model,
    apiKey: local.name,
    baseURL: local.baseURL,
    label: `${local.name}/${local.model}`,
    notes: [],
  };
}

function promptSandbox(box: Sandbox): PromptSandbox {
  return { line: sandboxPromptLine(box.network), wrapGit: box.wrapGit };
}

/** With the sandbox on, failed commands get a note on what it blocked. */
function explainFor({ sandbox }: Safety): ((output: string) => string | undefined) | undefined {
  return sandbox && ((output) => sandboxNote(output, sandbox.network));
}

/** The environment commands run with: ours, minus every provider key. */
function commandEnv(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const out = { ...env };
  for (const name of Object.keys(out)) {
    if (KEY_VARS.includes(name) || name.endsWith('_API_KEY')) delete out[name];
  }
  return out;
}

function auditSink(log: AuditLog): (event: AgentEvent) => void {
  return (event) => {
    if (event.type === 'compaction') {
      const { reason, method, turn, tokensBefore, tokensAfter, note } = event;
      const tokens = { tokens_before: tokensBefore, tokens_after: tokensAfter };
      log.write({ ts: new Date().toISOString(), event: 'compaction', reason, method, turn, ...tokens, note });
    }
    if (event.type === 'tool-approval' && event.decision.allowed && event.call.name === 'run_cmd') {
      const { level, decision } = event.decision;
      const command = String((event.call.input as { command?: unknown }).command);
      log.write({ ts: new Date().toISOString(), event: 'start', tool: 'run_cmd', command, level, decision });
    }
    if (event.type !== 'tool-result') return;
    const { call, result, durationMs } = event;
    log.write({
      ts: new Date().toISOString(),
      tool: call.name,
      command: result.command,
      path: result.path,
      exit_code: result.exitCode,
      duration_ms: durationMs,
      bytes: result.bytes,
      level: result.gate?.level,
      reasons: result.gate?.reasons,
      decision: result.gate?.decision,
      error: result.isError || undefined,
    });
  };
}
