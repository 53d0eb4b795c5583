"""The example notebook runs without errors (nbclient)."""

import nbformat
from nbclient import NotebookClient

from conftest import ROOT


def test_the_example_notebook_runs():
    nb = nbformat.read(ROOT / "examples" / "gate.ipynb", as_version=4)
    NotebookClient(nb, timeout=600, kernel_name="python3").execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    kinds = {k for o in outputs for k in o.get("data", {})}
    assert {"text/markdown", "image/svg+xml"} <= kinds
