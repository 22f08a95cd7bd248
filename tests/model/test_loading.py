"""Loading: config spellings, sharded files, and a clear typed error for every broken input."""
from __future__ import annotations

import json
import shutil
import struct

import numpy as np
import pytest

import model
from model.loader import SafetensorsFile, WeightStore, save_safetensors


@pytest.fixture
def llama_copy(tmp_path, fixtures_dir):
    dst = tmp_path / "m"
    shutil.copytree(fixtures_dir / "tiny-llama", dst)
    return dst


def test_info_of_each_model(engine_for):
    info = engine_for("tiny-qwen3", "auto").info()
    assert info == model.EngineInfo(model_id="tiny-qwen3", architecture="Qwen3ForCausalLM", kind="decoder",
                                    context_length=256, vocab_size=517, embedding_dim=48, dtype="fp32",
                                    device="cpu")
    assert engine_for("tiny-qwen2", "auto").info().dtype == "bf16"   # checkpoint dtype kept
    enc = engine_for("tiny-bert", "auto").info()
    assert (enc.kind, enc.embedding_dim, enc.context_length, enc.dtype) == ("encoder", 32, 48, "bf16")


def test_default_paths():
    chat = model.default_chat_model_path()
    assert (chat / "config.json").is_file() and (chat / "tokenizer_config.json").is_file()
    assert json.loads((chat / "tokenizer_config.json").read_text())["chat_template"]
    emb = model.default_embedding_model_path()
    assert json.loads((emb / "config.json").read_text())["architectures"] == ["BertModel"]


def test_sharded_checkpoint_loads_identically(llama_copy, engine_for):
    st = SafetensorsFile(llama_copy / "model.safetensors")
    names = sorted(st.tensors)
    halves = [names[: len(names) // 2], names[len(names) // 2:]]
    weight_map = {}
    for i, part in enumerate(halves):
        fname = f"model-{i + 1:05d}-of-00002.safetensors"
        save_safetensors(llama_copy / fname, {n: np.array(st.array(n)) for n in part})
        weight_map.update({n: fname for n in part})
    (llama_copy / "model.safetensors").unlink()
    (llama_copy / "model.safetensors.index.json").write_text(json.dumps({"weight_map": weight_map}))
    sharded = model.load(llama_copy)
    ids = [1, 50, 60, 70]
    np.testing.assert_array_equal(sharded.prompt_logits(ids), engine_for("tiny-llama").prompt_logits(ids))


def test_transformers5_rope_parameters_spelling(llama_copy, engine_for):
    cfg = json.loads((llama_copy / "config.json").read_text())
    rs = cfg.pop("rope_scaling")
    cfg["rope_parameters"] = dict(rs, rope_theta=cfg.pop("rope_theta"))
    cfg["dtype"] = cfg.pop("torch_dtype")
    (llama_copy / "config.json").write_text(json.dumps(cfg))
    ids = [1, 9, 8, 7, 6]
    np.testing.assert_array_equal(model.load(llama_copy).prompt_logits(ids),
                                  engine_for("tiny-llama").prompt_logits(ids))


def test_mistral_shares_the_llama_pass_and_caps_context_at_its_window(llama_copy, engine_for):
    cfg = json.loads((llama_copy / "config.json").read_text())
    cfg.update(architectures=["MistralForCausalLM"], model_type="mistral", sliding_window=64)
    (llama_copy / "config.json").write_text(json.dumps(cfg))
    eng = model.load(llama_copy)
    assert eng.info().architecture == "MistralForCausalLM" and eng.info().context_length == 64
    ids = [1, 9, 8, 7, 6]
    np.testing.assert_array_equal(eng.prompt_logits(ids), engine_for("tiny-llama").prompt_logits(ids))
    with pytest.raises(model.ContextLengthExceeded):
        eng.add_request("x", list(range(1, 60)), model.SamplingParams(max_tokens=10))


def test_missing_folder_and_files(tmp_path, llama_copy):
    with pytest.raises(model.ModelFileMissing, match="model folder"):
        model.load(tmp_path / "nope")
    (llama_copy / "tokenizer.json").unlink()
    with pytest.raises(model.ModelFileMissing, match="tokenizer.json"):
        model.load(llama_copy)


def test_missing_weights_file(llama_copy):
    (llama_copy / "model.safetensors").unlink()
    with pytest.raises(model.ModelFileMissing, match="model.safetensors"):
        model.load(llama_copy)


def test_unsupported_architecture(llama_copy):
    cfg = json.loads((llama_copy / "config.json").read_text())
    cfg["architectures"] = ["GPT2LMHeadModel"]
    (llama_copy / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(model.UnsupportedArchitecture, match="GPT2LMHeadModel.*config.json"):
        model.load(llama_copy)


def test_bad_config_json(llama_copy):
    (llama_copy / "config.json").write_text("{not json")
    with pytest.raises(model.ConfigError, match="config.json"):
        model.load(llama_copy)
    (llama_copy / "config.json").write_text(json.dumps({"architectures": ["LlamaForCausalLM"]}))
    with pytest.raises(model.ConfigError, match="hidden_size"):
        model.load(llama_copy)


def test_unsupported_dtype_option_and_device(llama_copy):
    with pytest.raises(model.UnsupportedDtype, match="fp8"):
        model.load(llama_copy, dtype="fp8")
    with pytest.raises(model.UnsupportedDevice, match="tpu"):
        model.load(llama_copy, device="tpu")


def test_shape_mismatch_names_tensor_and_file(llama_copy):
    cfg = json.loads((llama_copy / "config.json").read_text())
    cfg["intermediate_size"] = 100
    (llama_copy / "config.json").write_text(json.dumps(cfg))
    with pytest.raises(model.WeightShapeMismatch, match=r"model.layers.0.mlp.gate_proj.weight.*model.safetensors"):
        model.load(llama_copy)


def test_missing_tensor(llama_copy):
    st = SafetensorsFile(llama_copy / "model.safetensors")
    keep = {n: np.array(st.array(n)) for n in st.tensors if n != "model.norm.weight"}
    save_safetensors(llama_copy / "model.safetensors", keep)
    with pytest.raises(model.MissingWeight, match="model.norm.weight"):
        model.load(llama_copy)


def test_truncated_file_names_tensor_and_file(llama_copy):
    path = llama_copy / "model.safetensors"
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 1000])
    with pytest.raises(model.CorruptWeights, match=r"tensor '.*' in .*model.safetensors.*truncated"):
        model.load(llama_copy)


@pytest.mark.parametrize("payload, fragment", [
    (b"\x01\x02", "too short"),
    (struct.pack("<Q", 10**12) + b"{}", "header length"),
    (struct.pack("<Q", 4) + b"{{{{", "not valid JSON"),
])
def test_corrupt_headers(llama_copy, payload, fragment):
    (llama_copy / "model.safetensors").write_bytes(payload)
    with pytest.raises(model.CorruptWeights, match=fragment):
        model.load(llama_copy)


def test_wrong_byte_count_and_unknown_dtype(tmp_path):
    header = {"w": {"dtype": "F32", "shape": [2, 2], "data_offsets": [0, 12]}}
    raw = json.dumps(header).encode()
    (tmp_path / "a.safetensors").write_bytes(struct.pack("<Q", len(raw)) + raw + bytes(16))
    with pytest.raises(model.CorruptWeights, match="'w'.*needs 16"):
        SafetensorsFile(tmp_path / "a.safetensors")
    header = {"w": {"dtype": "F8_E4M3", "shape": [2], "data_offsets": [0, 2]}}
    raw = json.dumps(header).encode()
    (tmp_path / "b.safetensors").write_bytes(struct.pack("<Q", len(raw)) + raw + bytes(2))
    with pytest.raises(model.UnsupportedDtype, match="F8_E4M3.*'w'"):
        SafetensorsFile(tmp_path / "b.safetensors")


def test_bf16_tensors_and_misaligned_data_read_correctly(tmp_path):
    from model.kernels.reference import bf16_to_fp32, fp32_to_bf16
    w = np.arange(6, dtype=np.float32).reshape(2, 3) / 4
    save_safetensors(tmp_path / "model.safetensors",
                     {"a": ("BF16", fp32_to_bf16(np.ones(3, np.float32))), "b": w})  # "b" starts at byte 6
    store = WeightStore(tmp_path)
    np.testing.assert_array_equal(store.fp32("b", (2, 3)), w)
    bits, dt = store.raw("a")
    assert dt == "BF16" and bits.dtype == np.uint16
    np.testing.assert_array_equal(bf16_to_fp32(bits), np.ones(3))


def test_errors_are_engine_errors():
    for cls in (model.ModelFileMissing, model.CorruptWeights, model.KVCacheFull, model.InputTooLong,
                model.ContextLengthExceeded, model.ChatTemplateError, model.InvalidSamplingParams):
        assert issubclass(cls, model.EngineError)
