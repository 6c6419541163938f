// One long-lived bash that runs a checkpoint store's git commands, so each command is a fork of a
// small bash instead of a fork of nanocode: Node's spawn copies the whole process's page tables while
// this thread waits (~4 ms at 45 MB, ~10 ms at 90 MB here), and a checkpoint is three git commands.
//
// Contract:
// - run() runs `git <options> <args>` in the work tree with the environment and options the server was
//   made with (without GIT_DIR and GIT_WORK_TREE when `bare` is set: git init). Calls run one at a
//   time, in call order. The options go to bash once, as its arguments: bash reads a request a byte at
//   a time, and the options are most of every request.
// - Protocol: a request on bash's stdin is id, mode, argc and the args, each ended by a NUL. The
//   command's input is a file written before the request; its stdout and stderr go to files read when
//   bash prints `<id> <exit code>`. The files are in a private directory (0700) named like the
//   sandbox's temps (a killed run's is swept by a later one; sandboxed commands have a /tmp of their
//   own), removed at exit.
// - The server holds the event loop only while a command runs. It is in a session of its own (no
//   terminal signal reaches it) and ends when nanocode ends (its input closes). If bash cannot start
//   or dies, the call in flight and every later one reject.

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { privateTempDir } from '../sandbox/private-temp.ts';

export interface GitRun {
  code: number;
  stdout: string;
  stderr: string;
}

// $1: the I/O directory, then git's options. Reads requests until its input ends.
const SERVER_SCRIPT = `d=$1
shift
o=("$@")
while IFS= read -r -d '' id && IFS= read -r -d '' mode && IFS= read -r -d '' n; do
  set --
  while [ "$#" -lt "$n" ]; do IFS= read -r -d '' a || exit 1; set -- "$@" "$a"; done
  in=/dev/null
  [ -f "$d/$id.in" ] && in="$d/$id.in"
  if [ "$mode" = bare ]; then
    (unset GIT_DIR GIT_WORK_TREE; exec git "\${o[@]}" "$@" <"$in" >"$d/$id.out" 2>"$d/$id.err")
  else
    git "\${o[@]}" "$@" <"$in" >"$d/$id.out" 2>"$d/$id.err"
  fi
  printf '%s %s\\n' "$id" "$?"
done`;

export class GitServer {
  readonly #cwd: string;
  readonly #env: NodeJS.ProcessEnv;
  readonly #options: string[];
  #child?: ChildProcess;
  #dir?: string;
  #dead?: Error;
  #next = 1;
  #waiting?: { id: string; done: (code: number) => void; fail: (error: Error) => void };
  #queue: Promise<unknown> = Promise.resolve();

  /** `options`: git's own options, before the command of every call (e.g. `-c name=value`). */
  constructor(cwd: string, env: NodeJS.ProcessEnv, options: string[] = []) {
    this.#cwd = cwd;
    this.#env = env;
    this.#options = options;
  }

  run(args: string[], input?: string, opts: { bare?: boolean } = {}): Promise<GitRun> {
    const result = this.#queue.then(() => this.#runNow(args, input, opts.bare ?? false));
    this.#queue = result.catch(() => {});
    return result;
  }

  async #runNow(args: string[], input: string | undefined, bare: boolean): Promise<GitRun> {
    const child = this.#start();
    const dir = this.#dir!;
    const id = String(this.#next++);
    const file = (ext: string) => join(dir, `${id}.${ext}`);
    try {
      if (input !== undefined) writeFileSync(file('in'), input);
      const code = await new Promise<number>((done, fail) => {
        if (this.#dead) return fail(this.#dead);
        this.#waiting = { id, done, fail };
        this.#hold(true);
        const fields = [id, bare ? 'bare' : 'work', String(args.length), ...args];
        child.stdin!.write(fields.map((f) => `${f}\0`).join(''));
      });
      return { code, stdout: readFileSync(file('out'), 'utf8'), stderr: readFileSync(file('err'), 'utf8') };
    } finally {
      this.#waiting = undefined;
      this.#hold(false);
      for (const ext of ['in', 'out', 'err']) rmSync(file(ext), { force: true });
    }
  }

  #start(): ChildProcess {
    if (this.#child) return this.#child;
    const dir = privateTempDir('git-');
    this.#dir = dir;
    if (ioDirs.size === 0) process.once('exit', removeIoDirs);
    ioDirs.add(dir);
    // A session of its own: a terminal's Ctrl-C (SIGINT to nanocode's process group) must not end it
    // while nanocode, interrupted, still takes the run's last checkpoint.
    const args = ['--noprofile', '--norc', '-c', SERVER_SCRIPT, 'nanocode-git', dir, ...this.#options];
    const child = spawn('bash', args, {
      cwd: this.#cwd,
      // A non-interactive bash sources $BASH_ENV first: nothing but git runs here.
      env: { ...this.#env, BASH_ENV: undefined },
      detached: true,
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    this.#child = child;
    let buffered = '';
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (text: string) => {
      buffered += text;
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const [id, code] = buffered.slice(0, nl).split(' ');
        buffered = buffered.slice(nl + 1);
        if (this.#waiting && id === this.#waiting.id) this.#waiting.done(Number(code));
      }
    });
    child.stdin!.on('error', () => {}); // bash is gone: 'close' below says so
    const die = (error: Error) => {
      this.#dead ??= error;
      this.#waiting?.fail(this.#dead);
    };
    child.on('error', (error) => die(new Error(`cannot start bash for git: ${error.message}`)));
    child.on('close', (code, signal) => die(new Error(`git helper ended (${signal ?? `exit ${code}`})`)));
    this.#hold(false);
    return child;
  }

  /** Holds the event loop while a command runs, and only then. */
  #hold(busy: boolean): void {
    const child = this.#child;
    if (!child) return;
    for (const h of [child, child.stdout, child.stdin] as { ref?: () => void; unref?: () => void }[])
      (busy ? h?.ref : h?.unref)?.call(h);
  }
}

/** Every server's I/O directory, removed at exit (one listener for all of them). */
const ioDirs = new Set<string>();
function removeIoDirs(): void {
  for (const dir of ioDirs) rmSync(dir, { recursive: true, force: true });
}
