"""A small Chrome DevTools Protocol client over --remote-debugging-pipe, for the page tests.

Why not Playwright or pyppeteer: they download their own browser builds (which cannot be
fetched here) or pull in large dependencies, while the pipe protocol is NUL-delimited JSON on
two file descriptors: this file is the whole client, and it drives Debian's own chromium.
It records what a page test must check: console errors, uncaught exceptions, log errors (CSP
violations, failed loads) and every network request the page makes.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from export_support import tool_missing

Message = dict[str, Any]
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--disable-extensions", "--hide-scrollbars", "--mute-audio",
         "--no-default-browser-check", "--remote-debugging-pipe")


def chromium_path() -> str:
    found = shutil.which("chromium") or ("/usr/bin/chromium"
                                         if os.path.exists("/usr/bin/chromium") else None)
    if found is None:
        tool_missing("Debian's chromium (/usr/bin/chromium)")
    return str(found)


class Chromium:
    """One headless browser with one page; use as a context manager."""

    def __init__(self, width: int = 1280, height: int = 900, *, mobile: bool = False) -> None:
        self.profile = tempfile.mkdtemp(prefix="idlib-chromium-")
        self.log = Path(self.profile) / "chromium.log"
        self.events: list[Message] = []
        self._buffer = b""
        self._next_id = 0
        self._start()
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget",
                                 {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Network", "Log"):
            self.call(f"{domain}.enable")
        self.resize(width, height, mobile=mobile)

    def _start(self) -> None:
        # Chromium reads commands on fd 3 and writes replies on fd 4. The child's ends are first
        # moved to fds >= 10 (so they can't be 3 or 4 already), then a tiny Python trampoline
        # puts them in place and execs the browser.
        to_read, to_write = os.pipe()      # we write commands, chromium reads
        from_read, from_write = os.pipe()  # chromium writes replies, we read
        child_in = fcntl.fcntl(to_read, fcntl.F_DUPFD_CLOEXEC, 10)
        child_out = fcntl.fcntl(from_write, fcntl.F_DUPFD_CLOEXEC, 10)
        for fd in (to_read, from_write):
            os.close(fd)
        trampoline = ("import os, sys\n"
                      f"os.dup2({child_in}, 3); os.dup2({child_out}, 4); os.close({child_in}); "
                      f"os.close({child_out})\n"
                      "os.execv(sys.argv[1], sys.argv[1:])")
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-c", trampoline, chromium_path(), *FLAGS,
                 f"--user-data-dir={self.profile}"],
                pass_fds=(child_in, child_out), stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL, stderr=log)
        for fd in (child_in, child_out):
            os.close(fd)
        self._out, self._in = to_write, from_read

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.process.poll() is None:
            with contextlib.suppress(RuntimeError, OSError):
                self.send("Browser.close", timeout=10)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        for fd in (self._out, self._in):
            with contextlib.suppress(OSError):
                os.close(fd)
        shutil.rmtree(self.profile, ignore_errors=True)

    def _failure(self, why: str) -> RuntimeError:
        tail = self.log.read_text(errors="replace")[-2000:] if self.log.exists() else ""
        return RuntimeError(f"chromium: {why}\n{tail}")

    def _read_message(self, deadline: float) -> Message:
        while b"\0" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._failure("no answer in time")
            ready, _, _ = select.select([self._in], [], [], remaining)
            if ready:
                chunk = os.read(self._in, 1 << 20)
                if not chunk:
                    raise self._failure("exited")
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: Message = json.loads(raw)
        return message

    def send(self, method: str, params: Message | None = None, *, session: str | None = None,
             timeout: float = 30) -> Message:
        """Send one command and return its result; events that arrive meanwhile are kept."""
        self._next_id += 1
        command: Message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            command["sessionId"] = session
        os.write(self._out, json.dumps(command).encode() + b"\0")
        deadline = time.monotonic() + timeout
        while True:
            message = self._read_message(deadline)
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: Message = message.get("result", {})
                return result
            self.events.append(message)

    def call(self, method: str, params: Message | None = None, timeout: float = 30) -> Message:
        """A command to the page (its session)."""
        return self.send(method, params, session=self.session, timeout=timeout)

    def resize(self, width: int, height: int, *, mobile: bool = False) -> None:
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": mobile})

    def open(self, url: str, timeout: float = 30) -> None:
        """Navigate and wait for the load event."""
        seen = len(self.events)
        self.call("Page.navigate", {"url": url})
        self.wait_for(lambda: any(e.get("method") == "Page.loadEventFired"
                                  for e in self.events[seen:]), timeout)

    def evaluate(self, expression: str) -> Any:
        reply = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                               "awaitPromise": True})
        if "exceptionDetails" in reply:
            raise RuntimeError(f"page script failed: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def wait_for(self, condition: Any, timeout: float = 30) -> None:
        """Poll `condition` (a callable, or a page expression) until it is true."""
        deadline = time.monotonic() + timeout
        while True:
            done = condition() if callable(condition) else self.evaluate(condition)
            if done:
                return
            if time.monotonic() > deadline:
                raise self._failure(f"timed out waiting for {condition!r}")
            self.send("Browser.getVersion")  # lets events arrive while we wait
            time.sleep(0.05)

    def type_text(self, selector: str, text: str) -> None:
        """Focus an input and type into it the way a keyboard's text input does."""
        self.evaluate(f"document.querySelector({json.dumps(selector)}).focus()")
        self.call("Input.insertText", {"text": text})

    def screenshot(self, path: Path) -> Path:
        data = self.call("Page.captureScreenshot", {"format": "png"})["data"]
        path.write_bytes(base64.b64decode(data))
        return path

    def problems(self) -> list[str]:
        """Console errors and warnings, uncaught exceptions and error-level log entries."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in (
                    "error", "warning", "assert"):
                args = [a.get("value", a.get("description")) for a in params.get("args", [])]
                found.append(f"console.{params['type']}: {args}")
            elif method == "Runtime.exceptionThrown":
                found.append(f"exception: {params.get('exceptionDetails')}")
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                found.append(f"log: {params['entry'].get('text')} {params['entry'].get('url')}")
        return found

    def requests(self) -> list[str]:
        return [e["params"]["request"]["url"] for e in self.events
                if e.get("method") == "Network.requestWillBeSent"]
