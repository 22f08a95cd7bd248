"""Tokenizer: encode/decode round trips, chat templates, UTF-8-safe incremental detokenization."""
from __future__ import annotations

import pytest

import model
from model.tokenizer import IncrementalDetokenizer, Tokenizer

LEAN = "theorem foo (α : Type) : ∀ x : α, x = x := fun _ => rfl  -- ✓ 证明 🎉"


@pytest.fixture(scope="module")
def tok():
    return Tokenizer(model.default_chat_model_path())


def test_round_trip_and_bos(tok):
    ids = tok.encode(LEAN)
    assert ids[0] == tok.token_to_id("<|bos|>")
    assert tok.decode(ids) == LEAN
    assert tok.encode(LEAN, add_special_tokens=False) == ids[1:]
    assert tok.decode(ids, skip_special_tokens=False).startswith("<|bos|>")


def test_special_tokens_and_eos_ids(tok):
    assert tok.bos_token == "<|bos|>" and tok.eos_token == "<|im_end|>"
    assert tok.eos_token_ids == {tok.token_to_id("<|im_end|>"), tok.token_to_id("<|eos|>")}


def test_chat_template(tok):
    text = tok.apply_chat_template([{"role": "system", "content": "be brief"},
                                    {"role": "user", "content": "hi"}])
    assert text == ("<|bos|><|im_start|>system\nbe brief<|im_end|>\n<|im_start|>user\nhi<|im_end|>\n"
                    "<|im_start|>assistant\n")
    assert not tok.apply_chat_template([{"role": "user", "content": "hi"}],
                                       add_generation_prompt=False).endswith("assistant\n")


def test_chat_template_errors(tok, fixtures_dir):
    with pytest.raises(model.ChatTemplateError, match="unknown role: wizard"):
        tok.apply_chat_template([{"role": "wizard", "content": "x"}])
    with pytest.raises(model.ChatTemplateError):
        tok.apply_chat_template([{"content": "no role"}])
    with pytest.raises(model.ChatTemplateError, match="no chat_template"):
        Tokenizer(fixtures_dir / "tiny-llama").apply_chat_template([{"role": "user", "content": "x"}])


def _stream(tok, ids):
    d = IncrementalDetokenizer(tok)
    pieces = [d.push(i) for i in ids]
    return pieces, pieces + [d.flush()]


def test_incremental_detokenizer_never_splits_characters(tok):
    ids = tok.encode(LEAN, add_special_tokens=False)
    # byte-level BPE splits the multi-byte characters across tokens somewhere in this text
    assert any("\ufffd" in tok.token_text(i) for i in ids)
    pieces, with_flush = _stream(tok, ids)
    assert "".join(with_flush) == LEAN
    assert all("\ufffd" not in p for p in pieces)


def test_detokenizer_on_byte_tokens_of_one_emoji(tok):
    # feed the raw byte tokens of a 4-byte character one by one: nothing until the last byte
    byte_level = {b: c for c, b in zip(_bytes_to_unicode_chars(), range(256))}
    ids = [tok.token_to_id(byte_level[b]) for b in "🎉".encode("utf-8")]
    assert None not in ids
    pieces, _ = _stream(tok, ids)
    assert pieces == ["", "", "", "🎉"]


def test_detokenizer_flushes_incomplete_tail(tok):
    byte_level = {b: c for c, b in zip(_bytes_to_unicode_chars(), range(256))}
    ids = [tok.token_to_id("a"), tok.token_to_id(byte_level["é".encode()[0]])]
    pieces, with_flush = _stream(tok, ids)
    assert pieces == ["a", ""] and with_flush[-1] == "\ufffd"


def _bytes_to_unicode_chars():
    """GPT-2's byte -> printable character table, in byte order (what ByteLevel uses)."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    table = dict(zip(bs, cs))
    return [chr(table[b]) for b in range(256)]


def test_wordpiece_tokenizer_ignores_fixed_padding_of_the_file():
    tok = Tokenizer(model.default_embedding_model_path())   # its tokenizer.json pads to 128
    assert tok.encode("hello world") == [101, 7592, 2088, 102]


def test_broken_tokenizer_file(tmp_path):
    (tmp_path / "tokenizer.json").write_text("{}")
    with pytest.raises(model.TokenizerError, match="tokenizer.json"):
        Tokenizer(tmp_path)


from hypothesis import given, settings, strategies as st  # noqa: E402

_TOK = Tokenizer(model.default_chat_model_path())


@settings(max_examples=150, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=_TOK.vocab_size - 1), max_size=40))
def test_streamed_text_equals_decoding_everything(ids):
    """Whatever ids come (special tokens, stray UTF-8 bytes), the deltas plus the final flush spell
    exactly the full decode, and no delta before the flush ends in a split character."""
    d = IncrementalDetokenizer(_TOK)
    pieces = [d.push(i) for i in ids]
    assert "".join(pieces) + d.flush() == _TOK.decode(ids)
    assert not any(p.endswith("\ufffd") for p in pieces)
