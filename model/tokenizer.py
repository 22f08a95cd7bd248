"""Tokenizer: text <-> token ids through Hugging Face ``tokenizers``, chat templates, incremental detokenizing.

Goes in: a model folder's ``tokenizer.json`` (required), ``tokenizer_config.json`` (special tokens,
``chat_template``), ``generation_config.json`` and ``config.json`` (stop ids).  Comes out:
:class:`Tokenizer` with ``encode``/``decode``/``apply_chat_template`` and the set of ids that end
generation, and :class:`IncrementalDetokenizer`, which turns a growing list of ids into text deltas
that never split a UTF-8 character (a byte-level BPE token can end in the middle of one: the
decoded tail is then U+FFFD, and we hold it back until the next token completes it).
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import jinja2
import jinja2.sandbox
from tokenizers import Tokenizer as HFTokenizer

from .errors import ChatTemplateError, ModelFileMissing, TokenizerError

REPLACEMENT = "\ufffd"


def _token_content(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, dict):
        return value.get("content")
    return str(value)


def _read_optional_json(path: Path) -> dict:
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise TokenizerError(path, f"not valid JSON ({e})") from None
    return data if isinstance(data, dict) else {}


class Tokenizer:
    def __init__(self, model_dir: Path):
        model_dir = Path(model_dir)
        path = model_dir / "tokenizer.json"
        if not path.is_file():
            raise ModelFileMissing(path, "tokenizer file")
        try:
            self._tok = HFTokenizer.from_file(str(path))
        except Exception as e:  # tokenizers raises plain Exception subclasses on bad files
            raise TokenizerError(path, f"cannot read tokenizer ({e})") from None
        # the model folder's tokenizer.json may pad/truncate to a fixed length (MiniLM's does): the
        # engine pads and enforces limits itself.
        self._tok.no_truncation()
        self._tok.no_padding()
        tcfg = _read_optional_json(model_dir / "tokenizer_config.json")
        gcfg = _read_optional_json(model_dir / "generation_config.json")
        mcfg = _read_optional_json(model_dir / "config.json")
        self.bos_token: str | None = _token_content(tcfg.get("bos_token"))
        self.eos_token: str | None = _token_content(tcfg.get("eos_token"))
        self.pad_token: str | None = _token_content(tcfg.get("pad_token"))
        self.chat_template: str | None = self._pick_template(tcfg.get("chat_template"))
        if self.chat_template is None and (model_dir / "chat_template.jinja").is_file():
            self.chat_template = (model_dir / "chat_template.jinja").read_text(encoding="utf-8")
        eos: set[int] = set()
        for src in (gcfg.get("eos_token_id"), mcfg.get("eos_token_id")):
            if isinstance(src, int):
                eos.add(src)
            elif isinstance(src, list):
                eos.update(int(i) for i in src)
        if self.eos_token is not None:
            tid = self._tok.token_to_id(self.eos_token)
            if tid is not None:
                eos.add(tid)
        self.eos_token_ids: set[int] = eos
        self.vocab_size = self._tok.get_vocab_size(with_added_tokens=True)
        self.special_ids = frozenset(
            tid for tid, tok in self._tok.get_added_tokens_decoder().items() if tok.special)
        self._template = None

    @staticmethod
    def _pick_template(value) -> str | None:
        if isinstance(value, str):
            return value
        if isinstance(value, list):  # [{"name": "default", "template": ...}, ...]
            named = {t.get("name"): t.get("template") for t in value if isinstance(t, dict)}
            return named.get("default") or next(iter(named.values()), None)
        return None

    # ------------------------------------------------------------ ids
    def encode(self, text: str, add_special_tokens: bool = True) -> list[int]:
        return list(self._tok.encode(text, add_special_tokens=add_special_tokens).ids)

    def encode_batch(self, texts: list[str], add_special_tokens: bool = True) -> list[list[int]]:
        return [list(e.ids) for e in self._tok.encode_batch(texts, add_special_tokens=add_special_tokens)]

    def decode(self, ids, skip_special_tokens: bool = True) -> str:
        return self._tok.decode(list(ids), skip_special_tokens=skip_special_tokens)

    def token_text(self, token_id: int) -> str:
        """The text of one token on its own (may be U+FFFD for a partial UTF-8 byte sequence)."""
        return self._tok.decode([int(token_id)], skip_special_tokens=False)

    def token_to_id(self, token: str) -> int | None:
        return self._tok.token_to_id(token)

    # ------------------------------------------------------------ chat
    def apply_chat_template(self, messages: list[dict], add_generation_prompt: bool = True) -> str:
        if not self.chat_template:
            raise ChatTemplateError("this model has no chat_template in tokenizer_config.json")
        if self._template is None:
            env = jinja2.sandbox.ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
            env.filters["tojson"] = lambda v, indent=None: json.dumps(v, ensure_ascii=False, indent=indent)
            env.globals["raise_exception"] = _raise_template_error
            env.globals["strftime_now"] = lambda fmt: datetime.now().strftime(fmt)
            try:
                self._template = env.from_string(self.chat_template)
            except jinja2.TemplateError as e:
                raise ChatTemplateError(f"chat_template does not compile: {e}") from None
        try:
            return self._template.render(
                messages=messages, add_generation_prompt=add_generation_prompt,
                bos_token=self.bos_token or "", eos_token=self.eos_token or "")
        except ChatTemplateError:
            raise
        except Exception as e:  # jinja2 errors, or a template indexing a malformed message
            raise ChatTemplateError(f"chat_template failed: {e}") from None


def _raise_template_error(message: str):
    raise ChatTemplateError(f"chat_template rejected the messages: {message}")


class IncrementalDetokenizer:
    """Text deltas for a growing sequence of generated ids.

    Decodes a short window (``prefix_offset:``) rather than the whole sequence, so the cost per token
    is constant; the window keeps a few earlier tokens because some decoders (SentencePiece
    space handling) change how a token prints depending on what precedes it.
    """

    def __init__(self, tokenizer: Tokenizer, skip_special_tokens: bool = True):
        self.tokenizer = tokenizer
        self.skip_special = skip_special_tokens
        self.ids: list[int] = []
        self.prefix_offset = 0
        self.read_offset = 0

    def push(self, token_id: int) -> str:
        """Add one id; return the newly completed text (possibly empty)."""
        self.ids.append(int(token_id))
        return self._advance(final=False)

    def flush(self) -> str:
        """At the end of generation: whatever is held back, U+FFFD included."""
        return self._advance(final=True)

    def _advance(self, final: bool) -> str:
        dec = self.tokenizer.decode
        prefix = dec(self.ids[self.prefix_offset:self.read_offset], self.skip_special)
        full = dec(self.ids[self.prefix_offset:], self.skip_special)
        if len(full) > len(prefix) and (final or not full.endswith(REPLACEMENT)):
            delta = full[len(prefix):] if full.startswith(prefix) else full
            self.prefix_offset = self.read_offset
            self.read_offset = len(self.ids)
            # keep the window short: start the next window at the last emitted token
            return delta
        if final and len(full) > len(prefix):
            return full[len(prefix):]
        return ""
