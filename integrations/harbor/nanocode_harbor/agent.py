"""Harbor installed-agent adapter: runs nanocode inside each task container (written against Harbor 0.22).

    PYTHONPATH=integrations/harbor harbor run -d terminal-bench@2.0 \\
        -a nanocode_harbor.agent:Nanocode -m anthropic/claude-sonnet-4-6

Setup installs Node.js (>= 20) and nanocode in the container with install-nanocode.sh.j2: by default the
package packed from this checkout (`npm pack`; build it first), or any npm spec given as
`--ak package=...`. The run (commands.run_command) is `nanocode --json --yes --sandbox=off --trajectory ...`
with stdin closed: the container is the boundary, so nanocode's own sandbox is off and commands have the
network. The event stream, stderr and the ATIF trajectory go to the environment's agent log directory
(`environment_logs_dir`), which Harbor brings back as `logs_dir`; the stream's final `result` event fills
Harbor's context (tokens in, out and cached, cost), and `trajectory.json` is what Harbor's viewer shows.

Harbor's interface used here: `install(environment)` and `run(instruction, environment, context)` with
`exec_as_root` / `exec_as_agent`; CLI_FLAGS (agent kwargs that become nanocode flags, built by
`build_cli_flags()`); `resume()` setting `_resume` around `run()` for a multi-step task's later steps;
`mcp_servers` (the task's MCP servers); `populate_context_post_run` after the logs are downloaded.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from pathlib import Path
from typing import Any

from harbor.agents.installed.base import BaseInstalledAgent, CliFlag, with_prompt_template
from harbor.models.agent.context import AgentContext

from .commands import STREAM, TRAJECTORY, install_script, mcp_config, provider_env, run_command
from .stream import context_fields, summarize_file
from .trajectory import total_cost

REPO = Path(__file__).resolve().parents[3]  # the nanocode checkout this adapter lives in
PACKED_IN_CONTAINER = "/tmp/nanocode-agent.tgz"
INSTALL_SCRIPT_IN_CONTAINER = "/installed-agent/install-nanocode.sh"
DEFAULT_MAX_TURNS = 100

_packed: Path | None = None


def packed_checkout() -> Path:
    """`npm pack` of this checkout's built dist/, once per process (concurrent trials share it)."""
    global _packed
    if _packed is not None and _packed.exists():
        return _packed
    if not (REPO / "dist" / "cli.cjs").exists():
        raise RuntimeError(f"{REPO}/dist/cli.cjs is missing: run `npm ci && npm run build` there first")
    out = Path(tempfile.mkdtemp(prefix="nanocode-harbor-"))
    # --ignore-scripts: pack the dist/ that is there; `prepack` would rebuild it under concurrent trials.
    pack = ["npm", "pack", "--ignore-scripts", "--silent", "--pack-destination", str(out)]
    run = subprocess.run(pack, cwd=REPO, capture_output=True, text=True, check=False)
    if run.returncode != 0 or not run.stdout.strip():
        raise RuntimeError(f"npm pack failed in {REPO}: {run.stderr.strip()[-2000:]}")
    _packed = out / run.stdout.strip().splitlines()[-1]
    return _packed


class Nanocode(BaseInstalledAgent):
    """Agent kwargs (`--ak name=value`): max_turns (nanocode's --max-turns, default 100), max_cost
    (--max-cost USD; needs a model nanocode knows the price of); package (an npm spec to install instead
    of this checkout, e.g. a published version)."""

    SUPPORTS_ATIF = True
    SUPPORTS_RESUME = True

    CLI_FLAGS = [
        CliFlag("max_turns", cli="--max-turns", type="int", default=DEFAULT_MAX_TURNS),
        CliFlag("max_cost", cli="--max-cost", type="str"),
    ]

    def __init__(self, *args: Any, package: str | None = None, **kwargs: Any):
        self._package = package
        super().__init__(*args, **kwargs)

    @staticmethod
    def name() -> str:
        return "nanocode"

    def get_version_command(self) -> str | None:
        return "nanocode --version"

    def _package_spec(self) -> str:
        return self._package or PACKED_IN_CONTAINER

    async def setup(self, environment: Any) -> None:
        if self._package is None:
            await environment.upload_file(packed_checkout(), PACKED_IN_CONTAINER)
        await super().setup(environment)

    async def install(self, environment: Any) -> None:
        with tempfile.TemporaryDirectory(prefix="nanocode-install-") as tmp:
            script = Path(tmp) / "install-nanocode.sh"
            script.write_text(install_script(self._package_spec()))
            await environment.upload_file(script, INSTALL_SCRIPT_IN_CONTAINER)
        await self.exec_as_root(
            environment,
            command=f"bash {INSTALL_SCRIPT_IN_CONTAINER}",
            env={"DEBIAN_FRONTEND": "noninteractive"},
        )

    def run_command(self, instruction: str) -> str:
        """The shell command of one run, from this agent's flags, model, MCP servers and resume state."""
        return run_command(
            instruction,
            logs=self.environment_logs_dir.as_posix(),
            model=self.model_name,
            flags=shlex.split(self.build_cli_flags()),
            mcp=mcp_config(self.mcp_servers),
            resume=self._resume,
        )

    @with_prompt_template
    async def run(self, instruction: str, environment: Any, context: AgentContext) -> None:
        await self.exec_as_agent(environment, command=self.run_command(instruction), env=provider_env(os.environ))

    def populate_context_post_run(self, context: AgentContext) -> None:
        summary = summarize_file(self.logs_dir / STREAM)
        if summary is None:
            return
        for field, value in context_fields(summary).items():
            setattr(context, field, value)
        if summary.cost_usd is None and summary.status == "incomplete":
            # Killed before its result event: the trajectory, rewritten after each step, has the cost so far.
            context.cost_usd = total_cost(self.logs_dir / TRAJECTORY)
        context.metadata = {
            **(getattr(context, "metadata", None) or {}),
            "nanocode": {
                "status": summary.status,
                "reason": summary.reason,
                "turns": summary.turns,
                "tool_calls": summary.tool_calls,
                "cache_write_tokens": summary.cache_write_tokens,
                "exit_code": summary.exit_code,
                "model": summary.model,
            },
        }
