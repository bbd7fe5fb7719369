#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The command line in Simplified Chinese. Prints TAP.

Runs the real binary ($INB_BINARY) as a Chinese-speaking user whose machine
has no zh_CN locale built: LANGUAGE=zh_CN on LANG=C.UTF-8 (LC_ALL unset),
the build tree's catalogs ($INB_LOCALEDIR). Its error messages, --help, a
verb's options (GLib's own words included) and the schemas' parameter
descriptions (g_dgettext at run time) are in Chinese; without LANGUAGE the
same error is in English, so the check tells the two apart.

Then, on a zh_CN.UTF-8 locale built with localedef into a temporary LOCPATH
(LC_ALL set, LANGUAGE not): `history` writes dates as the translation's
g_date_time_format() pattern says, lengths in Chinese, and pads its columns
by terminal width; a size limit is written by g_format_size().
"""
import os
import subprocess
import sys

binary = os.environ.get('INB_BINARY')
localedir = os.environ.get('INB_LOCALEDIR')


def run(*args, language='zh_CN'):
    env = {k: v for k, v in os.environ.items() if not k.startswith('LC_') and k not in ('LANGUAGE', 'DISPLAY', 'WAYLAND_DISPLAY')}
    env['LANG'] = 'C.UTF-8'
    if language:
        env['LANGUAGE'] = language
    return subprocess.run([binary] + list(args), env=env, capture_output=True, text=True, timeout=120)


tests = []


def check(name, ok, *diag):
    tests.append((name, ok, diag))


if not binary or not localedir or not os.path.exists(os.path.join(localedir, 'zh_CN', 'LC_MESSAGES', 'inbetween.mo')):
    print('1..1')
    print(f'not ok 1 - the binary and the built catalog are there (INB_BINARY={binary}, INB_LOCALEDIR={localedir})')
    sys.exit(1)

missing = '/nonexistent/inbetween-test/first.png'
r = run('generate', missing, missing)
check('a keyframe that does not exist is named in Chinese, exit status 2',
      r.returncode == 2 and '“first.png”不存在。' in r.stderr and 'does not exist' not in r.stderr,
      f'status {r.returncode}', r.stderr)

r = run('generate', missing, missing, language=None)
check('without LANGUAGE the same message is English',
      r.returncode == 2 and 'does not exist' in r.stderr and '不存在' not in r.stderr, r.stderr)

r = run('help', 'frobnicate')
check('help for an unknown command is refused in Chinese',
      r.returncode == 2 and '未知命令“frobnicate”；请参阅“inbetween --help”' in r.stderr, f'status {r.returncode}', r.stderr)

r = run('--help')
check('--help is in Chinese: usage, every command, the exit status',
      r.returncode == 0 and '用法：' in r.stdout and '由两张关键帧生成视频' in r.stdout and
      '列出已保存的镜次' in r.stdout and '退出状态：' in r.stdout and 'Usage:' not in r.stdout and
      'Make a clip' not in r.stdout, r.stdout, r.stderr)

r = run('help', 'generate')
check("a command's help is in Chinese, GLib's own headings too",
      r.returncode == 0 and '首帧和尾帧为图像文件' in r.stdout and '--prompt=提示词' in r.stdout and
      '帮助选项' in r.stdout and 'Help Options' not in r.stdout and 'What to avoid' not in r.stdout,
      r.stdout, r.stderr)

r = run('backends')
check("backends prints the schemas' words in Chinese (looked up at run time)",
      r.returncode == 0 and '光流补帧' in r.stdout and '视频每秒的帧数' in r.stdout and '默认值' in r.stdout and
      'Frames per second of the clip' not in r.stdout and '; default ' not in r.stdout, r.stdout, r.stderr)

r = run('generate', '--seed', '-5', missing, missing)
check('a usage error names the option in Chinese',
      r.returncode == 2 and '--seed 必须大于或等于 0（收到 -5）' in r.stderr, f'status {r.returncode}', r.stderr)

# -- A real zh_CN.UTF-8 locale: dates, durations, sizes and table columns ----
# The machine may have no zh_CN locale built (Debian's default has only C and
# C.UTF-8): build one from the `locales` package's sources into a temporary
# LOCPATH, as a user can, and run the binary with LC_ALL=zh_CN.UTF-8 and no
# LANGUAGE, so the locale alone picks the language and the formats.
import json
import re
import shutil
import tempfile
import unicodedata

tmp = tempfile.mkdtemp(prefix='inb-cli-zh-')
locpath = os.path.join(tmp, 'locale')
os.makedirs(locpath)
made = subprocess.run(['localedef', '-i', 'zh_CN', '-f', 'UTF-8', os.path.join(locpath, 'zh_CN.UTF-8')],
                      capture_output=True, text=True)
have_locale = os.path.exists(os.path.join(locpath, 'zh_CN.UTF-8', 'LC_TIME'))
check('a zh_CN.UTF-8 locale can be built with localedef (the locales package)',
      have_locale, f'localedef status {made.returncode}', made.stderr)

data = os.path.join(tmp, 'data')


def write_take(take_id, **fields):
    d = os.path.join(data, 'inbetween', 'takes', take_id)
    os.makedirs(d)
    manifest = {'schema_version': 1, 'id': take_id, 'backend': 'local', 'model': 'flow',
                'prompt': 'a red balloon', 'negative_prompt': '', 'parameters': {}, 'seed': 7,
                'history': [], 'timings': {}, 'error': None}
    manifest.update(fields)
    with open(os.path.join(d, 'take.json'), 'w') as fh:
        json.dump(manifest, fh, ensure_ascii=False)


write_take('a1b2c3d4', number=1, created='2026-03-04T05:06:07Z', state='done',
           result={'frames': 81, 'fps': 16.0, 'width': 64, 'height': 64})
write_take('e5f6a7b8', number=2, title='日落时的气球', created='2026-11-12T13:14:15Z', state='failed',
           error={'message': 'x'})


def run_locale(*args, lc_all='zh_CN.UTF-8'):
    env = {k: v for k, v in os.environ.items() if not k.startswith('LC_') and k not in ('LANGUAGE', 'DISPLAY', 'WAYLAND_DISPLAY')}
    env.update({'LOCPATH': locpath, 'LANG': lc_all, 'LC_ALL': lc_all, 'TZ': 'UTC', 'XDG_DATA_HOME': data})
    return subprocess.run([binary] + list(args), env=env, capture_output=True, text=True, timeout=120)


def columns(text):
    """Terminal columns of @text: East Asian wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in 'WF' else 0 if unicodedata.combining(c) else 1 for c in text)


def column_of(line, word):
    i = line.find(word)
    return columns(line[:i]) if i >= 0 else -1


r = run_locale('history')
lines = [l for l in r.stdout.splitlines() if l.strip()]
done = next((l for l in lines if l.startswith('a1b2c3d4')), '')
failed_line = next((l for l in lines if l.startswith('e5f6a7b8')), '')
check('history on zh_CN.UTF-8: the date as the locale writes it, the take named and the length in Chinese',
      have_locale and r.returncode == 0 and '2026年03月04日 05:06' in done and '2026年11月12日 13:14' in failed_line and
      '镜次 1' in done and '5.1秒' in done and '2026-03-04' not in r.stdout,
      f'status {r.returncode}', r.stdout, r.stderr)
check('history on zh_CN.UTF-8: the take states in Chinese (已完成, 失败), not the English words',
      have_locale and ' 已完成 ' in done and ' 失败 ' in failed_line and
      ' done ' not in r.stdout and ' failed ' not in r.stdout, done, failed_line)
check("history's columns line up on a terminal with a Chinese title (padded by columns, not bytes)",
      have_locale and done and failed_line and
      column_of(done, ' 已完成') == column_of(failed_line, ' 失败') and
      column_of(done, 'local/flow') == column_of(failed_line, 'local/flow') and column_of(done, 'local/flow') > 0,
      done, failed_line,
      f"state at column {column_of(done, ' 已完成')} / {column_of(failed_line, ' 失败')}, "
      f"model at {column_of(done, 'local/flow')} / {column_of(failed_line, 'local/flow')}")

r = run_locale('history', '--state', '已完成')
check('history --state takes the state word the Chinese table shows (已完成)',
      have_locale and r.returncode == 0 and 'a1b2c3d4' in r.stdout and 'e5f6a7b8' not in r.stdout,
      f'status {r.returncode}', r.stdout, r.stderr)
r = run_locale('history', '--state', 'failed')
check('… and the English word as well (failed)',
      have_locale and r.returncode == 0 and 'e5f6a7b8' in r.stdout and 'a1b2c3d4' not in r.stdout,
      f'status {r.returncode}', r.stdout, r.stderr)

r = run_locale('history', lc_all='C.UTF-8')
check('the same history on C.UTF-8 stays English: ISO date, "5.1s", the states done and failed',
      r.returncode == 0 and '2026-03-04 05:06' in r.stdout and 'Take 1 ' in r.stdout and '5.1s' in r.stdout and
      ' done ' in r.stdout and ' failed ' in r.stdout and
      '年' not in r.stdout.replace('日落时的气球', ''), r.stdout, r.stderr)

# A keyframe over the size limit (a sparse file: no disk used): the limit is
# written by g_format_size, inside a Chinese sentence.
big = os.path.join(tmp, 'big.png')
with open(big, 'wb') as fh:
    fh.truncate(300 * 1024 * 1024)
r = run_locale('generate', big, big)
check('a keyframe too large is refused in Chinese with the limit as a size ("268.4 MB"), not a byte count',
      have_locale and r.returncode != 0 and '文件过大，无法用作关键帧（最多 268.4' in r.stderr and
      '268435456' not in r.stderr, f'status {r.returncode}', r.stderr)

shutil.rmtree(tmp, ignore_errors=True)

print(f'1..{len(tests)}')
failed = 0
for i, (name, ok, diag) in enumerate(tests, 1):
    print(('ok' if ok else 'not ok') + f' {i} - {name}')
    if not ok:
        failed += 1
        for block in diag:
            for line in str(block).splitlines():
                print(f'# {line}')
sys.exit(1 if failed else 0)
