// A Node built-in module loaded when first used rather than at start: what it costs to load (node:crypto,
// node:https with TLS) is paid only by a run that needs it.

import { createRequire } from 'node:module';

/** A getter for the built-in `name` (e.g. 'node:https'), which loads it on its first call. */
export function lazyBuiltin<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => {
    loaded ??= createRequire(import.meta.url)(name) as T;
    return loaded;
  };
}
