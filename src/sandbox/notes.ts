// What the model is told when a command fails against the sandbox, so it can act
// (ask the user for the network, write elsewhere) instead of retrying blindly.

const NETWORK_FAILURE =
  /Could not resolve host|Temporary failure in name resolution|Name or service not known|Network is unreachable|getaddrinfo|ENOTFOUND|EAI_AGAIN|ENETUNREACH|Failed to establish a new connection|unable to access '|Could not connect to|Connection refused|ECONNREFUSED/i;
const READ_ONLY = /Read-only file system|EROFS/;

/** The system prompt's line about the sandbox. */
export function sandboxPromptLine(network: boolean): string {
  const net = network ? 'network allowed' : 'no network';
  return `Sandbox: commands can write only the project and a private /tmp (${net}); .git (so no commit, staging or branch switch), .nanocode/ and .env* are read-only (empty .env* files are its placeholders, not the project's).`;
}

/** A note to append to a failed command's output, or undefined. */
export function sandboxNote(output: string, network: boolean): string | undefined {
  if (!network && NETWORK_FAILURE.test(output))
    return '[sandbox: commands have no network. If this task needs it, tell the user to rerun nanocode with --sandbox=network (or --sandbox=off); otherwise work offline.]';
  if (READ_ONLY.test(output))
    return '[sandbox: only the project and /tmp are writable; .git (commits, staging, branches), .nanocode/, .nanocode.log and .env* are read-only. Write inside the project, leave commits to the user, or tell the user what needs --sandbox=off.]';
  return undefined;
}
