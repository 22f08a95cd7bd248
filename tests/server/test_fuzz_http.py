"""Odd but well-formed bodies against the live server: a clear answer, never a 500 or a hang."""

from __future__ import annotations

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

edge_numbers = st.one_of(st.integers(-3, 3), st.sampled_from([0.0, 1e-9, 0.5, 1.0, 2.0, 2.0001, -0.0, 1e300]))
texts = st.text(max_size=12)
token_ids = st.lists(st.integers(0, 600), max_size=5)

chat_bodies = st.fixed_dictionaries({
    "messages": st.lists(st.fixed_dictionaries({
        "role": st.sampled_from(["system", "user", "assistant", "developer"]),
        "content": st.one_of(texts, st.none(), st.lists(st.fixed_dictionaries(
            {"type": st.just("text"), "text": texts}), max_size=2))}), min_size=1, max_size=3),
}, optional={
    "max_tokens": st.integers(-1, 4), "max_completion_tokens": st.integers(0, 3),
    "temperature": edge_numbers, "top_p": edge_numbers, "top_k": st.integers(-2, 5),
    "min_p": edge_numbers, "n": st.integers(0, 3), "seed": st.integers(-2**70, 2**70),
    "stop": st.one_of(texts, st.lists(texts, max_size=5)),
    "logit_bias": st.dictionaries(st.one_of(st.integers(0, 700).map(str), texts), edge_numbers, max_size=2),
    "presence_penalty": edge_numbers, "frequency_penalty": edge_numbers, "repetition_penalty": edge_numbers,
    "logprobs": st.booleans(), "top_logprobs": st.integers(-1, 21), "stream": st.booleans(),
    "stop_token_ids": token_ids, "ignore_eos": st.booleans(),
})
completion_bodies = st.fixed_dictionaries({
    "prompt": st.one_of(texts, st.lists(texts, max_size=2), token_ids, st.lists(token_ids, max_size=2)),
}, optional={"max_tokens": st.integers(0, 3), "echo": st.booleans(), "logprobs": st.integers(-1, 6),
             "n": st.integers(1, 2), "stream": st.booleans(), "suffix": texts, "best_of": st.integers(0, 2)})


def _check(server, path, body):
    status, _, answer = server.request("POST", path, body)
    event(f"HTTP {status}")
    assert status in (200, 400), (status, body, answer)
    if status == 400:
        assert set(answer["error"]) == {"message", "type", "param", "code"} and answer["error"]["message"]
    elif isinstance(answer, str):  # a stream: it must end properly, with no error event
        assert answer.rstrip().endswith("data: [DONE]") and '"error"' not in answer, answer[-300:]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=chat_bodies)
def test_chat_bodies(server, chat_model_id, body):
    body.setdefault("max_tokens", 2)
    _check(server, "/v1/chat/completions", {"model": chat_model_id, **body})


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=completion_bodies)
def test_completion_bodies(server, chat_model_id, body):
    body.setdefault("max_tokens", 2)
    _check(server, "/v1/completions", {"model": chat_model_id, **body})
