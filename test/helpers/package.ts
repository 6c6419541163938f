// The package as a user installs it: `npm pack` of this checkout's built dist/, then `npm install -g` of the
// tarball into an empty prefix, offline (it must need nothing from the registry). The caller removes `dir`.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDir } from './cli.ts';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));

export function installPackedTarball(): { dir: string; prefix: string; bin: string } {
  const dir = tempDir('nanocode-pack-');
  const npm = (args: string[], cwd: string) =>
    execFileSync('npm', [...args, '--no-fund', '--no-audit', '--loglevel=error'], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, npm_config_cache: join(dir, 'cache') },
    });
  // --ignore-scripts: pack the dist/ that is there (prepack would rebuild it).
  const tarball = npm(['pack', '--ignore-scripts', '--pack-destination', dir], REPO)
    .trim()
    .split('\n')
    .pop()!;
  const prefix = join(dir, 'prefix');
  npm(['install', '-g', '--offline', '--prefix', prefix, join(dir, tarball)], dir);
  return { dir, prefix, bin: join(prefix, 'bin', 'nanocode') };
}
