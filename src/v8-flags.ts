// The V8 flags nanocode runs with, set once before the code they concern. A code cache records the
// flags it was made under and V8 rejects it under any others (src/provider/cached-script.ts), so they
// are set before a cache is read or written, never later in a run: by the launcher (src/launch.ts),
// before the CLI's own bundle is compiled.
//  --liftoff-only  baseline code only for WebAssembly: optimizing the 1.3 MB shell grammar with
//                  TurboFan costs ~0.7 s of CPU right when the first command runs, and parsing one
//                  command needs no more speed.
//  --no-wasm-lazy-compilation
//                  the grammar's functions are compiled when it loads (in the background, while the first
//                  request is out; V8 compiles a module on its worker threads), not on first call: the
//                  first command's classification took ~25 ms of this thread, now ~0.7 ms.
//  --semi-space-growth-factor=1
//                  the young generation keeps the size start-up gave it instead of growing to 2 × 16 MB
//                  under a long run's garbage (each turn re-sends the history): peak RSS over 200 turns
//                  94 → 83 MB (compaction off: 115 → 101 MB), CPU and time per turn unchanged within
//                  noise.
//  --heap-growing-percent=20
//                  the old generation may grow 20% past what survived the last full collection before the
//                  next one, instead of V8's default of up to 2× and more: a long run's garbage is mostly
//                  large strings (each request's body), which only a full collection frees. Peak RSS over
//                  200 turns 80 → 76 MB, compaction off 101 → 81 MB; CPU and start-up unchanged within noise.
import { setFlagsFromString } from 'node:v8';

let applied = false;

export function applyV8Flags(): void {
  if (applied) return;
  applied = true;
  setFlagsFromString('--liftoff-only');
  setFlagsFromString('--semi-space-growth-factor=1');
  setFlagsFromString('--heap-growing-percent=20');
  setFlagsFromString('--no-wasm-lazy-compilation');
}
