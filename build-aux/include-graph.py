#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Draws who includes whom, folder by folder, as Graphviz DOT.

    build-aux/include-graph.py [--files] > includes.dot
    dot -Tsvg includes.dot > includes.svg      # Debian: graphviz

Nodes are the source folders (ui, app, backends/core, backends/cloud/…);
an edge A -> B with a count says files in A include that many headers of
B. With --files, nodes are files instead. An edge pointing up the layers
(backends -> app/ui, app -> ui) is drawn red; tests/check-layers.py fails
on those.
"""
import collections
import os
import re
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
include_re = re.compile(r'^\s*#\s*include\s*"([^"]+)"', re.M)
by_files = '--files' in sys.argv

headers = {}
sources = []
for top in ('ui', 'app', 'backends'):
    for dirpath, _, files in os.walk(os.path.join(root, top)):
        for f in files:
            rel = os.path.relpath(os.path.join(dirpath, f), root)
            if f.endswith('.h'):
                headers[f] = rel
            # main.c is the executable: it alone joins the window to the CLI
            if f.endswith(('.c', '.h')) and rel != 'app/main.c':
                sources.append(rel)


def node(rel):
    return rel if by_files else os.path.dirname(rel)


def layer(rel):
    return {'ui': 2, 'app': 1}.get(rel.split('/')[0], 0)


edges = collections.Counter()
for rel in sources:
    with open(os.path.join(root, rel), encoding='utf-8', errors='replace') as fh:
        for inc in include_re.findall(fh.read()):
            target = headers.get(os.path.basename(inc))
            if target is None or node(target) == node(rel):
                continue
            edges[(node(rel), node(target))] += 1

print('digraph includes {')
print('  rankdir=BT; node [shape=box, fontname="Cantarell"];')
for (a, b), n in sorted(edges.items()):
    up = layer(b) > layer(a)
    print(f'  "{a}" -> "{b}" [label="{n}"{", color=red" if up else ""}];')
print('}')
