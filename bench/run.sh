#!/usr/bin/env bash
# Runs the task suite in bench/tasks with nanocode (dist/cli.cjs) and prints the results table.
# Options: see bench/run-tasks.ts (--jobs N, --tasks 01,02, --max-turns N, --model P/M, --json FILE, --keep).
#   NANOCODE_MODEL=anthropic/claude-sonnet-4-6 ./bench/run.sh --jobs 4
#   OPENAI_BASE_URL=... OPENAI_API_KEY=... OPENAI_MODEL=gemini-3-flash ./bench/run.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tsx="$root/node_modules/tsx/dist/loader.mjs"
if [ ! -f "$root/dist/cli.cjs" ]; then echo "bench: $root/dist/cli.cjs is missing: run npm run build" >&2; exit 2; fi
if [ ! -f "$tsx" ]; then echo "bench: tsx is missing: run npm ci" >&2; exit 2; fi
exec node --import "$tsx" "$root/bench/run-tasks.ts" "$@"
