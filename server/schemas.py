"""Request schemas: the one source of truth for validation and /openapi.json.

In: a JSON value decoded from a request body.  Out: a plain ``dict`` with every
declared field present (defaults filled in), or an :class:`errors.APIError`
(400) whose ``param`` names the offending field the way OpenAI does
(``messages[1].content``).

The schema layer is deliberately small: a handful of type classes (``Str``,
``Int``, ``Num``, ``Bool``, ``Array``, ``MapOf``, ``OneOf``, ``Obj``) that each
know how to *check* a value and how to print themselves as JSON Schema.  The
same ``Obj`` objects are passed to the routes' ``@validated`` decorator and to
the OpenAPI builder, so the document cannot drift from what the server accepts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from server import errors

_MISSING = object()


def _join(path: str, key: str | int) -> str:
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


class Type:
    """A JSON type: ``check`` returns the (possibly normalised) value or raises."""

    description: str = ""

    def check(self, value: Any, path: str) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def json_schema(self) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def name(self) -> str:
        return self.json_schema().get("type", "value")


def _bad(path: str, message: str) -> errors.APIError:
    return errors.invalid_param(path or None, message)


@dataclass(frozen=True)
class Str(Type):
    enum: tuple[str, ...] | None = None
    min_length: int | None = None
    max_length: int | None = None

    def check(self, value, path):
        if not isinstance(value, str):
            raise _bad(path, f"Invalid type for '{path}': expected a string, got {_kind(value)}.")
        if self.enum is not None and value not in self.enum:
            raise _bad(path, f"Invalid value for '{path}': {value!r}; supported values are "
                             + ", ".join(repr(e) for e in self.enum) + ".")
        if self.min_length is not None and len(value) < self.min_length:
            raise _bad(path, f"Invalid '{path}': string too short; expected at least "
                             f"{self.min_length} characters.")
        if self.max_length is not None and len(value) > self.max_length:
            raise _bad(path, f"Invalid '{path}': string too long; expected at most "
                             f"{self.max_length} characters.")
        return value

    def json_schema(self):
        s: dict = {"type": "string"}
        if self.enum is not None:
            s["enum"] = list(self.enum)
        if self.min_length is not None:
            s["minLength"] = self.min_length
        if self.max_length is not None:
            s["maxLength"] = self.max_length
        return s


@dataclass(frozen=True)
class Int(Type):
    minimum: int | None = None
    maximum: int | None = None

    def check(self, value, path):
        # bool is an int in Python but not in JSON; 2.0 is accepted as 2 like OpenAI does
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(path, f"Invalid type for '{path}': expected an integer, got {_kind(value)}.")
        _check_range(value, path, self.minimum, self.maximum)
        return value

    def json_schema(self):
        return _with_range({"type": "integer"}, self.minimum, self.maximum)


@dataclass(frozen=True)
class Num(Type):
    minimum: float | None = None
    maximum: float | None = None

    def check(self, value, path):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise _bad(path, f"Invalid type for '{path}': expected a finite number, got {_kind(value)}.")
        _check_range(value, path, self.minimum, self.maximum)
        return float(value)

    def json_schema(self):
        return _with_range({"type": "number"}, self.minimum, self.maximum)


@dataclass(frozen=True)
class Bool(Type):
    def check(self, value, path):
        if not isinstance(value, bool):
            raise _bad(path, f"Invalid type for '{path}': expected a boolean, got {_kind(value)}.")
        return value

    def json_schema(self):
        return {"type": "boolean"}


@dataclass(frozen=True)
class Array(Type):
    items: Type
    min_items: int | None = None
    max_items: int | None = None

    def check(self, value, path):
        if not isinstance(value, list):
            raise _bad(path, f"Invalid type for '{path}': expected an array, got {_kind(value)}.")
        if self.min_items is not None and len(value) < self.min_items:
            raise _bad(path, f"Invalid '{path}': expected an array with at least {self.min_items} "
                             f"item(s), got {len(value)}.")
        if self.max_items is not None and len(value) > self.max_items:
            raise _bad(path, f"Invalid '{path}': expected an array with at most {self.max_items} "
                             f"items, got {len(value)}.")
        return [self.items.check(v, _join(path, i)) for i, v in enumerate(value)]

    def json_schema(self):
        s = {"type": "array", "items": self.items.json_schema()}
        if self.min_items is not None:
            s["minItems"] = self.min_items
        if self.max_items is not None:
            s["maxItems"] = self.max_items
        return s

    def name(self):
        return f"array of {self.items.name()}"


@dataclass(frozen=True)
class MapOf(Type):
    """An object with free string keys whose values all have one type (``logit_bias``)."""

    values: Type
    key_pattern: str | None = None  # documentation only; keys are checked by the route

    def check(self, value, path):
        if not isinstance(value, dict):
            raise _bad(path, f"Invalid type for '{path}': expected an object, got {_kind(value)}.")
        return {k: self.values.check(v, _join(path, k)) for k, v in value.items()}

    def json_schema(self):
        s: dict = {"type": "object", "additionalProperties": self.values.json_schema()}
        if self.key_pattern:
            s["propertyNames"] = {"pattern": self.key_pattern}
        return s

    def name(self):
        return "object"


@dataclass(frozen=True)
class OneOf(Type):
    """The first alternative that accepts the value wins (order matters)."""

    alternatives: tuple[Type, ...]

    def check(self, value, path):
        for alt in self.alternatives:
            try:
                return alt.check(value, path)
            except errors.APIError:
                continue
        names = " or ".join(a.name() for a in self.alternatives)
        raise _bad(path, f"Invalid type for '{path}': expected {names}, got {_kind(value)}.")

    def json_schema(self):
        return {"oneOf": [a.json_schema() for a in self.alternatives]}

    def name(self):
        return " or ".join(a.name() for a in self.alternatives)


@dataclass(frozen=True)
class Field:
    name: str
    type: Type
    required: bool = False
    default: Any = None
    description: str = ""
    nullable: bool = True  # OpenAI clients send null for "not given"; null means the default


@dataclass(frozen=True)
class Obj(Type):
    """A named object type; named ones become ``components.schemas`` in the OpenAPI document."""

    title: str
    fields: tuple[Field, ...]
    description: str = ""
    ignored: tuple[str, ...] = ()  # accepted for compatibility, documented, and dropped
    closed: bool = True  # unknown fields are a 400 naming them

    def check(self, value, path=""):
        if not isinstance(value, dict):
            what = "The request body" if not path else f"'{path}'"
            raise _bad(path, f"{what} must be a JSON object, got {_kind(value)}.")
        out: dict = {}
        known = {f.name for f in self.fields}
        for key in value:
            if key not in known and key not in self.ignored and self.closed:
                raise errors.invalid_param(_join(path, key),
                                           f"Unrecognized request argument supplied: {_join(path, key)}",
                                           code="unknown_parameter")
        for f in self.fields:
            p = _join(path, f.name)
            v = value.get(f.name, _MISSING)
            if v is None and f.nullable and not f.required:
                v = _MISSING
            if v is _MISSING:
                if f.required:
                    raise errors.missing_param(p)
                out[f.name] = f.default
                continue
            out[f.name] = f.type.check(v, p)
        return out

    def json_schema(self):
        return {"$ref": f"#/components/schemas/{self.title}"}

    def component(self) -> dict:
        props = {}
        for f in self.fields:
            s = dict(f.type.json_schema())
            if f.description:
                s["description"] = f.description
            if f.default is not None:
                s["default"] = f.default
            props[f.name] = s
        for name in self.ignored:
            props[name] = {"description": "accepted for compatibility and ignored"}
        s = {"type": "object", "title": self.title, "properties": props,
             "additionalProperties": not self.closed}
        required = [f.name for f in self.fields if f.required]
        if required:
            s["required"] = required
        if self.description:
            s["description"] = self.description
        return s

    def name(self):
        return "object"

    def nested(self) -> list["Obj"]:
        """This object and every named object reachable from its fields."""
        found: dict[str, Obj] = {}

        def walk(t: Type):
            if isinstance(t, Obj):
                if t.title not in found:
                    found[t.title] = t
                    for f in t.fields:
                        walk(f.type)
            elif isinstance(t, Array):
                walk(t.items)
            elif isinstance(t, MapOf):
                walk(t.values)
            elif isinstance(t, OneOf):
                for a in t.alternatives:
                    walk(a)

        walk(self)
        return list(found.values())


def _check_range(value, path, lo, hi):
    if lo is not None and value < lo:
        raise _bad(path, f"Invalid '{path}': {value} is less than the minimum of {lo}.")
    if hi is not None and value > hi:
        raise _bad(path, f"Invalid '{path}': {value} is greater than the maximum of {hi}.")


def _with_range(s, lo, hi):
    if lo is not None:
        s["minimum"] = lo
    if hi is not None:
        s["maximum"] = hi
    return s


def _kind(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


# ================================================================================
# The API's request bodies
# ================================================================================

TOKEN_ID = Int(minimum=0)
TOKEN_IDS = Array(TOKEN_ID, min_items=1)

_MODEL = Field("model", Str(min_length=1), required=True,
               description="id of a served model, as listed by GET /v1/models")

_SAMPLING = (
    Field("max_tokens", Int(minimum=1), description="most tokens to generate"),
    Field("temperature", Num(minimum=0.0, maximum=2.0), default=1.0,
          description="0 means greedy decoding"),
    Field("top_p", Num(minimum=0.0, maximum=1.0), default=1.0),
    Field("n", Int(minimum=1, maximum=16), default=1, description="choices per prompt"),
    Field("stop", OneOf((Str(), Array(Str(), max_items=4))),
          description="up to 4 strings; generation stops before them"),
    Field("seed", Int(), description="same seed, parameters and prompt give the same output"),
    Field("presence_penalty", Num(minimum=-2.0, maximum=2.0), default=0.0),
    Field("frequency_penalty", Num(minimum=-2.0, maximum=2.0), default=0.0),
    Field("logit_bias", MapOf(Num(minimum=-100.0, maximum=100.0), key_pattern=r"^[0-9]+$"),
          description="token id (as a string) -> bias added to its logit"),
    Field("stream", Bool(), default=False),
    Field("stream_options", Obj("StreamOptions", (
        Field("include_usage", Bool(), default=False,
              description="send a last chunk carrying usage and no choices"),
    ), ignored=("continuous_usage_stats",))),
    Field("user", Str(), description="end-user id; recorded nowhere"),
    # the common extensions (vLLM / llama.cpp names)
    Field("top_k", Int(minimum=-1), default=0, description="extension: keep the k best tokens; 0 or -1 = off"),
    Field("min_p", Num(minimum=0.0, maximum=1.0), default=0.0, description="extension"),
    Field("repetition_penalty", Num(minimum=0.01, maximum=10.0), default=1.0, description="extension"),
    Field("ignore_eos", Bool(), default=False, description="extension: keep going past end-of-sequence"),
    Field("stop_token_ids", Array(TOKEN_ID), description="extension: token ids that stop generation"),
)

TEXT_PART = Obj("ChatContentTextPart", (
    Field("type", Str(enum=("text",)), required=True,
          description="only text parts are supported"),
    Field("text", Str(), required=True),
))

CHAT_MESSAGE = Obj("ChatMessage", (
    Field("role", Str(enum=("system", "developer", "user", "assistant")), required=True),
    Field("content", OneOf((Str(), Array(TEXT_PART))),
          description="a string, or a list of text parts joined together"),
    Field("name", Str()),
), ignored=("refusal",))

CHAT_COMPLETION_REQUEST = Obj("ChatCompletionRequest", (
    _MODEL,
    Field("messages", Array(CHAT_MESSAGE, min_items=1), required=True),
    *_SAMPLING,
    Field("max_completion_tokens", Int(minimum=1),
          description="takes precedence over max_tokens"),
    Field("logprobs", Bool(), default=False),
    Field("top_logprobs", Int(minimum=0, maximum=20), description="needs logprobs: true"),
), description="POST /v1/chat/completions",
    ignored=("store", "metadata", "service_tier", "parallel_tool_calls"))

COMPLETION_REQUEST = Obj("CompletionRequest", (
    _MODEL,
    Field("prompt", OneOf((Str(), Array(Str(), min_items=1), TOKEN_IDS, Array(TOKEN_IDS, min_items=1))),
          required=True, description="a string, a list of strings, token ids, or a list of token id lists"),
    *_SAMPLING,
    Field("echo", Bool(), default=False, description="prepend the prompt to the completion"),
    Field("logprobs", Int(minimum=0, maximum=5), description="number of top alternatives per token"),
    Field("suffix", Str(), description="not supported: must be absent or empty"),
    Field("best_of", Int(minimum=1, maximum=1), description="only 1 is supported"),
), description="POST /v1/completions")

EMBEDDING_REQUEST = Obj("EmbeddingRequest", (
    _MODEL,
    Field("input", OneOf((Str(), Array(Str(), min_items=1, max_items=2048), TOKEN_IDS,
                          Array(TOKEN_IDS, min_items=1, max_items=2048))),
          required=True, description="a string, a list of strings, token ids or token id lists"),
    Field("encoding_format", Str(enum=("float", "base64")), default="float",
          description="base64 = little-endian float32"),
    Field("dimensions", Int(minimum=1), description="must equal the model's dimension"),
    Field("user", Str()),
    Field("truncate", Bool(), default=False, description="extension: cut inputs over the model limit"),
), description="POST /v1/embeddings")

TOKENIZE_REQUEST = Obj("TokenizeRequest", (
    _MODEL,
    Field("prompt", Str(), description="text to tokenize (give prompt or messages)"),
    Field("messages", Array(CHAT_MESSAGE, min_items=1), description="chat to render and tokenize"),
    Field("add_special_tokens", Bool(), default=True),
    Field("add_generation_prompt", Bool(), default=True),
), description="POST /tokenize")

DETOKENIZE_REQUEST = Obj("DetokenizeRequest", (
    _MODEL,
    Field("tokens", Array(TOKEN_ID), required=True),
), description="POST /detokenize")


# --- response shapes (documentation only: the server builds them in server/serving.py) ---

_ANY_OBJ = Obj("Object", (), closed=False)
USAGE = Obj("Usage", (
    Field("prompt_tokens", Int()), Field("completion_tokens", Int()), Field("total_tokens", Int()),
))
ERROR_RESPONSE = Obj("ErrorResponse", (
    Field("error", Obj("Error", (
        Field("message", Str()), Field("type", Str()), Field("param", Str()), Field("code", Str()),
    )), required=True),
), description="every non-2xx answer, and the last SSE event of a stream that fails")
MODEL = Obj("Model", (
    Field("id", Str()), Field("object", Str(enum=("model",))), Field("created", Int()),
    Field("owned_by", Str()), Field("kind", Str(enum=("decoder", "encoder"))),
    Field("context_length", Int()),
))
MODEL_LIST = Obj("ModelList", (Field("object", Str(enum=("list",))), Field("data", Array(MODEL))))
CHAT_COMPLETION = Obj("ChatCompletion", (
    Field("id", Str()), Field("object", Str(enum=("chat.completion",))), Field("created", Int()),
    Field("model", Str()),
    Field("choices", Array(Obj("ChatChoice", (
        Field("index", Int()),
        Field("message", Obj("ChatResponseMessage", (Field("role", Str()), Field("content", Str())))),
        Field("logprobs", _ANY_OBJ), Field("finish_reason", Str(enum=("stop", "length"))),
    )))),
    Field("usage", USAGE),
), description="stream: true sends chat.completion.chunk events instead, then data: [DONE]")
COMPLETION = Obj("Completion", (
    Field("id", Str()), Field("object", Str(enum=("text_completion",))), Field("created", Int()),
    Field("model", Str()),
    Field("choices", Array(Obj("CompletionChoice", (
        Field("index", Int()), Field("text", Str()), Field("logprobs", _ANY_OBJ),
        Field("finish_reason", Str(enum=("stop", "length"))),
    )))),
    Field("usage", USAGE),
))
EMBEDDING_LIST = Obj("EmbeddingList", (
    Field("object", Str(enum=("list",))), Field("model", Str()),
    Field("data", Array(Obj("Embedding", (
        Field("object", Str(enum=("embedding",))), Field("index", Int()),
        Field("embedding", OneOf((Array(Num()), Str()))),
    )))),
    Field("usage", Obj("EmbeddingUsage", (Field("prompt_tokens", Int()), Field("total_tokens", Int())))),
))
TOKENIZE_RESPONSE = Obj("TokenizeResponse", (
    Field("tokens", Array(Int())), Field("count", Int()), Field("max_model_len", Int()),
))
DETOKENIZE_RESPONSE = Obj("DetokenizeResponse", (Field("prompt", Str()),))
HEALTH = Obj("Health", (Field("status", Str(enum=("ok", "loading", "failed"))),))
