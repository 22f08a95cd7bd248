"""nleanjit's transformer inference engine: Numba kernels over safetensors weights, no torch.

    import model
    eng = model.load(path, dtype="auto" | "fp32" | "bf16" | "int8", device="cpu" | "cuda")
    eng.info(); eng.tokenizer
    eng.add_request(id, prompt_ids, model.SamplingParams(...)); eng.step(); eng.abort(id)
    eng.generate(prompt_ids, params)            # iterator of model.TokenEvent
    eng.embed(["text", ...])                    # encoders: model.EmbeddingResult

Layout, in the order data flows: config -> loader -> kernels (reference, cpu, cuda) -> backend ->
architectures (llama, bert) -> kv_cache -> sampler -> tokenizer -> engine.
"""
import os

# Numba's parallel kernels run on OpenMP threads that, by default, spin at every barrier.  On a
# shared 2-core box a spinning thread keeps its descheduled partner from running, and a decode
# step (~120 parallel regions) slowed from 113 to 1.3 tok/s next to one busy process (measured,
# docs/PERFORMANCE.md).  Sleeping waits cost a few microseconds per region when the machine is
# quiet.  Must be set before Numba loads its OpenMP layer; an explicit setting wins.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

from .engine import (EmbeddingResult, Engine, EngineInfo, TokenEvent, default_chat_model_path,
                     default_embedding_model_path, load)
from .errors import (ChatTemplateError, ConfigError, ContextLengthExceeded, CorruptWeights, EngineError,
                     InputTooLong, InvalidRequest, InvalidSamplingParams, KVCacheFull, MissingWeight,
                     ModelFileMissing, TokenizerError, UnsupportedArchitecture, UnsupportedDevice,
                     UnsupportedDtype, WeightShapeMismatch)
from .sampler import SamplingParams
from .tokenizer import IncrementalDetokenizer, Tokenizer

__all__ = [
    "load", "Engine", "EngineInfo", "TokenEvent", "EmbeddingResult", "SamplingParams", "Tokenizer",
    "IncrementalDetokenizer", "default_chat_model_path", "default_embedding_model_path",
    "EngineError", "ModelFileMissing", "ConfigError", "UnsupportedArchitecture", "UnsupportedDtype",
    "UnsupportedDevice", "CorruptWeights", "MissingWeight", "WeightShapeMismatch", "TokenizerError",
    "ChatTemplateError", "InvalidSamplingParams", "InvalidRequest", "ContextLengthExceeded",
    "KVCacheFull", "InputTooLong",
]
