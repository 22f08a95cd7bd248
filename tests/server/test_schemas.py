"""The schema layer: what it accepts, how it names a bad parameter, and the JSON Schema it prints."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from server import errors, schemas
from server.routes import parse_body

CHAT = schemas.CHAT_COMPLETION_REQUEST
BASE = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}


def _err(schema, body) -> errors.APIError:
    with pytest.raises(errors.APIError) as info:
        schema.check(body)
    return info.value


def test_defaults_are_filled_and_null_means_default():
    out = CHAT.check({**BASE, "temperature": None, "n": 2})
    assert out["temperature"] == 1.0 and out["n"] == 2 and out["stream"] is False
    assert out["max_tokens"] is None and out["logit_bias"] is None


@pytest.mark.parametrize("body, param, fragment", [
    ({"messages": BASE["messages"]}, "model", "Missing required parameter"),
    ({"model": "m"}, "messages", "Missing required parameter"),
    ({**BASE, "temperature": "hot"}, "temperature", "expected a finite number"),
    ({**BASE, "temperature": 2.5}, "temperature", "greater than the maximum"),
    ({**BASE, "n": True}, "n", "expected an integer"),
    ({**BASE, "n": 1.5}, "n", "expected an integer"),
    ({**BASE, "messages": []}, "messages", "at least 1"),
    ({**BASE, "messages": [{"role": "robot", "content": "x"}]}, "messages[0].role", "'robot'"),
    ({**BASE, "messages": [{"role": "user", "content": [{"type": "image_url"}]}]},
     "messages[0].content", "expected string or array of object"),
    ({**BASE, "stop": ["a", "b", "c", "d", "e"]}, "stop", "expected string or array of string"),
    ({**BASE, "top_logprobs": 21}, "top_logprobs", "maximum of 20"),
    ({**BASE, "logit_bias": {"5": 101}}, "logit_bias.5", "maximum of 100"),
    ({**BASE, "tools": []}, "tools", "Unrecognized request argument"),
    ({**BASE, "stream_options": {"include_usage": "yes"}}, "stream_options.include_usage", "boolean"),
])
def test_bad_fields_are_named_in_param(body, param, fragment):
    err = _err(CHAT, body)
    assert err.status == 400 and err.param == param
    assert fragment in err.message
    assert set(err.body()["error"]) == {"message", "type", "param", "code"}


def test_ignored_compatibility_fields_are_dropped():
    out = CHAT.check({**BASE, "store": True, "metadata": {"a": "b"}})
    assert "store" not in out


def test_prompt_and_input_accept_every_openai_shape():
    cmp = schemas.COMPLETION_REQUEST
    for prompt in ("text", ["a", "b"], [1, 2, 3], [[1, 2], [3]]):
        assert cmp.check({"model": "m", "prompt": prompt})["prompt"] == prompt
    for bad in ([], [[]], [1, "a"], {"a": 1}, [-1]):
        assert _err(cmp, {"model": "m", "prompt": bad}).param == "prompt"
    emb = schemas.EMBEDDING_REQUEST
    assert emb.check({"model": "m", "input": "x"})["encoding_format"] == "float"
    assert _err(emb, {"model": "m", "input": "x", "encoding_format": "hex"}).param == "encoding_format"


def test_body_must_be_an_object_of_json():
    assert _err(CHAT, [1, 2]).message.startswith("The request body must be a JSON object")
    for raw in (b"", b"{", b'{"model": NaN}', b"\xff\xfe"):
        with pytest.raises(errors.APIError) as info:
            parse_body(raw)
        assert info.value.code == "invalid_json" and info.value.status == 400


def test_json_schema_lists_fields_bounds_and_required():
    comp = CHAT.component()
    assert comp["required"] == ["model", "messages"]
    assert comp["properties"]["temperature"] == {"type": "number", "minimum": 0.0, "maximum": 2.0,
                                                 "description": "0 means greedy decoding",
                                                 "default": 1.0}
    assert comp["properties"]["messages"]["items"] == {"$ref": "#/components/schemas/ChatMessage"}
    titles = {o.title for o in CHAT.nested()}
    assert {"ChatCompletionRequest", "ChatMessage", "ChatContentTextPart", "StreamOptions"} <= titles


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["model", "messages", "n", "stop", "logit_bias", "temperature",
                                        "stream_options", "prompt", "input", "seed", "x"]),
                       json_values, max_size=6))
def test_any_json_body_is_accepted_or_refused_with_a_400(body):
    for schema in (CHAT, schemas.COMPLETION_REQUEST, schemas.EMBEDDING_REQUEST):
        try:
            schema.check(body)
        except errors.APIError as err:
            assert err.status == 400 and err.message
