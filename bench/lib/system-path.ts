// The PATH the bench's runs get: the system's standard directories, not the developer's own. A
// version manager's shim first in PATH (pyenv's `python3` is a chain of bash scripts, ~0.35 s here)
// would otherwise be timed as nanocode's overhead; nanocode's own cost does not depend on it.
export const SYSTEM_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
