"""The engine API: continuous batching, KV budget, prefix caching, sampling options, stops, errors."""
from __future__ import annotations

import numpy as np
import pytest

import model
from model import SamplingParams


@pytest.fixture
def fresh(fixtures_dir):
    def make(name="tiny-llama", **kw):
        return model.load(fixtures_dir / name, **kw)
    return make


def run_all(eng) -> dict[str, list]:
    out: dict[str, list] = {}
    for _ in range(10_000):
        if not eng.has_unfinished():
            break
        for ev in eng.step():
            out.setdefault(ev.request_id, []).append(ev)
    assert not eng.has_unfinished()
    return out


PROMPT = [1, 120, 250, 333, 42, 17, 99]


def test_batched_greedy_equals_single(fresh):
    eng = fresh()
    prompts = {"a": PROMPT, "b": [1, 5, 6], "c": list(range(1, 40))}
    single = {k: [e.token_id for e in eng.generate(p, SamplingParams(max_tokens=12, temperature=0, ignore_eos=True))]
              for k, p in prompts.items()}
    for k, p in prompts.items():
        eng.add_request(k, p, SamplingParams(max_tokens=12, temperature=0, ignore_eos=True))
    got = run_all(eng)
    assert {k: [e.token_id for e in v] for k, v in got.items()} == single


def test_sequences_join_and_leave_between_steps(fresh):
    eng = fresh()
    ref = [e.token_id for e in eng.generate(PROMPT, SamplingParams(max_tokens=8, temperature=0, ignore_eos=True))]
    eng.add_request("long", PROMPT, SamplingParams(max_tokens=8, temperature=0, ignore_eos=True))
    eng.add_request("short", [1, 2], SamplingParams(max_tokens=2, temperature=0, ignore_eos=True))
    evs = eng.step()
    assert sorted(e.request_id for e in evs) == ["long", "short"]       # one event each per step
    assert eng.stats()["running"] == 2 and eng.stats()["waiting"] == 0
    evs += eng.step()                                                    # "short" finishes here
    eng.add_request("late", [1, 3, 5], SamplingParams(max_tokens=3, temperature=0, ignore_eos=True))
    assert eng.stats()["waiting"] == 1
    got = run_all(eng)
    assert [e.token_id for e in evs if e.request_id == "long"] + [e.token_id for e in got["long"]] == ref
    assert [e.finish_reason for e in evs if e.request_id == "short"] == [None, "length"]
    assert len(got["late"]) == 3 and got["late"][-1].finish_reason == "length"


def test_events_carry_counts_and_finish_reasons(fresh):
    eng = fresh()
    evs = list(eng.generate(PROMPT, SamplingParams(max_tokens=5, temperature=0, ignore_eos=True)))
    assert [e.completion_tokens for e in evs] == [1, 2, 3, 4, 5]
    assert all(e.prompt_tokens == len(PROMPT) for e in evs)
    assert [e.finish_reason for e in evs] == [None] * 4 + ["length"]
    assert "".join(e.text for e in evs) == eng.tokenizer.decode([e.token_id for e in evs])


def test_eos_and_stop_token_ids_finish_with_stop(fresh):
    eng = fresh()
    free = [e.token_id for e in eng.generate(PROMPT, SamplingParams(max_tokens=6, temperature=0, ignore_eos=True))]
    stop_at = free[3]
    evs = list(eng.generate(PROMPT, SamplingParams(max_tokens=6, temperature=0, stop_token_ids=(stop_at,))))
    assert evs[-1].finish_reason == "stop" and evs[-1].token_id == stop_at and evs[-1].text == ""
    assert len(evs) == free.index(stop_at) + 1
    # make eos the certain choice with logit_bias: generation stops at once
    eos = min(eng.tokenizer.eos_token_ids)
    evs = list(eng.generate(PROMPT, SamplingParams(max_tokens=6, temperature=0, logit_bias={eos: 100.0})))
    assert len(evs) == 1 and evs[0].finish_reason == "stop" and evs[0].token_id == eos
    evs = list(eng.generate(PROMPT, SamplingParams(max_tokens=3, temperature=0, logit_bias={eos: 100.0},
                                                   ignore_eos=True)))
    assert [e.token_id for e in evs] == [eos] * 3 and evs[-1].finish_reason == "length"


def test_stop_strings_are_cut_and_never_emitted(fresh):
    eng = fresh()
    evs = list(eng.generate(PROMPT, SamplingParams(max_tokens=12, temperature=0, ignore_eos=True)))
    full = "".join(e.text for e in evs)
    assert len(full) > 6
    stop = full[3:6]
    evs = list(eng.generate(PROMPT, SamplingParams(max_tokens=12, temperature=0, ignore_eos=True, stop=(stop,))))
    text = "".join(e.text for e in evs)
    assert text == full[:full.index(stop)]
    assert evs[-1].finish_reason == "stop"
    # a stop string that never appears: all text comes out, held-back pieces included
    evs = list(eng.generate(PROMPT, SamplingParams(max_tokens=12, temperature=0, ignore_eos=True,
                                                   stop=(full[:2] + "\x00",))))
    assert "".join(e.text for e in evs) == full and evs[-1].finish_reason == "length"


def test_seed_gives_same_output_whatever_else_is_in_the_batch(fresh):
    eng = fresh()
    p = SamplingParams(max_tokens=10, temperature=1.0, top_p=0.9, seed=1234, ignore_eos=True)
    alone = [e.token_id for e in eng.generate(PROMPT, p)]
    eng.add_request("x", PROMPT, p)
    eng.add_request("noise1", [1, 7, 7, 7], SamplingParams(max_tokens=10, temperature=1.0, ignore_eos=True))
    eng.add_request("noise2", list(range(1, 30)), SamplingParams(max_tokens=4, temperature=0.5, ignore_eos=True))
    got = run_all(eng)
    assert [e.token_id for e in got["x"]] == alone
    other = [e.token_id for e in eng.generate(PROMPT, SamplingParams(max_tokens=10, temperature=1.0, top_p=0.9,
                                                                     seed=99, ignore_eos=True))]
    assert other != alone


def test_top_k_one_and_tiny_top_p_are_greedy(fresh):
    eng = fresh()
    greedy = [e.token_id for e in eng.generate(PROMPT, SamplingParams(max_tokens=8, temperature=0, ignore_eos=True))]
    for p in (SamplingParams(max_tokens=8, temperature=1.5, top_k=1, seed=5, ignore_eos=True),
              SamplingParams(max_tokens=8, temperature=1.5, top_p=1e-6, seed=5, ignore_eos=True),
              SamplingParams(max_tokens=8, temperature=1.5, min_p=1.0, seed=5, ignore_eos=True)):
        assert [e.token_id for e in eng.generate(PROMPT, p)] == greedy


def test_logprobs_and_top_logprobs(fresh):
    eng = fresh()
    evs = list(eng.generate(PROMPT, SamplingParams(max_tokens=4, temperature=0, logprobs=True, top_logprobs=3,
                                                   ignore_eos=True)))
    logits = eng.prompt_logits(PROMPT)[-1].astype(np.float64)
    lp = logits - np.log(np.exp(logits - logits.max()).sum()) - logits.max()
    first = evs[0]
    assert first.logprob == pytest.approx(lp.max(), abs=1e-4)
    assert [t[0] for t in first.top_logprobs] == list(np.argsort(-lp)[:3])
    assert first.top_logprobs[0][1] == eng.tokenizer.token_text(first.top_logprobs[0][0])
    assert all(len(e.top_logprobs) == 3 and e.logprob <= 0 for e in evs)
    plain = list(eng.generate(PROMPT, SamplingParams(max_tokens=2, temperature=0)))
    assert plain[0].logprob is None and plain[0].top_logprobs == ()


def test_penalties_and_logit_bias_change_choices(fresh):
    eng = fresh()
    base = [e.token_id for e in eng.generate([1, 5], SamplingParams(max_tokens=12, temperature=0, ignore_eos=True))]
    assert len(set(base)) < len(base)              # the tiny model repeats itself
    for p in (SamplingParams(max_tokens=12, temperature=0, ignore_eos=True, presence_penalty=2.0),
              SamplingParams(max_tokens=12, temperature=0, ignore_eos=True, frequency_penalty=2.0),
              SamplingParams(max_tokens=12, temperature=0, ignore_eos=True, repetition_penalty=10.0)):
        out = [e.token_id for e in eng.generate([1, 5], p)]
        assert len(set(out)) > len(set(base)), p
    banned = base[0]
    out = [e.token_id for e in eng.generate([1, 5], SamplingParams(max_tokens=12, temperature=0, ignore_eos=True,
                                                                  logit_bias={banned: -100.0}))]
    assert banned not in out


def test_sampling_follows_the_distribution(fresh):
    from model.sampler import process_logits, sample
    logits = np.log(np.array([0.5, 0.3, 0.15, 0.05], np.float32))
    rng = np.random.default_rng(0)
    draws = [sample(logits, SamplingParams(temperature=1.0), rng).token_id for _ in range(4000)]
    freq = np.bincount(draws, minlength=4) / 4000
    np.testing.assert_allclose(freq, [0.5, 0.3, 0.15, 0.05], atol=0.03)
    draws = {sample(logits, SamplingParams(temperature=1.0, top_p=0.7), rng).token_id for _ in range(500)}
    assert draws == {0, 1}
    draws = {sample(logits, SamplingParams(temperature=1.0, top_k=3), rng).token_id for _ in range(500)}
    assert draws == {0, 1, 2}
    draws = {sample(logits, SamplingParams(temperature=1.0, min_p=0.5), rng).token_id for _ in range(500)}
    assert draws == {0, 1}
    x = process_logits(np.array([2.0, -2.0, 1.0], np.float32), SamplingParams(repetition_penalty=2.0), [0, 1], {})
    np.testing.assert_allclose(x, [1.0, -4.0, 1.0])
    x = process_logits(np.zeros(3, np.float32), SamplingParams(presence_penalty=0.5, frequency_penalty=0.25),
                       [], {2: 4})
    np.testing.assert_allclose(x, [0, 0, -1.5])


def test_prefix_caching_reuses_blocks_and_keeps_outputs(fresh):
    eng = fresh(block_size=4)
    system = list(range(1, 30))                 # 7 full blocks of shared prefix
    p = SamplingParams(max_tokens=6, temperature=0, ignore_eos=True)
    first = [e.token_id for e in eng.generate(system + [200, 201], p)]
    hits0 = eng.stats()["prefix_cache_hits"]
    second = [e.token_id for e in eng.generate(system + [200, 201], p)]
    assert second == first
    assert eng.stats()["prefix_cache_hits"] == hits0 + 1
    other = [e.token_id for e in eng.generate(system + [300], p)]
    assert eng.stats()["prefix_cache_hits"] == hits0 + 2
    no_cache = fresh(block_size=4, enable_prefix_caching=False)
    assert [e.token_id for e in no_cache.generate(system + [300], p)] == other


def test_prefix_cache_skips_prefill_work(fresh, monkeypatch):
    eng = fresh(block_size=4)
    from model.architectures import llama
    seen = []
    real = llama.forward
    monkeypatch.setattr(llama, "forward", lambda cfg, w, be, batch, kv: seen.append(len(batch.token_ids)) or real(cfg, w, be, batch, kv))
    prompt = list(range(1, 22))
    list(eng.generate(prompt, SamplingParams(max_tokens=1)))
    list(eng.generate(prompt, SamplingParams(max_tokens=1)))
    assert seen == [21, 21 - 20]


def test_kv_budget_abort_and_full(fresh):
    eng = fresh(block_size=4, kv_cache_bytes=10 * (2 * 2 * 4 * 2 * 12 * 4))   # 10 blocks of (k+v) x 2 layers x 4 slots x 2 heads x 12 dims x f32
    assert eng.stats()["kv_blocks_total"] == 10
    eng.add_request("a", [1, 2, 3, 4, 5], SamplingParams(max_tokens=20))       # 25 tokens -> 7 blocks
    assert eng.stats()["kv_blocks_used"] == 7
    with pytest.raises(model.KVCacheFull) as exc:
        eng.add_request("b", [1, 2, 3], SamplingParams(max_tokens=20))
    assert exc.value.blocks_needed == 6 and exc.value.blocks_free == 3
    eng.step()
    eng.abort("a")
    assert eng.stats()["kv_blocks_used"] == 0 and not eng.has_unfinished()
    assert all(e.request_id != "a" for e in eng.step())
    eng.add_request("b", [1, 2, 3], SamplingParams(max_tokens=20))
    eng.abort("b")
    eng.abort("never-existed")                  # a no-op


def test_closing_generate_aborts(fresh):
    eng = fresh()
    it = eng.generate(PROMPT, SamplingParams(max_tokens=50))
    next(it)
    assert eng.stats()["running"] == 1
    it.close()
    assert eng.stats()["running"] == 0 and eng.stats()["kv_blocks_used"] == 0


def test_generate_keeps_other_requests_events(fresh):
    eng = fresh()
    eng.add_request("bg", PROMPT, SamplingParams(max_tokens=3, temperature=0, ignore_eos=True))
    mine = list(eng.generate([1, 2, 3], SamplingParams(max_tokens=5, temperature=0, ignore_eos=True)))
    assert len(mine) == 5
    bg = run_all(eng)["bg"]
    assert len(bg) == 3 and bg[-1].finish_reason == "length"


def test_request_errors(fresh):
    eng = fresh()
    with pytest.raises(model.ContextLengthExceeded) as exc:
        eng.add_request("a", list(range(1, 200)), SamplingParams(max_tokens=100))
    assert (exc.value.prompt_tokens, exc.value.max_tokens, exc.value.context_length) == (199, 100, 256)
    with pytest.raises(model.InvalidRequest, match="empty"):
        eng.add_request("a", [], SamplingParams())
    with pytest.raises(model.InvalidRequest, match="integer token ids"):
        eng.add_request("a", ["hello"], SamplingParams())
    with pytest.raises(model.InvalidRequest, match="integer token ids"):
        eng.add_request("a", None, SamplingParams())
    with pytest.raises(model.InvalidRequest, match="9999"):
        eng.add_request("a", [1, 9999], SamplingParams())
    eng.add_request("dup", [1], SamplingParams())
    with pytest.raises(model.InvalidRequest, match="dup"):
        eng.add_request("dup", [1], SamplingParams())
    eng.abort("dup")
    for bad, name in ((SamplingParams(temperature=-1), "temperature"), (SamplingParams(top_p=0), "top_p"),
                      (SamplingParams(top_k=-2), "top_k"), (SamplingParams(max_tokens=0), "max_tokens"),
                      (SamplingParams(top_logprobs=21), "top_logprobs"), (SamplingParams(min_p=2), "min_p"),
                      (SamplingParams(logit_bias={10**6: 1.0}), "logit_bias"),
                      (SamplingParams(stop=("",)), "stop"), (SamplingParams(repetition_penalty=0), "repetition_penalty")):
        with pytest.raises(model.InvalidSamplingParams) as exc:
            eng.add_request("x", [1], bad)
        assert exc.value.param == name
    assert not eng.has_unfinished()
    with pytest.raises(model.InvalidRequest, match="encoder"):
        eng.embed(["x"])


def test_embed_errors_and_truncation(engine_for):
    eng = engine_for("tiny-bert")
    long = "theorem " * 100
    with pytest.raises(model.InputTooLong) as exc:
        eng.embed(["ok", long])
    assert exc.value.index == 1 and exc.value.limit == 48 and exc.value.tokens > 48
    res = eng.embed(["ok", long], truncate=True)
    assert res.token_counts[1] == 48 and res.vectors.shape == (2, 32)
    with pytest.raises(model.InvalidRequest):
        eng.embed([[]])
    with pytest.raises(model.InvalidRequest):
        eng.embed([3.5])
    with pytest.raises(model.InvalidRequest, match="decoder"):
        eng.add_request("x", [1], SamplingParams())
    assert eng.embed([]).vectors.shape == (0, 32)


def test_default_chat_model_end_to_end(engine_for):
    eng = engine_for(str(model.default_chat_model_path()))
    tok = eng.tokenizer
    ids = tok.encode(tok.apply_chat_template([{"role": "user", "content": "prove 1 + 1 = 2"}]),
                     add_special_tokens=False)
    evs = list(eng.generate(ids, SamplingParams(max_tokens=16, temperature=0.7, seed=0)))
    assert 1 <= len(evs) <= 16 and evs[-1].finish_reason in ("stop", "length")
    assert eng.info().context_length == 2048 and eng.info().architecture == "LlamaForCausalLM"
    assert eng.generation_defaults == {"temperature": 0.7, "top_p": 0.9, "do_sample": True}


def test_prefill_budget_admits_one_long_prompt_per_step(fresh, monkeypatch):
    import model.engine as engine_mod
    monkeypatch.setattr(engine_mod, "MAX_PREFILL_TOKENS_PER_STEP", 8)
    eng = fresh()
    p = SamplingParams(max_tokens=4, temperature=0, ignore_eos=True)
    eng.add_request("run", [1, 2], p)
    eng.step()
    eng.add_request("long1", list(range(1, 11)), p)      # 10 tokens > budget 8: admitted alone
    eng.add_request("long2", list(range(1, 11)), p)
    evs = eng.step()
    assert sorted(e.request_id for e in evs) == ["long1", "run"]
    assert eng.stats()["waiting"] == 1
    assert sorted(e.request_id for e in eng.step()) == ["long1", "long2", "run"]
    run_all(eng)
