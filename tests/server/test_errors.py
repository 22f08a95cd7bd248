"""Every documented error: the OpenAI error object, its status, param and code.

Through the official client where it can send the request (and so sees the
typed exception a user gets), and raw HTTP where it cannot (bad JSON, big bodies).
"""

from __future__ import annotations

import json
import socket
import time

import openai
import pytest

from server import errors

MESSAGES = [{"role": "user", "content": "hi"}]
ERROR_KEYS = {"message", "type", "param", "code"}


def _error_of(exc: openai.APIStatusError) -> dict:
    body = exc.response.json()
    assert set(body) == {"error"} and set(body["error"]) == ERROR_KEYS
    return body["error"]


def test_malformed_json_is_400_invalid_json(server):
    status, _, body = server.request("POST", "/v1/chat/completions", raw=b'{"model": "x",')
    assert status == 400 and body["error"]["code"] == "invalid_json"
    assert set(body["error"]) == ERROR_KEYS


def test_missing_and_ill_typed_fields_name_the_param(server, chat_model_id):
    client = server.client()
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model=chat_model_id, messages=[])
    assert _error_of(info.value)["param"] == "messages"
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model=chat_model_id, messages=MESSAGES, temperature="hot")
    assert _error_of(info.value)["param"] == "temperature"
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model=chat_model_id, messages=MESSAGES, top_logprobs=21,
                                       logprobs=True)
    assert _error_of(info.value)["param"] == "top_logprobs"
    with pytest.raises(openai.BadRequestError) as info:
        client.completions.create(model=chat_model_id, prompt="x", logprobs=6)
    assert _error_of(info.value)["param"] == "logprobs"
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model=chat_model_id, messages=MESSAGES, logit_bias={"999999": 1})
    assert _error_of(info.value)["param"] == "logit_bias.999999"
    status, _, body = server.request("POST", "/v1/completions", {"prompt": "x"})
    assert status == 400 and body["error"]["param"] == "model"
    assert body["error"]["code"] == "missing_required_parameter"


def test_unknown_model_is_404_model_not_found(server, embedding_model_id):
    client = server.client()
    with pytest.raises(openai.NotFoundError) as info:
        client.chat.completions.create(model="no-such-model", messages=MESSAGES)
    err = _error_of(info.value)
    assert err["code"] == "model_not_found" and err["param"] == "model"
    with pytest.raises(openai.NotFoundError):
        client.models.retrieve("no-such-model")
    with pytest.raises(openai.BadRequestError) as info:  # the right model for the wrong endpoint
        client.chat.completions.create(model=embedding_model_id, messages=MESSAGES)
    assert _error_of(info.value)["param"] == "model"


def test_prompt_plus_max_tokens_over_the_context_is_400(server, chat_model_id, embedding_model_id):
    client = server.client()
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model=chat_model_id, messages=MESSAGES, max_tokens=2048)
    err = _error_of(info.value)
    assert err["code"] == "context_length_exceeded" and "2048" in err["message"]
    with pytest.raises(openai.BadRequestError) as info:
        client.completions.create(model=chat_model_id, prompt=[5] * 2040, max_tokens=10)
    assert _error_of(info.value)["code"] == "context_length_exceeded"
    with pytest.raises(openai.BadRequestError) as info:
        client.embeddings.create(model=embedding_model_id, input="word " * 400)
    err = _error_of(info.value)
    assert err["code"] == "context_length_exceeded" and err["param"] == "input"


def test_wrong_or_missing_key_is_401_on_every_guarded_route(server, chat_model_id):
    bad = server.client()
    bad.api_key = "wrong"
    with pytest.raises(openai.AuthenticationError) as info:
        bad.models.list()
    assert _error_of(info.value)["code"] == "invalid_api_key"
    for method, path in [("GET", "/v1/models"), ("POST", "/v1/chat/completions"), ("POST", "/tokenize"),
                         ("POST", "/detokenize"), ("GET", "/metrics"), ("POST", "/v1/embeddings")]:
        status, _, body = server.request(method, path, {"model": chat_model_id}, key=False)
        assert status == 401 and body["error"]["code"] == "invalid_api_key", path
    status, _, _ = server.request("GET", "/health", key=False)
    assert status == 200


def test_body_over_the_limit_is_413(tight_server):
    big = json.dumps({"model": "m", "prompt": "x" * 100_000}).encode()
    status, _, body = tight_server.request("POST", "/v1/completions", raw=big)
    assert status == 413 and set(body["error"]) == ERROR_KEYS


def test_full_queue_is_429_with_retry_after_and_the_client_sees_a_rate_limit(tight_server):
    client = tight_server.client()
    model_id = next(m.id for m in client.models.list().data if m.id != "all-MiniLM-L6-v2")
    # n=2 fills the whole batch (max_batch=2) for a long while
    hog = client.chat.completions.create(model=model_id, messages=MESSAGES, n=2, max_tokens=150,
                                         stream=True, extra_body={"ignore_eos": True})
    next(iter(hog))
    try:
        status, headers, body = tight_server.request(
            "POST", "/v1/chat/completions", {"model": model_id, "messages": MESSAGES, "n": 2})
        assert status == 429 and headers["Retry-After"] == "1"
        assert body["error"]["type"] == "rate_limit_error" and body["error"]["code"] == "queue_full"
        with pytest.raises(openai.RateLimitError):
            client.chat.completions.create(model=model_id, messages=MESSAGES, n=2)
    finally:
        hog.close()


def test_an_error_after_the_stream_started_is_a_final_error_event(tight_server):
    """With a 1 MiB KV budget a 1000-token completion fits the context but never the cache:
    the scheduler finds out after the SSE headers went out."""
    client = tight_server.client()
    model_id = next(m.id for m in client.models.list().data if m.id != "all-MiniLM-L6-v2")
    stream = client.completions.create(model=model_id, prompt="x", max_tokens=1000, stream=True)
    with pytest.raises(openai.APIError) as info:
        list(stream)
    assert "KV cache" in str(info.value)
    with pytest.raises(openai.BadRequestError) as info:  # the same without streaming: a plain 400
        client.completions.create(model=model_id, prompt="x", max_tokens=1000)
    assert _error_of(info.value)["code"] == "kv_cache_too_small"


def test_silent_streams_carry_keepalive_comments(tight_server):
    """Keep-alive every 0.2 s on this server: a queued stream waits behind a hog."""
    client = tight_server.client()
    model_id = next(m.id for m in client.models.list().data if m.id != "all-MiniLM-L6-v2")
    hog = client.chat.completions.create(model=model_id, messages=MESSAGES, n=2, max_tokens=300,
                                         stream=True, extra_body={"ignore_eos": True})
    next(iter(hog))
    port = int(tight_server.base.rsplit(":", 1)[1])
    body = json.dumps({"model": model_id, "prompt": "x", "max_tokens": 2, "stream": True}).encode()
    sock = socket.create_connection(("127.0.0.1", port))
    try:
        sock.sendall(b"POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                     b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
        sock.settimeout(10)
        seen = b""
        deadline = time.monotonic() + 10
        while b": keep-alive" not in seen and time.monotonic() < deadline:
            seen += sock.recv(4096)
        assert b": keep-alive" in seen
    finally:
        sock.close()
        hog.close()


def test_unexpected_errors_become_a_generic_500_without_details():
    err = errors.from_exception(ZeroDivisionError("secret internal detail"))
    assert err.status == 500 and "secret" not in err.message
    assert err.body()["error"]["type"] == "server_error"
    event = errors.sse_event(KeyError("x"))
    assert event.startswith("data: ") and json.loads(event[6:])["error"]["code"] == "internal_error"


def test_a_model_without_a_chat_template_is_a_clear_400_and_still_completes(tiny_server):
    client = tiny_server.client()
    kinds = {m.kind: m.id for m in client.models.list().data}
    assert kinds == {"decoder": "tiny-llama", "encoder": "tiny-bert"}
    with pytest.raises(openai.BadRequestError) as info:
        client.chat.completions.create(model="tiny-llama", messages=MESSAGES)
    err = _error_of(info.value)
    assert err["code"] == "chat_template_error" and err["param"] == "messages"
    r = client.completions.create(model="tiny-llama", prompt="hello", max_tokens=3,
                                  extra_body={"ignore_eos": True})
    assert r.usage.completion_tokens == 3
    e = client.embeddings.create(model="tiny-bert", input="hello", dimensions=32)
    assert len(e.data[0].embedding) == 32
    with pytest.raises(openai.BadRequestError) as info:
        client.embeddings.create(model="tiny-bert", input="hello", dimensions=16)
    assert _error_of(info.value)["param"] == "dimensions"


def test_tokenizer_routes_check_their_input(server, chat_model_id):
    status, _, body = server.request("POST", "/detokenize", {"model": chat_model_id, "tokens": [1, 999999]})
    assert status == 400 and body["error"]["param"] == "tokens[1]"
    status, _, body = server.request("POST", "/tokenize", {"model": chat_model_id})
    assert status == 400 and "exactly one" in body["error"]["message"]
    status, _, body = server.request("POST", "/tokenize", {"model": "nope", "prompt": "x"})
    assert status == 404 and body["error"]["code"] == "model_not_found"
    status, _, body = server.request("POST", "/v1/completions", {"model": chat_model_id, "prompt": [7, 99999]})
    assert status == 400 and body["error"]["param"] == "prompt[1]"
