"""The KV-cache manager: paged blocks under a fixed budget, with prefix caching.

The cache itself is ``num_blocks`` blocks of ``block_size`` token slots per layer (the arrays
belong to the backend); this module only decides which sequence owns which block.  A sequence's
*block table* lists its blocks in order; token ``i`` of the sequence lives in slot
``table[i // block_size] * block_size + i % block_size``.

Admission reserves every block a request can ever need (prompt + ``max_tokens``) at once, so a
running sequence never runs out of cache and nothing is ever preempted: a request that does not
fit now is refused with :class:`~model.errors.KVCacheFull` and the caller retries later.

Prefix caching: once a prompt is prefilled, each of its *full* blocks is registered under a chain
hash of all tokens up to the block's end (so a block is only reused after an identical prefix).
A new request walks its prompt's full blocks and shares every block already registered: those
tokens are not prefilled again.  Freed blocks that hold a registered prefix stay cached and are
evicted least-recently-used only when a new allocation needs the room.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field

from .errors import KVCacheFull


@dataclass
class Allocation:
    block_table: list[int]
    cached_tokens: int                          # prompt tokens whose K/V are already in the shared blocks
    block_hashes: list[int] = field(default_factory=list)   # chain hashes of the prompt's full blocks


def chain_hashes(tokens: list[int], block_size: int) -> list[int]:
    """One hash per full block: hash of (previous block's hash, this block's tokens)."""
    out, prev = [], 0
    for start in range(0, len(tokens) - block_size + 1, block_size):
        prev = hash((prev, tuple(tokens[start:start + block_size])))
        out.append(prev)
    return out


class KVCacheManager:
    def __init__(self, num_blocks: int, block_size: int, enable_prefix_caching: bool = True):
        if num_blocks < 1 or block_size < 1:
            raise ValueError("num_blocks and block_size must be positive")
        self.num_blocks = num_blocks
        self.block_size = block_size
        self.enable_prefix_caching = enable_prefix_caching
        self.free: list[int] = list(range(num_blocks - 1, -1, -1))   # pop() hands out block 0 first
        self.ref = [0] * num_blocks
        self.hash_of: dict[int, int] = {}          # block -> registered chain hash
        self.block_of: dict[int, int] = {}         # chain hash -> block
        self.evictable: OrderedDict[int, None] = OrderedDict()   # ref 0 blocks still holding a prefix, LRU first
        self.prefix_queries = 0
        self.prefix_hits = 0

    # ------------------------------------------------------------ accounting
    def blocks_needed(self, total_tokens: int) -> int:
        return -(-total_tokens // self.block_size)

    @property
    def blocks_available(self) -> int:
        return len(self.free) + len(self.evictable)

    @property
    def blocks_used(self) -> int:
        return self.num_blocks - self.blocks_available

    # ------------------------------------------------------------ allocation
    def allocate(self, prompt: list[int], total_tokens: int) -> Allocation:
        """Reserve blocks for a sequence of at most ``total_tokens``; reuse cached prefix blocks."""
        hashes = chain_hashes(prompt, self.block_size) if self.enable_prefix_caching else []
        shared: list[int] = []
        # at least one prompt token must be computed (its logits start generation), so a prompt
        # made only of cached full blocks recomputes its last block
        max_shared = (len(prompt) - 1) // self.block_size
        for h in hashes[:max_shared]:
            b = self.block_of.get(h)
            if b is None:
                break
            shared.append(b)
        if self.enable_prefix_caching:
            self.prefix_queries += 1
            if shared:
                self.prefix_hits += 1
        need = self.blocks_needed(total_tokens) - len(shared)
        reusable_now = sum(1 for b in shared if self.ref[b] == 0)
        if need > self.blocks_available - reusable_now:
            raise KVCacheFull(need, self.blocks_available - reusable_now, self.num_blocks)
        for b in shared:
            if self.ref[b] == 0:
                self.evictable.pop(b, None)
            self.ref[b] += 1
        table = shared + [self._take_block() for _ in range(need)]
        return Allocation(table, len(shared) * self.block_size, hashes)

    def _take_block(self) -> int:
        if self.free:
            b = self.free.pop()
        else:
            b, _ = self.evictable.popitem(last=False)
            del self.block_of[self.hash_of.pop(b)]
        self.ref[b] = 1
        return b

    def register_prefix(self, alloc: Allocation, computed_tokens: int) -> None:
        """After prefill: publish the sequence's full prompt blocks for reuse."""
        if not self.enable_prefix_caching:
            return
        full = min(len(alloc.block_hashes), computed_tokens // self.block_size)
        for i in range(full):
            h, b = alloc.block_hashes[i], alloc.block_table[i]
            if h in self.block_of or b in self.hash_of:
                continue
            self.block_of[h] = b
            self.hash_of[b] = h

    def release(self, block_table: list[int]) -> None:
        """The sequence is done: drop its references; cached prefix blocks linger for reuse."""
        for b in block_table:
            self.ref[b] -= 1
            if self.ref[b] == 0:
                if b in self.hash_of:
                    self.evictable[b] = None
                else:
                    self.free.append(b)
