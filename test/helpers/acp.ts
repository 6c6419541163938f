// Drives `nanocode acp` (dist/cli.cjs) as an editor would: a real ACP client (the
// SDK's client side) over the child's stdin/stdout. Every line the agent writes
// on stdout is kept, to check that nothing but protocol messages goes there.

import { type ChildProcess, spawn } from 'node:child_process';
import { Readable, Writable } from 'node:stream';
import {
  type ClientContext,
  client,
  methods,
  ndJsonStream,
  type RequestPermissionRequest,
  type RequestPermissionResponse,
  type SessionNotification,
} from '@agentclientprotocol/sdk';
import { CLI } from './cli.ts';

export interface AcpAgent {
  child: ChildProcess;
  agent: ClientContext;
  /** Every session/update received, in order (live array). */
  updates: SessionNotification[];
  /** Every permission question received, in order (live array). */
  permissions: RequestPermissionRequest[];
  /** Raw stdout lines so far. */
  stdoutLines(): string[];
  stderr(): string;
  /** Resolves once an update matching `test` has arrived. */
  waitForUpdate(test: (n: SessionNotification) => boolean): Promise<SessionNotification>;
  /** Closes stdin and waits for the process to exit; resolves with its exit code. */
  stop(): Promise<number | null>;
}

export type PermissionAnswer = (
  req: RequestPermissionRequest,
) => RequestPermissionResponse['outcome'] | Promise<RequestPermissionResponse['outcome']>;

export async function startAcp(opts: {
  cwd: string;
  env: Record<string, string>;
  args?: string[];
  answer?: PermissionAnswer;
}): Promise<AcpAgent> {
  const child = spawn(process.execPath, [CLI, 'acp', ...(opts.args ?? [])], {
    cwd: opts.cwd,
    env: opts.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => {
    stdout += d;
  });
  child.stderr!.on('data', (d) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const updates: SessionNotification[] = [];
  const permissions: RequestPermissionRequest[] = [];
  const waiters = new Set<() => void>();
  const app = client({ name: 'test-editor' })
    .onNotification(methods.client.session.update, ({ params }) => {
      updates.push(params);
      for (const wake of [...waiters]) wake();
    })
    .onRequest(methods.client.session.requestPermission, async ({ params }) => {
      permissions.push(params);
      for (const wake of [...waiters]) wake();
      return { outcome: (await opts.answer?.(params)) ?? { outcome: 'cancelled' } };
    });
  const stream = ndJsonStream(
    Writable.toWeb(child.stdin!) as WritableStream<Uint8Array>,
    Readable.toWeb(child.stdout!) as ReadableStream<Uint8Array>,
  );
  const connection = app.connect(stream);
  const waitForUpdate = (test: (n: SessionNotification) => boolean) =>
    new Promise<SessionNotification>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no such update within 30 s; stderr: ${stderr}`)),
        30_000,
      );
      const check = () => {
        const found = updates.find(test);
        if (!found) return;
        waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      waiters.add(check);
      check();
    });
  return {
    child,
    agent: connection.agent,
    updates,
    permissions,
    stdoutLines: () => stdout.split('\n').filter((l) => l.trim() !== ''),
    stderr: () => stderr,
    waitForUpdate,
    async stop() {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      connection.close();
      return code;
    },
  };
}

/** The text of every agent_message_chunk (or another chunk kind) for a session, joined. */
export function chunks(updates: SessionNotification[], kind = 'agent_message_chunk'): string {
  return updates
    .map((n) => n.update)
    .filter((u) => u.sessionUpdate === kind)
    .map((u) => {
      const content = 'content' in u ? (u.content as { type?: string; text?: string }) : undefined;
      return content?.type === 'text' ? (content.text ?? '') : '';
    })
    .join('');
}
