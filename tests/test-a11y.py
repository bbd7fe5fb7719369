#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""test-a11y — the window as a screen reader sees it, over AT-SPI.

Starts the real `inbetween` window on a private session bus (its own
at-spi-bus-launcher and at-spi2-registryd, D-Bus activated) with
GSETTINGS_BACKEND=memory and its own XDG folders, and walks its
accessibility tree. It finds the main controls by role and accessible
name: the Generate button, the two keyframe slots, the prompt, the backend
and model selector and, once a clip is made (both keyframes pasted from
the clipboard, Generate pressed, the built-in engine), the player's play
button.

With the clip there, it finds the rest of the main flow by role and name
(step, the frame slider, speed, repeat, fullscreen, Export, swap, the
negative prompt, the parameters, the sidebar and library toggles), and
checks every control in the window (GTK 4.8 does not say which are on
screen, so a closed popover's list counts; a scroll pane is a container):
each has an accessible name (a list item: the text it holds) and a role, and each name reads once (no mnemonic underscore, no label
said twice as GTK 4.8 does for a labelled button, no stray space).
Generate and the parameters have descriptions. Every control is listed
with its role, name and description as # lines.

Fails when the window cannot be reached over AT-SPI, when a control above
is missing or misnamed, when any control is nameless, roleless
or named twice, or when no clip can be made.

The display tests run with GTK_A11Y=none and NO_AT_BRIDGE=1; this test
lifts both for the window it starts and for nothing else.

  INB_BINARY=build/inbetween INB_SAMPLES_DIR=data/samples test-a11y.py   (prints TAP)
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

PRIVATE_BUS_MARK = 'INB_TEST_A11Y_PRIVATE_BUS'
APP_G_DEBUG = 'INB_TEST_A11Y_APP_G_DEBUG'

# Roles of things a user operates. A focusable node of another role counts too.
CONTROL_ROLES = {
    'push button', 'toggle button', 'check box', 'radio button', 'combo box',
    'spin button', 'text', 'entry', 'password text', 'slider', 'link',
    'menu item', 'check menu item', 'radio menu item', 'page tab', 'switch',
}
CONTAINER_ROLES = {'scroll pane'}
NAMED_BY_CONTENT = {'list item'}
# Roles that say nothing of what a control is.
NO_ROLES = {'unknown', 'invalid', ''}
# GTK 4.8 names an unlabelled node after its class (GtkToggleButton, AdwGizmo…).
CLASS_NAME = re.compile(r'^(Gtk|Adw|Inb)[A-Z][A-Za-z]*$')


def reexec_under_private_bus(script=__file__):
    """Runs this script again under a session bus of its own (and under
    Xvfb when there is no display), so the accessibility bus it activates
    is private too. The script's own process runs without fatal warnings
    (libatspi warns about GTK 4's missing cache); the window keeps the
    G_DEBUG it was given."""
    cmd = ['dbus-run-session', '--', sys.executable, os.path.abspath(script)] + sys.argv[1:]
    if not os.environ.get('DISPLAY'):
        cmd = ['xvfb-run', '-a', '-s', '-screen 0 1280x800x24'] + cmd
    env = dict(os.environ)
    env[PRIVATE_BUS_MARK] = '1'
    env[APP_G_DEBUG] = env.get('G_DEBUG', '')
    env['G_DEBUG'] = 'gc-friendly'
    # This process may open the display (the clipboard); it joins no
    # accessibility bus itself.
    env['GTK_A11Y'] = 'none'
    # The bus daemons it activates share its standard output (the registry
    # says hello there): only TAP reaches ours, the rest goes to stderr.
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
    for line in proc.stdout:
        if re.match(r'^(ok |not ok |# |#$|1\.\.|Bail out!)', line):
            sys.stdout.write(line)
            sys.stdout.flush()
        else:
            sys.stderr.write(line)
    return proc.wait()


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0
        self.hold = False

    def check(self, ok, what):
        self.n += 1
        if not ok and '# TODO' not in what:      # a known failure, said so
            self.failed += 1
        print(f'{"ok" if ok else "not ok"} {self.n} - {what}', flush=True)
        return ok

    def note(self, text):
        for line in text.splitlines():
            print(f'# {line}', flush=True)

    def bail(self, why):
        print(f'Bail out! {why}', flush=True)
        sys.exit(1)

    def done(self):
        if not self.hold:            # more checks to come: the plan later
            print(f'1..{self.n}', flush=True)
        return 1 if self.failed else 0


class Node:
    """One accessible, read once (the tree is read again after each step)."""

    def __init__(self, acc, path, roles):
        self.acc = acc
        self.path = path
        self.roles = roles
        self.role = acc.get_role_name() or ''
        self.name = acc.get_name() or ''
        self.description = acc.get_description() or ''
        states = acc.get_state_set()
        self.focusable = states.contains(Atspi.StateType.FOCUSABLE)
        self.focused = states.contains(Atspi.StateType.FOCUSED)
        self.sensitive = states.contains(Atspi.StateType.SENSITIVE)
        self.pressed = states.contains(Atspi.StateType.PRESSED)
        self.content = ''

    @property
    def is_control(self):
        """Something a user operates, shown or not (GTK 4.8 does not say
        what is on screen: a closed popover's list counts too). A scroll
        pane passes the focus on to what it holds: a container, not a
        control."""
        return (self.role in CONTROL_ROLES or self.focusable) and self.role not in CONTAINER_ROLES

    @property
    def has_name(self):
        """A name of its own, or, for a list item (GTK 4.8 gives it none),
        the text it holds, which is what screen readers read for one."""
        if self.role in NAMED_BY_CONTENT or (self.role == 'filler' and self.name == 'GtkListItemWidget'):
            if self.content:
                return True
        return bool(self.name.strip()) and not CLASS_NAME.match(self.name)

    def spoken(self):
        """The name as it should read: no mnemonic underscore, a label
        said twice once ("_Generate Generate" → "Generate", "Export
        Export…" → "Export…"), no space around it."""
        # A path (the take's folder) is shown as it is: an underscore in it
        # is the file system's, never a mnemonic
        if self.name.strip().startswith(('/', '~/')):
            name = self.name.strip()
        else:
            name = re.sub(r'(?<!\w)_(?=\w)', '', self.name).strip()
        words = name.split()
        for cut in range(1, len(words) // 2 + 1):
            head, tail = ' '.join(words[:cut]), ' '.join(words[cut:])
            if len(head) >= 3 and len(tail) >= 3 and (tail.startswith(head) or head.startswith(tail)):
                return max(head, tail, key=len)
        return name

    def where(self):
        named = ' › '.join(p for p in self.path[1:] if p) or '(top)'
        inside = ' in '.join(reversed(self.roles[-2:]))
        tip = f'; described as “{self.description}”' if self.description else ''
        return f'under {named}, in {inside}{tip}'

    def __str__(self):
        return f'{self.role} “{self.name}”'


def walk(acc, path=(), roles=(), out=None):
    if out is None:
        out = []
    try:
        node = Node(acc, path, roles)
        count = acc.get_child_count()
    except GLib.Error:
        return out               # gone while we read it
    out.append(node)
    first = len(out)
    label = node.name if node.has_name else ''
    for i in range(count):
        try:
            child = acc.get_child_at_index(i)
        except GLib.Error:
            continue
        if child is not None:
            kind = f'{node.role} {node.name}' if CLASS_NAME.match(node.name) else node.role
            walk(child, path + (label,), roles + (kind,), out)
    # What a screen reader reads for a node named by its content (a list
    # item): the text of the labels in it.
    node.content = ' '.join(n.name for n in out[first:] if n.role == 'label' and n.name.strip())
    return out


def pump(seconds):
    """Lets the clipboard (ours) answer while we wait."""
    end = time.monotonic() + seconds
    ctx = GLib.MainContext.default()
    while time.monotonic() < end:
        while ctx.pending():
            ctx.iteration(False)
        time.sleep(0.02)


def find_app(proc, timeout):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            return None
        desktop = Atspi.get_desktop(0)
        for i in range(desktop.get_child_count()):
            app = desktop.get_child_at_index(i)
            try:
                if app is not None and app.get_process_id() == proc.pid and app.get_child_count() > 0:
                    return app
            except GLib.Error:
                pass
        pump(0.25)
    return None


def wait_for(app, predicate, timeout):
    end = time.monotonic() + timeout
    while True:
        nodes = walk(app)
        found = predicate(nodes)
        if found or time.monotonic() > end:
            return found, nodes
        pump(0.5)


def by_role_and_name(nodes, role, name):
    """Exact accessible name first; then the name as it would be spoken."""
    exact = [n for n in nodes if n.role == role and n.name == name]
    if exact:
        return exact[0]
    loose = [n for n in nodes if n.role == role and n.spoken() == name]
    return loose[0] if loose else None


def press_ctrl(keysym):
    Atspi.generate_keyboard_event(Gdk.ModifierType.CONTROL_MASK, None, Atspi.KeySynthType.LOCKMODIFIERS)
    Atspi.generate_keyboard_event(keysym, None, Atspi.KeySynthType.SYM)
    Atspi.generate_keyboard_event(Gdk.ModifierType.CONTROL_MASK, None, Atspi.KeySynthType.UNLOCKMODIFIERS)


def paste_keyframe(app, clipboard, path, slot_name, tap):
    with open(path, 'rb') as fh:
        data = GLib.Bytes.new(fh.read())
    clipboard.set_content(Gdk.ContentProvider.new_for_bytes('image/jpeg', data))
    pump(0.2)
    slot = by_role_and_name(walk(app), 'push button', slot_name)
    try:
        focused = slot is not None and slot.acc.grab_focus()
    except GLib.Error:
        focused = False
    tap.note(f'{slot_name}: focus given over AT-SPI: {focused}')
    press_ctrl(Gdk.KEY_v)
    base = os.path.basename(path)

    def loaded(nodes):
        # The slot's caption turns from "No image" to "Pasted image · 1280 × 720".
        return any(n.role == 'label' and re.search(r'\d+ × \d+', n.name) and slot_name in n.path for n in nodes)
    ok, _ = wait_for(app, loaded, 30)
    return tap.check(bool(ok), f'{slot_name}: {base} pasted from the clipboard (Ctrl+V)')


def accessibility_bus_address():
    """Starts the accessibility bus (org.a11y.Bus on our private session
    bus) and says where it is. Given to the window and to libatspi as
    AT_SPI_BUS_ADDRESS, so neither reads an AT_SPI_BUS property another
    run left on the X root window."""
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    reply = bus.call_sync('org.a11y.Bus', '/org/a11y/bus', 'org.a11y.Bus', 'GetAddress',
                          None, GLib.VariantType.new('(s)'), Gio.DBusCallFlags.NONE, 30000, None)
    return reply.unpack()[0]


def main(script=__file__, steps=None, tolerate=()):
    """Starts the window as a screen reader would meet it and runs
    @steps (run() here; tests/test-keyboard.py has its own) on it.
    With @tolerate (regular expressions), the window's warnings are not
    fatal: they are collected, and any that matches none of them fails."""
    if not os.environ.get(PRIVATE_BUS_MARK):
        return reexec_under_private_bus(script)

    tap = Tap()
    binary = os.environ.get('INB_BINARY') or tap.bail('INB_BINARY is not set')
    samples = os.environ.get('INB_SAMPLES_DIR') or tap.bail('INB_SAMPLES_DIR is not set')
    # Our own X connection first, held to the end: the clipboard needs it,
    # and a server whose last client leaves resets, which the window would
    # meet as "cannot open display" (the accessibility bus launcher
    # connects and leaves while the window starts).
    if not Gtk.init_check():
        tap.bail(f'cannot open the display {os.environ.get("DISPLAY")!r}')
    os.environ['AT_SPI_BUS_ADDRESS'] = accessibility_bus_address()
    Atspi.init()
    Atspi.get_desktop(0).get_child_count()      # the registry is up before the window

    home = tempfile.mkdtemp(prefix='inb-test-a11y-')
    env = dict(os.environ)
    # For the window only: the accessibility bridge on.
    env.pop('GTK_A11Y', None)
    env.pop('NO_AT_BRIDGE', None)
    env.pop(PRIVATE_BUS_MARK, None)
    env['G_DEBUG'] = env.pop(APP_G_DEBUG, '')
    env.update({
        'GSETTINGS_BACKEND': 'memory',
        'GDK_BACKEND': 'x11',
        'GSK_RENDERER': 'cairo',
        # Where an export goes by default (no user-dirs.dirs: the home)
        'HOME': home,
        'XDG_DATA_HOME': os.path.join(home, 'data'),
        'XDG_CONFIG_HOME': os.path.join(home, 'config'),
        'XDG_CACHE_HOME': os.path.join(home, 'cache'),
        'XDG_STATE_HOME': os.path.join(home, 'state'),
        # Never a keyring, even when run outside meson's test environment.
        'SECRET_BACKEND': 'file',
        'SECRET_FILE_TEST_PATH': '/dev/null/inbetween-test-a11y-uses-no-keyring',
        'SECRET_FILE_TEST_PASSWORD': 'unused',
    })
    log = None
    tap.hold = bool(tolerate)
    if tolerate:
        env['G_DEBUG'] = ','.join(f for f in env['G_DEBUG'].split(',') if f and not f.startswith('fatal'))
        log = open(os.path.join(home, 'window.log'), 'w+')
    proc = subprocess.Popen([binary], env=env, stderr=log)
    try:
        status = (steps or run)(proc, samples, tap, home)
        if log is not None:
            log.seek(0)
            said = log.read()
            sys.stderr.write(said)
            log.close()
            bad = [l for l in said.splitlines()
                   if re.search(r'-(CRITICAL|WARNING) \*\*', l) and not any(re.search(t, l) for t in tolerate)]
            tap.check(not bad, 'the window logged no warning (but ' + '; '.join(tolerate) + ')')
            for line in bad:
                tap.note(line)
            tap.hold = False
            status = tap.done()
        return status
    finally:
        if log is not None and not log.closed:
            log.seek(0)
            sys.stderr.write(log.read())
            log.close()
        if proc.poll() is not None:
            sys.stderr.write(f'the window exited with status {proc.returncode}\n')
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        shutil.rmtree(home, ignore_errors=True)


def run(proc, samples, tap, home):
    app = find_app(proc, 60)
    if not tap.check(app is not None, 'the window is on the accessibility bus'):
        tap.bail(f'inbetween (pid {proc.pid}) never showed up on the accessibility bus')

    main_controls = [
        # (role, name, what it is)
        ('push button', 'Generate', 'the Generate button'),
        ('push button', 'First Keyframe', 'the first keyframe slot'),
        ('push button', 'Last Keyframe', 'the last keyframe slot'),
        ('text', 'Prompt', 'the prompt'),
        ('combo box', 'Backend and Model', 'the backend and model selector'),
    ]
    todo = []
    reported = set()

    def look_for(nodes, role, name, what, required=False):
        node = by_role_and_name(nodes, role, name)
        ok = tap.check(node is not None, f'{what}: {role} named “{name}”')
        if node is None:
            if required:
                tap.bail(f'{what} is not in the accessibility tree as a {role} named “{name}”')
            return None
        if node.name != name:
            todo.append(f'{what} reads “{node.name}”, should read “{name}”: {node.role} ({node.where()})')
            reported.add((node.role, node.name))
        return node

    generate, nodes = wait_for(app, lambda ns: by_role_and_name(ns, 'push button', 'Generate'), 30)
    for role, name, what in main_controls:
        look_for(nodes, role, name, what, required=(name == 'Generate'))

    # A clip, so the player shows its controls.
    tap.note('focus: ' + ', '.join(f'{n} ({n.where()})' for n in nodes if n.focused))
    clipboard = Gdk.Display.get_default().get_clipboard()
    if not (paste_keyframe(app, clipboard, os.path.join(samples, 'first.jpg'), 'First Keyframe', tap) and
            paste_keyframe(app, clipboard, os.path.join(samples, 'last.jpg'), 'Last Keyframe', tap)):
        tap.bail('the keyframes could not be pasted')

    def ready(ns):
        b = by_role_and_name(ns, 'push button', 'Generate')
        return b if b is not None and b.sensitive else None
    generate, nodes = wait_for(app, ready, 30)
    if not tap.check(generate is not None, 'Generate can be pressed once both keyframes are in'):
        tap.bail('Generate stays insensitive')
    actions = [generate.acc.get_action_name(i) for i in range(generate.acc.get_n_actions())]
    tap.check('click' in actions and generate.acc.do_action(actions.index('click')),
              'Generate is pressed through its AT-SPI “click” action')

    def playing(ns):
        return (by_role_and_name(ns, 'push button', 'Play') or
                by_role_and_name(ns, 'push button', 'Pause'))
    play, nodes = wait_for(app, playing, 240)
    if not tap.check(play is not None, 'the player\'s play button: push button named “Play” (“Pause” while playing)'):
        tap.bail('no clip came, or the player\'s play button has no name')
    tap.check(proc.poll() is None, 'the window is still running')

    # The player and the rest of the main flow, now that there is a clip.
    for role, name, what in [
        ('push button', 'Previous Frame', 'step back'),
        ('push button', 'Next Frame', 'step forward'),
        ('slider', 'Frame', 'the frame slider'),
        (None, 'Speed', 'the playback speed'),
        ('push button', 'Repeat', 'the repeat toggle'),
        ('push button', 'Fullscreen', 'fullscreen'),
        ('push button', 'Export…', 'the take\'s Export button'),
        ('push button', 'Swap Keyframes', 'swap keyframes'),
        ('text', 'Negative Prompt', 'the negative prompt'),
        ('spin button', 'Duration (s)', 'the Duration parameter'),
        ('spin button', 'Frame rate (fps)', 'the Frame rate parameter'),
        ('push button', 'Keyframes and Parameters', 'the sidebar toggle'),
        ('push button', 'Library', 'the library toggle'),
    ]:
        if role is None:
            found = [n for n in nodes if n.name == name and n.is_control]
            tap.check(found, f'{what}: a control named “{name}” ({", ".join(n.role for n in found)})')
        else:
            look_for(nodes, role, name, what)
    # GTK 4.8 shows a toggle button as a push button that says it is pressed
    repeat = by_role_and_name(nodes, 'push button', 'Repeat')
    tap.check(repeat is not None and repeat.pressed, 'the repeat toggle says it is pressed (the player repeats by default)')

    # Everything a user operates, as a screen reader reads it.
    controls = [n for n in nodes if n.is_control]
    unnamed = [n for n in controls if not n.has_name]
    odd = [n for n in controls if n.has_name and n.spoken() != n.name and (n.role, n.name) not in reported]
    roleless = [n for n in controls if n.role in NO_ROLES]
    tap.note(f'{len(controls)} controls in the window with a clip loaded, '
             f'{len(unnamed)} with no accessible name, {len(odd) + len(reported)} whose name reads badly')
    tap.check(not unnamed, 'every control has an accessible name (a list item: the text it holds)')
    for n in unnamed:
        tap.note(f'no accessible name: {n.role} “{n.name}” ({n.where()})')
    tap.check(not odd and not reported, 'every name reads once, with no mnemonic underscore or stray space')
    for n in odd:
        tap.note(f'name reads “{n.name}”, should read “{n.spoken()}”: {n.role} ({n.where()})')
    for line in todo:
        tap.note(line)
    tap.check(not roleless, 'every control has a role')
    for n in roleless:
        tap.note(f'no role: {n} ({n.where()})')

    # Descriptions where the name alone does not say enough: why Generate
    # cannot be pressed or its shortcut, what a parameter means.
    for role, name in [('push button', 'Generate'), ('spin button', 'Duration (s)'),
                       ('spin button', 'Frame rate (fps)')]:
        node = by_role_and_name(nodes, role, name)
        tap.check(node is not None and node.description.strip(),
                  f'{role} “{name}” has a description'
                  + (f' (“{node.description}”)' if node is not None and node.description else ''))
    for n in controls:
        tap.note(f'{n.role} “{n.name or n.content}”' + (f' — {n.description}' if n.description else ''))
    return tap.done()

if __name__ == '__main__':
    if os.environ.get(PRIVATE_BUS_MARK):
        import gi
        gi.require_version('Atspi', '2.0')
        gi.require_version('Gdk', '4.0')
        gi.require_version('Gtk', '4.0')
        from gi.repository import Atspi, Gdk, Gio, GLib, Gtk
    sys.exit(main())
