"""Jobs: independent seeded runs spread over worker processes or any executor.

The sweeps (``checks.explore``, ``experiments.election_time``...) hand their runs to
:func:`run_indexed`, which returns the results in index order whatever runs them, so
``jobs=1``, ``jobs=8`` and a Dask cluster give the same answer. It knows nothing of
protocols or checks: it sits just above the runtime, below every sweep.
"""

from .parallel import IndexedTask, RunFailed, chunk_ranges, resolve_jobs, run_indexed
from .progress import progress_bar, progress_counter

__all__ = [
    "IndexedTask",
    "RunFailed",
    "chunk_ranges",
    "progress_bar",
    "progress_counter",
    "resolve_jobs",
    "run_indexed",
]
