#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the model schemas' user-visible strings as N_() calls for xgettext.

    build-aux/extract-schema-strings.py            rewrite resources/schemas/schema-strings.c
    build-aux/extract-schema-strings.py --check    exit 1 if that file is not current

xgettext cannot read JSON, so the titles, descriptions and choice labels
of every model and parameter in resources/schemas/*.json are copied into a
C file that is never compiled, only scanned (it is in po/POTFILES.in), with
a comment saying where each string is shown. At run time InbSchema and
InbModel look each one up with g_dgettext().
"""
import glob
import json
import os
import sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
target = os.path.join(root, 'resources', 'schemas', 'schema-strings.c')


def c_string(text):
    return '"' + text.replace('\\', '\\\\').replace('"', '\\"').replace('\n', '\\n') + '"'


def build():
    seen = set()
    lines = [
        '/* schema-strings.c — the model schemas\' strings, for xgettext only',
        ' *',
        ' * Written by build-aux/extract-schema-strings.py from resources/schemas/*.json;',
        ' * do not edit (tests/check-potfiles.py checks it is current). Never compiled.',
        ' */',
        '',
        'static const char *schema_strings[] = {',
    ]

    def add(text, where):
        if not text or text in seen:
            return
        seen.add(text)
        lines.append(f'  /* Translators: {where} */')
        lines.append(f'  N_({c_string(text)}),')

    for path in sorted(glob.glob(os.path.join(root, 'resources', 'schemas', '*.json'))):
        with open(path, encoding='utf-8') as fh:
            doc = json.load(fh)
        backend = doc.get('backend', os.path.basename(path)[:-5])
        for model in doc.get('models', []):
            mid = model.get('id', '?')
            add(model.get('title'), f'the name of the model {mid} ({backend}) in the model selector')
            add(model.get('description'), f'what the model {mid} ({backend}) is, in its details')
            props = model.get('parameters', {}).get('properties', {})
            for name, spec in props.items():
                add(spec.get('title'), f'the name of the parameter “{name}” of {mid} ({backend})')
                add(spec.get('description'), f'the explanation of the parameter “{name}” of {mid} ({backend})')
                for label in spec.get('x-enum-labels', []) or []:
                    add(label, f'a choice of the parameter “{name}” of {mid} ({backend})')
    lines.append('};')
    return '\n'.join(lines) + '\n'


def main():
    text = build()
    current = open(target, encoding='utf-8').read() if os.path.exists(target) else None
    if '--check' in sys.argv:
        if text != current:
            print('resources/schemas/schema-strings.c is not current: run build-aux/extract-schema-strings.py')
            sys.exit(1)
        return
    if text != current:
        with open(target, 'w', encoding='utf-8') as fh:
            fh.write(text)


if __name__ == '__main__':
    main()
