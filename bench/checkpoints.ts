// Checkpoint cost on a 20 000-file project: the first snapshot (everything hashed into the store), the
// median of the next ones on an unchanged tree, one after a single edit, and the store's size on disk.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CheckpointStore } from '../src/checkpoints/store.ts';
import { tempProject } from '../test/helpers/cli.ts';

const FILES = 20_000;

export async function checkpointRows(): Promise<[string, string][]> {
  const dir = tempProject('nanocode-bench-cp-');
  for (let d = 0; d < FILES / 100; d++) {
    mkdirSync(join(dir, `pkg${d}`));
    for (let f = 0; f < 100; f++)
      writeFileSync(join(dir, `pkg${d}`, `f${f}.ts`), `export const v${d}_${f} = ${f};\n`);
  }
  const env = { ...process.env, XDG_STATE_HOME: tempProject('nanocode-bench-state-') };
  const store = await CheckpointStore.open(dir, env);
  /** Wall time, and CPU time of this process and the git processes (the machine may be busy). */
  const time = async () => {
    const started = process.hrtime.bigint();
    const cpu0 = cpuMs();
    await store.snapshot({ run: 'bench', turn: 1, kind: 'turn' });
    return { wall: Number(process.hrtime.bigint() - started) / 1e6, cpu: cpuMs() - cpu0 };
  };
  const show = (t: { wall: number; cpu: number }) => `${t.wall.toFixed(0)} ms (CPU ${t.cpu.toFixed(0)} ms)`;
  const first = await time();
  const next: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < 5; i++) next.push(await time());
  writeFileSync(join(dir, 'pkg7', 'f7.ts'), 'export const changed = true;\n');
  const oneEdit = await time();
  const kb = Number(execFileSync('du', ['-sk', store.dir], { encoding: 'utf8' }).split('\t')[0]);
  const median = [...next].sort((a, b) => a.wall - b.wall)[2]!;
  return [
    [`checkpoint, first (${FILES} files)`, show(first)],
    ['checkpoint, unchanged tree, median', show(median)],
    ['checkpoint after one edit', show(oneEdit)],
    ['checkpoint store size', `${(kb / 1024).toFixed(1)} MB`],
  ];
}

/**
 * User + system time of this process and its children, each with the children it waited for, from /proc
 * (clock ticks of 10 ms): the store's git commands are children of its long-lived bash
 * (src/checkpoints/git-server.ts), which waits for each.
 */
function cpuMs(): number {
  const ticks = (pid: number | 'self') => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      return [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i]), 0);
    } catch {
      return 0; // gone
    }
  };
  let total = ticks('self');
  for (const task of readdirSync('/proc/self/task')) {
    const children = readFileSync(`/proc/self/task/${task}/children`, 'utf8').trim();
    for (const pid of children ? children.split(' ') : []) total += ticks(Number(pid));
  }
  return total * 10;
}
