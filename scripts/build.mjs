// Bundles the CLI into dist/nanocode.cjs, run by dist/cli.cjs (src/launch.ts) with V8's code cache;
// each provider package into a CommonJS bundle of its own in dist/providers/, so a run loads only
// the provider it uses; and the MCP and ACP libraries into dist/vendor/, loaded when first used.
// dist/ is the whole package: web-tree-sitter is bundled and both wasm files are copied beside it,
// so an install needs no dependency at all.
import { chmodSync, copyFileSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
// The bundles src/provider/cached-script.ts runs (the CLI's, the providers') are written inside the
// function it calls, so V8 compiles the file's text as it is: wrapped at load time, ~400 KB were
// copied once more before each compile (~2 ms a bundle here).
const WRAPPER = JSON.parse(readFileSync('src/provider/cached-script-wrapper.json', 'utf8'));
const cachedScript = { banner: { js: WRAPPER.head }, footer: { js: WRAPPER.tail } };
// In the CommonJS bundles of our own code, import.meta.url is the bundle's own URL.
const MODULE_URL = "var __ncModuleUrl = require('node:url').pathToFileURL(__filename).href;";
const moduleUrl = { 'import.meta.url': '__ncModuleUrl' };
const providerBuilds = Object.entries(PROVIDERS).map(([name, [pkg, create]]) =>
  build({
    ...shared,
    ...cachedScript,
    stdin: { contents: `export { ${create} } from '${pkg}';`, resolveDir: process.cwd(), loader: 'js' },
    outfile: `dist/providers/${name}.cjs`,
    format: 'cjs',
  }),
);
// Libraries only some runs use (MCP servers, ACP), each a bundle of its own in dist/vendor/: the CLI's
// bundle requires them by path when first used, so a run without them never parses them.
const VENDORS = {
  mcp: {
    source:
      "export { createMCPClient } from '@ai-sdk/mcp'; export { Experimental_StdioMCPTransport } from '@ai-sdk/mcp/mcp-stdio';",
    specifiers: ['@ai-sdk/mcp', '@ai-sdk/mcp/mcp-stdio'],
  },
  acp: { source: "export * from '@agentclientprotocol/sdk';", specifiers: ['@agentclientprotocol/sdk'] },
};
const vendorBuilds = Object.entries(VENDORS).map(([name, { source }]) =>
  build({
    ...shared,
    stdin: { contents: source, resolveDir: process.cwd(), loader: 'js' },
    outfile: `dist/vendor/${name}.cjs`,
    format: 'cjs',
  }),
);
const vendorPaths = {
  name: 'vendor-paths',
  setup(b) {
    for (const [name, { specifiers }] of Object.entries(VENDORS)) {
      const filter = new RegExp(`^(${specifiers.map((x) => x.replace(/[/.]/g, '\\$&')).join('|')})$`);
      b.onResolve({ filter }, () => ({ path: `./vendor/${name}.cjs`, external: true }));
    }
  },
};
// The CLI: one CommonJS bundle (src/launch.ts, dist/cli.cjs, runs it with V8's code cache). Its
// import() calls become require() (a script run by vm.Script cannot import).
const result = await build({
  ...shared,
  plugins: [...shared.plugins, vendorPaths],
  entryPoints: ['src/cli.ts'],
  outfile: 'dist/nanocode.cjs',
  format: 'cjs',
  supported: { 'dynamic-import': false },
  // The grammar's runtime as published for CommonJS (its ES build imports 'module' to make a require).
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/tree-sitter.cjs' },
  define: moduleUrl,
  banner: { js: `${WRAPPER.head}${MODULE_URL}` },
  footer: cachedScript.footer,
  // Loaded from dist/providers/ (above); src/provider-factory.ts imports them only when run from src/.
  external: Object.values(PROVIDERS).map(([pkg]) => pkg),
});
// The command: CommonJS too, since an ES module entry starts Node's ES module loader (~15 ms here).
const launcher = await build({
  ...shared,
  entryPoints: ['src/launch.ts'],
  outfile: 'dist/cli.cjs',
  format: 'cjs',
  define: moduleUrl,
  banner: { js: `#!/usr/bin/env node\n${MODULE_URL}` },
});
chmodSync('dist/cli.cjs', 0o755);
// The entry's old name, for what was set up with it (an editor's `node …/dist/cli.js acp`, an old `npm link`).
writeFileSync('dist/cli.js', "#!/usr/bin/env node\nimport './cli.cjs';\n", { mode: 0o755 });
const require = createRequire(import.meta.url);
for (const wasm of ['web-tree-sitter/tree-sitter.wasm', 'tree-sitter-bash/tree-sitter-bash.wasm']) {
  copyFileSync(require.resolve(wasm), `dist/${wasm.split('/')[1]}`);
}
const inputs = new Set([...Object.keys(result.metafile.inputs), ...Object.keys(launcher.metafile.inputs)]);
for (const built of await Promise.all([...providerBuilds, ...vendorBuilds]))
  for (const input of Object.keys(built.metafile.inputs)) inputs.add(input);
writeLicenses([...inputs], ['node_modules/tree-sitter-bash'], 'dist/THIRD-PARTY-LICENSES.txt');
