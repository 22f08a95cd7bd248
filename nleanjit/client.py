"""A small Python client for nleanjit's Lean service (docs/LEAN_API.md).

In: a server's base URL and API key.  Out: the service's JSON answers as plain
dicts, from blocking calls (``LeanClient``) or coroutines (``AsyncLeanClient``):

    from nleanjit.client import LeanClient
    lean = LeanClient("http://127.0.0.1:8000", api_key="KEY")
    lean.check("theorem t : 2 + 2 = 4 := by decide")           # Kimina's /api/check answer
    lean.check(["theorem a : True := trivial", "example : 1 = 2 := rfl"], timeout=10)
    lean.prove("theorem t : 2 + 2 = 4 := sorry")["verified"]   # True
    lean.repl("def x := 5")["env"]; lean.repl("#eval x", env=0)
    state = lean.repl("theorem t (p : Prop) (hp : p) : p := by sorry")["sorries"][0]["proofState"]
    lean.tactic("exact hp", state)      # {"proofState": 1, "goals": [], "proofStatus": "Completed"}

Only the standard library is used.  A 429 (the checker queue is full) is
retried after its ``Retry-After`` up to ``max_retries`` times; any other HTTP
error raises ``LeanClientError`` with the server's error object.
"""

from __future__ import annotations

import asyncio
import json
import time
import urllib.error
import urllib.request


class LeanClientError(Exception):
    """A non-2xx answer: ``status`` and the server's ``{"error": {...}}`` body."""

    def __init__(self, status: int, body):
        message = body.get("error", {}).get("message") if isinstance(body, dict) else str(body)
        super().__init__(f"HTTP {status}: {message}")
        self.status = status
        self.body = body


class LeanClient:
    def __init__(self, base_url: str, api_key: str | None = None, *, timeout: float = 600.0,
                 max_retries: int = 3, session_id: str | None = None):
        self.base_url = base_url.rstrip("/")
        if self.base_url.endswith("/v1"):
            self.base_url = self.base_url[:-3]
        self.api_key = api_key
        self.timeout = timeout
        self.max_retries = max_retries
        self.session_id = session_id

    # --- the endpoints -----------------------------------------------------------------

    def check(self, code, *, timeout: float = 30, debug: bool = False, reuse: bool = True) -> dict:
        """``/api/check``: ``code`` is a string, a list of strings (ids "0", "1", …) or a list of
        ``{"id", "code"}`` snippets."""
        if isinstance(code, str):
            snippets = [{"id": "0", "code": code}]
        else:
            snippets = [c if isinstance(c, dict) else {"id": str(i), "code": c} for i, c in enumerate(code)]
        return self._post("/api/check", {"snippets": snippets, "timeout": timeout, "debug": debug,
                                         "reuse": reuse})

    def verify(self, codes: list[dict], *, timeout: float = 300) -> dict:
        return self._post("/verify", {"codes": codes, "timeout": timeout})

    def repl(self, cmd: str, env: int | None = None, *, timeout: float = 30) -> dict:
        body = {"cmd": cmd, "timeout": timeout}
        if env is not None:
            body["env"] = env
        return self._post("/v1/lean/repl", body)

    def tactic(self, tactic: str, proof_state: int, *, timeout: float = 30) -> dict:
        """The REPL's tactic mode: ``tactic`` on ``proof_state`` (from a ``sorries`` entry or an
        earlier tactic answer, in this client's session)."""
        return self._post("/v1/lean/repl", {"tactic": tactic, "proofState": proof_state, "timeout": timeout})

    def run(self, code: str, args: list[str] = (), stdin: str = "", *, timeout: float = 10) -> dict:
        return self._post("/v1/lean/run", {"code": code, "args": list(args), "stdin": stdin,
                                           "timeout": timeout})

    def prove(self, statement: str, **options) -> dict:
        """``/v1/lean/prove``; options: model, attempts, temperature, max_tokens, seed, timeout."""
        return self._post("/v1/lean/prove", {"statement": statement, **options, "stream": False})

    def prove_stream(self, statement: str, **options):
        """Yields each event of ``/v1/lean/prove`` with ``stream: true``: ``{"attempt": {...}}``
        per attempt, then the result."""
        req = self._request("/v1/lean/prove", {"statement": statement, **options, "stream": True})
        with self._open(req) as resp:
            for raw in resp:
                line = raw.decode("utf-8").rstrip("\n")
                if not line.startswith("data: "):
                    continue
                data = line[len("data: "):]
                if data == "[DONE]":
                    return
                event = json.loads(data)
                if "error" in event and len(event) == 1:
                    raise LeanClientError(500, event)
                yield event

    # --- HTTP --------------------------------------------------------------------------

    def _request(self, path: str, body: dict) -> urllib.request.Request:
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        if self.session_id:
            headers["X-Session-Id"] = self.session_id
        return urllib.request.Request(self.base_url + path, data=json.dumps(body).encode(), headers=headers,
                                      method="POST")

    def _open(self, req):
        for attempt in range(self.max_retries + 1):
            try:
                return urllib.request.urlopen(req, timeout=self.timeout)
            except urllib.error.HTTPError as err:
                payload = err.read()
                try:
                    body = json.loads(payload)
                except ValueError:
                    body = payload.decode(errors="replace")
                if err.code == 429 and attempt < self.max_retries:
                    time.sleep(float(err.headers.get("Retry-After") or 1))
                    continue
                raise LeanClientError(err.code, body) from None
        raise AssertionError("unreachable")

    def _post(self, path: str, body: dict) -> dict:
        with self._open(self._request(path, body)) as resp:
            return json.loads(resp.read())


class AsyncLeanClient:
    """The same calls as coroutines (each runs the blocking call on a thread)."""

    def __init__(self, base_url: str, api_key: str | None = None, **kwargs):
        self._sync = LeanClient(base_url, api_key, **kwargs)

    async def check(self, code, **kw) -> dict:
        return await asyncio.to_thread(self._sync.check, code, **kw)

    async def verify(self, codes: list[dict], **kw) -> dict:
        return await asyncio.to_thread(self._sync.verify, codes, **kw)

    async def repl(self, cmd: str, env: int | None = None, **kw) -> dict:
        return await asyncio.to_thread(self._sync.repl, cmd, env, **kw)

    async def tactic(self, tactic: str, proof_state: int, **kw) -> dict:
        return await asyncio.to_thread(self._sync.tactic, tactic, proof_state, **kw)

    async def run(self, code: str, args: list[str] = (), stdin: str = "", **kw) -> dict:
        return await asyncio.to_thread(self._sync.run, code, args, stdin, **kw)

    async def prove(self, statement: str, **options) -> dict:
        return await asyncio.to_thread(self._sync.prove, statement, **options)
