// The bash program of the command shell (src/shell/command-shell.ts): one long-lived bash, inside the
// sandbox when there is one, that starts each command so that the agent pays neither a sandbox start
// nor a fork of itself per command.
//
// Protocol (every field ends with a NUL; a command line cannot hold one):
//   in:  R <id> <dir> <command>  run `bash -c <command>` in <dir>, stdin /dev/null,
//                                stdout and stderr into FIFO <fifo dir>/<prefix>.<n>
//        K <signal> <pgid>       send <signal> to process group <pgid>
//   out: F <id> <n>              FIFO <n> is the one to open for reading (the command starts once it is)
//        S <id> <pgid>           started: the command is the leader of process group <pgid>
//        E <id> <status> <how>   ended: <how> is `exit` (status is its code) or `signal` (128 + signal);
//                                the job table's text in <fifo>.s says which
//        X <id> <why>            not started (`cd`: <dir> is not a directory)
// A command runs in its own process group (job control on while it is started), so a kill reaches
// everything it started and nothing else. Each command waits in a subshell of its own, so several
// may run at once and the shell keeps reading. FIFOs are made sixteen at a time, ahead of need.
// At the end of its input the shell ends its waiting subshells (not the commands) and exits.
// Arguments: $1 the FIFO directory, $2 the prefix of this shell's FIFOs in it.
export const SHELL_SCRIPT = `d=$1/$2
n=1
m=0
# Makes FIFOs m+1 … m+16 with one mkfifo, so a command does not wait for a process start of its own.
more() { a=(); while [ \${#a[@]} -lt 16 ]; do m=$((m + 1)); a+=("$d.$m"); done; mkfifo -m 600 -- "\${a[@]}" 2>/dev/null; }
more
while IFS= read -r -d '' op; do
  case $op in
  R)
    IFS= read -r -d '' id; IFS= read -r -d '' dir; IFS= read -r -d '' cmd
    f=$d.$n
    [ -p "$f" ] || mkfifo -m 600 -- "$f" 2>/dev/null
    printf 'F %s %s\\n' "$id" "$n"
    (
      exec 3>"$f"
      if ! cd -- "$dir" 2>/dev/null; then exec 3>&-; printf 'X %s cd\\n' "$id"; exit; fi
      trap 'jobs -l >"$f.s"' CHLD
      set -m
      bash -c "$cmd" </dev/null >&3 2>&3 3>&- &
      p=$!
      set +m
      exec 3>&-
      LC_ALL=C
      printf 'S %s %s\\n' "$id" "$p"
      wait "$p"; s=$?
      how=exit; j=; IFS= read -r j <"$f.s"
      case $j in *Exit*|*Done*|'') ;; *) how=signal ;; esac
      printf 'E %s %s %s\\n' "$id" "$s" "$how"
    ) &
    n=$((n + 1))
    [ $n -le $m ] || more
    ;;
  K)
    IFS= read -r -d '' sig; IFS= read -r -d '' pg
    kill -s "$sig" -- "-$pg" 2>/dev/null
    ;;
  esac
done
# No more requests (nanocode closed the shell, or died): the waiting subshells go, so none is left
# blocked opening a FIFO nobody will read; the commands themselves are not touched.
kill $(jobs -p) 2>/dev/null
`;
