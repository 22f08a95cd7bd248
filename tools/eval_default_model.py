#!/usr/bin/env python3
"""Evaluate the default chat model (``model/default/``) with our own engine -- no torch.

In: the model folder (its ``heldout_files.txt`` names the Lean files kept out of training by
``tools/train_default_model.py``).  Out: a JSON report (``--json``) and a Markdown summary on
stdout, the figures the model card quotes:

(a) **held-out perplexity** -- cross-entropy of the model on the held-out files (512-token
    windows, the training context) beside a unigram baseline (token frequencies of the training
    files, add-one smoothed) on exactly the same target tokens, with the same tokenizer;
(b) **parse acceptance** -- 64 completions (temperature 0.8, 128 tokens, seeds 0..63) after
    ``def``/``theorem``/``structure`` header lines drawn (seeded) from the held-out files; a
    completion is cut at the last command boundary our parser finds (all of it when the model
    ended the text itself with eos; otherwise everything before the last top-level command,
    which may be cut off) and counts as accepted when that prefix, which must hold at least the
    header's own command, parses with no error;
(c) **prove with model attempts only** -- 20 easy theorems (each closable by one of the
    ``/v1/lean/prove`` portfolio tactics, which the script verifies first), each given
    ``--attempts`` chat samples in exactly the ``/v1/lean/prove`` prompt; the proof is extracted
    and checked as the endpoint does (``server.lean.prove``), but the tactic portfolio is skipped;
(d) sample chat answers to Lean questions.

Usage: ``.venv/bin/python tools/eval_default_model.py [--model model/default] [--json out.json]``
"""
from __future__ import annotations

import argparse
import json
import math
import re
import signal
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tools"))
import model  # noqa: E402
from model import SamplingParams  # noqa: E402
import train_default_model as T  # noqa: E402  (data helpers only; torch is imported lazily there)

WINDOW = 512
N_COMPLETIONS = 64
_HEADER = re.compile(r"^(def|theorem|structure)\s.*$", re.M)

# Easy theorems in the style of the held-out tests: each is closed by rfl, decide, simp, omega or
# trivial (checked before use), none is copied from the corpus.
EASY_THEOREMS = [
    "theorem easy_add : 2 + 3 = 5",
    "theorem easy_mul : 3 * 4 = 12",
    "theorem easy_lt : 3 < 7",
    "theorem easy_le : 10 ≤ 10",
    "theorem easy_add_zero (n : Nat) : n + 0 = n",
    "theorem easy_zero_add (n : Nat) : 0 + n = n",
    "theorem easy_mul_one (n : Nat) : n * 1 = n",
    "theorem easy_list_length : [1, 2, 3].length = 3",
    "theorem easy_list_append : [1, 2] ++ [3] = [1, 2, 3]",
    "theorem easy_true : True",
    "theorem easy_and : True ∧ True",
    "theorem easy_bool : (true && false) = false",
    "theorem easy_not : ¬ (1 = 2)",
    "theorem easy_succ (n : Nat) : n.succ = n + 1",
    "theorem easy_id (n : Nat) : id n = n",
    "theorem easy_ne : (5 : Nat) ≠ 6",
    "theorem easy_sub : 10 - 3 = 7",
    "theorem easy_list_nil : ([] : List Nat).length = 0",
    "theorem easy_or : 1 = 1 ∨ 2 = 3",
    "theorem easy_max : max 3 5 = 5",
]

CHAT_QUESTIONS = [
    T.DEFINE_USER_PREFIX + "The sum of all elements of a list of natural numbers.",
    "How do I write a function that doubles a natural number in Lean 4?",
]


# ----------------------------------------------------------------------------------------------

def load_split(model_dir: Path):
    names = set((model_dir / "heldout_files.txt").read_text(encoding="utf-8").split())
    files = T.all_source_files()
    return [f for f in files if f.name not in names], [f for f in files if f.name in names]


def perplexity(eng, tok, train, heldout) -> dict:
    """Model and unigram cross-entropy on the same held-out target tokens."""
    eos = tok.token_to_id("<|eos|>")
    counts = Counter()
    for f in train:
        counts.update(tok.encode(f.text) + [eos])
    vocab = eng.info().vocab_size
    total = sum(counts.values()) + vocab
    uni = np.full(vocab, math.log(1 / total))
    for t, c in counts.items():
        uni[t] = math.log((c + 1) / total)
    nll_model = nll_uni = 0.0
    n_tok = n_bytes = 0
    for f in heldout:
        ids = tok.encode(f.text) + [eos]
        n_bytes += len(f.text.encode("utf-8"))
        for s in range(0, len(ids) - 1, WINDOW):
            chunk = ids[s:s + WINDOW + 1]
            logits = eng.prompt_logits(chunk[:-1]).astype(np.float64)
            m = logits.max(axis=1, keepdims=True)
            logp = logits - m - np.log(np.exp(logits - m).sum(axis=1, keepdims=True))
            tgt = np.array(chunk[1:])
            nll_model -= logp[np.arange(len(tgt)), tgt].sum()
            nll_uni -= uni[tgt].sum()
            n_tok += len(tgt)
    return {"heldout_files": len(heldout), "tokens": n_tok, "bytes": n_bytes,
            "model_nll": nll_model / n_tok, "model_ppl": math.exp(nll_model / n_tok),
            "unigram_nll": nll_uni / n_tok, "unigram_ppl": math.exp(nll_uni / n_tok),
            "model_bits_per_byte": nll_model / n_bytes / math.log(2),
            "uniform_nll": math.log(vocab)}


def run_batch(eng, prompts: list[list[int]], params: list[SamplingParams]) -> list[tuple[str, str]]:
    """(text, finish_reason) per prompt, all decoded side by side with continuous batching."""
    texts = [""] * len(prompts)
    reasons = [""] * len(prompts)
    for i, (p, sp) in enumerate(zip(prompts, params)):
        eng.add_request(str(i), p, sp)
    while eng.has_unfinished():
        for ev in eng.step():
            i = int(ev.request_id)
            texts[i] += ev.text
            if ev.finish_reason is not None:
                reasons[i] = ev.finish_reason
    return list(zip(texts, reasons))


def complete_prefix(text: str, finished: bool) -> str | None:
    """The text up to the last command boundary the parser finds; None when no command is complete."""
    from nleanjit.syntax import parse_source
    from nleanjit.syntax.tree import Node
    if finished:
        return text
    commands = [c for c in parse_source(text).tree.children if type(c) is Node]
    if len(commands) < 2:
        return None
    return "".join(c.to_source() for c in commands[:-1])


def parse_acceptance(eng, tok, heldout, n: int = N_COMPLETIONS) -> dict:
    from nleanjit.syntax import parse_source
    headers = [m.group(0).rstrip() for f in heldout for m in _HEADER.finditer(f.text)]
    rng = np.random.default_rng(T.SEED)
    picked = [headers[i] for i in sorted(rng.choice(len(headers), size=min(n, len(headers)),
                                                    replace=False))]
    prompts = [tok.encode(h + "\n") for h in picked]
    params = [SamplingParams(max_tokens=128, temperature=0.8, seed=i) for i in range(len(picked))]
    samples = []
    accepted = 0
    for h, (text, reason) in zip(picked, run_batch(eng, prompts, params)):
        full = h + "\n" + text
        prefix = complete_prefix(full, reason == "stop")
        ok = prefix is not None and parse_source(prefix).ok
        accepted += ok
        samples.append({"header": h, "completion": text, "finish": reason, "accepted": ok,
                        "kept_chars": len(prefix) if prefix else 0})
    return {"n": len(picked), "accepted": accepted, "share": accepted / max(1, len(picked)), "samples": samples}


class _Timeout(Exception):
    pass


def _check(checker, code: str, seconds: int = 20) -> str:
    """The checker's outcome for ``code``, or "timeout" (the elaborator is pure Python: an alarm stops it)."""
    def on_alarm(signum, frame):
        raise _Timeout()
    old = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(seconds)
    try:
        return checker.check(code)["outcome"]
    except _Timeout:
        return "timeout"
    except Exception as exc:  # an elaborator crash on model text counts as a failed attempt
        return f"internal: {type(exc).__name__}"
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def prove_share(eng, tok, attempts: int, n_theorems: int = len(EASY_THEOREMS)) -> dict:
    from server.lean import prove as P
    from server.lean.checker import Checker
    checker = Checker()
    rows = []
    for k, text in enumerate(EASY_THEOREMS[:n_theorems]):
        st = P.parse_statement(text)
        portfolio = [t for t in P.TACTICS if _check(checker, st.with_proof(P.tactic_proof(t))) == "valid"]
        messages = [{"role": "system", "content": P.SYSTEM_PROMPT}, {"role": "user", "content": P.user_prompt(st)}]
        ids = tok.encode(tok.apply_chat_template(messages), add_special_tokens=False)
        params = [SamplingParams(max_tokens=128, temperature=0.8, seed=1000 * k + i) for i in range(attempts)]
        proved_by = None
        tried = []
        for completion, _ in run_batch(eng, [ids] * attempts, params):
            proof = P.model_proof(completion)
            if proof is None or P.refused(proof):
                tried.append({"proof": proof, "outcome": "refused"})
                continue
            outcome = _check(checker, st.with_proof(proof))
            tried.append({"proof": proof, "outcome": outcome})
            if outcome == "valid":
                proved_by = proof
                break
        rows.append({"statement": text, "portfolio_closes_with": portfolio, "proved": proved_by is not None,
                     "proof": proved_by, "attempts": tried})
    valid = [r for r in rows if r["portfolio_closes_with"]]
    return {"theorems": len(rows), "easy_by_portfolio": len(valid), "attempts_per_theorem": attempts,
            "proved": sum(r["proved"] for r in rows), "share": sum(r["proved"] for r in rows) / len(rows),
            "rows": rows}


def chat_answers(eng, tok) -> list[dict]:
    out = []
    for q in CHAT_QUESTIONS:
        ids = tok.encode(tok.apply_chat_template([{"role": "user", "content": q}]), add_special_tokens=False)
        (text, _), = run_batch(eng, [ids], [SamplingParams(max_tokens=160, temperature=0.7, top_p=0.9, seed=0)])
        out.append({"question": q, "answer": text})
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=ROOT / "model" / "default")
    ap.add_argument("--json", type=Path, help="write the full report here")
    ap.add_argument("--attempts", type=int, default=8, help="model attempts per theorem (the endpoint's default)")
    ap.add_argument("--completions", type=int, default=N_COMPLETIONS, help="sampled completions for (b)")
    ap.add_argument("--theorems", type=int, default=len(EASY_THEOREMS), help="how many easy theorems for (c)")
    ap.add_argument("--only", nargs="*", default=["ppl", "parse", "prove", "chat"])
    args = ap.parse_args(argv)
    if not (args.model / "heldout_files.txt").is_file():
        print(f"error: {args.model} has no heldout_files.txt (made by tools/train_default_model.py)", file=sys.stderr)
        return 2
    eng = model.load(str(args.model))
    tok = eng.tokenizer
    train, heldout = load_split(args.model)
    report: dict = {"model": str(args.model)}
    t0 = time.time()
    if "ppl" in args.only:
        r = report["perplexity"] = perplexity(eng, tok, train, heldout)
        print(f"held-out: {r['tokens']} tokens in {r['heldout_files']} files; model ppl {r['model_ppl']:.2f} "
              f"(nll {r['model_nll']:.3f}, {r['model_bits_per_byte']:.3f} bits/byte), unigram ppl "
              f"{r['unigram_ppl']:.2f} (nll {r['unigram_nll']:.3f}), uniform nll {r['uniform_nll']:.3f}", flush=True)
    if "parse" in args.only:
        r = report["parse"] = parse_acceptance(eng, tok, heldout, args.completions)
        print(f"parse acceptance: {r['accepted']}/{r['n']} = {r['share']:.1%}", flush=True)
    if "prove" in args.only:
        r = report["prove"] = prove_share(eng, tok, args.attempts, args.theorems)
        print(f"prove (model attempts only, {r['attempts_per_theorem']} each): {r['proved']}/{r['theorems']} "
              f"= {r['share']:.1%} (portfolio-closable: {r['easy_by_portfolio']})", flush=True)
    if "chat" in args.only:
        report["chat"] = chat_answers(eng, tok)
        for c in report["chat"]:
            print(f"\nQ: {c['question']}\nA: {c['answer']}", flush=True)
    report["eval_seconds"] = round(time.time() - t0, 1)
    if args.json:
        args.json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
