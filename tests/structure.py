#!/usr/bin/env python3
"""The house rules of src/, checked (CI runs this; docs/architecture.md explains them):

1. SQL only in store files, db/, core/store.rs and sync/apply.rs (rows of any table);
2. Rocket only in web files (web.rs, *_web.rs, web/), api/, cli.rs (the serve verb) and
   winservice.rs (its Windows twin);
3. no source file over 700 lines;
4. no import cycle between files: following `use` (and `crate::`, `super::` paths in code)
   from any file never leads back to it. `mod` lines and a module's `pub use` of its own
   children are declarations, not imports.

Unit tests at the end of a file (`#[cfg(test)] mod tests`) are not counted.
Prints every finding; exits 1 if there is any.
"""

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
MAX_LINES = 700

SQL = re.compile(r"\brusqlite\b|\.prepare(?:_cached)?\(|\bquery_row\b|\.execute\(")
ROCKET = re.compile(r"\brocket\b")


def code_of(path):
    """The file without its test module."""
    text = path.read_text()
    cut = re.search(r"^#\[cfg\(test\)\]\s*\n\s*mod tests\b", text, re.M)
    return text[: cut.start()] if cut else text


def module_of(path):
    """`a::b` for src/a/b.rs or src/a/b/mod.rs; `` for lib.rs and main.rs."""
    rel = path.relative_to(SRC).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "mod":
        parts.pop()
    if parts in (["lib"], ["main"]):
        return ""
    return "::".join(parts)


def is_sql_home(path):
    rel = path.relative_to(SRC).as_posix()
    return (
        rel.endswith("/store.rs")
        or "/store/" in rel
        or rel.startswith("db/")
        or rel in ("core/store.rs", "sync/apply.rs")
    )


def is_rocket_home(path):
    rel = path.relative_to(SRC).as_posix()
    name = path.name
    return (
        name == "web.rs"
        or name.endswith("_web.rs")
        or "/web/" in f"/{rel}"
        or rel.startswith("api/")
        or rel in ("cli.rs", "winservice.rs")
    )


def expand_use(tree):
    """`a::{b, c::{d, e}}` -> [`a::b`, `a::c::d`, `a::c::e`]."""
    tree = tree.strip()
    brace = tree.find("{")
    if brace < 0:
        return [re.sub(r"\s+as\s+\w+$", "", tree)]
    prefix, inner = tree[:brace], tree[brace + 1 : tree.rfind("}")]
    parts, depth, cur = [], 0, ""
    for ch in inner:
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
            continue
        depth += ch == "{"
        depth -= ch == "}"
        cur += ch
    parts.append(cur)
    out = []
    for part in filter(None, (p.strip() for p in parts)):
        out += [prefix + p for p in expand_use(part)]
    return out


def absolute(path_text, module):
    """A `crate::`, `super::` or `self::` path from `module`, as a list of segments."""
    segs = [s for s in path_text.split("::") if s]
    if not segs:
        return None
    base = module.split("::") if module else []
    if segs[0] == "crate":
        return segs[1:]
    if segs[0] in ("super", "self"):
        while segs and segs[0] in ("super", "self"):
            if segs[0] == "super" and base:
                base = base[:-1]
            segs = segs[1:]
        return base + segs
    return None


def main():
    files = sorted(SRC.rglob("*.rs"))
    modules = {module_of(f): f for f in files}
    # `#[path]` children: cli.rs declares winservice.
    modules["cli::winservice"] = SRC / "winservice.rs"
    findings = []

    # Re-exports of a module's own children (`pub use execute::{execute, ...}` in core/mod.rs)
    # send a path through to the child that defines the item.
    aliases = {}
    for f in files:
        module = module_of(f)
        for m in re.finditer(r"^pub use ([^;]+);", code_of(f), re.M):
            for p in expand_use(m.group(1)):
                segs = absolute(p if p.startswith(("crate", "super", "self")) else "self::" + p, module)
                if segs:
                    aliases[tuple((module.split("::") if module else []) + [segs[-1]])] = segs

    def resolve(segs):
        seen = 0
        while tuple(segs) in aliases and seen < 5:
            segs, seen = aliases[tuple(segs)], seen + 1
        for n in range(len(segs), -1, -1):
            name = "::".join(segs[:n])
            if name in modules:
                return modules[name]
        return None

    graph = {f: set() for f in files}
    for f in files:
        code = code_of(f)
        rel = f.relative_to(SRC).as_posix()
        lines = code.count("\n") + 1
        if lines > MAX_LINES:
            findings.append(f"size: src/{rel} has {lines} lines (at most {MAX_LINES}: split it by page or concern)")
        if not is_sql_home(f):
            for n, line in enumerate(code.splitlines(), 1):
                if SQL.search(line) and not line.lstrip().startswith("//"):
                    findings.append(f"sql: src/{rel}:{n}: {line.strip()[:90]}")
        if not is_rocket_home(f):
            for n, line in enumerate(code.splitlines(), 1):
                if ROCKET.search(line) and not line.lstrip().startswith("//"):
                    findings.append(f"rocket: src/{rel}:{n}: {line.strip()[:90]}")
        module = module_of(f)
        paths = []
        for m in re.finditer(r"^\s*(pub(?:\([^)]*\))?\s+)?use ([^;]+);", code, re.M):
            if m.group(1) and m.group(1).startswith("pub"):
                continue  # a re-export declares, it does not use
            paths += expand_use(m.group(2))
        body = re.sub(r"^\s*(pub(?:\([^)]*\))?\s+)?use [^;]+;", "", code, flags=re.M)
        paths += re.findall(r"\b(?:crate|super|self)(?:::\w+)+", body)
        for p in paths:
            segs = absolute(p, module)
            target = resolve(segs) if segs is not None else None
            if target and target != f:
                graph[f].add(target)

    # Cycles: a depth-first search reporting each cycle once.
    state, stack, cycles = {}, [], set()

    def visit(node):
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cyc = stack[stack.index(nxt) :]
                cycles.add(tuple(sorted(x.relative_to(SRC).as_posix() for x in cyc)))
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    sys.setrecursionlimit(10000)
    for f in files:
        if f not in state:
            visit(f)
    for cyc in sorted(cycles):
        findings.append("cycle: " + " <-> ".join(f"src/{c}" for c in cyc))

    for line in findings:
        print(line)
    print(f"structure: {len(files)} files, {len(findings)} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
