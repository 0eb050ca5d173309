"""Poor man's nbconvert --execute: the CI image has no jupyter.

Runs the code cells of a notebook top to bottom in one namespace, skipping
IPython-only lines (!shell escapes and %magics).
"""
import json
import sys

path = sys.argv[1] if len(sys.argv) > 1 else "refresh_seed.ipynb"
with open(path) as fh:
    nb = json.load(fh)

ns = {"__name__": "__main__"}
for idx, cell in enumerate(nb["cells"]):
    if cell["cell_type"] != "code":
        continue
    lines = [l for l in cell["source"] if not l.lstrip().startswith(("!", "%"))]
    exec(compile("".join(lines), f"{path}[cell {idx}]", "exec"), ns)
