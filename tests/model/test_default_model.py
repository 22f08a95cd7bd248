"""The default chat model (``model/default/``) is a trained Lean model, and serves in the format it was
trained in.

What could fail: the folder loses its chat template or eos setting; the chat text the engine renders
drifts from what ``tools/train_default_model.py`` trained on (or the ``/v1/lean/prove`` prompt drifts
from the one in the training pairs); greedy decoding stops being deterministic; the weights stop
being trained (a random model scores about ``log(vocab)`` nats per token on Lean, the trained one
far less).
"""
from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest

import model
from model import SamplingParams
from nleanjit.syntax.lexer import lex

ROOT = Path(__file__).resolve().parents[2]

# Written for this test (not from any training file): ordinary Lean 4 a trained model should find
# predictable.
SNIPPET = """def double (n : Nat) : Nat := n + n

theorem double_zero : double 0 = 0 := by
  simp [double]

/-- The sum of a list of natural numbers. -/
def sumList : List Nat → Nat
  | [] => 0
  | x :: xs => x + sumList xs

structure Point where
  x : Nat
  y : Nat
  deriving Repr

def Point.add (p q : Point) : Point :=
  { x := p.x + q.x, y := p.y + q.y }

theorem sumList_nil : sumList [] = 0 := rfl
"""


@pytest.fixture(scope="module")
def eng():
    return model.load(model.default_chat_model_path())


@pytest.fixture(scope="module")
def trainer():
    """tools/train_default_model.py as a module (its torch imports are inside functions)."""
    spec = importlib.util.spec_from_file_location("train_default_model", ROOT / "tools" / "train_default_model.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # its dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def test_folder_is_the_trained_chat_model(eng):
    info = eng.info()
    assert (info.architecture, info.kind, info.model_id) == ("LlamaForCausalLM", "decoder", "default")
    assert info.vocab_size == 8192 and info.dtype == "bf16"
    tok = eng.tokenizer
    assert tok.eos_token == "<|im_end|>"
    assert tok.eos_token_ids == {tok.token_to_id("<|im_end|>"), tok.token_to_id("<|eos|>")}
    assert (model.default_chat_model_path() / "heldout_files.txt").read_text().strip()


def test_chat_template_renders_what_training_used(eng, trainer):
    tok = eng.tokenizer
    messages = trainer.prove_messages("theorem t : 1 + 1 = 2", "decide")
    assert tok.apply_chat_template(messages, add_generation_prompt=False) == trainer.render_chat(messages)
    prompt = tok.apply_chat_template(messages[:2])
    assert prompt.endswith("<|im_start|>assistant\n") and prompt.startswith("<|bos|><|im_start|>system\n")
    ids = tok.encode(prompt, add_special_tokens=False)
    assert ids[0] == tok.token_to_id("<|bos|>") and tok.token_to_id("<|im_start|>") in ids


def test_training_pairs_use_the_prove_endpoint_prompt(trainer):
    from server.lean import prove as P
    stmt = "theorem t (n : Nat) : n + 0 = n"
    user = trainer.prove_messages(stmt, "simp")[1]["content"]
    assert trainer.PROVE_SYSTEM_PROMPT == P.SYSTEM_PROMPT
    assert user == P.user_prompt(P.parse_statement(stmt))
    assert P.model_proof(trainer.prove_messages(stmt, "simp")[2]["content"]) == "by\n  simp"


def _greedy(eng, ids, n=48):
    return "".join(ev.text for ev in eng.generate(ids, SamplingParams(max_tokens=n, temperature=0)))


def test_greedy_completion_is_deterministic_lean(eng):
    ids = eng.tokenizer.encode("theorem foo : ")
    first, second = _greedy(eng, ids), _greedy(eng, ids)
    assert first == second and first.strip()
    toks = [t for t in lex("theorem foo : " + first) if t.kind != "eof"]
    errors = [t for t in toks if t.error]
    # generation stops at a token budget: only a string or comment left open by that cut may fail
    assert not errors or (errors == [toks[-1]] and "unterminated" in errors[0].error), first
    assert len(toks) > 8  # real Lean tokens, not a handful of stray characters


def test_loss_on_unseen_lean_is_far_below_uniform(eng):
    ids = eng.tokenizer.encode(SNIPPET)
    logits = eng.prompt_logits(ids[:-1]).astype(np.float64)
    m = logits.max(axis=1, keepdims=True)
    logp = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
    nll = -logp[np.arange(len(ids) - 1), ids[1:]].mean()
    uniform = math.log(eng.info().vocab_size)
    assert nll < 0.55 * uniform, (nll, uniform)
