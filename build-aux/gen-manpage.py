#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes inbetween(1) from the built binary's own help, so the manual and
`inbetween --help` / `inbetween help VERB` are one text: the verbs, their
options and notes come from the option tables in app/inb-cli*.c (and the
backends' own commands), read here through the binary, never written twice.
The line under NAME and the DESCRIPTION are the AppStream summary and
first paragraph.

  gen-manpage.py BINARY METAINFO.xml.in SCHEMA_DIR OUTPUT

The binary runs in the C.UTF-8 locale (English), with settings in memory,
its folders in a temporary directory and no keyring, display or network.
"""
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

NAMED = {
    '\u2014': r'\(em', '\u2013': r'\(en', '\u201c': r'\(lq', '\u201d': r'\(rq',
    '\u2018': r'\(oq', '\u2019': r'\(cq', '\u00d7': r'\(mu', '\u2026': r'\&.\|.\|.',
    '\u2212': r'\(mi',
}


def roff(text):
    """Plain text as roff: backslashes, hyphens, leading dots and quotes,
    anything outside ASCII as a named or \\[uXXXX] glyph."""
    out = []
    for ch in text.replace('\\', '\\e'):
        if ch == '-':
            out.append(r'\-')
        elif ch in NAMED:
            out.append(NAMED[ch])
        elif ord(ch) > 126:
            out.append(r'\[u%04X]' % ord(ch))
        else:
            out.append(ch)
    line = ''.join(out)
    return '\\&' + line if line[:1] in ('.', "'") else line


def run(binary, env, *args):
    p = subprocess.run([binary, *args], env=env, capture_output=True, text=True)
    if p.returncode != 0 or not p.stdout.strip():
        sys.exit(f'gen-manpage: `inbetween {" ".join(args)}` failed ({p.returncode}): {p.stderr.strip()}')
    return p.stdout


def sections(text):
    """GOption-style help as [(heading, [lines])]: "Usage:" and the like
    start a section, a blank line ends it; text under no heading is ''."""
    out = [('', [])]
    for line in text.rstrip('\n').split('\n'):
        m = re.fullmatch(r'(\S[^:]*):', line)
        if m and not line.startswith(' '):
            out.append((m.group(1), []))
        elif not line.strip() and out[-1][0] and any(l.strip() for l in out[-1][1]):
            out.append(('', []))      # a blank line ends a section
        else:
            out[-1][1].append(line)
    return [(h, lines) for h, lines in out if h or any(l.strip() for l in lines)]


OPTION = re.compile(r'^  (?:(-\w), )?(--[\w-]+)(?:=(\S+))?\s{2,}(.*)$')


def option_item(line):
    m = OPTION.match(line)
    if not m:
        return None
    short, long_, arg, text = m.groups()
    head = []
    if short:
        head.append(r'\fB%s\fR' % roff(short))
    head.append(r'\fB%s\fR' % roff(long_) + (r'=\fI%s\fR' % roff(arg) if arg else ''))
    return '.TP\n%s\n%s' % (', '.join(head), roff(text))


def paragraphs(lines):
    """Lines as paragraphs; a line starting "Exit status:" starts one."""
    paras, cur = [], []
    for line in lines:
        if not line.strip() or line.startswith('Exit status:'):
            if cur:
                paras.append(' '.join(cur))
            cur = [line.strip()] if line.strip() else []
        else:
            cur.append(line.strip())
    if cur:
        paras.append(' '.join(cur))
    return paras


def verb_page(help_text, title):
    """One verb's --help as a subsection: synopsis, options, notes."""
    out = ['.SS "%s"' % roff(title)]
    for heading, lines in sections(help_text):
        body = [l for l in lines if l.strip()]
        if heading == 'Usage':
            usage = body[0].strip()
            synopsis, _, summary = usage.partition(' \u2014 ')
            if summary:
                out.append(roff(summary[:1].upper() + summary[1:]) + '.')
            out.append('.PP\n.nf\n%s\n.fi' % roff(synopsis))
        elif heading == 'Help Options':
            continue              # -h, --help: said once, under OPTIONS
        elif heading in ('Application Options', 'Options'):
            items = [option_item(l) for l in body]
            out.append('.PP\nOptions:')
            out.extend(i for i in items if i)
            # A line that is not an option (wrapped text) would be lost.
            if not all(items):
                sys.exit(f'gen-manpage: cannot read an option line in {title}: {body}')
        else:
            for p in paragraphs(lines):
                out.append('.PP\n' + roff(p))
    return '\n'.join(out)


def main():
    binary, metainfo, schema_dir, output = sys.argv[1:5]
    component = ET.parse(metainfo).getroot()
    summary = component.findtext('summary').strip()
    about = ' '.join(component.findtext('description/p').split())

    with tempfile.TemporaryDirectory(prefix='inb-manpage-') as home:
        env = {
            'PATH': os.environ.get('PATH', '/usr/bin:/bin'),
            'LC_ALL': 'C.UTF-8', 'LANG': 'C.UTF-8',
            'HOME': home,
            'XDG_DATA_HOME': os.path.join(home, 'data'),
            'XDG_CONFIG_HOME': os.path.join(home, 'config'),
            'XDG_CACHE_HOME': os.path.join(home, 'cache'),
            'XDG_STATE_HOME': os.path.join(home, 'state'),
            'GSETTINGS_BACKEND': 'memory',
            'GSETTINGS_SCHEMA_DIR': schema_dir,
            'GIO_USE_VFS': 'local',
            'SECRET_BACKEND': 'file',
            'SECRET_FILE_TEST_PATH': '/dev/null/inbetween-manpage-uses-no-keyring',
            'SECRET_FILE_TEST_PASSWORD': 'unused',
            # A build with no network and no session bus
            'DBUS_SESSION_BUS_ADDRESS': 'unix:path=/dev/null/no-bus',
        }
        version = run(binary, env, '--version').split()[-1]
        top = sections(run(binary, env, '--help'))
        top_map = dict(top)
        verbs = []
        for line in top_map.get('Commands', []):
            m = re.match(r'^  (\S+)\s{2,}(.*)$', line)
            if m and m.group(1) != 'help':
                verbs.append(m.group(1))
        backend_commands = []
        for line in top_map.get('Commands of the backends', []):
            m = re.match(r'^  (\S+ \S+)\s{2,}(.*)$', line)
            if m:
                backend_commands.append(m.group(1).split())
        if not verbs:
            sys.exit('gen-manpage: `inbetween --help` lists no commands')
        pages = [verb_page(run(binary, env, 'help', v), f'inbetween {v}') for v in verbs]
        pages += [verb_page(run(binary, env, b, c, '--help'), f'inbetween {b} {c}')
                  for b, c in backend_commands]

    out = [
        '.\\" Generated by build-aux/gen-manpage.py from `inbetween --help` and',
        '.\\" `inbetween help COMMAND`: edit app/inb-cli*.c, not this file.',
        '.TH INBETWEEN 1 "" "inbetween %s" "User Commands"' % roff(version),
        '.nh',
        '.SH NAME',
        'inbetween \\- %s' % roff(summary[:1].lower() + summary[1:]),
    ]
    for heading, lines in top:
        body = [l for l in lines if l.strip()]
        if heading == 'Usage':
            out.append('.SH SYNOPSIS')
            for l in body:
                synopsis, _, note = l.strip().partition('  ')
                out.append('.nf\n%s\n.fi' % roff(synopsis))
                if note.strip():
                    out.append('.RS\n%s\n.RE' % roff(note.strip()[:1].upper() + note.strip()[1:]))
            out.append('.SH DESCRIPTION\n%s' % roff(about))
        elif heading == 'Commands':
            out.append('.SH COMMANDS')
            for l in body:
                m = re.match(r'^  (\S+)\s{2,}(.*)$', l)
                out.append('.TP\n\\fB%s\\fR\n%s' % (roff(m.group(1)), roff(m.group(2))))
            out.extend(pages[:len(verbs)])
        elif heading == 'Commands of the backends':
            out.append('.SH "BACKEND COMMANDS"')
            out.extend(pages[len(verbs):])
        elif heading == 'Options':
            out.append('.SH OPTIONS')
            out.extend(i for i in (option_item(l) for l in body) if i)
    exit_status = [p for h, ls in top if h in ('Options', '') for p in paragraphs(ls) if p.startswith('Exit status:')]
    if not exit_status:
        sys.exit('gen-manpage: `inbetween --help` says nothing of the exit status')
    if exit_status:
        out.append('.SH "EXIT STATUS"\n' + roff(exit_status[0][len('Exit status:'):].strip()))

    with open(output, 'w', encoding='utf-8') as fh:
        fh.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
