// What the boundary protects, as plain path rules shared by the bubblewrap
// argv (commands) and the file tools (write_file, edit_file, read_file):
// - inside the project, nanocode's own configuration and the repository's
//   executable configuration are read-only: `.nanocode/`, `.nanocode.log`,
//   `.env*` (templates such as `.env.example` excepted), `.git/config`, `.git/hooks/`;
// - outside it, the user's nanocode configuration (`~/.config/nanocode/`);
// - credentials (the classifier's list: ~/.ssh, cloud and tool credentials,
//   .netrc, shell history, /etc/shadow, browser profiles…) are not readable.
import { basename, isAbsolute, join, relative, sep } from 'node:path';
import { CREDENTIAL_NAMES, isCredentialFile } from '../safety/credentials.ts';

const ENV_TEMPLATE = /^\.env\.(?:example|sample|template|dist|defaults?|schema)$/i;

/** `.env`, `.env.local`, `.envrc`… but not `.env.example` and the like, which nothing loads. */
export function isEnvFile(name: string): boolean {
  return name.startsWith('.env') && !ENV_TEMPLATE.test(name);
}

/** `abs` relative to `root` when inside it (or equal: ''), else undefined. */
export function insideDir(root: string, abs: string): string | undefined {
  const rel = relative(root, abs);
  if (rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) return undefined;
  return rel;
}

/** Why writing `abs` would change nanocode's or git's configuration, or undefined. */
export function protectedReason(abs: string, project: string, home: string): string | undefined {
  if (insideDir(join(home, '.config', 'nanocode'), abs) !== undefined)
    return "writes nanocode's user configuration";
  const rel = insideDir(project, abs);
  if (rel === undefined || rel === '') return undefined;
  const parts = rel.split(sep);
  if (parts[0] === '.nanocode') return "writes nanocode's project configuration .nanocode/";
  if (rel === '.nanocode.log') return 'writes the audit log .nanocode.log';
  if (isEnvFile(basename(rel))) return `writes ${rel}, which configures tools and keys`;
  // Any git directory, the project's or a nested one: git reads its config, hooks, commondir and index.
  if (parts.includes('.git')) return `writes ${rel}, in a git directory git reads its configuration from`;
  return undefined;
}

/**
 * True when reading `abs` reads a credential. Paths under the user's home are
 * judged as if home were an ordinary one, so running as root (home /root) does
 * not make every file in it a secret.
 */
export function isCredentialRead(abs: string, home: string): boolean {
  const inHome = insideDir(home, abs);
  return isCredentialFile(inHome !== undefined && inHome !== '' ? `/home/user/${inHome}` : abs);
}

/** Shell histories and browser profiles under home, hidden besides the classifier's credential names. */
const HOME_EXTRAS = [
  '.bash_history',
  '.zsh_history',
  '.python_history',
  '.node_repl_history',
  '.psql_history',
  '.mysql_history',
  '.lesshst',
  '.mozilla',
  '.config/google-chrome',
  '.config/chromium',
  '.config/BraveSoftware',
  '.config/gh',
  '.config/hub',
  '.config/gcloud',
  '.local/share/keyrings',
];

/** System files hidden from commands (the classifier calls reading them dangerous). */
const SYSTEM_SECRETS = ['/etc/shadow', '/etc/gshadow', '/etc/sudoers', '/etc/master.passwd'];

/** Every credential path the sandbox hides, whether or not it exists (the caller keeps those that do). */
export function credentialPaths(home: string): string[] {
  const names = [...CREDENTIAL_NAMES.dirs, ...CREDENTIAL_NAMES.files, ...HOME_EXTRAS];
  return [...names.map((name) => join(home, name)), ...SYSTEM_SECRETS];
}
