// Bundles src/cli.ts into dist/ as ESM, and each provider package into a CommonJS bundle of its
// own in dist/providers/, so a run loads only the provider it uses. dist/ is the whole
// package: web-tree-sitter is bundled and both wasm files are copied beside it,
// so an install needs no dependency at all.
import { chmodSync, copyFileSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { build } from 'esbuild';
import { bundleTrim } from './bundle-trim.mjs';
import { writeLicenses } from './licenses.mjs';

rmSync('dist', { recursive: true, force: true });
// Each provider is a bundle of its own (CommonJS, so it can be loaded with V8's code cache:
// src/provider/cached-script.ts); the CLI's bundle loads it by name and never includes it.
// src/provider/bundles.json: name → [package, the function the bundle exports].
const PROVIDERS = JSON.parse(readFileSync('src/provider/bundles.json', 'utf8'));
const shared = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  minify: process.env.NANOCODE_BUILD_DEBUG !== '1', // NANOCODE_BUILD_DEBUG=1: readable names in CPU profiles
  legalComments: 'none',
  logLevel: 'warning',
  metafile: true,
  plugins: [bundleTrim(process.cwd())],
  // Our small Headers instead of the global one, which loads all of undici (src/provider/headers.ts).
  inject: ['src/provider/headers.ts'],
};
const providerBuilds = Object.entries(PROVIDERS).map(([name, [pkg, create]]) =>
  build({
    ...shared,
    stdin: { contents: `export { ${create} } from '${pkg}';`, resolveDir: process.cwd(), loader: 'js' },
    outfile: `dist/providers/${name}.cjs`,
    format: 'cjs',
  }),
);
const result = await build({
  ...shared,
  entryPoints: ['src/cli.ts'],
  outdir: 'dist',
  splitting: true,
  format: 'esm',
  // Loaded from dist/providers/ (above); src/provider-factory.ts imports them only when run from src/.
  external: Object.values(PROVIDERS).map(([pkg]) => pkg),
  banner: {
    js: "#!/usr/bin/env node\nimport { createRequire as __ncCreateRequire } from 'node:module'; const require = __ncCreateRequire(import.meta.url);",
  },
});
chmodSync('dist/cli.js', 0o755);
const require = createRequire(import.meta.url);
for (const wasm of ['web-tree-sitter/tree-sitter.wasm', 'tree-sitter-bash/tree-sitter-bash.wasm']) {
  copyFileSync(require.resolve(wasm), `dist/${wasm.split('/')[1]}`);
}
const inputs = new Set(Object.keys(result.metafile.inputs));
for (const built of await Promise.all(providerBuilds))
  for (const input of Object.keys(built.metafile.inputs)) inputs.add(input);
writeLicenses([...inputs], ['node_modules/tree-sitter-bash'], 'dist/THIRD-PARTY-LICENSES.txt');
