"""Run a notebook's code cells top to bottom in one namespace, as 'Run All' does (CI has no Jupyter)."""
import ast
import json
import sys

nb = json.load(open(sys.argv[1]))
ns = {"__name__": "__main__"}
for n, cell in enumerate(nb["cells"]):
    if cell["cell_type"] != "code":
        continue
    src = "".join(cell["source"])
    tree = ast.parse(src, f"<cell {n}>")
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    exec(compile(tree, f"<cell {n}>", "exec"), ns)
    if last is not None:
        value = eval(compile(ast.Expression(last.value), f"<cell {n}>", "eval"), ns)
        if value is not None:
            print(repr(value))
