// The contract every tool file implements. A tool never throws for a problem the
// model can fix (bad path, text not found, command failed): it returns a result
// whose `output` says what went wrong and what to do next. It throws only for
// internal faults, which end the run.

import type { TmpPaths } from '../sandbox/tmp-paths.ts';
import type { CommandShell } from '../shell/command-shell.ts';

/** The subset of JSON Schema our tools use for their parameters. */
export interface ParamSchema {
  type: 'object';
  properties: Record<string, { type: 'string' | 'integer' | 'number' | 'boolean'; description: string }>;
  required: string[];
  additionalProperties?: false;
}

/** What a tool may ask of the approval gate before it acts. */
export interface ApprovalGate {
  /** Decide whether a shell command may run. Must not throw and must never wait on a missing user. */
  command(command: string): Promise<GateDecision>;
  /** Decide whether a file write (write_file, edit_file) to an absolute path may happen. */
  write(absPath: string): Promise<GateDecision>;
  /** Decide whether read_file may read an absolute path (credentials); absent: it may. */
  read?(absPath: string): Promise<GateDecision>;
  /** Decide whether an MCP tool may be called; `shown` is its name and arguments in one line. Absent: blocked. */
  tool?(name: string, shown: string): Promise<GateDecision>;
}

export type SafetyLevel = 'safe' | 'normal' | 'dangerous' | 'forbidden';

export interface GateDecision {
  allowed: boolean;
  /** `ran`: allowed without asking; `approved`: a person or --yes approved it; `blocked`: needed approval nobody gave; `refused`: never allowed. */
  decision: 'ran' | 'approved' | 'blocked' | 'refused';
  level: SafetyLevel;
  reasons: string[];
  /** When not allowed: the tool result text for the model (what happened, what to do instead). */
  message?: string;
}

export interface ToolContext {
  /** Absolute working directory; every relative path resolves against it. */
  cwd: string;
  /** Environment for child processes, API keys already removed. */
  env: Record<string, string | undefined>;
  /** Aborted on Ctrl-C / SIGTERM: the tool must stop promptly (kill its process group). */
  signal: AbortSignal;
  gate: ApprovalGate;
  /** The shell that runs commands (in the sandbox, when there is one); absent: an unsandboxed one. */
  shell?: CommandShell;
  /** Hears a running command's output as it arrives (the terminal shows its last line live). */
  onOutput?: (chunk: Buffer) => void;
  /** Scrubs secrets (provider key values) from every tool result before anyone sees it. */
  redact?: (text: string) => string;
  /** A note for a failed command's output (the sandbox explaining itself), or undefined. */
  explainFailure?: (output: string) => string | undefined;
  /** The sandbox's private /tmp, which the file tools see as /tmp too (src/sandbox/tmp-paths.ts). */
  tmp?: TmpPaths;
  /** The model sees images a tool returns (read_file sends an image file as one only then). */
  images?: boolean;
  /** Tools beyond the built-in ones for this run (MCP servers' tools). */
  extraTools?: readonly Tool[];
}

export interface ToolResult {
  /** Text sent back to the model. */
  output: string;
  /** True when the tool did not do what was asked (the model should react). */
  isError?: boolean;
  /** For the audit log. */
  exitCode?: number | null;
  /** Bytes the command printed, or bytes of the file read/written. */
  bytes?: number;
  truncated?: boolean;
  /** The target, for the log: `command` for run_cmd, `path` for file tools. */
  command?: string;
  path?: string;
  gate?: GateDecision;
  /** Images for the model (MCP tools); passed on only to providers that take images in tool results. */
  images?: { data: string; mediaType: string }[];
}

export interface Tool<Args = Record<string, unknown>> {
  name: string;
  description: string;
  parameters: ParamSchema;
  /** `args` has already been checked against `parameters` (required keys present, types right). */
  execute(args: Args, ctx: ToolContext): Promise<ToolResult>;
}
