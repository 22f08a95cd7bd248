"""Shared setup of the examples: the client and the model of the kind an example needs."""

import os

import openai


def client() -> openai.OpenAI:
    return openai.OpenAI(base_url=os.environ.get("NLEANJIT_BASE_URL", "http://127.0.0.1:8000/v1"),
                         api_key=os.environ.get("NLEANJIT_API_KEY", "none"))


def model_of_kind(c: openai.OpenAI, kind: str) -> str:
    # nleanjit's model cards carry "kind": "decoder" (chat, completions) or "encoder" (embeddings)
    for m in c.models.list().data:
        if getattr(m, "kind", None) == kind:
            return m.id
    raise SystemExit(f"the server serves no {kind} model")
