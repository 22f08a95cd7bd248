"""Continuous batching seen from outside: 16 concurrent streams, and a disconnect freeing its slot."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

import model

PROMPTS = [f"theorem t{i} : {i} + {i} = {2 * i}" for i in range(16)]


@pytest.mark.slow  # ~6 s alone, much more when the machine is busy
def test_sixteen_concurrent_streams_get_their_own_outputs(server, chat_model_id, reference_engine):
    # expected: each request alone, straight from the engine (seeded sampling differs per stream)
    expected = []
    for i, prompt in enumerate(PROMPTS):
        ids = reference_engine.tokenizer.encode(prompt)
        events = list(reference_engine.generate(ids, model.SamplingParams(max_tokens=16, temperature=1.0,
                                                                          seed=100 + i)))
        expected.append("".join(e.text for e in events))
    assert len(set(expected)) > 8  # the streams are told apart by their content

    def run(i):
        client = server.client()
        stream = client.completions.create(model=chat_model_id, prompt=PROMPTS[i], max_tokens=16,
                                           temperature=1.0, seed=100 + i, stream=True)
        ids, text = set(), ""
        for chunk in stream:
            ids.add(chunk.id)
            text += "".join(c.text for c in chunk.choices)
        return ids, text

    before = server.metric("nleanjit_engine_steps_total")
    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(run, range(16)))
    steps = server.metric("nleanjit_engine_steps_total") - before
    for i, (ids, text) in enumerate(results):
        assert len(ids) == 1, "chunks of one stream carry one id"
        assert text == expected[i], f"stream {i}"
    assert len({next(iter(ids)) for ids, _ in results}) == 16
    # batched: far fewer decode steps than 16 streams x 16 tokens run one by one
    assert steps < 16 * 16 / 2


def test_a_client_that_disconnects_mid_stream_frees_its_slot(server, chat_model_id):
    aborted = server.metric("nleanjit_sequences_aborted_total")
    kv_idle = server.metric("nleanjit_kv_cache_blocks_used")
    client = server.client()
    stream = client.chat.completions.create(model=chat_model_id, messages=[{"role": "user", "content": "go"}],
                                            max_tokens=1500, stream=True, extra_body={"ignore_eos": True})
    it = iter(stream)
    for _ in range(3):
        next(it)
    assert server.metric("nleanjit_running_sequences") == 1
    assert server.metric("nleanjit_kv_cache_blocks_used") > kv_idle
    stream.close()  # drops the connection
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and server.metric("nleanjit_running_sequences") != 0:
        time.sleep(0.05)
    assert server.metric("nleanjit_running_sequences") == 0
    assert server.metric("nleanjit_sequences_aborted_total") == aborted + 1
    assert server.metric("nleanjit_client_disconnects_total") >= 1
    # the KV blocks went back (prefix-cached prompt blocks may stay resident but are reusable)
    assert server.metric("nleanjit_kv_cache_blocks_used") <= kv_idle + 2


def test_a_client_that_gives_up_on_a_plain_request_frees_its_slot_too(server, chat_model_id):
    import json
    import socket

    aborted = server.metric("nleanjit_sequences_aborted_total")
    body = json.dumps({"model": chat_model_id, "prompt": "go", "max_tokens": 1500, "ignore_eos": True}).encode()
    port = int(server.base.rsplit(":", 1)[1])
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(b"POST /v1/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                 b"Authorization: Bearer " + server.api_key.encode() + b"\r\n"
                 b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and server.metric("nleanjit_running_sequences") != 1:
        time.sleep(0.05)
    assert server.metric("nleanjit_running_sequences") == 1
    sock.close()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and server.metric("nleanjit_running_sequences") != 0:
        time.sleep(0.05)
    assert server.metric("nleanjit_running_sequences") == 0
    assert server.metric("nleanjit_sequences_aborted_total") == aborted + 1
