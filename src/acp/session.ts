// One ACP session: one Conversation (run-setup.ts) in the editor's directory,
// its mode, and the prompt in flight. The approval gate asks the editor with
// session/request_permission instead of a terminal.
//
// Contract: prompt() resolves with a stop reason (end_turn, max_turn_requests,
// cancelled) or rejects with a one-line error when the run failed; cancel()
// takes the same path as Ctrl-C (the command in flight is killed) and makes a
// pending permission question answer no.

import type {
  AgentContext,
  ContentBlock,
  SessionModeState,
  SessionUpdate,
  StopReason,
} from '@agentclientprotocol/sdk';
import type { Options } from '../args.ts';
import type { RunOutcome } from '../conversation.ts';
import type { McpServerSpec } from '../mcp/config.ts';
import { contextWindowOf } from '../pricing.ts';
import { type RunSetup, setupRun } from '../run-setup.ts';
import type { ApprovalQuestion } from '../safety/gate.ts';
import { toolKind, toolTitle, updateFor } from './updates.ts';

export type ModeId = 'default' | 'strict' | 'yes';

export const MODES: SessionModeState['availableModes'] = [
  {
    id: 'default',
    name: 'Default',
    description: 'Ask before dangerous commands, writes outside the project and MCP tools',
  },
  { id: 'strict', name: 'Strict', description: 'Ask before every command that is not read-only' },
  {
    id: 'yes',
    name: 'Yes',
    description: 'Run what would need confirmation without asking (forbidden stays refused)',
  },
];

const ALLOW = 'allow_once';
const ALWAYS = 'allow_always';

export class AcpSession {
  readonly id: string;
  mode: ModeId;
  #setup: RunSetup;
  #client: AgentContext;
  #controller: AbortController | undefined;
  #running: Promise<unknown> | undefined;
  /** Questions answered "allow always" in this session (kind and target). */
  #always = new Set<string>();
  /** Calls announced and not yet finished, in order: the head is the one the gate asks about. */
  #pending: { id: string; name: string; input: unknown }[] = [];

  private constructor(setup: RunSetup, client: AgentContext, mode: ModeId) {
    this.#setup = setup;
    this.#client = client;
    this.id = setup.conversation.id;
    this.mode = mode; // the gate was set up for it by the same flags
    setup.sinks.push((event) => {
      if (event.type === 'tool-call') this.#pending.push(event.call);
      if (event.type === 'tool-result') this.#pending = this.#pending.filter((c) => c.id !== event.call.id);
      // The context in use after each request, against the model's window (the editor's context meter).
      if (event.type === 'usage') {
        const size = contextWindowOf(setup.conversation.choice);
        this.notify({ sessionUpdate: 'usage_update', used: event.usage.input + event.usage.output, size });
      }
      const update = updateFor(event, setup.cwd);
      if (update) this.notify(update);
    });
  }

  static async open(input: {
    opts: Options;
    cwd: string;
    resume?: string;
    mcpServers: McpServerSpec[];
    client: AgentContext;
    warn: (message: string) => void;
  }): Promise<AcpSession> {
    const { opts, client, warn } = input;
    let session: AcpSession | undefined;
    const setup = await setupRun({
      opts,
      cwd: input.cwd,
      model: opts.model,
      resume: input.resume,
      ask: (question) => (session ? session.#ask(question) : Promise.resolve(false)),
      warn,
      clientMcpServers: input.mcpServers,
    });
    const mode: ModeId = opts.yes ? 'yes' : opts.strict ? 'strict' : 'default';
    session = new AcpSession(setup, client, mode);
    return session;
  }

  get cwd(): string {
    return this.#setup.cwd;
  }

  get modes(): SessionModeState {
    return { currentModeId: this.mode, availableModes: MODES };
  }

  setMode(mode: ModeId): void {
    this.mode = mode;
    this.#setup.safety.setYes(mode === 'yes');
    this.#setup.safety.setStrict(mode === 'strict');
  }

  notify(update: SessionUpdate): void {
    this.#client.notify('session/update', { sessionId: this.id, update }).catch(() => {});
  }

  async prompt(blocks: ContentBlock[], opts: Options): Promise<StopReason> {
    if (this.#running) throw new Error('a prompt is already running in this session; cancel it first');
    const controller = new AbortController();
    this.#controller = controller;
    const run = this.#setup.conversation.send(promptText(blocks), {
      signal: controller.signal,
      maxTurns: opts.maxTurns,
      maxCostUsd: opts.maxCostUsd,
      timeoutMs: opts.timeoutMs,
    });
    this.#running = run;
    let outcome: RunOutcome;
    try {
      outcome = await run;
    } finally {
      this.#running = undefined;
      this.#controller = undefined;
      this.#pending = [];
    }
    // What the prompt's commands left that git would run outside the sandbox: said where the user reads.
    for (const line of this.#setup.safety.sandbox?.leftBehind({ afterCommandsOnly: true }) ?? [])
      this.notify({
        sessionUpdate: 'agent_message_chunk',
        content: { type: 'text', text: `\n\nnanocode: ${line}` },
      });
    if (outcome.status === 'done') return 'end_turn';
    if (outcome.status === 'limit') return 'max_turn_requests';
    if (outcome.status === 'interrupted') return 'cancelled';
    if (outcome.refusal) return 'refusal';
    throw new Error(outcome.reason);
  }

  /** session/cancel: stops the run as Ctrl-C does. */
  cancel(): void {
    this.#controller?.abort();
  }

  /** Stops what runs and waits for the session record to be written. */
  async close(): Promise<void> {
    this.cancel();
    await this.#running?.catch(() => {});
    this.#setup.log.close();
    this.#setup.conversation.close();
    this.#setup.mcp.close();
  }

  async #ask(question: ApprovalQuestion): Promise<boolean> {
    const key = `${question.kind}\0${question.target}`;
    if (this.#always.has(key)) return true;
    const signal = this.#controller?.signal;
    if (!signal || signal.aborted) return false;
    const call = this.#pending[0];
    const reasons = question.reasons.length > 0 ? ` (${question.reasons.join('; ')})` : '';
    const request = this.#client.request(
      'session/request_permission',
      {
        sessionId: this.id,
        toolCall: {
          toolCallId: call?.id ?? `approval-${Date.now()}`,
          title: `${call ? toolTitle(call.name, call.input) : question.target}${reasons}`,
          kind: call ? toolKind(call.name) : 'other',
          status: 'pending',
          rawInput: call?.input,
        },
        options: [
          { optionId: ALLOW, name: 'Allow once', kind: 'allow_once' },
          { optionId: ALWAYS, name: 'Allow always (this session)', kind: 'allow_always' },
          { optionId: 'reject_once', name: 'Reject', kind: 'reject_once' },
        ],
      },
      { cancellationSignal: signal, stopWaitingOnCancel: true },
    );
    try {
      const answer = await request;
      if (answer.outcome.outcome !== 'selected') return false;
      const chosen = answer.outcome.optionId;
      if (chosen === ALWAYS) this.#always.add(key);
      return chosen === ALLOW || chosen === ALWAYS;
    } catch {
      return false;
    }
  }
}

/** The prompt's content as one task text: text as is, files the editor attached as context blocks. */
export function promptText(blocks: ContentBlock[]): string {
  return blocks
    .map((block) => {
      if (block.type === 'text') return block.text;
      if (block.type === 'resource_link') return `[${block.name}](${block.uri})`;
      if (block.type === 'resource') {
        const r = block.resource;
        return 'text' in r ? `<context uri="${r.uri}">\n${r.text}\n</context>` : `[attached: ${r.uri}]`;
      }
      return `[${block.type} attachment not supported]`;
    })
    .join('\n');
}
