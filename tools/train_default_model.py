#!/usr/bin/env python3
"""Train the default chat model (``model/default/``): a small Llama that writes Lean 4.

In: Lean text we may use -- our prelude (``nleanjit/prelude/*.lean``), our ``corpus/**/*.lean``
programs, our ``docs/*.md``, and the Lean 4 test-suite and Batteries files under
``/work/shared/lean4-corpus/`` (Apache-2.0; read as training data only, never copied).
A fixed, hash-seeded 8% of the ``.lean`` corpus files is held out (never trained on, not even
by the tokenizer); ``heldout_files.txt`` in the output lists them for ``tools/eval_default_model.py``.

Out: the model in the Hugging Face layout -- ``config.json``, ``model.safetensors`` (bf16, tied
embeddings), ``tokenizer.json`` (byte-level BPE trained here), ``tokenizer_config.json`` (with a
ChatML ``chat_template``), ``generation_config.json`` -- plus ``loss_curve.png`` and
``training_log.json`` (figures for the model card).

Concept: causal language modelling on a mix of plain Lean files and chat-rendered instruction
pairs mined from the same files (a docstring -> its definition; a theorem statement -> its tactic
proof, in exactly the prompt ``/v1/lean/prove`` sends), packed into random 512-token windows.
The learning rate follows warmup + cosine over the *progress*, the larger of step/max_steps and
elapsed/time_budget, so a run always anneals before its time budget ends.  Checkpoints (model,
optimizer, RNG states, progress) go to ``--ckpt-dir`` outside the repository; rerunning the same
command resumes from the last one.

Runs in a separate venv with torch and transformers (dev only, never a project dependency)::

    nice -n 10 /tmp/torchenv/bin/python tools/train_default_model.py --time-budget 4200
"""
from __future__ import annotations

import argparse
import hashlib
import json
import math
import random
import re
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_CORPUS = Path("/work/shared/lean4-corpus")
SEED = 20251125
HELDOUT_PERCENT = 8
VOCAB_SIZE = 8192
SPECIALS = ["<|bos|>", "<|eos|>", "<|pad|>", "<|im_start|>", "<|im_end|>"]
# ChatML with a leading bos, as the engine and server already expect for the default model.
CHAT_TEMPLATE = (
    "{{ bos_token }}"
    "{% for message in messages %}"
    "{% if message['role'] not in ['system', 'user', 'assistant'] %}"
    "{{ raise_exception('unknown role: ' + message['role']) }}"
    "{% endif %}"
    "{{ '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' }}"
    "{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}"
)
# The prompts of server/lean/prove.py, repeated here because this script runs without the project
# venv; tests/model/test_default_model.py checks they still agree.
PROVE_SYSTEM_PROMPT = ("You are a Lean 4 prover. Reply with the tactic proof only, inside one ```lean "
                       "block, without repeating the statement.")
PROVE_USER_PREFIX = "Complete the following Lean 4 theorem by replacing `sorry` with a proof.\n\n"
DEFINE_USER_PREFIX = "Write a Lean 4 definition for the following description.\n\n"

MODEL_SHAPE = dict(hidden_size=256, intermediate_size=768, num_hidden_layers=4, num_attention_heads=4,
                   num_key_value_heads=2)
# The engine's tests and the server advertise a 2048-token context for the default model; training
# windows are 512 tokens (RoPE extrapolates, with lower quality, past that).
MAX_POSITIONS = 2048


# ----------------------------------------------------------------------------------------------
# Data: files, held-out split, instruction pairs
# ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class SourceFile:
    """One training/eval file: a stable name (for the split) and its text."""

    name: str
    text: str
    is_lean: bool


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (UnicodeDecodeError, OSError):
        return None


def all_source_files() -> list[SourceFile]:
    """Every file we may train or evaluate on, in a fixed order."""
    out = []
    groups = [("prelude", sorted((ROOT / "nleanjit" / "prelude").glob("*.lean"))),
              ("corpus", sorted((ROOT / "corpus").rglob("*.lean"))),
              ("docs", sorted((ROOT / "docs").glob("*.md"))),
              ("lean4-corpus", sorted(SHARED_CORPUS.rglob("*.lean")) if SHARED_CORPUS.is_dir() else [])]
    for group, paths in groups:
        base = ROOT if group != "lean4-corpus" else SHARED_CORPUS
        for p in paths:
            text = _read(p)
            if text is not None and text.strip():
                out.append(SourceFile(f"{group}/{p.relative_to(base)}", text, p.suffix == ".lean"))
    return out


def is_heldout(f: SourceFile) -> bool:
    """A fixed 8% of the Lean corpus files (ours and the shared one), chosen by a seeded hash of
    the name so that the choice does not move when files are added."""
    if not f.is_lean or not f.name.startswith(("corpus/", "lean4-corpus/")):
        return False
    h = hashlib.sha256(f"{SEED}:{f.name}".encode()).digest()
    return int.from_bytes(h[:4], "big") % 100 < HELDOUT_PERCENT


def split_files() -> tuple[list[SourceFile], list[SourceFile]]:
    files = all_source_files()
    return [f for f in files if not is_heldout(f)], [f for f in files if is_heldout(f)]


_THEOREM = re.compile(r"^(?:@\[[^\]\n]*\]\s*)?(?:private\s+|protected\s+)?(theorem|lemma)\s+(\S+)", re.M)
_DOC_DECL = re.compile(r"^/--(.*?)-/\s*\n((?:@\[[^\]\n]*\]\s*)?(?:private\s+|protected\s+|partial\s+|noncomputable\s+)*"
                       r"(?:def|abbrev|structure|inductive|instance|class)\b)", re.M | re.S)


def _top_level_block(text: str, start: int) -> str:
    """From ``start`` to the end of the declaration: the first blank line or the next line that
    starts at column 0 with something other than a continuation."""
    lines = text[start:].split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        if not line.strip():
            break
        if not line[0].isspace() and not line.startswith(("|", ")", "}", "]", "where", "termination_by",
                                                          "decreasing_by")):
            break
        out.append(line)
    return "\n".join(out).rstrip()


def _dedent(lines: list[str]) -> str:
    lines = [ln.rstrip() for ln in lines if ln.strip()]
    if not lines:
        return ""
    indent = min(len(ln) - len(ln.lstrip()) for ln in lines)
    return "\n".join(ln[indent:] for ln in lines)


def theorem_pairs(text: str) -> list[tuple[str, str]]:
    """(statement without proof, tactic proof) for each ``theorem … := by …`` / ``:= rfl``."""
    pairs = []
    for m in _THEOREM.finditer(text):
        block = _top_level_block(text, m.start())
        if "sorry" in block or ":=" not in block:
            continue
        stmt, proof = block.split(":=", 1)
        stmt = stmt.rstrip()
        if not stmt or "\n\n" in stmt or len(stmt) > 600:
            continue
        proof = proof.strip()
        if proof.startswith("by"):
            body = proof[2:]
            first, _, rest = body.partition("\n")
            tactic = _dedent(([first] if first.strip() else []) + rest.split("\n")) if rest else first.strip()
            if first.strip() and rest:
                tactic = first.strip() + "\n" + _dedent(rest.split("\n"))
        elif proof == "rfl":
            tactic = "rfl"
        else:
            continue
        if tactic and len(tactic) < 800:
            pairs.append((stmt, tactic))
    return pairs


def definition_pairs(text: str) -> list[tuple[str, str]]:
    """(docstring, declaration) for each documented ``def``/``structure``/… ."""
    pairs = []
    for m in _DOC_DECL.finditer(text):
        doc = " ".join(m.group(1).split())
        if not doc or len(doc) > 500:
            continue
        decl = _top_level_block(text, m.start(2))
        if 20 <= len(decl) <= 1200 and "sorry" not in decl:
            pairs.append((doc, decl))
    return pairs


def prove_messages(stmt: str, tactic: str) -> list[dict]:
    user = PROVE_USER_PREFIX + f"```lean\n{stmt} := sorry\n```"
    return [{"role": "system", "content": PROVE_SYSTEM_PROMPT}, {"role": "user", "content": user},
            {"role": "assistant", "content": f"```lean\n{tactic}\n```"}]


def define_messages(doc: str, decl: str) -> list[dict]:
    return [{"role": "user", "content": DEFINE_USER_PREFIX + doc},
            {"role": "assistant", "content": f"```lean\n{decl}\n```"}]


def render_chat(messages: list[dict]) -> str:
    """The chat template above, rendered without jinja (same text; tested against the engine)."""
    return "<|bos|>" + "".join(f"<|im_start|>{m['role']}\n{m['content']}<|im_end|>\n" for m in messages)


def training_documents(train: list[SourceFile]) -> tuple[list[str], list[str]]:
    """Plain documents (each file, wrapped in bos/eos) and rendered chat examples."""
    plain = [f"<|bos|>{f.text}<|eos|>" for f in train]
    chats = []
    for f in train:
        if not f.is_lean:
            continue
        chats += [render_chat(prove_messages(s, t)) for s, t in theorem_pairs(f.text)]
        chats += [render_chat(define_messages(d, c)) for d, c in definition_pairs(f.text)]
    return plain, chats


# ----------------------------------------------------------------------------------------------
# Tokenizer
# ----------------------------------------------------------------------------------------------

def train_tokenizer(train: list[SourceFile]):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=VOCAB_SIZE, special_tokens=SPECIALS, min_frequency=2,
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False)
    tok.train_from_iterator([f.text for f in train], trainer)
    bos = tok.token_to_id("<|bos|>")
    tok.post_processor = processors.TemplateProcessing(
        single="<|bos|> $A", pair="<|bos|> $A <|bos|> $B", special_tokens=[("<|bos|>", bos)])
    return tok


def encode_stream(tok, docs: list[str]) -> list[int]:
    ids: list[int] = []
    for enc in tok.encode_batch(docs, add_special_tokens=False):
        ids.extend(enc.ids)
    return ids


# ----------------------------------------------------------------------------------------------
# Model, schedule, checkpoint, export
# ----------------------------------------------------------------------------------------------

def hf_config(tok) -> dict:
    return {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": tok.get_vocab_size(),
            **MODEL_SHAPE, "max_position_embeddings": MAX_POSITIONS, "rms_norm_eps": 1e-5,
            "rope_theta": 10000.0, "tie_word_embeddings": True, "hidden_act": "silu",
            "attention_bias": False, "mlp_bias": False, "torch_dtype": "bfloat16",
            "bos_token_id": tok.token_to_id("<|bos|>"),
            "eos_token_id": [tok.token_to_id("<|im_end|>"), tok.token_to_id("<|eos|>")],
            "pad_token_id": tok.token_to_id("<|pad|>")}


def build_model(cfg: dict):
    from transformers import LlamaConfig, LlamaForCausalLM
    conf = LlamaConfig(**{k: v for k, v in cfg.items() if k not in ("architectures", "model_type", "torch_dtype")})
    return LlamaForCausalLM(conf)


def lr_at(progress: float, peak: float, warmup: float = 0.03, floor: float = 0.1) -> float:
    if progress < warmup:
        return peak * progress / warmup
    t = min(1.0, (progress - warmup) / (1 - warmup))
    return peak * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * t)))


def write_json(path: Path, obj) -> None:
    path.write_text(json.dumps(obj, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def export(model, tok, cfg: dict, out: Path, heldout: list[SourceFile], log: dict) -> None:
    import torch
    from safetensors.torch import save_file
    out.mkdir(parents=True, exist_ok=True)
    write_json(out / "config.json", cfg)
    params = dict(model.named_parameters())
    tensors = {k: v.detach().to(torch.bfloat16).contiguous() for k, v in params.items() if k != "lm_head.weight"}
    save_file(tensors, str(out / "model.safetensors"), metadata={"format": "pt"})
    tok.save(str(out / "tokenizer.json"))
    write_json(out / "tokenizer_config.json", {
        "bos_token": "<|bos|>", "eos_token": "<|im_end|>", "pad_token": "<|pad|>",
        "model_max_length": MAX_POSITIONS, "tokenizer_class": "PreTrainedTokenizerFast",
        "clean_up_tokenization_spaces": False, "chat_template": CHAT_TEMPLATE})
    write_json(out / "generation_config.json", {
        "bos_token_id": cfg["bos_token_id"], "eos_token_id": cfg["eos_token_id"],
        "do_sample": True, "temperature": 0.7, "top_p": 0.9})
    (out / "heldout_files.txt").write_text("".join(f.name + "\n" for f in heldout), encoding="utf-8")
    write_json(out / "training_log.json", log)
    plot_losses(log, out / "loss_curve.png")


def plot_losses(log: dict, path: Path) -> None:
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib missing: no loss_curve.png", file=sys.stderr)
        return
    fig, ax = plt.subplots(figsize=(7, 4), dpi=100)
    tr = log["train_loss"]
    if tr:
        k = max(1, len(tr) // 100)
        sm = [sum(tr[max(0, i - k):i + 1]) / len(tr[max(0, i - k):i + 1]) for i in range(len(tr))]
        ax.plot(range(1, len(tr) + 1), sm, label="train (smoothed)")
    if log["val_loss"]:
        ax.plot([s for s, _ in log["val_loss"]], [v for _, v in log["val_loss"]], "o-", label="held-out")
    ax.set_xlabel("step")
    ax.set_ylabel("cross-entropy (nats/token)")
    ax.set_title("nleanjit default model")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "model" / "default")
    ap.add_argument("--ckpt-dir", type=Path, default=Path("/work/train_ckpt"))
    ap.add_argument("--time-budget", type=float, default=4200.0, help="seconds of training (resumes count)")
    ap.add_argument("--max-steps", type=int, default=100000)
    ap.add_argument("--batch", type=int, default=4)
    ap.add_argument("--seq", type=int, default=512)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--chat-weight", type=int, default=2, help="times each instruction pair appears")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ckpt-every", type=float, default=180.0, help="seconds between checkpoints")
    ap.add_argument("--eval-every", type=int, default=50)
    ap.add_argument("--fresh", action="store_true", help="ignore an existing checkpoint")
    ap.add_argument("--export-only", action="store_true", help="write the last checkpoint to --out, no training")
    args = ap.parse_args(argv)

    import numpy as np
    import torch
    try:
        from tqdm import tqdm
    except ImportError:
        tqdm = None
    torch.set_num_threads(args.threads)
    torch.manual_seed(SEED)
    random.seed(SEED)

    train, heldout = split_files()
    if not train:
        print("no training files found", file=sys.stderr)
        return 1
    args.ckpt_dir.mkdir(parents=True, exist_ok=True)
    tok_path = args.ckpt_dir / "tokenizer.json"
    from tokenizers import Tokenizer
    if tok_path.exists() and not args.fresh:
        tok = Tokenizer.from_file(str(tok_path))
    else:
        tok = train_tokenizer(train)
        tok.save(str(tok_path))
    plain, chats = training_documents(train)
    docs = plain + chats * args.chat_weight
    random.Random(SEED).shuffle(docs)
    data = np.array(encode_stream(tok, docs), dtype=np.int64)
    chat_tokens = len(encode_stream(tok, chats)) * args.chat_weight
    val = np.array(encode_stream(tok, [f"<|bos|>{f.text}<|eos|>" for f in heldout]), dtype=np.int64)
    print(f"train files {len(train)}, held-out files {len(heldout)}, instruction pairs {len(chats)}; "
          f"train tokens {len(data)} (chat {chat_tokens}), held-out tokens {len(val)}", flush=True)

    cfg = hf_config(tok)
    model = build_model(cfg)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"parameters: {n_params}", flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, betas=(0.9, 0.95), weight_decay=0.1)
    gen = torch.Generator().manual_seed(SEED)
    log = {"params": n_params, "train_tokens_available": int(len(data)), "heldout_tokens": int(len(val)),
           "instruction_pairs": len(chats), "train_files": len(train), "heldout_files": len(heldout),
           "train_file_names": [f.name for f in train],
           "train_loss": [], "val_loss": [], "steps": 0, "tokens_seen": 0, "elapsed_s": 0.0,
           "batch": args.batch, "seq": args.seq, "lr": args.lr, "seed": SEED}
    ckpt = args.ckpt_dir / "ckpt.pt"
    if ckpt.exists() and not args.fresh:
        state = torch.load(ckpt, weights_only=False)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        gen.set_state(state["gen"])
        log = state["log"]
        print(f"resumed at step {log['steps']} ({log['elapsed_s']:.0f} s)", flush=True)

    if args.export_only:
        if not ckpt.exists():
            print(f"no checkpoint at {ckpt}", file=sys.stderr)
            return 1
        export(model, tok, cfg, args.out, heldout, log)
        print(f"wrote {args.out} (step {log['steps']})", flush=True)
        return 0

    def save_ckpt():
        tmp = ckpt.with_suffix(".tmp")
        torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "gen": gen.get_state(), "log": log}, tmp)
        tmp.replace(ckpt)

    # A fixed set of held-out windows, so the curve's points are comparable.
    vgen = np.random.default_rng(SEED)
    n_val = min(16, max(1, (len(val) - 1) // args.seq))
    vstarts = sorted(vgen.choice(len(val) - args.seq - 1, size=n_val, replace=False)) if len(val) > args.seq + 1 else []

    @torch.no_grad()
    def val_loss() -> float:
        model.eval()
        tot = 0.0
        for s in vstarts:
            x = torch.from_numpy(val[s:s + args.seq + 1]).unsqueeze(0)
            tot += torch.nn.functional.cross_entropy(model(input_ids=x[:, :-1]).logits[0], x[0, 1:]).item()
        model.train()
        return tot / max(1, len(vstarts))

    data_t = torch.from_numpy(data)
    model.train()
    start_elapsed = log["elapsed_s"]
    t0 = time.time()
    last_ckpt = t0
    bar = tqdm(total=args.max_steps, initial=log["steps"], mininterval=20, file=sys.stdout) if tqdm else None
    while log["steps"] < args.max_steps:
        elapsed = start_elapsed + time.time() - t0
        progress = max(log["steps"] / args.max_steps, elapsed / args.time_budget)
        if progress >= 1.0:
            break
        lr = lr_at(progress, args.lr)
        for g in opt.param_groups:
            g["lr"] = lr
        starts = torch.randint(0, len(data) - args.seq - 1, (args.batch,), generator=gen)
        batch = torch.stack([data_t[s:s + args.seq + 1] for s in starts.tolist()])
        logits = model(input_ids=batch[:, :-1]).logits
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, logits.shape[-1]), batch[:, 1:].reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        log["steps"] += 1
        log["tokens_seen"] += args.batch * args.seq
        log["train_loss"].append(round(loss.item(), 4))
        log["elapsed_s"] = start_elapsed + time.time() - t0
        if bar:
            bar.update(1)
            bar.set_postfix(loss=f"{loss.item():.3f}", lr=f"{lr:.2e}", refresh=False)
        elif log["steps"] % 10 == 0:
            print(f"step {log['steps']} loss {loss.item():.3f} lr {lr:.2e} {log['elapsed_s']:.0f}s", flush=True)
        if log["steps"] % args.eval_every == 0:
            v = val_loss()
            log["val_loss"].append((log["steps"], round(v, 4)))
            print(f"\nstep {log['steps']} train {loss.item():.3f} held-out {v:.3f} "
                  f"({log['elapsed_s']:.0f} s, {log['tokens_seen']} tokens)", flush=True)
        if time.time() - last_ckpt > args.ckpt_every:
            save_ckpt()
            last_ckpt = time.time()
    if bar:
        bar.close()
    v = val_loss()
    log["val_loss"].append((log["steps"], round(v, 4)))
    log["final_train_loss_avg50"] = round(sum(log["train_loss"][-50:]) / max(1, len(log["train_loss"][-50:])), 4)
    print(f"done: {log['steps']} steps, {log['tokens_seen']} tokens, {log['elapsed_s']:.0f} s, "
          f"train {log['final_train_loss_avg50']:.3f}, held-out {v:.3f}", flush=True)
    save_ckpt()
    export(model, tok, cfg, args.out, heldout, log)
    print(f"wrote {args.out}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
