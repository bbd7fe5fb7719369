#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes inbetween(1) from the built binary's own help, so the manual and
`inbetween --help` / `inbetween help VERB` are one text: the verbs, their
options and notes come from the option tables in app/inb-cli*.c (and the
backends' own commands), read here through the binary, never written twice.
The line under NAME and the DESCRIPTION are the AppStream summary and
first paragraph.

  gen-manpage.py BINARY METAINFO.xml.in SCHEMA_DIR OUTPUT
  gen-manpage.py BINARY METAINFO.xml SCHEMA_DIR OUTPUT LANGUAGE LOCALEDIR

The binary runs in the C.UTF-8 locale (English), with settings in memory,
its folders in a temporary directory and no keyring, display or network.

With LANGUAGE (zh_CN) the page is that translation, made from the same
catalog the binary speaks (LOCALEDIR/LANGUAGE/LC_MESSAGES/inbetween.mo,
po/LANGUAGE.po): the binary runs again with LANGUAGE set, the section
names below are read from the catalog, the NAME line and DESCRIPTION are
the merged metainfo's xml:lang text. The English help gives the structure
(which section is the usage, the options, the exit status), so the two
pages cannot differ in shape; a translated help that does not line up
with the English one stops the build. The page is set ragged-right and
may break between Chinese characters: groff 1.22 has no CJK line breaking.
"""
import gettext
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


# Chinese text may break after any ideograph or kana (\\: is a break point
# that prints nothing), except before closing and after opening punctuation.
NO_BREAK_BEFORE = set('，。、；：？！）》」』】〉”’…·%')
NO_BREAK_AFTER = set('（《「『【〈“‘')


def wide(ch):
    return 0x2E80 <= ord(ch) <= 0x9FFF or 0xF900 <= ord(ch) <= 0xFAFF or 0xFF00 <= ord(ch) <= 0xFFEF


def roff(text, breaks=True):
    """Plain text as roff: backslashes, hyphens, leading dots and quotes,
    anything outside ASCII as a named or \\[uXXXX] glyph, but Chinese as
    it is (UTF-8, the page says its coding for preconv: lexgrog reads the
    NAME section only so). With breaks, a line may break between two
    Chinese characters."""
    out = []
    text = text.replace('\\', '\\e')
    for i, ch in enumerate(text):
        if ch == '-':
            out.append(r'\-')
        elif ch in NAMED:
            out.append(NAMED[ch])
        elif wide(ch):
            out.append(ch)
        elif ord(ch) > 126:
            out.append(r'\[u%04X]' % ord(ch))
        else:
            out.append(ch)
        after = text[i + 1:i + 2]
        if (breaks and after and (wide(ch) or wide(after)) and not ch.isspace() and not after.isspace()
                and ch not in NO_BREAK_AFTER and after not in NO_BREAK_BEFORE):
            out.append(r'\:')
    line = ''.join(out)
    return '\\&' + line if line[:1] in ('.', "'") else line


def run(binary, env, *args):
    p = subprocess.run([binary, *args], env=env, capture_output=True, text=True)
    if p.returncode != 0 or not p.stdout.strip():
        sys.exit(f'gen-manpage: `inbetween {" ".join(args)}` failed ({p.returncode}): {p.stderr.strip()}')
    return p.stdout


def sections(text):
    """GOption-style help as [(heading, [lines])]: "Usage:" and the like
    ("用法：" in Chinese) start a section, a blank line ends it; text under
    no heading is ''."""
    out = [('', [])]
    for line in text.rstrip('\n').split('\n'):
        m = re.fullmatch(r'(\S[^:\uff1a]*)[:\uff1a]', line)
        if m and not line.startswith(' '):
            out.append((m.group(1), []))
        elif not line.strip() and out[-1][0] and any(l.strip() for l in out[-1][1]):
            out.append(('', []))      # a blank line ends a section
        else:
            out[-1][1].append(line)
    return [(h, lines) for h, lines in out if h or any(l.strip() for l in lines)]


def aligned(english, translated, what):
    """The English help's sections (for their roles) paired with the
    translated help's lines: [(English heading, translated lines)]. Lists
    of options and commands must have as many lines in both."""
    en, tr = sections(english), sections(translated)
    if len(en) != len(tr):
        sys.exit(f'gen-manpage: the translated help of {what} has {len(tr)} sections, '
                 f'the English {len(en)}: {[h for h, _ in tr]} / {[h for h, _ in en]}')
    pairs = []
    for (heading, en_lines), (_, tr_lines) in zip(en, tr):
        if heading not in ('', 'Usage') and \
                len([l for l in en_lines if l.strip()]) != len([l for l in tr_lines if l.strip()]):
            sys.exit(f'gen-manpage: "{heading}" of {what} has not as many lines translated as in English')
        pairs.append((heading, tr_lines))
    return pairs


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


def join(lines):
    """Wrapped lines as one: a space between words, none where a line ends
    or starts with Chinese."""
    text = ''
    for line in lines:
        if text and not (wide(text[-1]) or wide(line[0])):
            text += ' '
        text += line
    return text


def paragraphs(lines, exit_label):
    """Lines as paragraphs; a line starting with exit_label ("Exit status:")
    starts one."""
    paras, cur = [], []
    for line in lines:
        if not line.strip() or line.startswith(exit_label):
            if cur:
                paras.append(join(cur))
            cur = [line.strip()] if line.strip() else []
        else:
            cur.append(line.strip())
    if cur:
        paras.append(join(cur))
    return paras


def verb_page(pairs, title, words):
    """One verb's --help as a subsection: synopsis, options, notes."""
    out = ['.SS "%s"' % roff(title)]
    for heading, lines in pairs:
        body = [l for l in lines if l.strip()]
        if heading == 'Usage':
            usage = body[0].strip()
            synopsis, _, summary = usage.partition(' \u2014 ')
            if summary:
                out.append(roff(words['sentence'] % (summary[:1].upper() + summary[1:])))
            out.append('.PP\n.nf\n%s\n.fi' % roff(synopsis))
        elif heading == 'Help Options':
            continue              # -h, --help: said once, under OPTIONS
        elif heading in ('Application Options', 'Options'):
            items = [option_item(l) for l in body]
            out.append('.PP\n' + roff(words['options']))
            out.extend(i for i in items if i)
            # A line that is not an option (wrapped text) would be lost.
            if not all(items):
                sys.exit(f'gen-manpage: cannot read an option line in {title}: {body}')
        else:
            for p in paragraphs(lines, words['exit_label']):
                out.append('.PP\n' + roff(p))
    return '\n'.join(out)


def page_words(language, localedir):
    """The page's own words (section names), from the catalog."""
    if language:
        path = os.path.join(localedir, language, 'LC_MESSAGES', 'inbetween.mo')
        if not os.path.exists(path):
            sys.exit(f'gen-manpage: no catalog at {path}')
        with open(path, 'rb') as fh:
            _ = gettext.GNUTranslations(fh).gettext
    else:
        _ = str
    return {
        # Translators: the title of a manual page's section (man inbetween)
        'NAME': _('NAME'),
        # Translators: the title of a manual page's section (man inbetween)
        'SYNOPSIS': _('SYNOPSIS'),
        # Translators: the title of a manual page's section (man inbetween)
        'DESCRIPTION': _('DESCRIPTION'),
        # Translators: the title of a manual page's section (man inbetween)
        'COMMANDS': _('COMMANDS'),
        # Translators: the title of a manual page's section (man inbetween):
        # the commands a backend adds, such as "inbetween comfyui import"
        'BACKEND COMMANDS': _('BACKEND COMMANDS'),
        # Translators: the title of a manual page's section (man inbetween)
        'OPTIONS': _('OPTIONS'),
        # Translators: the title of a manual page's section (man inbetween)
        'EXIT STATUS': _('EXIT STATUS'),
        # Translators: the manual's part in the header of a manual page (man inbetween)
        'manual': _('User Commands'),
        # Translators: in a manual page, above a command's options
        'options': _('Options:'),
        # Translators: in a manual page, a command's one-line summary made a sentence
        'sentence': _('%s.'),
    }


def main():
    binary, metainfo, schema_dir, output = sys.argv[1:5]
    language, localedir = (sys.argv[5:7] + [None, None])[:2]
    words = page_words(language, localedir)
    lang_attr = '{http://www.w3.org/XML/1998/namespace}lang'

    def metainfo_text(path):
        nodes = [n for n in ET.parse(metainfo).getroot().findall(path) if n.get(lang_attr) == language]
        if not nodes:
            sys.exit(f'gen-manpage: {metainfo} has no {path} in {language}')
        return ' '.join(''.join(nodes[0].itertext()).split())

    summary = metainfo_text('summary')
    about = metainfo_text('description/p')

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
        # The translation: LANGUAGE on the C.UTF-8 locale (LC_ALL would make
        # gettext ignore it), the build's catalogs.
        tr_env = dict(env, LANG='C.UTF-8', LANGUAGE=language or '', INB_LOCALEDIR=localedir or '')
        del tr_env['LC_ALL']

        def helps(*args):
            english = run(binary, env, *args)
            if not language:
                return sections(english)
            return aligned(english, run(binary, tr_env, *args), f'`inbetween {" ".join(args)}`')

        version = run(binary, env, '--version').split()[-1]
        top_en = sections(run(binary, env, '--help'))
        top = helps('--help')

        # "Exit status:" as the translation says it: the English paragraph's
        # place in the translated help, up to its colon.
        exit_status = [(i, j) for i, (h, ls) in enumerate(top_en) if h in ('Options', '')
                       for j, p in enumerate(paragraphs(ls, 'Exit status:')) if p.startswith('Exit status:')]
        if not exit_status:
            sys.exit('gen-manpage: `inbetween --help` says nothing of the exit status')
        i, j = exit_status[0]
        exit_text = paragraphs(top[i][1], 'Exit status:')[j]
        label = re.match(r'[^:\uff1a]*[:\uff1a]\s*', exit_text)
        if not label:
            sys.exit(f'gen-manpage: cannot find the label of the exit status in "{exit_text}"')
        words['exit_label'] = label.group(0).strip()

        top_map = dict(top_en)
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
        pages = [verb_page(helps('help', v), f'inbetween {v}', words) for v in verbs]
        pages += [verb_page(helps(b, c, '--help'), f'inbetween {b} {c}', words)
                  for b, c in backend_commands]

    def section(name):
        title = roff(words[name], breaks=False)
        return '.SH ' + (title if ' ' not in title else '"%s"' % title)

    out = [
        '.\\" Generated by build-aux/gen-manpage.py from `inbetween --help` and',
        '.\\" `inbetween help COMMAND`: edit app/inb-cli*.c, not this file.',
    ]
    if language:
        out = ['.\\" -*- coding: UTF-8 -*-'] + out
        out += ['.\\" In %s: from po/%s.po, through the binary and the metainfo.' % (language, language),
                '.\\" Ragged right (.ad l): Chinese lines have no spaces to stretch.']
    out += [
        '.TH INBETWEEN 1 "" "inbetween %s" "%s"' % (roff(version), roff(words['manual'], breaks=False)),
        '.nh',
    ] + (['.ad l'] if language else []) + [
        section('NAME'),
        'inbetween \\- %s' % roff(summary[:1].lower() + summary[1:], breaks=False),
    ]

    for heading, lines in top:
        body = [l for l in lines if l.strip()]
        if heading == 'Usage':
            out.append(section('SYNOPSIS'))
            for l in body:
                synopsis, _, note = l.strip().partition('  ')
                out.append('.nf\n%s\n.fi' % roff(synopsis))
                if note.strip():
                    out.append('.RS\n%s\n.RE' % roff(note.strip()[:1].upper() + note.strip()[1:]))
            out.append('%s\n%s' % (section('DESCRIPTION'), roff(about)))
        elif heading == 'Commands':
            out.append(section('COMMANDS'))
            for l in body:
                m = re.match(r'^  (\S+)\s{2,}(.*)$', l)
                out.append('.TP\n\\fB%s\\fR\n%s' % (roff(m.group(1)), roff(m.group(2))))
            out.extend(pages[:len(verbs)])
        elif heading == 'Commands of the backends':
            out.append(section('BACKEND COMMANDS'))
            out.extend(pages[len(verbs):])
        elif heading == 'Options':
            out.append(section('OPTIONS'))
            out.extend(i for i in (option_item(l) for l in body) if i)
    out.append('%s\n%s' % (section('EXIT STATUS'), roff(exit_text[label.end():].strip())))

    with open(output, 'w', encoding='utf-8') as fh:
        fh.write('\n'.join(out) + '\n')


if __name__ == '__main__':
    main()
