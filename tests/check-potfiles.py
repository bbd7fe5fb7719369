#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every file with translatable strings is listed in po/POTFILES.in, every
listed file exists, and the model schemas' strings are extracted for
translation (resources/schemas/schema-strings.c is current). Prints TAP."""
import os
import re
import subprocess
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
with open(os.path.join(root, 'po', 'POTFILES.in')) as fh:
    listed = [l.strip() for l in fh if l.strip() and not l.startswith('#')]

marker = re.compile(r'(\b_\(\s*"|\bN_\(\s*"|translatable="yes")')
needed = []
for folder in ('app', 'ui', 'backends', 'data', 'resources'):
    for dirpath, _, files in os.walk(os.path.join(root, folder)):
        for name in files:
            if not name.endswith(('.c', '.ui', '.in', '.xml')):
                continue
            path = os.path.join(dirpath, name)
            with open(path, encoding='utf-8', errors='replace') as fh:
                if marker.search(fh.read()):
                    needed.append(os.path.relpath(path, root))

missing = sorted(set(needed) - set(listed))
stale = sorted(p for p in listed if not os.path.exists(os.path.join(root, p)))
check = subprocess.run([sys.executable, os.path.join(root, 'build-aux', 'extract-schema-strings.py'), '--check'],
                       capture_output=True, text=True)

print('1..3')
print(('ok' if not missing else 'not ok') + ' 1 - every file with translatable strings is in po/POTFILES.in')
for p in missing:
    print(f'# missing: {p}')
print(('ok' if not stale else 'not ok') + ' 2 - every file in po/POTFILES.in exists')
for p in stale:
    print(f'# stale: {p}')
print(('ok' if check.returncode == 0 else 'not ok') + ' 3 - the model schemas\' strings are extracted for translation')
for line in check.stdout.splitlines():
    print(f'# {line}')
sys.exit(1 if missing or stale or check.returncode != 0 else 0)
