"""One chat completion with the official openai client."""

from _common import client, model_of_kind

c = client()
reply = c.chat.completions.create(
    model=model_of_kind(c, "decoder"),
    messages=[{"role": "system", "content": "You write Lean 4 proofs."},
              {"role": "user", "content": "Prove that 1 + 1 = 2."}],
    max_tokens=32, temperature=0.7, seed=7)
print("reply:", repr(reply.choices[0].message.content))
print("finish_reason:", reply.choices[0].finish_reason)
print("usage:", reply.usage.prompt_tokens, "prompt +", reply.usage.completion_tokens, "completion tokens")
