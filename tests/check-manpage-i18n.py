#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""test-manpage-zh_CN — a translated inbetween(1) as built (man/LANG/,
build-aux/gen-manpage.py) has the English page's shape and is translated.

Its sections, subsections (one per command) and option tags come in the
same order as in the English page (an option's argument name is
translated, its name is not); every line of prose has Chinese in it, so a
message left untranslated in po/LANG.po shows here; groff (UTF-8 input,
every warning on) and `man -l --warnings` render it without a word on
standard error and within 80 columns (a Chinese character is two); man-db's
lexgrog reads its NAME line in Chinese; its header carries `inbetween
--version`. Prints TAP.

  check-manpage-i18n.py BUILT/man/LANG/inbetween.1 BUILT/inbetween.1 BUILT/inbetween
"""
import os
import re
import shutil
import subprocess
import sys
import unicodedata

page, english, binary = sys.argv[1:4]
results = []
env = dict(os.environ, LC_ALL='C.UTF-8', LANG='C.UTF-8', MANWIDTH='80')
env.pop('LANGUAGE', None)
CHINESE = re.compile(r'[\u2e80-\u9fff\uf900-\ufaff]')


def check(ok, what, *notes):
    results.append((bool(ok), what, [n for n in notes if n]))
    return bool(ok)


def run(*cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, env=env)
    return p.returncode, p.stdout, p.stderr


def finish():
    print(f'1..{len(results)}')
    for n, (ok, what, notes) in enumerate(results, 1):
        print(f'{"ok" if ok else "not ok"} {n} - {what}')
        if not ok:
            for note in notes:
                for line in str(note).splitlines()[:40]:
                    print(f'# {line}')
    sys.exit(0 if results and all(ok for ok, _, _ in results) else 1)


def shape(path):
    """The page's skeleton: [('SH', n), ('SS', title), ('TP', option tag
    without its argument), ...] and its lines of prose."""
    with open(path, encoding='utf-8') as fh:
        lines = fh.read().splitlines()
    skeleton, prose = [], []
    sh = 0
    nofill = tag_next = False
    for line in lines:
        if line.startswith('.SH'):
            skeleton.append(('SH', sh))
            sh += 1
        elif line.startswith('.SS'):
            skeleton.append(('SS', line[3:].strip()))
        elif line.startswith('.TP'):
            tag_next = True
        elif line.startswith(('.nf', '.fi')):
            nofill = line.startswith('.nf')
        elif line.startswith(('.', "'")):
            continue
        elif tag_next:
            skeleton.append(('TP', re.sub(r'=\\fI.*?\\fR', '=', line)))
            tag_next = False
        elif not nofill:
            prose.append(line)
    return skeleton, prose


if not check(os.path.exists(page) and os.path.exists(english), f'the pages are built ({page}, {english})'):
    finish()

with open(page, encoding='utf-8') as fh:
    first = fh.readline()
check('coding: UTF-8' in first, 'the page says its coding on its first line (preconv, man-db)', first)

ours, prose = shape(page)
theirs, _ = shape(english)
diff = [f'{i}: {a} / {b}' for i, (a, b) in enumerate(zip(ours, theirs)) if a != b]
check(ours == theirs and len(ours) > 40,
      f'the same sections, commands and options in the same order as the English page ({len(theirs)} items)',
      f'{len(ours)} items, the English {len(theirs)}', *diff[:20])
english_left = [l for l in prose if not CHINESE.search(l)]
check(prose and not english_left, f'every line of prose is in Chinese ({len(prose)} lines)', *english_left)

rc, _, err = run('groff', '-k', '-man', '-Tutf8', '-ww', '-z', page)
check(rc == 0 and not err.strip(), 'groff -k -man -Tutf8 -ww: no warning', err)

rc, text, err = run('man', '--warnings', '-l', page)
check(rc == 0 and text.strip() and not err.strip(), 'man --warnings -l: renders, no warning', err)


def columns(line):
    return sum(2 if unicodedata.east_asian_width(c) in 'WF' else 1 for c in line)


long_lines = [l for l in text.splitlines() if columns(l) > 80]
check(text and not long_lines, 'every rendered line fits 80 columns (a Chinese character is two)', *long_lines)
for heading in ('名称', '概述', '描述', '命令', '选项', '退出状态'):
    check(re.search(rf'^{heading}$', text, re.M), f'the page has the section {heading}')
check(not re.search(r'^(NAME|SYNOPSIS|DESCRIPTION|COMMANDS|OPTIONS|EXIT STATUS)$', text, re.M),
      'no section is titled in English')

if shutil.which('lexgrog'):
    rc, out, err = run('lexgrog', page)
    check(rc == 0 and re.search(r'"inbetween - [^"]*' + CHINESE.pattern, out) and '\\' not in out,
          'lexgrog reads the NAME line in Chinese (whatis, apropos)', out, err)
else:
    check(False, 'lexgrog (man-db, build-aux/deps.sh) is installed')

rc, version, _ = run(binary, '--version')
check(rc == 0 and text.splitlines() and f'inbetween {version.split()[-1]}' in text.splitlines()[-1],
      f'the page is of this version ({version.strip()})', text.splitlines()[-1] if text else '')

finish()
