"""A real partnerstate server in a process of its own, that a test can kill.

``partnerstate serve`` (waitress) on a free port, against a database the test owns
(tests/own_database.py). The process is what a city runs; killing it with SIGKILL is
what a power cut or the out-of-memory killer does to it.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from tests.conftest import TEST_SECRET

ROOT = Path(__file__).resolve().parents[2]
STARTUP_SECONDS = 40
SERVE = "from partnerstate.cli import main; main()"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class LiveServer:
    """``partnerstate serve`` on ``url``; ``script`` replaces the entry point if given."""

    def __init__(self, url: str, log: Path, script: list[str] | None = None) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        command = [sys.executable, *(script or ["-c", SERVE])]
        command += ["serve", "--db", url, "--host", "127.0.0.1", "--port", str(self.port)]
        environment = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "PARTNERSTATE_SECRET": TEST_SECRET,
            "PARTNERSTATE_ENV": "testing",
        }
        self.log = log.open("ab")
        self.process = subprocess.Popen(  # noqa: S603 (our own interpreter and arguments)
            command, cwd=ROOT, env=environment, stdout=self.log, stderr=subprocess.STDOUT
        )
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server exited ({self.process.returncode})")
            try:
                if self.request("GET", "/healthz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        self.kill()
        raise RuntimeError("the server did not start in time")

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        token: str | None = None,
        timeout: float = 20,
    ) -> tuple[int, Any]:
        """``(status, JSON body)``; raises OSError when the server is gone."""
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(  # noqa: S310 (http to our own local server)
            self.base + path, data=data, headers=headers, method=method
        )
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
                return response.status, json.loads(response.read() or b"null")
        except urllib.error.HTTPError as error:
            text = error.read()
            return error.code, json.loads(text) if text.startswith(b"{") else text

    def kill(self) -> None:
        """SIGKILL: no cleanup, no flush, no rollback from the process itself."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.log.close()
