"""Type stubs of the private native module ``simcore._core`` (checked by mypy.stubtest)."""

from typing import Any, Callable, Optional, final

import numpy as np
import numpy.typing as npt

__all__ = [
    "CLIQUE_MAX",
    "HASH_VERSION",
    "NORMALIZER_VERSION",
    "TARGET_RECALL",
    "UNICODE_VERSION",
    "SimcoreError",
    "Stream",
    "__version__",
    "candidate_pairs",
    "cluster",
    "combine",
    "hash_bytes",
    "is_word_char",
    "jaccard_floor",
    "lsh_params",
    "lsh_probability",
    "normalize",
    "overlap",
    "shingles",
    "signatures",
    "text_signatures",
    "verify",
    "window_hash",
    "word_hashes",
]

__version__: str
NORMALIZER_VERSION: int
HASH_VERSION: int
UNICODE_VERSION: str
TARGET_RECALL: float
CLIQUE_MAX: int

class SimcoreError(Exception): ...

def normalize(texts: list[str], threads: int) -> list[str]: ...
def word_hashes(text: str, seed: int) -> list[int]: ...
def shingles(
    texts: list[str], unit: str, k: int, seed: int, threads: int
) -> tuple[list[npt.NDArray[np.uint32]], list[int]]: ...
def signatures(
    sets: list[npt.NDArray[np.uint32]], num_perm: int, seed: int, threads: int
) -> npt.NDArray[np.uint32]: ...
def text_signatures(
    texts: list[str], unit: str, k: int, seed: int, num_perm: int, threads: int
) -> npt.NDArray[np.uint32]: ...
def overlap(a: npt.NDArray[np.uint32], b: npt.NDArray[np.uint32]) -> tuple[int, int, int]: ...
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]: ...
def lsh_probability(bands: int, rows: int, j: float) -> float: ...
def jaccard_floor(containment: float, min_ratio: float) -> float: ...
def candidate_pairs(
    signatures: npt.NDArray[np.uint32], bands: int, rows: int, seed: int, threads: int
) -> npt.NDArray[np.int64]: ...
def verify(
    sets: list[npt.NDArray[np.uint32]],
    pairs: npt.NDArray[np.int64],
    measure: str,
    threshold: float,
    threads: int,
) -> dict[str, npt.NDArray[Any]]: ...
def hash_bytes(data: bytes, seed: int) -> int: ...
def combine(token_hashes: list[int], seed: int) -> int: ...
def window_hash(token_hashes: list[int], seed: int) -> int: ...
def is_word_char(c: str) -> bool: ...
def cluster(
    texts: list[str],
    config: dict[str, Any],
    *,
    priority: Optional[list[int]],
    threads: int,
    progress: Optional[Callable[[str, int, int], None]],
) -> dict[str, Any]: ...

@final
class Stream:
    def __new__(
        cls,
        dir: str,
        config: dict[str, Any],
        *,
        memory: int,
        block_bytes: int,
        threads: int,
    ) -> Stream: ...
    def push(
        self, texts: list[str], *, progress: Optional[Callable[[str, int, int], None]] = None
    ) -> None: ...
    def __len__(self) -> int: ...
    def finish(
        self,
        *,
        priority: Optional[list[int]] = None,
        progress: Optional[Callable[[str, int, int], None]] = None,
    ) -> dict[str, Any]: ...
