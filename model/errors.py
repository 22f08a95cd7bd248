"""Typed engine errors.

Every failure the engine reports is an instance of :class:`EngineError`; each
subclass carries the values a caller needs (file, tensor, limits) as attributes
and a message that names them.  The server turns them into OpenAI error objects
in one place; nothing inside ``model/`` formats errors for users beyond ``str``.
"""
from __future__ import annotations


class EngineError(Exception):
    """Base class of every error raised by ``model``."""


class ModelFileMissing(EngineError):
    def __init__(self, path, what: str = "file"):
        self.path = str(path)
        super().__init__(f"missing {what}: {self.path}")


class UnsupportedArchitecture(EngineError):
    def __init__(self, architecture: str, config_path, supported):
        self.architecture = architecture
        self.config_path = str(config_path)
        super().__init__(
            f"unsupported architecture {architecture!r} in {self.config_path}; "
            f"supported: {', '.join(sorted(supported))}")


class UnsupportedDtype(EngineError):
    def __init__(self, dtype: str, where: str, supported):
        self.dtype = dtype
        super().__init__(f"unsupported dtype {dtype!r} ({where}); supported: {', '.join(supported)}")


class UnsupportedDevice(EngineError):
    def __init__(self, device: str, reason: str = ""):
        self.device = device
        super().__init__(f"unsupported device {device!r}" + (f": {reason}" if reason else ""))


class ConfigError(EngineError):
    """config.json (or another JSON model file) is unreadable or lacks a field."""

    def __init__(self, path, detail: str):
        self.path = str(path)
        super().__init__(f"{self.path}: {detail}")


class CorruptWeights(EngineError):
    """A safetensors file is truncated, has a bad header, or a tensor lies outside the data."""

    def __init__(self, path, detail: str, tensor: str | None = None):
        self.path = str(path)
        self.tensor = tensor
        where = f"tensor {tensor!r} in {self.path}" if tensor else self.path
        super().__init__(f"corrupt safetensors file: {where}: {detail}")


class MissingWeight(EngineError):
    def __init__(self, tensor: str, model_dir):
        self.tensor = tensor
        self.path = str(model_dir)
        super().__init__(f"weight {tensor!r} not found in the safetensors files of {self.path}")


class WeightShapeMismatch(EngineError):
    def __init__(self, tensor: str, path, expected, actual):
        self.tensor = tensor
        self.path = str(path)
        self.expected = tuple(expected)
        self.actual = tuple(actual)
        super().__init__(
            f"shape mismatch for tensor {tensor!r} in {self.path}: "
            f"config.json implies {self.expected}, file has {self.actual}")


class TokenizerError(EngineError):
    def __init__(self, path, detail: str):
        self.path = str(path)
        super().__init__(f"{self.path}: {detail}")


class ChatTemplateError(EngineError):
    """The model has no chat template, or rendering it raised."""


class InvalidSamplingParams(EngineError):
    def __init__(self, param: str, detail: str):
        self.param = param
        super().__init__(f"invalid sampling parameter {param}: {detail}")


class InvalidRequest(EngineError):
    """A request the engine cannot take: duplicate id, empty prompt, token id out of range, wrong model kind."""


class ContextLengthExceeded(EngineError):
    def __init__(self, prompt_tokens: int, max_tokens: int, context_length: int):
        self.prompt_tokens = prompt_tokens
        self.max_tokens = max_tokens
        self.context_length = context_length
        super().__init__(
            f"prompt of {prompt_tokens} tokens plus max_tokens={max_tokens} exceeds "
            f"the context length of {context_length} tokens")


class KVCacheFull(EngineError):
    def __init__(self, blocks_needed: int, blocks_free: int, blocks_total: int):
        self.blocks_needed = blocks_needed
        self.blocks_free = blocks_free
        self.blocks_total = blocks_total
        super().__init__(
            f"KV cache full: request needs {blocks_needed} blocks, {blocks_free} of "
            f"{blocks_total} are free; retry later")


class InputTooLong(EngineError):
    def __init__(self, index: int, tokens: int, limit: int):
        self.index = index
        self.tokens = tokens
        self.limit = limit
        super().__init__(
            f"input {index} has {tokens} tokens, more than the model limit of {limit} "
            f"(pass truncate=True to cut it)")
