"""A minimal headless-Chromium driver over the DevTools protocol (navigate, run JS, screenshot)."""

import asyncio
import base64
import json
import socket
import subprocess
import time
import urllib.request

import aiohttp

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Browser:
    def __init__(self, profile_dir, width=1800, height=1000):
        self.port = _free_port()
        self.proc = subprocess.Popen(
            [
                "chromium",
                *FLAGS,
                f"--user-data-dir={profile_dir}",
                f"--window-size={width},{height}",
                f"--remote-debugging-port={self.port}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.time() + 30
        while True:
            try:
                pages = json.load(urllib.request.urlopen(f"http://127.0.0.1:{self.port}/json", timeout=2))
                self.ws_url = next(p["webSocketDebuggerUrl"] for p in pages if p["type"] == "page")
                break
            except (OSError, StopIteration):
                if time.time() > deadline:
                    self.close()
                    raise RuntimeError("chromium did not open its DevTools port") from None
                time.sleep(0.5)
        self.loop = asyncio.new_event_loop()
        self.session = self.loop.run_until_complete(self._connect())
        self.next_id = 0

    async def _connect(self):
        session = aiohttp.ClientSession()
        self.ws = await session.ws_connect(self.ws_url, max_msg_size=0)
        return session

    def send(self, method: str, **params) -> dict:
        return self.loop.run_until_complete(self._send(method, params))

    async def _send(self, method, params):
        self.next_id += 1
        await self.ws.send_json({"id": self.next_id, "method": method, "params": params})
        while True:
            msg = json.loads((await self.ws.receive(timeout=60)).data)
            if msg.get("id") == self.next_id:
                return msg.get("result", {})

    def goto(self, url: str, settle: float = 6.0) -> None:
        self.send("Page.enable")
        self.send("Page.navigate", url=url)
        time.sleep(settle)

    def js(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True)
        return result.get("result", {}).get("value")

    def wait_for(self, expression: str, timeout: float = 30.0):
        deadline = time.time() + timeout
        while time.time() < deadline:
            value = self.js(expression)
            if value:
                return value
            time.sleep(0.5)
        return None

    def screenshot(self, path) -> None:
        data = self.send("Page.captureScreenshot", format="png")["data"]
        with open(path, "wb") as f:
            f.write(base64.b64decode(data))

    def close(self) -> None:
        if getattr(self, "session", None) is not None:
            self.loop.run_until_complete(self.session.close())
            self.loop.close()
        self.proc.kill()
        self.proc.wait(timeout=30)
