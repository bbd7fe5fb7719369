#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The built desktop file: desktop-file-validate has nothing to say (no
error, warning or hint), the keys GNOME reads are there, and it claims only
what the application does: MIME types and a file field code only when the
application opens files (G_APPLICATION_HANDLES_OPEN), DBusActivatable only
with a D-Bus service file installed. Prints TAP.

  check-desktop.py BUILT.desktop SOURCE_ROOT
"""
import glob
import os
import re
import subprocess
import sys

# The images the keyframe slots open (app/inb-keyframe.c, README).
IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp', 'image/bmp']
MAIN_CATEGORIES = {'AudioVideo', 'Audio', 'Video', 'Development', 'Education', 'Game',
                   'Graphics', 'Network', 'Office', 'Science', 'Settings', 'System', 'Utility'}

path, root = sys.argv[1], sys.argv[2]
app_id = os.path.basename(path)[:-len('.desktop')]
results = []


def check(ok, what, *notes):
    results.append((bool(ok), what, [n for n in notes if n]))
    return bool(ok)


def read_entry(filename):
    entry, group = {}, None
    with open(filename, encoding='utf-8') as fh:
        for line in fh:
            line = line.rstrip('\n')
            if not line or line.startswith('#'):
                continue
            if line.startswith('['):
                group = line.strip('[]')
                continue
            if group == 'Desktop Entry' and '=' in line:
                key, value = line.split('=', 1)
                entry[key.strip()] = value.strip()
    return entry


validate = subprocess.run(['desktop-file-validate', path], capture_output=True, text=True)
said = (validate.stdout + validate.stderr).strip()
check(validate.returncode == 0 and not said,
      'desktop-file-validate: no error, warning or hint', said)

entry = read_entry(path)
for key, want in (('Type', 'Application'), ('Icon', app_id), ('Terminal', 'false'),
                  ('StartupNotify', 'true')):
    check(entry.get(key) == want, f'{key}={want}', f'found {key}={entry.get(key)}')
for key in ('Name', 'GenericName', 'Comment', 'Exec'):
    check(entry.get(key), f'{key} is set')
keywords = entry.get('Keywords', '')
check(keywords.endswith(';') and len(keywords.split(';')) > 3,
      'Keywords: several, the list ends with a semicolon', f'Keywords={keywords}')

categories = [c for c in entry.get('Categories', '').split(';') if c]
# Audio and Video are main categories that go with AudioVideo, not beside it.
main = [c for c in categories if c in MAIN_CATEGORIES and not (c in ('Audio', 'Video') and 'AudioVideo' in categories)]
check(len(main) == 1, 'Categories: exactly one main category (the app shows once in menus)',
      f'main categories: {main}')
check({'GTK', 'GNOME'} <= set(categories), 'Categories: GTK and GNOME')

exec_words = entry.get('Exec', '').split()
check(exec_words[:1] == ['inbetween'], 'Exec starts the inbetween binary', f'Exec={entry.get("Exec")}')

opens_files = False
for folder in ('ui', 'app'):
    for dirpath, _, files in os.walk(os.path.join(root, folder)):
        for name in files:
            if name.endswith('.c'):
                with open(os.path.join(dirpath, name), encoding='utf-8', errors='replace') as fh:
                    opens_files = opens_files or 'G_APPLICATION_HANDLES_OPEN' in fh.read()
field_code = [w for w in exec_words[1:] if w in ('%f', '%F', '%u', '%U')]
mime = [m for m in entry.get('MimeType', '').split(';') if m]
if opens_files:
    check(field_code and sorted(mime) == sorted(IMAGE_TYPES),
          'the application opens files: Exec takes them (%F or %U) and MimeType lists the images it opens',
          f'Exec={entry.get("Exec")}', f'MimeType={entry.get("MimeType")}',
          'want MimeType=' + ';'.join(IMAGE_TYPES) + ';')
else:
    check(not field_code and not mime,
          'the application opens no file it is given (no G_APPLICATION_HANDLES_OPEN): '
          'no MimeType, no file field code in Exec',
          f'Exec={entry.get("Exec")}', f'MimeType={entry.get("MimeType")}')

services = glob.glob(os.path.join(root, 'data', '*.service*'))
dbus_activatable = entry.get('DBusActivatable', 'false') == 'true'
check(dbus_activatable == bool(services),
      'DBusActivatable=true exactly when a D-Bus service file is installed',
      f'DBusActivatable={entry.get("DBusActivatable")}', f'service files: {services}')

print(f'1..{len(results)}')
for n, (ok, what, notes) in enumerate(results, 1):
    print(f'{"ok" if ok else "not ok"} {n} - {what}')
    if not ok:
        for note in notes:
            for line in str(note).splitlines():
                print(f'# {line}')
sys.exit(0 if all(ok for ok, _, _ in results) else 1)
