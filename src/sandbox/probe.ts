// Whether bubblewrap can start here: once per run, by running `true` inside a
// sandbox shaped like the real ones (the project mounted read-only, so the probe
// leaves no placeholders behind): one sandbox start (~15–30 ms, while the provider loads); never throws.
import { spawn } from 'node:child_process';
import { bwrapArgv } from './bwrap.ts';

export type ProbeResult = { ok: true } | { ok: false; reason: string };

/** Start-up check time limit. */
const PROBE_TIMEOUT_MS = 5000;

/** `opts.bwrap` overrides the program (tests: a missing or failing one). */
export function probeSandbox(project: string, opts: { bwrap?: string } = {}): Promise<ProbeResult> {
  if (process.platform !== 'linux')
    return Promise.resolve({ ok: false, reason: `no sandbox for ${process.platform} yet` });
  const isRoot = process.getuid?.() === 0;
  const { prefix } = bwrapArgv({ project, network: false, isRoot, hide: [], readOnlyProject: true });
  const [bwrap, ...args] = [...prefix, 'true'];
  const file = opts.bwrap ?? bwrap!;
  return new Promise((done) => {
    let stderr = '';
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(file, args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: PROBE_TIMEOUT_MS });
    } catch (err) {
      done({ ok: false, reason: `cannot start bwrap: ${(err as Error).message}` });
      return;
    }
    child.stderr?.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.on('error', (err: NodeJS.ErrnoException) => {
      const missing = err.code === 'ENOENT';
      done({
        ok: false,
        reason: missing ? 'bubblewrap (bwrap) is not installed' : `cannot start bwrap: ${err.message}`,
      });
    });
    child.on('close', (code, signal) => {
      if (code === 0) return done({ ok: true });
      const detail = stderr.trim().split('\n')[0] || (signal ? `killed by ${signal}` : `exit code ${code}`);
      done({ ok: false, reason: `bwrap does not work here: ${detail}` });
    });
  });
}
