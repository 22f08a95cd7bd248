"""Sentence embeddings (the client fetches them base64-encoded) and their cosine similarity."""

import math

from _common import client, model_of_kind

c = client()
sentences = ["The sum of two even numbers is even.",
             "Adding two even integers gives an even integer.",
             "The weather is sunny today."]
result = c.embeddings.create(model=model_of_kind(c, "encoder"), input=sentences)
vectors = [d.embedding for d in result.data]


def cosine(a, b):
    return sum(x * y for x, y in zip(a, b)) / math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))


print("dimensions:", len(vectors[0]))
print(f"similar pair:   {cosine(vectors[0], vectors[1]):.3f}")
print(f"unrelated pair: {cosine(vectors[0], vectors[2]):.3f}")
print("usage:", result.usage.prompt_tokens, "tokens")
