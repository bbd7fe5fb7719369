#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the layering of ARCHITECTURE.md: arrows only point down.

backends/  may not include GTK/libadwaita or any header from app/ or ui/;
app/       may not include GTK/libadwaita or any header from ui/
           (main.c is the executable, not the app library, and is exempt).

And what a provider is belongs to its backend class: no provider id (the
`.id = "…"` of every InbBackendInfo in backends/) is written as a string
in app/ or ui/ (C sources and .ui templates).
Prints TAP.
"""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
include_re = re.compile(r'^\s*#\s*include\s*[<"]([^>"]+)[>"]', re.M)
gui_re = re.compile(r'^(gtk/|gdk/|adwaita\.h|gsk/|graphene)')


def headers_in(folder):
    names = set()
    for dirpath, _, files in os.walk(os.path.join(root, folder)):
        names.update(f for f in files if f.endswith('.h'))
    return names


def sources_in(folder):
    for dirpath, _, files in os.walk(os.path.join(root, folder)):
        for f in sorted(files):
            if f.endswith(('.c', '.h')):
                yield os.path.join(dirpath, f)


app_headers = headers_in('app')
ui_headers = headers_in('ui')
rules = [
    ('backends', app_headers | ui_headers, set()),
    ('app', ui_headers, {'main.c'}),
]

problems = []
checked = 0
for folder, forbidden, exempt in rules:
    for path in sources_in(folder):
        if os.path.basename(path) in exempt:
            continue
        checked += 1
        with open(path, encoding='utf-8', errors='replace') as fh:
            text = fh.read()
        for inc in include_re.findall(text):
            base = os.path.basename(inc)
            rel = os.path.relpath(path, root)
            if gui_re.match(inc):
                problems.append(f'{rel} includes the toolkit header <{inc}>')
            elif base in forbidden:
                problems.append(f'{rel} includes "{inc}" from a layer above it')

# Provider ids, as the backends declare them
id_re = re.compile(r'\.id\s*=\s*"([^"]+)"')
provider_ids = set()
for path in sources_in('backends'):
    with open(path, encoding='utf-8', errors='replace') as fh:
        text = fh.read()
    if 'InbBackendInfo' in text:
        provider_ids.update(id_re.findall(text))

string_re = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
comment_re = re.compile(r'/\*.*?\*/|//[^\n]*', re.S)
leaks = []
for folder in ('app', 'ui'):
    for dirpath, _, files in os.walk(os.path.join(root, folder)):
        for f in sorted(files):
            if not f.endswith(('.c', '.h', '.ui')):
                continue
            path = os.path.join(dirpath, f)
            with open(path, encoding='utf-8', errors='replace') as fh:
                text = comment_re.sub('', fh.read()) if f.endswith(('.c', '.h')) else fh.read()
            for literal in string_re.findall(text):
                for pid in provider_ids:
                    # the id itself, or inside something id-like ("dashscope-url",
                    # "--backend=local", "DASHSCOPE_API_KEY"); prose may use
                    # the word ("a local file")
                    if literal == pid or (not re.search(r'\s', literal) and
                                          re.search(r'(^|[^a-z0-9])' + re.escape(pid) + r'([^a-z0-9]|$)', literal.lower())):
                        leaks.append(f'{os.path.relpath(path, root)} spells the provider id "{pid}" in "{literal}"')

print('1..3')
print(f'ok 1 - scanned {checked} files in backends/ and app/')
if problems:
    print('not ok 2 - layering')
    for p in problems:
        print(f'# {p}')
    sys.exit(1)
print('ok 2 - layering: backends/ and app/ include nothing from the layers above them')
if len(provider_ids) < 2:
    print(f'not ok 3 - found only {sorted(provider_ids)} as provider ids in backends/')
    sys.exit(1)
if leaks:
    print('not ok 3 - provider ids outside backends/')
    for leak in leaks:
        print(f'# {leak}')
    sys.exit(1)
print(f'ok 3 - no provider id ({", ".join(sorted(provider_ids))}) is spelled in app/ or ui/')
