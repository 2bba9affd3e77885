"""A structural checker for the Mermaid ``flowchart`` subset the report emits.

Not a Mermaid parser: it accepts exactly the statement forms ssotlint writes and checks
what makes Mermaid reject or misdraw a diagram: an unknown statement, an edge to an
undeclared node, a node declared twice, an unbalanced subgraph, a quote inside a label,
a ``linkStyle`` index past the last edge, a ``class`` naming an undefined class.
"""

from __future__ import annotations

import re

HEADER = re.compile(r"^flowchart (TD|TB|BT|LR|RL)$")
NODE = re.compile(r'^(?P<id>[A-Za-z][\w]*)\["(?P<label>[^"\n]*)"\]$')
EDGE = re.compile(r"^(?P<a>[A-Za-z][\w]*) (?P<arrow>-->|==>|-\.->)(?:\|(?P<label>[^|\"\n]+)\|)? (?P<b>[A-Za-z][\w]*)$")
CLASSDEF = re.compile(r"^classDef (?P<name>[A-Za-z][\w-]*) (?P<css>[\w#:,.\- ]+)$")
CLASS = re.compile(r"^class (?P<ids>[A-Za-z][\w]*(?:,[A-Za-z][\w]*)*) (?P<name>[A-Za-z][\w-]*)$")
LINKSTYLE = re.compile(r"^linkStyle (?P<idx>\d+(?:,\d+)*) (?P<css>[\w#:,.\- ]+)$")
SUBGRAPH = re.compile(r'^subgraph (?P<id>[A-Za-z][\w]*)(?:\["[^"\n]*"\])?$')


def check_flowchart(text: str) -> list[str]:
    """Problems found in one diagram (empty: it is well formed)."""
    lines = [ln.strip() for ln in text.strip("\n").splitlines()]
    problems: list[str] = []
    if not lines or not HEADER.match(lines[0]):
        return [f"line 1: expected 'flowchart <direction>', got {lines[0] if lines else ''!r}"]
    nodes: set[str] = set()
    edges = 0
    classes: set[str] = set()
    depth = 0
    for n, line in enumerate(lines[1:], start=2):
        if not line or line.startswith("%%"):
            continue
        if m := NODE.match(line):
            if m["id"] in nodes:
                problems.append(f"line {n}: node {m['id']} declared twice")
            nodes.add(m["id"])
        elif m := EDGE.match(line):
            for end in (m["a"], m["b"]):
                if end not in nodes:
                    problems.append(f"line {n}: edge to undeclared node {end}")
            edges += 1
        elif m := CLASSDEF.match(line):
            classes.add(m["name"])
        elif m := CLASS.match(line):
            if m["name"] not in classes:
                problems.append(f"line {n}: class {m['name']} used before classDef")
            problems += [f"line {n}: class on undeclared node {i}" for i in m["ids"].split(",") if i not in nodes]
        elif m := LINKSTYLE.match(line):
            problems += [f"line {n}: linkStyle {i} but only {edges} edges" for i in m["idx"].split(",") if int(i) >= edges]
        elif SUBGRAPH.match(line):
            depth += 1
        elif line == "end":
            depth -= 1
            if depth < 0:
                problems.append(f"line {n}: 'end' without subgraph")
        else:
            problems.append(f"line {n}: not a flowchart statement: {line!r}")
    if depth > 0:
        problems.append("unclosed subgraph")
    if not nodes:
        problems.append("no nodes")
    return problems


def mermaid_blocks(markdown: str) -> list[str]:
    return re.findall(r"^```mermaid\n(.*?)^```$", markdown, flags=re.MULTILINE | re.DOTALL)


def check_markdown(markdown: str) -> list[str]:
    """Fences balanced, tables rectangular, headings well formed."""
    problems: list[str] = []
    fence = False
    table_width: int | None = None
    for n, line in enumerate(markdown.splitlines(), start=1):
        if line.startswith("```"):
            fence = not fence
            continue
        if fence:
            continue
        if line.startswith("#") and not re.match(r"^#{1,6} \S", line):
            problems.append(f"line {n}: malformed heading {line!r}")
        if line.startswith("|"):
            cells = len(re.findall(r"(?<!\\)\|", line)) - 1
            if not line.rstrip().endswith("|"):
                problems.append(f"line {n}: table row does not end with '|'")
            if table_width is None:
                table_width = cells
            elif cells != table_width:
                problems.append(f"line {n}: {cells} cells, the table has {table_width}")
        else:
            table_width = None
    if fence:
        problems.append("unclosed code fence")
    return problems
