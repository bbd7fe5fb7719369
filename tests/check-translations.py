#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The translations are valid and complete. Prints TAP.

For every po/*.po:
  - `msgfmt --check --check-format` is clean (formats, header, plural forms);
  - it covers the strings the sources have now: the template is extracted
    afresh (xgettext over po/POTFILES.in with meson's "glib" preset, as
    `meson compile -C build inbetween-pot` does) and merged: 0 untranslated,
    0 fuzzy;
and po/zh_CN.po keeps the GNOME zh_CN conventions: mnemonics as "取消(_C)",
full-width punctuation in Chinese text, "…" rather than "...".

    tests/check-translations.py [SOURCE_ROOT]
"""
import os
import re
import subprocess
import sys
import tempfile

root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
po_dir = os.path.join(root, 'po')

# meson's i18n.gettext(preset: 'glib') arguments (mesonbuild/modules/i18n.py)
GLIB_PRESET = [
    '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
    '--flag=N_:1:pass-c-format', '--flag=C_:2:pass-c-format', '--flag=NC_:2:pass-c-format',
    '--flag=g_dngettext:2:pass-c-format', '--flag=g_strdup_printf:1:c-format',
    '--flag=g_string_printf:2:c-format', '--flag=g_string_append_printf:2:c-format',
    '--flag=g_error_new:3:c-format', '--flag=g_set_error:4:c-format',
    '--flag=g_markup_printf_escaped:1:c-format', '--flag=g_log:3:c-format',
    '--flag=g_print:1:c-format', '--flag=g_printerr:1:c-format', '--flag=g_printf:1:c-format',
    '--flag=g_fprintf:2:c-format', '--flag=g_sprintf:2:c-format', '--flag=g_snprintf:3:c-format',
]

HOW = ('update it with `meson compile -C build inbetween-update-po`, then translate '
       'the new and changed (fuzzy) messages in po/{lang}.po')


def run(args):
    return subprocess.run(args, capture_output=True, text=True)


def entries(path):
    """(msgid, msgstr) of every translated message, without wrapping: msgstr[N]
    joined by a newline."""
    out = run(['msgattrib', '--no-wrap', '--no-location', '--no-obsolete', path]).stdout
    result = []
    for block in out.split('\n\n'):
        fields = {}
        key = None
        for line in block.splitlines():
            if line.startswith('#'):
                continue
            m = re.match(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if m:
                key = m.group(1)
                fields[key] = m.group(2)
            elif line.startswith('"') and key:
                fields[key] += line[1:-1]
        if 'msgid' not in fields or fields['msgid'] == '':
            continue
        strs = [v for k, v in sorted(fields.items()) if k.startswith('msgstr')]
        result.append((fields['msgid'], '\n'.join(strs)))
    return result


HAN = '\u3400-\u9fff'
STYLE = [
    (re.compile(rf'[{HAN}][,;:?!]'), 'ASCII punctuation after Chinese text: use ，；：？！'),
    (re.compile(rf'[{HAN}]\((?!_[A-Za-z0-9]\))|\((?=[{HAN}])'), 'ASCII parenthesis around Chinese text: use （）'),
    (re.compile(r'\.\.\.'), '"..." where "…" is meant'),
    (re.compile(r' [，。；：？！、（）]|[，。；：？！、（] '), 'a space beside full-width punctuation'),
]


def mnemonic(msgid):
    # "_Cancel", "Add a _Key…", "C_hoose…"; not first_image, INBETWEEN_<ID>_URL
    return msgid.count('_') == 1 and re.search(r'(^|[\s(])_[A-Za-z0-9]|\b[A-Z]_[a-z]', msgid)


def style_problems(path):
    problems = []
    for msgid, msgstr in entries(path):
        if not msgstr:
            continue
        if mnemonic(msgid) and re.search(f'[{HAN}]', msgstr) and not re.search(r'\(_[A-Za-z0-9]\)', msgstr):
            problems.append(f'mnemonic not as "(_X)": {msgid!r} → {msgstr!r}')
        if msgid.endswith(';'):
            continue  # a desktop file's keywords: semicolons are its syntax
        for pattern, what in STYLE:
            if pattern.search(msgstr):
                problems.append(f'{what}: {msgstr!r}')
    return problems


with open(os.path.join(po_dir, 'LINGUAS')) as fh:
    linguas = [w for line in fh for w in line.split('#')[0].split()]
pos = sorted(f[:-3] for f in os.listdir(po_dir) if f.endswith('.po'))

tests = []

tests.append(('every po/*.po is listed in po/LINGUAS and every language there has its po/LANG.po',
              sorted(linguas) == pos and len(pos) > 0,
              [f'LINGUAS: {" ".join(linguas)}; po files: {" ".join(pos)}']))

with tempfile.TemporaryDirectory() as tmp:
    pot = os.path.join(tmp, 'inbetween.pot')
    xgettext = run(['xgettext', '--package-name=inbetween', '--directory=' + root,
                    '--files-from=' + os.path.join(po_dir, 'POTFILES.in'), '--output=' + pot] + GLIB_PRESET)
    tests.append(('the template is extracted from po/POTFILES.in', xgettext.returncode == 0 and os.path.exists(pot),
                  xgettext.stderr.splitlines()))

    for lang in pos:
        path = os.path.join(po_dir, lang + '.po')
        check = run(['msgfmt', '--check', '--check-format', '--output-file=/dev/null', path])
        tests.append((f'msgfmt --check --check-format po/{lang}.po', check.returncode == 0 and not check.stderr.strip(),
                      check.stderr.splitlines()))

        if not os.path.exists(pot):
            tests.append((f'po/{lang}.po covers the sources', False, ['no template']))
            continue
        merged = os.path.join(tmp, lang + '.po')
        merge = run(['msgmerge', '--quiet', '--no-fuzzy-matching', '--output-file=' + merged, path, pot])
        if merge.returncode == 0:
            untranslated = run(['msgattrib', '--untranslated', '--no-obsolete', '--no-wrap', merged]).stdout
            fuzzy = run(['msgattrib', '--only-fuzzy', '--no-obsolete', '--no-wrap', merged]).stdout
            missing = [m for m in re.findall(r'^msgid "(.*)"$', untranslated, re.M) if m]
            unsure = [m for m in re.findall(r'^msgid "(.*)"$', fuzzy, re.M) if m]
        else:
            missing, unsure = ['(msgmerge failed: ' + merge.stderr.strip() + ')'], []
        diag = [f'{len(missing)} untranslated, {len(unsure)} fuzzy']
        diag += [f'untranslated: "{m}"' for m in missing[:40]]
        diag += [f'fuzzy: "{m}"' for m in unsure[:40]]
        if missing or unsure:
            diag.append('po/%s.po is behind the sources: %s' % (lang, HOW.format(lang=lang)))
        tests.append((f'po/{lang}.po translates every message of the sources (0 untranslated, 0 fuzzy)',
                      not missing and not unsure, diag))

if 'zh_CN' in pos:
    problems = style_problems(os.path.join(po_dir, 'zh_CN.po'))
    tests.append(('po/zh_CN.po keeps the zh_CN conventions (mnemonics "(_X)", full-width punctuation, "…")',
                  not problems, problems))

print(f'1..{len(tests)}')
failed = 0
for i, (name, ok, diag) in enumerate(tests, 1):
    print(('ok' if ok else 'not ok') + f' {i} - {name}')
    if not ok:
        failed += 1
        for line in diag:
            print(f'# {line}')
sys.exit(1 if failed else 0)
