"""simcore: find and cluster near-duplicate and re-used text, fast.

>>> import simcore
>>> result = simcore.cluster(["a wire story ...", "the same wire story ...", "another"])
>>> result.clusters

The stages are public too: :func:`normalize`, :func:`shingles`, :func:`signatures`,
:func:`jaccard`, :func:`containment`, :func:`lsh_params`, :func:`candidate_pairs`, :func:`verify`.
:class:`ClusterStream` clusters a corpus that arrives in batches, with the text kept on disk.
"""

from simcore._core import HASH_VERSION, NORMALIZER_VERSION, UNICODE_VERSION, SimcoreError
from simcore._core import __version__ as __version__
from simcore._params import LshInfo
from simcore.api import cluster
from simcore.result import Cluster, ClusterResult, Pair
from simcore.stages import (
    candidate_pairs,
    containment,
    jaccard,
    lsh_params,
    normalize,
    shingles,
    signatures,
    verify,
)
from simcore.stream import ClusterStream

__all__ = [
    "HASH_VERSION",
    "NORMALIZER_VERSION",
    "UNICODE_VERSION",
    "Cluster",
    "ClusterResult",
    "ClusterStream",
    "LshInfo",
    "Pair",
    "SimcoreError",
    "__version__",
    "candidate_pairs",
    "cluster",
    "containment",
    "jaccard",
    "lsh_params",
    "normalize",
    "shingles",
    "signatures",
    "verify",
]
