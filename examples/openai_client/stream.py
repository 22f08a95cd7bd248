"""A streamed chat completion: print each delta as it arrives, then the usage chunk."""

from _common import client, model_of_kind

c = client()
stream = c.chat.completions.create(
    model=model_of_kind(c, "decoder"),
    messages=[{"role": "user", "content": "State the commutativity of addition in Lean."}],
    max_tokens=32, stream=True, stream_options={"include_usage": True})
pieces = []
for chunk in stream:
    if chunk.choices and chunk.choices[0].delta.content:
        pieces.append(chunk.choices[0].delta.content)
    if chunk.choices and chunk.choices[0].finish_reason:
        print("finish_reason:", chunk.choices[0].finish_reason)
    if chunk.usage:
        print("usage:", chunk.usage.completion_tokens, "completion tokens")
print("deltas:", len(pieces))
print("text:", repr("".join(pieces)))
