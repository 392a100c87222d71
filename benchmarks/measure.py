"""What every benchmark here measures besides time: the process's peak memory."""

from __future__ import annotations

import resource


def peak_mib() -> float:
    """Peak resident memory of this process so far, in MiB (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
