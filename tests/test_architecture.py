"""The folder tree is the architecture: the import graph of analysis/, pages/ and
dashboard.py (read with the ast module, nothing imported) has no circle, no import that
runs back up the stages, and no hidden project import inside a function.

    python -m pytest tests/test_architecture.py      (or run this file: it prints the graph's problems)
"""
from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# The stages, lowest first: a module may import from its own stage or a lower one.
# figures are pure plotly builders (tables in, figures out) that the views call;
# pages/_*.py are the helpers every page shares; dashboard.py is the frame over the pages.
LAYERS = [
    ("analysis.config",),
    ("analysis.ingest",),
    ("analysis.entities",),
    ("analysis.topics",),
    ("analysis.compare",),
    ("analysis.stories", "analysis.clusters"),
    ("analysis.build",),
    ("analysis.figures",),
    ("analysis.views",),
    ("analysis.export",),
    ("analysis.__main__",),
    ("pages._",),
    ("pages.",),
    ("dashboard",),
]
MAX_LINES = 340   # "no module over ~300 lines"


def module_name(path: Path) -> str:
    rel = path.relative_to(REPO).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def project_files() -> list[Path]:
    return sorted((REPO / "analysis").rglob("*.py")) + sorted((REPO / "pages").glob("*.py")) + [REPO / "dashboard.py"]


def layer(module: str) -> int:
    for rank, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix if prefix.endswith((".", "_")) else prefix + "."):
                return rank
    raise AssertionError(f"{module} is in no stage of LAYERS: add its folder there")


def imports_of(path: Path) -> list[tuple[str, int, bool, str]]:
    """(imported project module, line, inside a function?, the source line) of one file."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    out = []

    def visit(node, in_function: bool):
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
            targets = []
            if isinstance(child, ast.ImportFrom) and child.module and child.level == 0:
                base = child.module
                if base in ("analysis", "pages"):   # from analysis import config / from pages import _charts
                    targets = [f"{base}.{a.name}" for a in child.names]
                else:
                    targets = [base]
            elif isinstance(child, ast.Import):
                targets = [a.name for a in child.names]
            for t in targets:
                if t.split(".")[0] in ("analysis", "pages", "dashboard"):
                    out.append((t, child.lineno, in_function, lines[child.lineno - 1]))
            visit(child, nested)

    visit(tree, False)
    return out


def resolve(target: str, known: set[str]) -> str:
    """The project module an import names (a name imported from a module maps to the module)."""
    while target and target not in known:
        target = target.rpartition(".")[0]
    return target


def graph() -> tuple[dict[str, set[str]], list[str]]:
    files = project_files()
    known = {module_name(f) for f in files}
    edges: dict[str, set[str]] = {m: set() for m in known}
    problems = []
    for f in files:
        me = module_name(f)
        for target, line, in_function, text in imports_of(f):
            dep = resolve(target, known)
            if not dep or dep == me or dep in ("analysis", "pages"):
                continue
            edges[me].add(dep)
            where = f"{f.relative_to(REPO)}:{line}"
            if layer(dep) > layer(me):
                problems.append(f"{where}: {me} imports {dep}, a later stage")
            if in_function and "lazy:" not in text:
                problems.append(f"{where}: import of {dep} inside a function without a '# lazy: why' comment")
    return edges, problems


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every strongly connected group of more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def strong(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(edges.get(v, ())):
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                out.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for v in sorted(edges):
        if v not in index:
            strong(v)
    return out


def test_the_import_graph_has_no_circle():
    edges, _ = graph()
    assert cycles(edges) == []


def test_no_import_runs_back_up_the_stages_or_hides_in_a_function():
    _, problems = graph()
    assert problems == []


def test_the_checker_sees_a_circle_and_an_upward_import():
    """The checks themselves: a made-up graph with a circle, and a made-up upward import."""
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert layer("analysis.ingest.readers") < layer("analysis.views.corpus") < layer("pages.overview")
    assert layer("analysis.figures.base") < layer("analysis.views.charts")


def test_no_module_is_two_concerns():
    long = {str(f.relative_to(REPO)): n for f in project_files()
            if (n := len(f.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}


def test_analysis_never_imports_streamlit():
    users = [str(f.relative_to(REPO)) for f in (REPO / "analysis").rglob("*.py")
             if any(t.split(".")[0] == "streamlit" for t in
                    [n.module or "" for n in ast.walk(ast.parse(f.read_text())) if isinstance(n, ast.ImportFrom)]
                    + [a.name for n in ast.walk(ast.parse(f.read_text())) if isinstance(n, ast.Import) for a in n.names])]
    assert users == []


def test_the_dashboard_starts_without_the_model_libraries():
    """What dashboard.py, the pages' shared modules and the first page (overview) import at
    their top leaves scikit-learn, SciPy, networkx and spaCy unloaded (2 s of imports before
    the first page: issue 20); builds, edits and the pages that draw with them load them."""
    top: set[str] = set()
    for f in [REPO / "dashboard.py", REPO / "pages" / "overview.py", *sorted((REPO / "pages").glob("_*.py"))]:
        for node in ast.parse(f.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                top.add(node.module)
            elif isinstance(node, ast.Import):
                top.update(a.name for a in node.names)
    code = (f"import sys\nimport {', '.join(sorted(top))}\n"
            "print(sorted(m for m in ('sklearn', 'scipy', 'networkx', 'spacy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]"

if __name__ == "__main__":
    edges, problems = graph()
    for group in cycles(edges):
        print("circle:", " -> ".join(group))
    print("\n".join(problems))
    for f in project_files():
        n = len(f.read_text(encoding="utf-8").splitlines())
        if n > MAX_LINES:
            print(f"{f.relative_to(REPO)}: {n} lines")
