"""Request and response schemas of the Lean endpoints, in the server's schema layer.

In: JSON bodies.  Out: validated dicts with defaults (``server.schemas.Obj``),
and the same objects printed into ``/openapi.json``.  Shapes follow Kimina Lean
Server (``/api/check``, ``/verify``) and the Lean REPL (``/v1/lean/repl``)
exactly; see docs/LEAN_API.md.
"""

from __future__ import annotations

from server.schemas import Array, Bool, Field, Int, Num, Obj, OneOf, Str

_ANY = Obj("LeanAny", (), closed=False)
_TIMEOUT = Num(minimum=0.001)

POS = Obj("LeanPosition", (Field("line", Int()), Field("column", Int())))
MESSAGE = Obj("LeanMessage", (
    Field("severity", Str(enum=("error", "warning", "info")), description="as the Lean REPL writes it"),
    Field("pos", POS), Field("endPos", POS), Field("data", Str()),
))
SORRY = Obj("LeanSorry", (
    Field("pos", POS), Field("endPos", POS),
    Field("goal", Str(), description="the goal a tactic sorry closes; for a term sorry the statement "
                                     "(⊢ type) when it is the whole proof, else null"),
    Field("proofState", Int(), description="the proof state at this sorry, for /v1/lean/repl's tactic mode "
                                           "(kept in the caller's session); null when the goal is unknown"),
))
COMMAND_RESPONSE = Obj("LeanCommandResponse", (
    Field("env", Int()),
    Field("messages", Array(MESSAGE), description="omitted when empty; lines as submitted"),
    Field("sorries", Array(SORRY), description="omitted when empty"),
), description="the Lean REPL's command response")

CHECK_REQUEST = Obj("LeanCheckRequest", (
    Field("snippets", Array(Obj("LeanSnippet", (
        Field("id", Str(), required=True, description="unique within the request"),
        Field("code", Str(), required=True, description="Lean source"),
    )), min_items=1), required=True),
    Field("timeout", _TIMEOUT, default=30.0, description="wall-clock seconds per snippet"),
    Field("debug", Bool(), default=False, description="add diagnostics (outcome, header cache hit)"),
    Field("reuse", Bool(), default=True, description="reuse elaborated import/open headers"),
    Field("infotree", OneOf((Str(), Bool())), description="accepted for compatibility; no info tree is produced"),
), description="POST /api/check (Kimina Lean Server)")
CHECK_RESPONSE = Obj("LeanCheckResponse", (
    Field("results", Array(Obj("LeanCheckResult", (
        Field("id", Str()), Field("time", Num()),
        Field("response", COMMAND_RESPONSE, description="present when the checker answered"),
        Field("error", Str(), description="instead of response: timeout, resource limit, internal fault"),
        Field("diagnostics", _ANY, description="with debug: true"),
    )))),
))

VERIFY_REQUEST = Obj("LeanVerifyRequest", (
    Field("codes", Array(Obj("LeanVerifyCode", (
        Field("custom_id", OneOf((Str(), Int())), required=True),
        Field("proof", Str()), Field("code", Str()),
    )), min_items=1), required=True),
    Field("timeout", _TIMEOUT, default=300.0),
    Field("infotree_type", Str(), description="accepted for compatibility; ignored"),
    Field("disable_cache", Bool(), default=False),
), description="POST /verify (Kimina's legacy API)")
VERIFY_RESPONSE = Obj("LeanVerifyResponse", (
    Field("results", Array(Obj("LeanVerifyResult", (
        Field("custom_id", Str()), Field("error", Str()), Field("response", COMMAND_RESPONSE),
    )))),
))

REPL_REQUEST = Obj("LeanReplRequest", (
    Field("cmd", Str(), description="a Lean command (or several)"),
    Field("env", Int(minimum=0), description="run in this environment (from an earlier answer)"),
    Field("tactic", Str(), description="tactic mode: tactic text to run on proofState"),
    Field("proofState", Int(minimum=0), description="tactic mode: a proof state from an earlier answer"),
    Field("timeout", _TIMEOUT, default=30.0, description="extension: wall-clock seconds"),
    Field("allTactics", Bool(), description="accepted; ignored"),
    Field("infotree", Str(), description="accepted; ignored"),
), description="POST /v1/lean/repl (the Lean REPL's JSON protocol); sessions by X-Session-Id or API key")

RUN_REQUEST = Obj("LeanRunRequest", (
    Field("code", Str(), required=True),
    Field("args", Array(Str()), default=[]),
    Field("stdin", Str(), default=""),
    Field("timeout", _TIMEOUT, default=10.0),
), description="POST /v1/lean/run")
RUN_RESPONSE = Obj("LeanRunResponse", (
    Field("exit_code", Int(), description="null when the program did not run (elaboration errors, what the "
                                          "native compiler cannot lower yet) or ran past its timeout"),
    Field("stdout", Str()), Field("stderr", Str()), Field("time", Num()), Field("messages", Array(MESSAGE)),
))

PROVE_REQUEST = Obj("LeanProveRequest", (
    Field("statement", Str(min_length=1), required=True,
          description="a theorem header (theorem t : P), or code with sorry"),
    Field("model", Str(), description="chat model id (default: the served chat model)"),
    Field("attempts", Int(minimum=0, maximum=64), default=8, description="model samples after the tactics"),
    Field("temperature", Num(minimum=0.0, maximum=2.0), default=0.8),
    Field("max_tokens", Int(minimum=1, maximum=4096), default=256, description="extension"),
    Field("seed", Int(), description="extension: attempt i samples with seed + i"),
    Field("timeout", _TIMEOUT, default=30.0, description="wall-clock seconds per check"),
    Field("stream", Bool(), default=False, description="one SSE event per attempt"),
), description="POST /v1/lean/prove")
ATTEMPT = Obj("LeanProveAttempt", (
    Field("source", Str(enum=("tactic", "model"))), Field("code", Str()), Field("verified", Bool()),
    Field("messages", Array(MESSAGE)),
))
PROVE_RESPONSE = Obj("LeanProveResponse", (
    Field("verified", Bool()), Field("proof", Str(), description="the complete theorem with its proof"),
    Field("attempts", Array(ATTEMPT)),
    Field("usage", Obj("LeanProveUsage", (Field("prompt_tokens", Int()), Field("completion_tokens", Int()),
                                          Field("total_tokens", Int())))),
))
REPL_RESPONSE = Obj("LeanReplResponse", (
    Field("env", Int(), description="command mode: the new environment"),
    Field("messages", Array(MESSAGE), description="omitted when empty; positions in the command or tactic text"),
    Field("sorries", Array(SORRY), description="omitted when empty"),
    Field("proofState", Int(), description="tactic mode: the new proof state"),
    Field("goals", Array(Str()), description="tactic mode: the goals left, as Lean prints them; [] when none"),
    Field("proofStatus", Str(), description="tactic mode: Completed | Incomplete: open goals remain | "
                                            "Incomplete: contains sorry | Incomplete: contains metavariable(s) | "
                                            "Error: …"),
    Field("message", Str(), description="instead of the rest: the REPL's error (unknown environment or proof "
                                        "state, a tactic that failed: 'Lean error:\\n…', a timeout)"),
), description="the Lean REPL's answer: a command response {env, messages?, sorries?}, a proof-step "
               "response {proofState, goals, messages?, sorries?, proofStatus}, or an error {message}")
