// Whether bubblewrap can start here: by running `true` inside a sandbox shaped like the real ones (the
// project mounted read-only, so the probe leaves no placeholders behind): one sandbox start (~20 ms
// before the first request); never throws. A success is remembered for a day (src/sandbox/probe-cache.ts),
// so later runs skip it while nothing it depends on changed.
import { spawn } from 'node:child_process';
import { bwrapArgv } from './bwrap.ts';
import { probeKey, probeRemembered, rememberProbe } from './probe-cache.ts';

export type ProbeResult = { ok: true } | { ok: false; reason: string };

/** Start-up check time limit. */
const PROBE_TIMEOUT_MS = 5000;

/** `opts.bwrap` overrides the program (tests: a missing or failing one; never remembered). */
export function probeSandbox(project: string, opts: { bwrap?: string } = {}): Promise<ProbeResult> {
  if (process.platform !== 'linux')
    return Promise.resolve({ ok: false, reason: `no sandbox for ${process.platform} yet` });
  const key = opts.bwrap === undefined ? probeKey() : undefined;
  if (probeRemembered(key)) return Promise.resolve({ ok: true });
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
      if (code === 0) {
        rememberProbe(key);
        return done({ ok: true });
      }
      const detail = stderr.trim().split('\n')[0] || (signal ? `killed by ${signal}` : `exit code ${code}`);
      done({ ok: false, reason: `bwrap does not work here: ${detail}` });
    });
  });
}
