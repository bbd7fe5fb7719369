#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Flatpak manifest (build-aux/flatpak/), checked without flatpak: valid
JSON with the keys flatpak-builder needs; the app id is the project's; the
GNOME runtime is one whose GTK and libadwaita meet our floor; the command
is a program the build installs; finish-args grant only what the app uses
(network, the Secret Service, the display) and no file system access
(files come through portals); every module has sources, archives with a
sha256, git sources pinned to a commit; every library the build asks
pkg-config for is in the runtime or built by a module, and every module
builds one. With flatpak-builder installed, --show-manifest reads it too.
Prints TAP.

  check-flatpak-manifest.py MANIFEST SOURCE_ROOT BUILD_DIR MESON APP_ID
"""
import json
import os
import re
import shutil
import subprocess
import sys

manifest_path, root, build, meson, app_id = sys.argv[1:6]

# GTK 4.8 and libadwaita 1.2 came with GNOME 43: no older runtime will do.
MIN_GNOME_RUNTIME = 43

# What org.gnome.Sdk 50 provides of what meson.build asks pkg-config for
# (gnome-build-meta gnome-50: elements/sdk/*.bst and sdk-platform.bst;
# freedesktop-sdk 25.08: elements/platform.bst, which has libjpeg-turbo and
# zlib). giflib is in the runtime but ships no pkg-config file;
# libimagequant is not in it at all.
RUNTIME_PROVIDES = {
    'glib-2.0', 'gio-2.0', 'gio-unix-2.0', 'gobject-2.0', 'gdk-pixbuf-2.0',
    'json-glib-1.0', 'libsoup-3.0', 'libsecret-1', 'gtk4', 'libadwaita-1',
    'gstreamer-1.0', 'gstreamer-app-1.0', 'gstreamer-video-1.0', 'gstreamer-pbutils-1.0',
    'libcurl', 'libwebp', 'libwebpmux', 'libwebpdemux', 'libjpeg', 'zlib',
}
# What each module of the manifest builds, by pkg-config name.
MODULE_PROVIDES = {
    'libimagequant': {'imagequant'},
    'libgif-pkg-config': {'libgif'},
}
# Special dependency() names meson resolves without pkg-config.
MESON_BUILTIN = {'threads', 'openmp', 'intl', 'dl', 'iconv'}

ALLOWED_ARGS = {
    '--share=network': 'hosted models and ComfyUI servers',
    '--share=ipc': 'X11 shared memory (fallback-x11)',
    '--socket=wayland': 'the window',
    '--socket=fallback-x11': 'the window where there is no Wayland',
    '--device=dri': 'GTK\'s GL renderer',
    '--talk-name=org.freedesktop.secrets': 'API keys in the keyring (libsecret without the Secret portal)',
}
REQUIRED_ARGS = set(ALLOWED_ARGS)

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


try:
    with open(manifest_path, encoding='utf-8') as fh:
        manifest = json.load(fh)
    check(isinstance(manifest, dict), 'the manifest is a JSON object')
except (OSError, ValueError) as e:
    check(False, 'the manifest is valid JSON', str(e))
    finish()
here = os.path.dirname(os.path.abspath(manifest_path))

for key in ('runtime', 'runtime-version', 'sdk', 'command', 'finish-args', 'modules'):
    check(key in manifest, f'has "{key}"')
check(manifest.get('id', manifest.get('app-id')) == app_id, f'the app id is {app_id}',
      f'found {manifest.get("id", manifest.get("app-id"))}')
check(manifest.get('runtime') == 'org.gnome.Platform' and manifest.get('sdk') == 'org.gnome.Sdk',
      'the GNOME runtime and SDK')
version = str(manifest.get('runtime-version', ''))
check(re.fullmatch(r'\d+', version) and int(version) >= MIN_GNOME_RUNTIME,
      f'runtime-version {version} has GTK ≥ 4.8 and libadwaita ≥ 1.2 (GNOME ≥ {MIN_GNOME_RUNTIME})')

installed = json.loads(subprocess.run([meson, 'introspect', '--installed', build],
                                      check=True, capture_output=True, text=True).stdout)
options = {o['name']: o['value'] for o in json.loads(subprocess.run(
    [meson, 'introspect', '--buildoptions', build], check=True, capture_output=True, text=True).stdout)}
bindir = os.path.join(options['prefix'], options['bindir'])
command = manifest.get('command', '')
check(os.path.join(bindir, command) in installed.values(),
      f'the command ({command}) is a program the build installs in bindir')

args = manifest.get('finish-args', [])
unknown = [a for a in args if a not in ALLOWED_ARGS]
check(not unknown, 'finish-args: only network, the Secret Service and the display', *unknown)
check(not [a for a in args if a.startswith(('--filesystem', '--persist'))],
      'finish-args: no file system access (files through portals; no home, no host)')
check(REQUIRED_ARGS <= set(args), 'finish-args: everything the app uses',
      *[f'missing {a} ({ALLOWED_ARGS[a]})' for a in sorted(REQUIRED_ARGS - set(args))])

modules = []
for m in manifest.get('modules', []):
    if isinstance(m, str):                       # a module in a file of its own
        with open(os.path.join(here, m), encoding='utf-8') as fh:
            m = json.load(fh)
    modules.append(m)

for m in modules:
    name = m.get('name', '?')
    sources = m.get('sources') or []
    check(sources, f'module {name}: has sources')
    for s in sources:
        kind = s.get('type')
        if kind in ('archive', 'file'):
            check(s.get('url', '').startswith('https://') and re.fullmatch(r'[0-9a-f]{64}', s.get('sha256', '')),
                  f'module {name}: {kind} {s.get("url")} over https with a sha256')
        elif kind == 'git':
            check(s.get('url', '').startswith('https://') and re.fullmatch(r'[0-9a-f]{40}', s.get('commit', '')),
                  f'module {name}: git {s.get("url")} over https, pinned to a commit')
        elif kind == 'dir':
            check(os.path.realpath(os.path.join(here, s.get('path', ''))) == os.path.realpath(root),
                  f'module {name}: the directory source is this source tree')
        elif kind == 'patch':
            check(os.path.isfile(os.path.join(here, s.get('path', ''))), f'module {name}: patch {s.get("path")} exists')
        else:
            check(kind in ('inline', 'script', 'shell'), f'module {name}: a {kind} source', 'unexpected source type')

app = modules[-1] if modules else {}
check(app.get('name') == 'inbetween' and app.get('buildsystem') == 'meson' and
      [s.get('type') for s in app.get('sources', [])] == ['dir'],
      'the last module builds this tree with meson')

asked = set()
for dirpath, dirs, files in os.walk(root):
    dirs[:] = [d for d in dirs if not d.startswith(('.', 'build', '_build'))]
    if 'meson.build' in files:
        with open(os.path.join(dirpath, 'meson.build'), encoding='utf-8') as fh:
            asked |= set(re.findall(r"\bdependency\(\s*'([^']+)'", fh.read()))
asked -= MESON_BUILTIN
built = set().union(*[MODULE_PROVIDES.get(m.get('name'), set()) for m in modules])
missing = sorted(asked - RUNTIME_PROVIDES - built)
check(not missing, 'every library meson.build asks for is in the runtime or built by a module',
      *[f'neither the runtime nor a module has {d}' for d in missing])
needless = [m.get('name') for m in modules[:-1] if not (MODULE_PROVIDES.get(m.get('name'), set()) & asked)]
check(not needless, 'every dependency module builds something meson.build asks for', *needless)

if shutil.which('flatpak-builder'):
    p = subprocess.run(['flatpak-builder', '--show-manifest', manifest_path], capture_output=True, text=True)
    check(p.returncode == 0, 'flatpak-builder --show-manifest reads it', p.stderr)
else:
    print('# flatpak-builder is not installed: --show-manifest not run')

finish()
