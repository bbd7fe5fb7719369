#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""test-manpage — inbetween(1) as built (build-aux/gen-manpage.py) renders
cleanly and says what the binary says. groff (every warning on) and
`man -l --warnings` render it without a word on standard error and within
80 columns; man-db's lexgrog reads its NAME line (what whatis/apropos show);
its header carries `inbetween --version`; every command of `inbetween
--help` has its section, with every option `inbetween help VERB` lists; and
each command's usage line names the command once ("inbetween generate
[OPTION…] FIRST LAST", not "inbetween [OPTION…] FIRST LAST FIRST LAST").
Prints TAP.

  check-manpage.py BUILT/inbetween.1 BUILT/inbetween
"""
import os
import re
import shutil
import subprocess
import sys

page, binary = sys.argv[1:3]
results = []
env = dict(os.environ, LC_ALL='C.UTF-8', LANG='C.UTF-8', MANWIDTH='80')
env.pop('LANGUAGE', None)


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


rc, _, err = run('groff', '-man', '-Tutf8', '-ww', '-z', page)
check(rc == 0 and not err.strip(), 'groff -man -Tutf8 -ww: no warning', err)
rc, _, err = run('groff', '-man', '-Tascii', '-ww', '-z', page)
check(rc == 0 and not err.strip(), 'groff -man -Tascii -ww: no warning (every glyph has an ASCII form)', err)

rc, text, err = run('man', '--warnings', '-l', page)
check(rc == 0 and text.strip() and not err.strip(), 'man --warnings -l: renders, no warning', err)
long_lines = [l for l in text.splitlines() if len(l) > 80]
check(not long_lines, 'every rendered line fits 80 columns', *long_lines)
flat = ' '.join(text.split())

if shutil.which('lexgrog'):
    rc, out, err = run('lexgrog', page)
    check(rc == 0 and 'inbetween - make a video clip between two images' in out.lower(),
          'lexgrog reads the NAME line (whatis, apropos)', out, err)
else:
    check(False, 'lexgrog (man-db, build-aux/deps.sh) is installed')

check(re.search(r'^EXIT STATUS\n\s+0 done', text, re.M), 'the page has an EXIT STATUS section')

rc, version, _ = run(binary, '--version')
check(rc == 0 and f'inbetween {version.split()[-1]}' in flat[:200] + text.splitlines()[-1],
      f'the page is of this version ({version.strip()})', text.splitlines()[-1] if text else '')

rc, top, _ = run(binary, '--help')
verbs = []
section = None
for line in top.splitlines():
    if re.fullmatch(r'\S[^:]*:', line):
        section = line[:-1]
    elif section == 'Commands' and (m := re.match(r'^  (\S+)\s{2,}', line)) and m.group(1) != 'help':
        verbs.append(m.group(1))
check(rc == 0 and len(verbs) >= 5, f'`inbetween --help` lists the commands ({", ".join(verbs)})', top)

for verb in verbs:
    rc, help_text, err = run(binary, 'help', verb)
    usage = ''
    lines = help_text.splitlines()
    if 'Usage:' in lines and lines.index('Usage:') + 1 < len(lines):
        usage = lines[lines.index('Usage:') + 1].strip()
    words = usage.partition(' \u2014 ')[0].split()
    doubled = (any(words[i] == words[i + 1] for i in range(len(words) - 1)) or
               any(words[i:i + 2] == words[i + 2:i + 4] for i in range(len(words) - 3)))
    check(rc == 0 and usage.startswith(f'inbetween {verb} [OPTION') and not doubled,
          f'`inbetween help {verb}`: the usage names the command once, its arguments once', usage, err)
    check(f'inbetween {verb} [OPTION' in flat, f'the page has `inbetween {verb}` and its synopsis')
    options = re.findall(r'^  (?:-\w, )?(--[\w-]+)', help_text, re.M)
    missing = [o for o in options if o != '--help' and o not in flat]
    check(options and not missing, f'the page has every option of {verb} ({len(options)})', f'missing: {missing}')

finish()
