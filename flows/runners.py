"""The task runner of a build: Prefect's thread pool, or Dask (a LocalCluster or a scheduler).

Dask's LocalCluster runs its workers as threads of this process (``processes=False``): the
stages share one DuckDB file, which admits a single writing process at a time. Against an
existing scheduler, the workers must see the same workspace (``MMKG_HOME``) and take turns
on its DuckDB file.
"""

from __future__ import annotations

from pathlib import Path

from prefect.task_runners import ThreadPoolTaskRunner

from flows.options import BuildOptions


def task_runner(options: BuildOptions, scratch_dir: Path):
    """The runner the options ask for; prefect-dask is imported only when it is used.
    ``scratch_dir``: where a LocalCluster's workers spill (inside the workspace)."""
    if options.task_runner == "threads":
        return ThreadPoolTaskRunner(max_workers=4)
    from prefect_dask import DaskTaskRunner

    if options.dask_address:
        return DaskTaskRunner(address=options.dask_address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={"n_workers": options.dask_workers, "threads_per_worker": 1, "processes": False,
                        "dashboard_address": None, "local_directory": str(scratch_dir)},
    )
