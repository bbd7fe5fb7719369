#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`meson install` into a DESTDIR, checked file by file: every file that
belongs is there (binary, probe helper in libexecdir, desktop file,
metainfo, GSettings schema, scalable and symbolic icons, samples, the
manual page (in mandir/man1, opening with man -l) and its translations
(mandir/LANG/man1), the translations in po/LINGUAS) and nothing else is; the installed binary looks
for the helper where it was installed; the desktop file starts a binary
that is installed and names an icon that is; the schema compiles with
--strict where it landed. Prints TAP.

  check-install.py MESON BUILD_DIR SOURCE_ROOT APP_ID
"""
import filecmp
import json
import os
import subprocess
import sys
import tempfile

meson, build, root, app_id = sys.argv[1:5]
results = []


def check(ok, what, *notes):
    results.append((bool(ok), what, [n for n in notes if n]))
    return bool(ok)


def finish():
    print(f'1..{len(results)}')
    for n, (ok, what, notes) in enumerate(results, 1):
        print(f'{"ok" if ok else "not ok"} {n} - {what}')
        if not ok:
            for note in notes:
                for line in str(note).splitlines():
                    print(f'# {line}')
    sys.exit(0 if results and all(ok for ok, _, _ in results) else 1)


options = {o['name']: o['value'] for o in json.loads(
    subprocess.run([meson, 'introspect', '--buildoptions', build],
                   check=True, capture_output=True, text=True).stdout)}
prefix = options['prefix']


def under(option):
    value = options[option]
    return os.path.normpath(value if os.path.isabs(value) else os.path.join(prefix, value))


bindir, libexecdir, datadir, localedir, mandir = (under(o) for o in ('bindir', 'libexecdir', 'datadir', 'localedir', 'mandir'))

expected = {
    os.path.join(bindir, 'inbetween'): 'the application',
    os.path.join(libexecdir, 'inbetween-probe'): 'the clip probe helper',
    os.path.join(mandir, 'man1', 'inbetween.1'): 'the manual page',
    os.path.join(datadir, 'applications', f'{app_id}.desktop'): 'the desktop file',
    os.path.join(datadir, 'metainfo', f'{app_id}.metainfo.xml'): 'the AppStream metainfo',
    os.path.join(datadir, 'glib-2.0', 'schemas', f'{app_id}.gschema.xml'): 'the GSettings schema',
    os.path.join(datadir, 'glib-2.0', 'schemas', f'{app_id}.enums.xml'): 'the schema\'s enum types',
    os.path.join(datadir, 'icons', 'hicolor', 'scalable', 'apps', f'{app_id}.svg'): 'the app icon',
    os.path.join(datadir, 'icons', 'hicolor', 'symbolic', 'apps', f'{app_id}-symbolic.svg'): 'the symbolic icon',
}
samples = os.path.join(root, 'data', 'samples')
for name in sorted(os.listdir(samples)):
    expected[os.path.join(datadir, 'inbetween', 'samples', name)] = f'sample {name}'
linguas = os.path.join(root, 'po', 'LINGUAS')
if os.path.exists(linguas):
    with open(linguas) as fh:
        for line in fh:
            for lang in line.split('#')[0].split():
                expected[os.path.join(localedir, lang, 'LC_MESSAGES', 'inbetween.mo')] = f'the {lang} translation'
                expected[os.path.join(mandir, lang, 'man1', 'inbetween.1')] = f'the manual page in {lang}'

with tempfile.TemporaryDirectory(prefix='inb-install-') as dest:
    env = dict(os.environ)
    env.pop('DESTDIR', None)
    p = subprocess.run([meson, 'install', '-C', build, '--no-rebuild', '--destdir', dest],
                       capture_output=True, text=True, env=env)
    if not check(p.returncode == 0, f'meson install --destdir (prefix {prefix})', p.stdout[-3000:], p.stderr[-3000:]):
        finish()

    def real(path):
        return os.path.join(dest, path.lstrip('/'))

    installed = set()
    for dirpath, dirs, files in os.walk(dest):
        for name in files + [d for d in dirs if os.path.islink(os.path.join(dirpath, d))]:
            installed.add('/' + os.path.relpath(os.path.join(dirpath, name), dest))

    for path, what in sorted(expected.items(), key=lambda kv: kv[0]):
        check(path in installed, f'{what}: {path}')
    extra = sorted(installed - set(expected))
    check(not extra, 'nothing else is installed', *[f'unexpected: {e}' for e in extra])

    for path in (os.path.join(bindir, 'inbetween'), os.path.join(libexecdir, 'inbetween-probe')):
        f = real(path)
        if os.path.exists(f):
            with open(f, 'rb') as fh:
                elf = fh.read(4) == b'\x7fELF'
            check(elf and os.access(f, os.X_OK), f'{os.path.basename(path)} is an executable program')

    binary = real(os.path.join(bindir, 'inbetween'))
    helper = os.path.join(libexecdir, 'inbetween-probe')
    if os.path.exists(binary):
        with open(binary, 'rb') as fh:
            check(helper.encode() + b'\0' in fh.read(),
                  f'the installed binary looks for the helper where it is installed ({helper})')

    desktop = real(os.path.join(datadir, 'applications', f'{app_id}.desktop'))
    if os.path.exists(desktop):
        keys = {}
        with open(desktop, encoding='utf-8') as fh:
            for line in fh:
                if '=' in line and not line.startswith('#'):
                    k, v = line.rstrip('\n').split('=', 1)
                    keys.setdefault(k, v)
        program = keys.get('Exec', '').split()[0] if keys.get('Exec') else ''
        check(os.path.join(bindir, program) in installed,
              f'the desktop file starts an installed program ({program})')
        check(keys.get('Icon') == app_id and
              os.path.join(datadir, 'icons', 'hicolor', 'scalable', 'apps', f'{app_id}.svg') in installed,
              'the desktop file names the installed icon')
        built = os.path.join(build, 'data', f'{app_id}.desktop')
        check(filecmp.cmp(desktop, built, shallow=False), 'the installed desktop file is the built one')

    manpage = real(os.path.join(mandir, 'man1', 'inbetween.1'))
    if os.path.exists(manpage):
        check(filecmp.cmp(manpage, os.path.join(build, 'inbetween.1'), shallow=False),
              'the installed manual page is the built one (tests/check-manpage.py checks that)')
        p = subprocess.run(['man', '--warnings', '-l', manpage], capture_output=True, text=True,
                           env=dict(os.environ, LC_ALL='C.UTF-8', MANWIDTH='80'))
        check(p.returncode == 0 and 'inbetween generate' in p.stdout and not p.stderr.strip(),
              'the installed manual page opens with man -l', p.stderr)

    # The translations: `man -L LANG inbetween` over the installed tree finds
    # the page in mandir/LANG/man1 (and without -L, the English one).
    for lang in sorted({os.path.relpath(p, mandir).split(os.sep)[0] for p in expected
                        if p.startswith(mandir + os.sep) and not p.startswith(os.path.join(mandir, 'man1'))}):
        page = real(os.path.join(mandir, lang, 'man1', 'inbetween.1'))
        if not os.path.exists(page):
            continue
        check(filecmp.cmp(page, os.path.join(build, 'man', lang, 'inbetween.1'), shallow=False),
              f'the installed manual page in {lang} is the built one (tests/check-manpage-i18n.py checks that)')
        # MANPATH, not -M: man-db looks in a tree's LANG folders only so
        p = subprocess.run(['man', '--warnings', '-L', lang, 'inbetween'],
                           capture_output=True, text=True,
                           env=dict(os.environ, LC_ALL='C.UTF-8', MANWIDTH='80', MANPATH=real(mandir)))
        with open(page, encoding='utf-8') as fh:
            name = fh.read().split('\n.SH ', 2)[1].split('\n')[0]
        check(p.returncode == 0 and p.stdout.lstrip().split('\n')[1:2] and name in p.stdout
              and 'inbetween generate' in p.stdout and not p.stderr.strip(),
              f'`man -L {lang} inbetween` opens the installed page in {lang} (its NAME section is "{name}")',
              p.stderr, p.stdout[:300])

    schemas = real(os.path.join(datadir, 'glib-2.0', 'schemas'))
    if os.path.isdir(schemas):
        with tempfile.TemporaryDirectory() as target:
            p = subprocess.run(['glib-compile-schemas', '--strict', '--targetdir', target, schemas],
                               capture_output=True, text=True)
            check(p.returncode == 0 and not (p.stdout + p.stderr).strip(),
                  'the installed schema compiles with --strict', p.stdout, p.stderr)

    for name in sorted(os.listdir(samples)):
        f = real(os.path.join(datadir, 'inbetween', 'samples', name))
        if os.path.exists(f):
            check(filecmp.cmp(f, os.path.join(samples, name), shallow=False), f'sample {name} is installed unchanged')

finish()
