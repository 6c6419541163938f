// The one place that loads tree-sitter. The grammar is loaded lazily, once per
// process, the first time a command is parsed; later calls reuse the same parser.
// The build bundles web-tree-sitter and copies both wasm files into dist/ beside
// the bundle (no runtime dependency); running from src/ they come from node_modules.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Node, Parser as TSParser } from 'web-tree-sitter';
import { applyV8Flags } from '../v8-flags.ts';

export type { Node } from 'web-tree-sitter';

/** Parses shell source; nested calls (a script inside a script) are fine. */
export interface BashParser {
  /**
   * Parses `source` and hands the root node to `use`; the tree is freed when `use`
   * returns, so nodes must not escape it. Throws only on an internal fault.
   */
  withTree<T>(source: string, use: (root: Node) => T): T;
}

let loading: Promise<BashParser> | undefined;

/** The shared bash parser. The first call loads ~1 MB of wasm (~30 ms); later calls are free. */
export function getBashParser(): Promise<BashParser> {
  loading ??= load().catch((err: unknown) => {
    loading = undefined; // let a later call retry instead of caching the failure
    throw err;
  });
  return loading;
}

async function load(): Promise<BashParser> {
  applyV8Flags(); // baseline WebAssembly code only (src/v8-flags.ts)
  const runtimeWasm = wasmFile('tree-sitter.wasm', 'web-tree-sitter/tree-sitter.wasm');
  const grammarWasm = wasmFile('tree-sitter-bash.wasm', 'tree-sitter-bash/tree-sitter-bash.wasm');
  const { Parser, Language } = await import('web-tree-sitter');
  await Parser.init({ locateFile: () => runtimeWasm });
  const language = await Language.load(grammarWasm);
  const parser: TSParser = new Parser();
  parser.setLanguage(language);
  return {
    withTree(source, use) {
      const tree = parser.parse(source);
      if (!tree) throw new Error('tree-sitter returned no tree');
      try {
        return use(tree.rootNode);
      } finally {
        tree.delete();
      }
    },
  };
}

/** `name` beside this module (dist/ once built), else the installed package's copy. */
function wasmFile(name: string, packagePath: string): string {
  const beside = fileURLToPath(new URL(name, import.meta.url));
  return existsSync(beside) ? beside : createRequire(import.meta.url).resolve(packagePath);
}
