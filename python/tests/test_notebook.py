"""The example notebook runs from top to bottom (small, so CI can afford it)."""

import nbformat
from nbclient import NotebookClient


def test_the_strategy_sweep_notebook_runs(repo, monkeypatch):
    monkeypatch.setenv("RAMPART_NOTEBOOK_RUNS", "2")
    monkeypatch.setenv("RAMPART_NOTEBOOK_DAYS", "20")
    notebook = nbformat.read(repo / "examples/strategy_sweep.ipynb", as_version=4)
    NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(repo / "examples")}}).execute()
    assert (repo / "examples/output/loss_by_strategy.png").exists()
