#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The command line in Simplified Chinese. Prints TAP.

Runs the real binary ($INB_BINARY) as a Chinese-speaking user whose machine
has no zh_CN locale built: LANGUAGE=zh_CN on LANG=C.UTF-8 (LC_ALL unset),
the build tree's catalogs ($INB_LOCALEDIR). Its error messages, --help, a
verb's options (GLib's own words included) and the schemas' parameter
descriptions (g_dgettext at run time) are in Chinese; without LANGUAGE the
same error is in English, so the check tells the two apart.
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
