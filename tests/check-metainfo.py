#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The built AppStream metainfo: appstream-util (validate-relax and the
stricter validate) and appstreamcli accept it without a warning, and what
software centres show is there and true: the id and launchable match the
desktop file, the binary it provides is the one the desktop file starts,
screenshots are files in the repository (docs/), PNGs at least 624 px wide
and landscape, the newest release is the
project's version, brand colours for light and dark, an OARS rating.
Prints TAP.

  check-metainfo.py BUILT.metainfo.xml BUILT.desktop SOURCE_ROOT VERSION
"""
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

# Where the repository's files are served from; screenshots must be files
# under it (tests/check-metainfo.py maps each URL back to the source tree).
REPOSITORY_RAW = 'https://raw.githubusercontent.com/inbetween/inbetween/main/'
GETTEXT_PACKAGE = 'inbetween'

path, desktop, root, version = sys.argv[1:5]
desktop_id = os.path.basename(desktop)
app_id = desktop_id[:-len('.desktop')]
results = []


# GNOME Software shows no screenshot narrower than this
MIN_SCREENSHOT_WIDTH = 624


def png_size(path):
    """(width, height) from a PNG's IHDR, or None when it is not a PNG."""
    with open(path, 'rb') as f:
        head = f.read(24)
    if len(head) < 24 or head[:8] != b'\x89PNG\r\n\x1a\n' or head[12:16] != b'IHDR':
        return None
    return int.from_bytes(head[16:20], 'big'), int.from_bytes(head[20:24], 'big')


def check(ok, what, *notes):
    results.append((bool(ok), what, [n for n in notes if n]))
    return bool(ok)


def run(*cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    return p.returncode, (p.stdout + p.stderr).strip()


rc, said = run('appstream-util', 'validate-relax', '--nonet', path)
check(rc == 0, 'appstream-util validate-relax --nonet', said)
rc, said = run('appstream-util', 'validate', '--nonet', path)
check(rc == 0, 'appstream-util validate --nonet (the stricter one)', said)
if shutil.which('appstreamcli'):
    rc, said = run('appstreamcli', 'validate', '--no-net', path)
    # Infos are fine (bookworm's 0.16 calls <developer> unknown; 1.0 wants it).
    warnings = [l for l in said.splitlines() if re.match(r'^[EW]: ', l)]
    check(rc == 0 and not warnings, 'appstreamcli validate --no-net: no error or warning', said)

tree = ET.parse(path).getroot()


def text(xpath):
    node = tree.find(xpath)
    return node.text.strip() if node is not None and node.text else None


check(tree.get('type') == 'desktop-application', 'a desktop-application component')
check(text('id') == app_id, f'<id> is the desktop file\'s name ({app_id})', f'id: {text("id")}')
launchable = tree.find('launchable')
check(launchable is not None and launchable.get('type') == 'desktop-id' and launchable.text == desktop_id,
      f'<launchable type="desktop-id"> is {desktop_id}')

exec_line = ''
with open(desktop, encoding='utf-8') as fh:
    for line in fh:
        if line.startswith('Exec='):
            exec_line = line[5:].split()[0]
binaries = [b.text for b in tree.findall('provides/binary')]
check(binaries == [exec_line], '<provides><binary> is what the desktop file starts',
      f'binaries {binaries}, Exec {exec_line}')
check(text('translation[@type="gettext"]') == GETTEXT_PACKAGE, f'<translation type="gettext">{GETTEXT_PACKAGE}')
check(text('developer/name') and text('developer_name'),
      '<developer><name> (AppStream 1.0) and <developer_name> (bookworm\'s 0.16)')
for kind in ('homepage', 'bugtracker'):
    url = text(f'url[@type="{kind}"]') or ''
    check(url.startswith('https://'), f'<url type="{kind}"> is https', url)

shots = tree.findall('screenshots/screenshot')
defaults = [s for s in shots if s.get('type') == 'default']
check(shots and len(defaults) == 1, 'screenshots, exactly one of them the default')
for shot in shots:
    image = (shot.findtext('image') or '').strip()
    rel = image[len(REPOSITORY_RAW):] if image.startswith(REPOSITORY_RAW) else None
    check(rel and os.path.isfile(os.path.join(root, rel)) and rel.startswith('docs/'),
          f'screenshot {image} is a file in the repository\'s docs/',
          f'want {REPOSITORY_RAW}docs/…, a file that exists in the source tree')
    check(shot.findtext('caption'), f'screenshot {os.path.basename(image)} has a caption')
    if rel and os.path.isfile(os.path.join(root, rel)):
        size = png_size(os.path.join(root, rel))
        check(size and size[0] >= MIN_SCREENSHOT_WIDTH,
              f'screenshot {os.path.basename(image)} is a PNG at least {MIN_SCREENSHOT_WIDTH} px wide',
              f'size: {size[0]} × {size[1]}' if size else 'not a PNG')
        check(size and 1.3 <= size[0] / size[1] <= 1.9,
              f'screenshot {os.path.basename(image)} is landscape, about as wide as a screen (1.3 to 1.9)',
              f'size: {size[0]} × {size[1]}' if size else 'not a PNG')

releases = tree.findall('releases/release')
versions = [r.get('version') for r in releases]
check(versions and versions[0] == version,
      f'the newest release is the project\'s version ({version})', f'releases: {versions}')
check(all(re.fullmatch(r'\d{4}-\d\d-\d\d', r.get('date') or '') for r in releases),
      'every release has an ISO date')

colors = {c.get('scheme_preference'): c.text for c in tree.findall('branding/color[@type="primary"]')}
check(set(colors) == {'light', 'dark'} and
      all(re.fullmatch(r'#[0-9a-fA-F]{6}', v or '') for v in colors.values()) and
      colors.get('light') != colors.get('dark'),
      'brand colours: a primary colour for light and one for dark', f'colours: {colors}')
rating = tree.find('content_rating')
check(rating is not None and rating.get('type') == 'oars-1.1', 'an OARS 1.1 content rating')
check(tree.find('description/p') is not None and tree.find('description/ul') is not None,
      'a description with a paragraph and a feature list')

print(f'1..{len(results)}')
for n, (ok, what, notes) in enumerate(results, 1):
    print(f'{"ok" if ok else "not ok"} {n} - {what}')
    if not ok:
        for note in notes:
            for line in str(note).splitlines():
                print(f'# {line}')
sys.exit(0 if all(ok for ok, _, _ in results) else 1)
