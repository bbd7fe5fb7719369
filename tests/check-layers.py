#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks the layering of ARCHITECTURE.md: arrows only point down.

backends/  may not include GTK/libadwaita or any header from app/ or ui/;
app/       may not include GTK/libadwaita or any header from ui/
           (main.c is the executable, not the app library, and is exempt).
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

print('1..2')
print(f'ok 1 - scanned {checked} files in backends/ and app/')
if problems:
    print('not ok 2 - layering')
    for p in problems:
        print(f'# {p}')
    sys.exit(1)
print('ok 2 - layering: backends/ and app/ include nothing from the layers above them')
