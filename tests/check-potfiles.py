#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every file with translatable strings is listed in po/POTFILES.in, every
listed file exists, and the model schemas' strings are extracted for
translation (resources/schemas/schema-strings.c is current, and xgettext
finds every title, description and choice label in it, each with a
translator comment); xgettext reads every listed file without a warning.
Prints TAP."""
import glob
import json
import os
import re
import shutil
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

print('1..5')
print(('ok' if not missing else 'not ok') + ' 1 - every file with translatable strings is in po/POTFILES.in')
for p in missing:
    print(f'# missing: {p}')
print(('ok' if not stale else 'not ok') + ' 2 - every file in po/POTFILES.in exists')
for p in stale:
    print(f'# stale: {p}')
print(('ok' if check.returncode == 0 else 'not ok') + ' 3 - the model schemas\' strings are extracted for translation')
for line in check.stdout.splitlines():
    print(f'# {line}')
schema_strings = os.path.join('resources', 'schemas', 'schema-strings.c')


# 4: xgettext, as the po/ target runs it, finds every human string of every
# schema (found here by walking the JSON on its own, not by the extractor).
def schema_texts(node, key=None):
    if isinstance(node, dict):
        for k, v in node.items():
            yield from schema_texts(v, k)
    elif isinstance(node, list):
        for v in node:
            yield from schema_texts(v, key)
    elif isinstance(node, str) and key in ('title', 'description', 'x-enum-labels') and node.strip():
        yield node


def po_unescape(text):
    out, i = [], 0
    escapes = {'n': '\n', 't': '\t', '"': '"', '\\': '\\', 'r': '\r'}
    while i < len(text):
        if text[i] == '\\' and i + 1 < len(text):
            out.append(escapes.get(text[i + 1], text[i + 1]))
            i += 2
        else:
            out.append(text[i])
            i += 1
    return ''.join(out)


def extracted_msgids(pot):
    """msgid -> its extracted comments, from xgettext's output."""
    ids, comments, current, in_msgid = {}, [], None, False
    for line in pot.splitlines() + ['']:
        if line.startswith('#.'):
            comments.append(line[2:].strip())
        elif line.startswith('msgid "'):
            current, in_msgid = po_unescape(line[7:-1]), True
        elif line.startswith('"') and in_msgid:
            current += po_unescape(line[1:-1])
        else:
            if in_msgid and current:
                ids[current] = comments
            if not line.startswith('msgid') and not line.startswith('"'):
                if line.startswith('msgstr'):
                    comments = []
            in_msgid = False
    return ids


wanted = set()
for path in sorted(glob.glob(os.path.join(root, 'resources', 'schemas', '*.json'))):
    with open(path, encoding='utf-8') as fh:
        wanted.update(schema_texts(json.load(fh)))

xgettext = shutil.which('xgettext')
not_extracted = []
uncommented = []
if xgettext is None:
    print('ok 4 # SKIP xgettext is not installed')
else:
    pot = subprocess.run([xgettext, '--from-code=UTF-8', '--add-comments', '--keyword=N_',
                          '--language=C', '--output=-', schema_strings],
                         cwd=root, check=True, capture_output=True, text=True).stdout
    ids = extracted_msgids(pot)
    not_extracted = sorted(wanted - set(ids))
    uncommented = sorted(t for t in wanted & set(ids)
                         if not any(c.startswith('Translators:') for c in ids[t]))
    bad = not_extracted or uncommented or not wanted
    print(('not ok' if bad else 'ok') +
          f' 4 - xgettext extracts all {len(wanted)} human strings of the schemas, each with a translator comment')
    for t in not_extracted:
        print(f'# not extracted: {t!r}')
    for t in uncommented:
        print(f'# no translator comment: {t!r}')

# 5: xgettext reads every listed file as `meson compile inbetween-pot` does
# (i18n.gettext's glib preset) without a warning. A macro inside a msgid
# (G_GINT64_FORMAT…) cuts the msgid short, so that message could never be
# translated: write PRId64 / PRIu64 (<inttypes.h>) or %zu instead, which
# gettext understands.
xgettext_warnings = []
if xgettext is None:
    print('ok 5 # SKIP xgettext is not installed')
else:
    preset = ['--from-code=UTF-8', '--add-comments', '--keyword=_', '--keyword=N_',
              '--keyword=C_:1c,2', '--keyword=NC_:1c,2', '--keyword=g_dcgettext:2',
              '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
              '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format',
              '--flag=NC_:2:pass-c-format', '--flag=g_dngettext:2:pass-c-format',
              '--flag=g_strdup_printf:1:c-format', '--flag=g_string_printf:2:c-format',
              '--flag=g_string_append_printf:2:c-format', '--flag=g_error_new:3:c-format',
              '--flag=g_set_error:4:c-format', '--flag=g_markup_printf_escaped:1:c-format',
              '--flag=g_log:3:c-format', '--flag=g_print:1:c-format',
              '--flag=g_printerr:1:c-format', '--flag=g_printf:1:c-format',
              '--flag=g_fprintf:2:c-format', '--flag=g_sprintf:2:c-format',
              '--flag=g_snprintf:3:c-format']
    run = subprocess.run([xgettext, '--package-name=inbetween', '--output=-',
                          '--files-from=' + os.path.join('po', 'POTFILES.in')] + preset,
                         cwd=root, capture_output=True, text=True)
    xgettext_warnings = [l for l in run.stderr.splitlines() if l.strip()]
    if run.returncode != 0 and not xgettext_warnings:
        xgettext_warnings = [f'xgettext exited with {run.returncode}']
    print(('not ok' if xgettext_warnings else 'ok') + ' 5 - xgettext reads po/POTFILES.in without a warning')
    for line in xgettext_warnings:
        print(f'# {line}')

sys.exit(1 if missing or stale or check.returncode != 0 or not_extracted or uncommented or not wanted or
         xgettext_warnings else 0)
