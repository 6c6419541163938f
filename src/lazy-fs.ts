// node:fs/promises for the tools and attachments, loaded when first called rather than at start: it
// brings FileHandle's streams and readline with it (~2 ms of start-up here), and no run needs it
// before its first request. Same functions, same behaviour.

import fs from 'node:fs';

type FsPromises = typeof import('node:fs/promises');

const lazy = <K extends keyof FsPromises>(name: K): FsPromises[K] =>
  ((...args: unknown[]) => (fs.promises[name] as (...a: unknown[]) => unknown)(...args)) as FsPromises[K];

export const mkdir = lazy('mkdir');
export const open = lazy('open');
export const readdir = lazy('readdir');
export const readFile = lazy('readFile');
export const readlink = lazy('readlink');
export const realpath = lazy('realpath');
export const rename = lazy('rename');
export const stat = lazy('stat');
export const unlink = lazy('unlink');
