"""Every endpoint through the official openai client against a real server.

Expected outputs come from the same model loaded in the test process
(``reference_engine``): what the server returns must be what the engine makes.
"""

from __future__ import annotations

import math

import numpy as np

import model

MESSAGES = [{"role": "system", "content": "You prove theorems."},
            {"role": "user", "content": "Prove 1 + 1 = 2."}]


def _chat_ids(engine, messages):
    text = engine.tokenizer.apply_chat_template(messages, add_generation_prompt=True)
    return engine.tokenizer.encode(text, add_special_tokens=False)


def _generate(engine, ids, **params):
    events = list(engine.generate(ids, model.SamplingParams(**params)))
    return "".join(e.text for e in events), events[-1].finish_reason, events[-1].completion_tokens


# --- models --------------------------------------------------------------------------------

def test_models_list_and_retrieve(server, chat_model_id, embedding_model_id):
    client = server.client()
    ids = {m.id for m in client.models.list().data}
    assert ids == {chat_model_id, embedding_model_id}
    assert embedding_model_id == "all-MiniLM-L6-v2"
    card = client.models.retrieve(chat_model_id)
    assert card.id == chat_model_id and card.object == "model"


# --- chat -----------------------------------------------------------------------------------

def test_chat_greedy_is_the_engine_output_with_usage(server, chat_model_id, reference_engine):
    ids = _chat_ids(reference_engine, MESSAGES)
    text, finish, n_out = _generate(reference_engine, ids, max_tokens=12, temperature=0.0)
    r = server.client().chat.completions.create(model=chat_model_id, messages=MESSAGES, max_tokens=12,
                                                temperature=0)
    assert r.object == "chat.completion" and r.id.startswith("chatcmpl-")
    assert r.choices[0].message.role == "assistant"
    assert r.choices[0].message.content == text
    assert r.choices[0].finish_reason == finish
    assert (r.usage.prompt_tokens, r.usage.completion_tokens) == (len(ids), n_out)
    assert r.usage.total_tokens == len(ids) + n_out


def test_content_as_text_parts_is_the_same_prompt(server, chat_model_id):
    client = server.client()
    parts = [{"role": "user", "content": [{"type": "text", "text": "Prove 1 + "},
                                          {"type": "text", "text": "1 = 2."}]}]
    plain = [{"role": "user", "content": "Prove 1 + 1 = 2."}]
    a = client.chat.completions.create(model=chat_model_id, messages=parts, max_tokens=6, temperature=0)
    b = client.chat.completions.create(model=chat_model_id, messages=plain, max_tokens=6, temperature=0)
    assert a.choices[0].message.content == b.choices[0].message.content
    assert a.usage.prompt_tokens == b.usage.prompt_tokens


def test_max_completion_tokens_wins_over_max_tokens(server, chat_model_id):
    r = server.client().chat.completions.create(
        model=chat_model_id, messages=MESSAGES, max_tokens=10, max_completion_tokens=3,
        extra_body={"ignore_eos": True})
    assert r.usage.completion_tokens == 3 and r.choices[0].finish_reason == "length"


def test_n_choices_with_a_seed_are_reproducible_and_use_seed_plus_i(server, chat_model_id):
    client = server.client()
    kw = dict(model=chat_model_id, messages=MESSAGES, max_tokens=8, temperature=1.0,
              extra_body={"ignore_eos": True})
    a = client.chat.completions.create(n=3, seed=1234, **kw)
    b = client.chat.completions.create(n=3, seed=1234, **kw)
    assert [c.index for c in a.choices] == [0, 1, 2]
    assert [c.message.content for c in a.choices] == [c.message.content for c in b.choices]
    assert a.usage.completion_tokens == 24
    # choice i was sampled with seed + i
    second = client.chat.completions.create(n=1, seed=1235, **kw)
    assert second.choices[0].message.content == a.choices[1].message.content
    toks = [client.post("/../tokenize", cast_to=object, body={"model": chat_model_id,
                                                                "prompt": c.message.content,
                                                                "add_special_tokens": False})
            for c in a.choices]
    assert len({tuple(t["tokens"]) for t in toks}) > 1  # different seeds, different samples


def test_logit_bias_forces_a_token_and_stop_strings_cut_before_them(server, chat_model_id,
                                                                     reference_engine):
    tok = reference_engine.tokenizer
    x = tok.encode("x", add_special_tokens=False)
    assert len(x) == 1
    client = server.client()
    r = client.chat.completions.create(model=chat_model_id, messages=MESSAGES, max_tokens=5,
                                       logit_bias={str(x[0]): 100}, extra_body={"ignore_eos": True})
    assert r.choices[0].message.content == "xxxxx"
    r = client.chat.completions.create(model=chat_model_id, messages=MESSAGES, max_tokens=5, stop="xxx",
                                       logit_bias={str(x[0]): 100})
    assert r.choices[0].message.content == "" and r.choices[0].finish_reason == "stop"


def test_chat_logprobs_are_finite_with_top_alternatives(server, chat_model_id):
    r = server.client().chat.completions.create(model=chat_model_id, messages=MESSAGES, max_tokens=4,
                                                logprobs=True, top_logprobs=3, temperature=0,
                                                extra_body={"ignore_eos": True})
    content = r.choices[0].logprobs.content
    assert len(content) == 4
    for entry in content:
        assert math.isfinite(entry.logprob) and entry.logprob <= 0
        assert len(entry.top_logprobs) == 3
        assert entry.top_logprobs[0].logprob >= entry.top_logprobs[-1].logprob
        # greedy: the chosen token is the best alternative
        assert entry.token == entry.top_logprobs[0].token
        assert entry.bytes == list(entry.token.encode())


def test_chat_stream_role_then_deltas_then_finish(server, chat_model_id):
    client = server.client()
    whole = client.chat.completions.create(model=chat_model_id, messages=MESSAGES, max_tokens=10,
                                           temperature=0)
    chunks = list(client.chat.completions.create(model=chat_model_id, messages=MESSAGES, max_tokens=10,
                                                 temperature=0, stream=True))
    assert chunks[0].choices[0].delta.role == "assistant"
    assert all(c.object == "chat.completion.chunk" and c.id == chunks[0].id for c in chunks)
    assert "".join(c.choices[0].delta.content or "" for c in chunks) == whole.choices[0].message.content
    assert chunks[-1].choices[0].finish_reason == whole.choices[0].finish_reason
    assert all(c.choices[0].finish_reason is None for c in chunks[:-1])
    assert all(c.usage is None for c in chunks)


def test_chat_stream_include_usage_adds_a_last_usage_chunk(server, chat_model_id):
    chunks = list(server.client().chat.completions.create(
        model=chat_model_id, messages=MESSAGES, max_tokens=5, stream=True, n=2,
        stream_options={"include_usage": True}, extra_body={"ignore_eos": True}))
    last = chunks[-1]
    assert last.choices == [] and last.usage.completion_tokens == 10
    assert all(c.usage is None for c in chunks[:-1])
    finished = sorted(c.choices[0].index for c in chunks[:-1] if c.choices[0].finish_reason)
    assert finished == [0, 1]


# --- completions ------------------------------------------------------------------------------

def test_completion_prompt_shapes_and_echo(server, chat_model_id, reference_engine):
    client = server.client()
    prompt = "theorem add_comm"
    ids = reference_engine.tokenizer.encode(prompt)
    text, finish, n_out = _generate(reference_engine, ids, max_tokens=16, temperature=0.0)
    r = client.completions.create(model=chat_model_id, prompt=prompt, temperature=0)  # default 16 tokens
    assert r.object == "text_completion" and r.choices[0].text == text
    assert (r.usage.prompt_tokens, r.usage.completion_tokens) == (len(ids), n_out)
    by_ids = client.completions.create(model=chat_model_id, prompt=ids, temperature=0)
    assert by_ids.choices[0].text == text
    echo = client.completions.create(model=chat_model_id, prompt=prompt, temperature=0, echo=True)
    assert echo.choices[0].text == prompt + text
    many = client.completions.create(model=chat_model_id, prompt=[prompt, "lemma foo"], n=2,
                                     temperature=0, max_tokens=4)
    assert [c.index for c in many.choices] == [0, 1, 2, 3]
    assert many.choices[0].text == many.choices[1].text == text[:len(many.choices[0].text)]


def test_completion_logprobs_and_stream(server, chat_model_id):
    client = server.client()
    r = client.completions.create(model=chat_model_id, prompt="def f", max_tokens=4, logprobs=2,
                                  temperature=0, extra_body={"ignore_eos": True})
    lp = r.choices[0].logprobs
    assert len(lp.tokens) == len(lp.token_logprobs) == len(lp.top_logprobs) == 4
    assert all(math.isfinite(x) for x in lp.token_logprobs)
    assert all(len(t) <= 2 for t in lp.top_logprobs)
    assert lp.text_offset == sorted(lp.text_offset)
    chunks = list(client.completions.create(model=chat_model_id, prompt="def f", max_tokens=4,
                                            temperature=0, stream=True, echo=True,
                                            stream_options={"include_usage": True},
                                            extra_body={"ignore_eos": True}))
    text = "".join(c.choices[0].text for c in chunks if c.choices)
    whole = client.completions.create(model=chat_model_id, prompt="def f", max_tokens=4, temperature=0,
                                      extra_body={"ignore_eos": True})
    assert text == "def f" + whole.choices[0].text
    assert chunks[-1].usage.completion_tokens == 4


# --- embeddings ----------------------------------------------------------------------------------

def test_embeddings_float_and_base64_match_the_engine(server, embedding_model_id, reference_encoder):
    client = server.client()
    texts = ["A lemma about lists.", "Another sentence entirely."]
    expected = reference_encoder.embed(texts)
    r64 = client.embeddings.create(model=embedding_model_id, input=texts)  # the client asks for base64
    rfl = client.embeddings.create(model=embedding_model_id, input=texts, encoding_format="float")
    for r in (r64, rfl):
        got = np.array([d.embedding for d in r.data], dtype=np.float32)
        assert got.shape == (2, 384)
        np.testing.assert_allclose(got, expected.vectors, rtol=0, atol=1e-6)
        assert r.usage.prompt_tokens == r.usage.total_tokens == sum(expected.token_counts)
    one = client.embeddings.create(model=embedding_model_id, input=texts[0], dimensions=384)
    np.testing.assert_allclose(one.data[0].embedding, expected.vectors[0], atol=1e-6)
    ids = reference_encoder.tokenizer.encode(texts[0])
    by_ids = client.embeddings.create(model=embedding_model_id, input=[ids], encoding_format="float")
    np.testing.assert_allclose(by_ids.data[0].embedding, expected.vectors[0], atol=1e-5)


# --- ops -----------------------------------------------------------------------------------------

def test_tokenize_detokenize_round_trip(server, chat_model_id, reference_engine):
    status, _, body = server.request("POST", "/tokenize", {"model": chat_model_id, "prompt": "lemma x"})
    assert status == 200
    assert body["tokens"] == reference_engine.tokenizer.encode("lemma x")
    assert body["count"] == len(body["tokens"]) and body["max_model_len"] == 2048
    status, _, back = server.request("POST", "/detokenize", {"model": chat_model_id, "tokens": body["tokens"]})
    assert status == 200 and back["prompt"].endswith("lemma x")
    status, _, chat = server.request("POST", "/tokenize", {"model": chat_model_id, "messages": MESSAGES})
    assert chat["tokens"] == _chat_ids(reference_engine, MESSAGES)


def test_health_is_open_and_metrics_need_the_key(server):
    status, _, body = server.request("GET", "/health", key=False)
    assert (status, body) == (200, {"status": "ok"})
    status, _, body = server.request("GET", "/metrics", key=False)
    assert status == 401 and body["error"]["code"] == "invalid_api_key"
    assert server.metric("nleanjit_requests_total", 'route="/health"') >= 1
    for name in ("nleanjit_queue_depth", "nleanjit_running_sequences", "nleanjit_kv_cache_blocks_total",
                 "nleanjit_time_to_first_token_seconds_count", "nleanjit_request_latency_seconds_count"):
        server.metric(name)


def test_openapi_describes_every_route_with_resolvable_schemas(server):
    status, _, doc = server.request("GET", "/openapi.json", key=False)
    assert status == 200 and doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for path, method in [("/v1/models", "get"), ("/v1/models/{model_id}", "get"),
                         ("/v1/chat/completions", "post"), ("/v1/completions", "post"),
                         ("/v1/embeddings", "post"), ("/health", "get"), ("/metrics", "get"),
                         ("/tokenize", "post"), ("/detokenize", "post"), ("/openapi.json", "get")]:
        assert method in paths[path], path
    refs = []

    def walk(node):
        if isinstance(node, dict):
            if "$ref" in node:
                refs.append(node["$ref"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(doc)
    for ref in refs:
        assert ref.split("/")[-1] in doc["components"]["schemas"], ref
    chat = paths["/v1/chat/completions"]["post"]
    assert chat["security"] == [{"bearer": []}] and "security" not in paths["/health"]["get"]
    props = doc["components"]["schemas"]["ChatCompletionRequest"]["properties"]
    assert props["top_logprobs"]["maximum"] == 20 and "top_k" in props
