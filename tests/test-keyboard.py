#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""test-keyboard — a take made and exported with the keyboard alone.

The real `inbetween` window, started as tests/test-a11y.py starts it (a
private session bus, its own accessibility bus, Xvfb when there is no
display), gets nothing but key presses: X key events made by the
accessibility registry (XTest), as a keyboard makes them. AT-SPI is only
used to watch: where the focus is, what the labels say.

  1. Tab from where the window starts to the first keyframe slot; the
     sample image, copied to the clipboard first (as from an image viewer:
     the test owns the clipboard), is pasted with Ctrl+V. The same for the
     last keyframe, Tab on from the first.
  2. Tab to the Duration parameter: Ctrl+A, "1", Tab (1 s). Frame rate:
     "8". Resolution (a combo row): Space opens its list, Home picks the
     first (480p), Enter. A tiny clip for the built-in engine.
  3. Tab to Generate, Space. The clip comes (9 frames).
  4. Tab to the player's play button; Space pauses it (its name turns from
     “Pause” to “Play”); k plays and pauses again; Right and Left step a
     frame, read from the frame counter.
  5. Tab to the take's Export… button, Enter; Tab to the dialog's Export,
     Space; the clip is written (to the home folder, the dialog's default
     where there is no Videos folder) and is not empty; Escape closes it.
  6. The file chooser: Tab to a slot, Enter opens the chooser, "/" opens
     its location entry, the path is typed, Enter loads it; the window
     lives on and logs no warning. (GTK 4.8's accessibility bridge crashed
     it there — GLib-CRITICAL in g_variant_is_object_path, then SIGSEGV —
     answering GetChildAtIndex past the visible windows with the last
     toplevel, GtkApplication's hidden help overlay, which has no object
     path. The window now makes its shortcuts window only when asked for:
     see inb-window.c.)

Every focus stop on the way is listed (# lines: the Tab order) and must
have a name. The stylesheets are read too: no rule takes the focus ring
away (outline none or 0, box-shadow none on :focus).

Under Xvfb there is no window manager: the keyboard goes to the window
that has the X input focus, which GTK gives every window it presents (the
file chooser and the export dialog included). When the file chooser
closes, the test does what a window manager does and gives the X input
focus back to the main window (XSetInputFocus; see WindowManager). No
pointer event is made.

  INB_BINARY=build/inbetween INB_SAMPLES_DIR=data/samples test-keyboard.py   (prints TAP)
"""
import ctypes
import glob
import importlib.util
import os
import re
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
spec = importlib.util.spec_from_file_location('inb_test_a11y', os.path.join(HERE, 'test-a11y.py'))
a11y = importlib.util.module_from_spec(spec)
spec.loader.exec_module(a11y)


def focus_ring_rules(root):
    """CSS rules that take the focus ring away."""
    found = []
    for path in sorted(glob.glob(os.path.join(root, 'resources', '**', '*.css'), recursive=True) +
                       glob.glob(os.path.join(root, 'ui', '**', '*.css'), recursive=True)):
        with open(path, encoding='utf-8') as fh:
            css = re.sub(r'/\*.*?\*/', '', fh.read(), flags=re.S)
        for selector, body in re.findall(r'([^{}]+)\{([^{}]*)\}', css):
            focus = ':focus' in selector
            for prop, value in re.findall(r'([\w-]+)\s*:\s*([^;]+)', body):
                value = value.strip()
                if prop in ('outline', 'outline-style') and value in ('none', '0', 'hidden'):
                    found.append(f'{os.path.relpath(path, root)}: {selector.strip()} {{ {prop}: {value} }}')
                elif prop == 'outline-width' and re.fullmatch(r'0(px)?', value):
                    found.append(f'{os.path.relpath(path, root)}: {selector.strip()} {{ {prop}: {value} }}')
                elif focus and prop == 'box-shadow' and value == 'none':
                    found.append(f'{os.path.relpath(path, root)}: {selector.strip()} {{ {prop}: {value} }}')
    return found


class Keyboard:
    """Key presses, and the focus as AT-SPI reports it."""

    def __init__(self, tap):
        self.tap = tap
        self.focused = None
        self.changes = 0
        self.order = []
        self.stops = []
        self.listener = Atspi.EventListener.new(self._on_focus)
        self.listener.register('object:state-changed:focused')

    def _on_focus(self, event):
        if event.detail1 != 1:
            return
        try:
            node = a11y.Node(event.source, (), ())
            if node.role in a11y.NAMED_BY_CONTENT:
                node.content = ' '.join(n.name for n in a11y.walk(event.source)[1:]
                                        if n.role == 'label' and n.name.strip())
        except GLib.Error:
            return
        self.focused = node
        self.changes += 1
        self.stops.append(node)
        self.order.append(f'{node.role} “{node.name or node.content}”')

    def key(self, keysym, ctrl=False, shift=False, settle=0.25):
        mods = (Gdk.ModifierType.CONTROL_MASK if ctrl else 0) | (Gdk.ModifierType.SHIFT_MASK if shift else 0)
        if mods:
            Atspi.generate_keyboard_event(mods, None, Atspi.KeySynthType.LOCKMODIFIERS)
        Atspi.generate_keyboard_event(keysym, None, Atspi.KeySynthType.SYM)
        if mods:
            Atspi.generate_keyboard_event(mods, None, Atspi.KeySynthType.UNLOCKMODIFIERS)
        a11y.pump(settle)

    def type(self, text):
        for ch in text:
            self.key(Gdk.unicode_to_keyval(ord(ch)), settle=0.03)
        a11y.pump(0.3)

    def tab_to(self, role, name, limit=90, shift=False):
        """Tabs until the focus is on @role named @name (its spoken name)."""
        for _ in range(limit):
            node = self.focused
            if node is not None and node.role == role and (node.name == name or node.spoken() == name):
                return node
            before = self.changes
            self.key(Gdk.KEY_Tab, shift=shift, settle=0.1)
            end = time.monotonic() + 0.8
            while self.changes == before and time.monotonic() < end:
                a11y.pump(0.05)
        node = self.focused
        if node is not None and node.role == role and (node.name == name or node.spoken() == name):
            return node
        return None


class WindowManager:
    """The one thing a window manager would do here: when a dialog closes,
    give the keyboard back to the window it belonged to. Xvfb has no
    window manager; X then sends keys to the root window, and GTK's window,
    never told it has the focus again, moves no focus. libX11 through
    ctypes (it is GTK's own X library): XSetInputFocus on the visible
    top-level window of the given process. No pointer event is made."""

    def __init__(self):
        self.x = ctypes.CDLL('libX11.so.6')
        self.x.XOpenDisplay.restype = ctypes.c_void_p
        self.x.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self.x.XDefaultRootWindow.restype = ctypes.c_ulong
        self.x.XDefaultRootWindow.argtypes = [ctypes.c_void_p]
        self.x.XInternAtom.restype = ctypes.c_ulong
        self.x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
        self.x.XQueryTree.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(ctypes.c_ulong),
                                      ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.POINTER(ctypes.c_ulong)),
                                      ctypes.POINTER(ctypes.c_uint)]
        self.x.XGetWindowProperty.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_long,
                                              ctypes.c_long, ctypes.c_int, ctypes.c_ulong,
                                              ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_int),
                                              ctypes.POINTER(ctypes.c_ulong), ctypes.POINTER(ctypes.c_ulong),
                                              ctypes.POINTER(ctypes.c_void_p)]
        self.x.XSetInputFocus.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_ulong]
        self.x.XFree.argtypes = [ctypes.c_void_p]
        self.x.XFlush.argtypes = [ctypes.c_void_p]
        self.x.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self.dpy = self.x.XOpenDisplay(None)
        self.pid_atom = self.x.XInternAtom(self.dpy, b'_NET_WM_PID', 0)
        self.state_atom = self.x.XInternAtom(self.dpy, b'WM_STATE', 0)

    def _cardinal(self, window, atom):
        kind, fmt = ctypes.c_ulong(), ctypes.c_int()
        n, left, data = ctypes.c_ulong(), ctypes.c_ulong(), ctypes.c_void_p()
        if self.x.XGetWindowProperty(self.dpy, window, atom, 0, 1, 0, 0, ctypes.byref(kind), ctypes.byref(fmt),
                                     ctypes.byref(n), ctypes.byref(left), ctypes.byref(data)) != 0 or not data.value:
            return None
        value = ctypes.cast(data, ctypes.POINTER(ctypes.c_ulong))[0] if n.value else None
        self.x.XFree(data)
        return value

    def focus_window_of(self, pid):
        """Focuses the newest mapped top-level window of @pid (GTK sets
        _NET_WM_PID); returns whether there was one."""
        root_ret, parent = ctypes.c_ulong(), ctypes.c_ulong()
        children, count = ctypes.POINTER(ctypes.c_ulong)(), ctypes.c_uint()
        root = self.x.XDefaultRootWindow(self.dpy)
        if not self.x.XQueryTree(self.dpy, root, ctypes.byref(root_ret), ctypes.byref(parent),
                                 ctypes.byref(children), ctypes.byref(count)):
            return False
        windows = [children[i] for i in range(count.value)]
        if children:
            self.x.XFree(children)
        # Stacking order, bottom first: the last one of ours is on top
        self.seen = [(hex(w), self._cardinal(w, self.pid_atom), self._viewable(w)) for w in windows]
        ours = [w for w in windows if self._cardinal(w, self.pid_atom) == pid]
        mapped = [w for w in ours if self._viewable(w)]
        if not mapped:
            return False
        self.x.XSetInputFocus(self.dpy, mapped[-1], 2, 0)       # RevertToParent, CurrentTime
        self.x.XSync(self.dpy, 0)
        return True

    def _viewable(self, window):
        class Attributes(ctypes.Structure):
            _fields_ = [('x', ctypes.c_int), ('y', ctypes.c_int), ('width', ctypes.c_int), ('height', ctypes.c_int),
                        ('border_width', ctypes.c_int), ('depth', ctypes.c_int), ('visual', ctypes.c_void_p),
                        ('root', ctypes.c_ulong), ('class_', ctypes.c_int), ('bit_gravity', ctypes.c_int),
                        ('win_gravity', ctypes.c_int), ('backing_store', ctypes.c_int),
                        ('backing_planes', ctypes.c_ulong), ('backing_pixel', ctypes.c_ulong),
                        ('save_under', ctypes.c_int), ('colormap', ctypes.c_ulong),
                        ('map_installed', ctypes.c_int), ('map_state', ctypes.c_int),
                        ('all_event_masks', ctypes.c_long), ('your_event_mask', ctypes.c_long),
                        ('do_not_propagate_mask', ctypes.c_long), ('override_redirect', ctypes.c_int),
                        ('screen', ctypes.c_void_p)]
        attributes = Attributes()
        self.x.XGetWindowAttributes.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.POINTER(Attributes)]
        if not self.x.XGetWindowAttributes(self.dpy, window, ctypes.byref(attributes)):
            return False
        return attributes.map_state == 2 and not attributes.override_redirect      # IsViewable


def label_like(app, pattern, under=None):
    for n in a11y.walk(app):
        if n.role == 'label' and re.search(pattern, n.name) and (under is None or under in n.path):
            return n
    return None


def wait_label(app, pattern, under=None, timeout=30):
    found, _ = a11y.wait_for(app, lambda ns: next(
        (n for n in ns if n.role == 'label' and re.search(pattern, n.name) and (under is None or under in n.path)),
        None), timeout)
    return found


def windows(app):
    out = []
    for i in range(app.get_child_count()):
        try:
            child = app.get_child_at_index(i)
            if child is not None:
                out.append((child.get_role_name(), child.get_name() or ''))
        except GLib.Error:
            pass
    return out


def open_keyframe(kb, app, slot_name, path, tap):
    """The slot has the focus: Enter, then the path in the file chooser."""
    base = os.path.basename(path)
    count = app.get_child_count()
    kb.key(Gdk.KEY_Return)
    ok, _ = a11y.wait_for(app, lambda ns: app.get_child_count() > count or None, 15)
    if not tap.check(ok, f'{slot_name}: Enter opens a file chooser'):
        tap.note(f'windows: {windows(app)}')
        return False
    tap.note(f'windows: {windows(app)}')
    a11y.pump(1.0)
    kb.type('/')                 # the location entry opens with "/"
    a11y.pump(0.5)
    kb.type(path[1:])
    kb.key(Gdk.KEY_Return)
    shown = wait_label(app, re.escape(base) + r' · \d+ × \d+', under=slot_name, timeout=30)
    return tap.check(shown is not None, f'{slot_name}: {base} opened by typing its path (caption “{shown.name if shown else "?"}”)')


def set_spin(kb, app, name, text, tap):
    node = kb.tab_to('spin button', name)
    if not tap.check(node is not None, f'Tab reaches the “{name}” parameter'):
        tap.note('focus went: ' + ' → '.join(kb.order[-12:]))
        return
    kb.key(Gdk.KEY_a, ctrl=True)
    kb.type(text)
    kb.key(Gdk.KEY_Tab)
    nodes = a11y.walk(app)
    spin = a11y.by_role_and_name(nodes, 'spin button', name)
    try:
        value = spin.acc.get_current_value() if spin is not None else None
    except (GLib.Error, AttributeError):
        value = None
    tap.check(value is not None and abs(value - float(text)) < 1e-6,
              f'“{name}” is {text} after Ctrl+A, “{text}”, Tab (reads {value})')


def frame_counter(app):
    label = label_like(app, r'^Frame \d+ / \d+$')
    return label.name if label else None


def steps(proc, samples, tap, home):
    kb = Keyboard(tap)
    wm = WindowManager()
    app = a11y.find_app(proc, 60)
    if not tap.check(app is not None, 'the window is on the accessibility bus'):
        tap.bail('the window never showed up on the accessibility bus')
    a11y.wait_for(app, lambda ns: a11y.by_role_and_name(ns, 'push button', 'Generate'), 30)
    a11y.pump(1.0)

    rules = focus_ring_rules(os.environ.get('INB_SOURCE_ROOT', os.path.dirname(HERE)))
    tap.check(not rules, 'no stylesheet rule takes the focus ring away')
    for rule in rules:
        tap.note(rule)

    # 1. The keyframes: each slot reached with Tab, the image pasted with
    # Ctrl+V (copied first, as from an image viewer: our clipboard)
    clipboard = Gdk.Display.get_default().get_clipboard()
    for slot_name, base in (('First Keyframe', 'first.jpg'), ('Last Keyframe', 'last.jpg')):
        slot = kb.tab_to('push button', slot_name)
        if not tap.check(slot is not None, f'Tab reaches the {slot_name} slot'):
            tap.note('focus went: ' + ' → '.join(kb.order))
            tap.bail(f'the {slot_name} slot cannot be reached with Tab')
        with open(os.path.join(samples, base), 'rb') as fh:
            clipboard.set_content(Gdk.ContentProvider.new_for_bytes('image/jpeg', GLib.Bytes.new(fh.read())))
        a11y.pump(0.3)
        kb.key(Gdk.KEY_v, ctrl=True)
        shown = wait_label(app, r'\d+ × \d+', under=slot_name, timeout=30)
        if not tap.check(shown is not None, f'{slot_name}: {base} pasted with Ctrl+V (caption “{shown.name if shown else "?"}”)'):
            tap.bail(f'no {slot_name} by keyboard')

    # 2. Parameters: a tiny clip
    set_spin(kb, app, 'Duration (s)', '1', tap)
    set_spin(kb, app, 'Frame rate (fps)', '8', tap)
    combo = kb.tab_to('combo box', 'Resolution')
    if tap.check(combo is not None, 'Tab reaches the Resolution choice'):
        kb.key(Gdk.KEY_space, settle=0.8)
        kb.key(Gdk.KEY_Home)
        kb.key(Gdk.KEY_Return, settle=0.8)
        chosen = label_like(app, r'^480p$', under='Resolution')
        tap.check(chosen is not None, 'Space, Home, Enter choose 480p')

    # 3. Generate
    generate = kb.tab_to('push button', 'Generate')
    if not tap.check(generate is not None and generate.sensitive, 'Tab reaches Generate, which can be pressed'):
        tap.bail('Generate is out of reach')
    kb.key(Gdk.KEY_space)

    def player(ns):
        return a11y.by_role_and_name(ns, 'push button', 'Pause') or a11y.by_role_and_name(ns, 'push button', 'Play')
    found, _ = a11y.wait_for(app, player, 240)
    if not tap.check(found is not None, 'Space on Generate makes a clip (the player shows its controls)'):
        tap.bail('no clip came')
    counter = wait_label(app, r'^Frame \d+ / 9$', timeout=30)
    tap.check(counter is not None, f'the clip has 9 frames (1 s at 8 fps): “{counter.name if counter else frame_counter(app)}”')

    # 4. Play, pause, step
    play = kb.tab_to('push button', 'Pause') or kb.tab_to('push button', 'Play')
    if tap.check(play is not None, f'Tab reaches the play button (“{play.name if play else "?"}”)'):
        if play.name == 'Pause':
            kb.key(Gdk.KEY_space, settle=0.5)
        paused, _ = a11y.wait_for(app, lambda ns: a11y.by_role_and_name(ns, 'push button', 'Play'), 5)
        tap.check(paused is not None, 'Space pauses: the button reads “Play”')
        kb.key(Gdk.KEY_k, settle=0.5)
        playing, _ = a11y.wait_for(app, lambda ns: a11y.by_role_and_name(ns, 'push button', 'Pause'), 5)
        tap.check(playing is not None, 'k plays: the button reads “Pause”')
        kb.key(Gdk.KEY_k, settle=0.5)
        paused, _ = a11y.wait_for(app, lambda ns: a11y.by_role_and_name(ns, 'push button', 'Play'), 5)
        tap.check(paused is not None, 'k again pauses')
        start = frame_counter(app)
        if start and re.match(r'Frame (\d+) / \1$', start):
            kb.key(Gdk.KEY_Left, settle=0.5)       # off the last frame first
            start = frame_counter(app)
        kb.key(Gdk.KEY_Right, settle=0.5)
        after = frame_counter(app)
        kb.key(Gdk.KEY_Left, settle=0.5)
        back = frame_counter(app)
        numbers = [int(re.match(r'Frame (\d+)', t).group(1)) if t else None for t in (start, after, back)]
        tap.check(None not in numbers and numbers[1] == numbers[0] + 1 and numbers[2] == numbers[0],
                  f'Right steps a frame on and Left back ({start} → {after} → {back})')

    # 5. Export
    export = kb.tab_to('push button', 'Export…')
    if not tap.check(export is not None, 'Tab reaches the take\'s Export… button'):
        tap.note('focus went: ' + ' → '.join(kb.order[-40:]))
        return tap.done()
    before = set(os.listdir(home))
    count = app.get_child_count()
    kb.key(Gdk.KEY_Return, settle=1.0)
    ok, _ = a11y.wait_for(app, lambda ns: app.get_child_count() > count or None, 15)
    tap.check(ok, 'Enter opens the export dialog')
    tap.note(f'windows: {windows(app)}')
    button = kb.tab_to('push button', 'Export', limit=40)
    if tap.check(button is not None, 'Tab reaches the dialog\'s Export button'):
        kb.key(Gdk.KEY_space)
        written = None
        end = time.monotonic() + 120
        while time.monotonic() < end and written is None:
            a11y.pump(0.5)
            for name in set(os.listdir(home)) - before:
                path = os.path.join(home, name)
                if os.path.isfile(path) and os.path.getsize(path) > 0 and not name.startswith('.'):
                    written = path
        if written:
            a11y.pump(2.0)       # the writer may still be closing it
        tap.check(written is not None, f'Space on Export writes the clip ({os.path.basename(written) if written else "nothing"}, '
                                       f'{os.path.getsize(written) if written else 0} bytes)')
        kb.key(Gdk.KEY_Escape, settle=1.0)
        closed, _ = a11y.wait_for(app, lambda ns: all(name != 'Export Take' for _, name in windows(app)) or None, 10)
        tap.check(closed, 'Escape closes the export dialog')

    tap.check(proc.poll() is None, 'the window is still running')
    tap.note('Tab order on the way: ' + ' → '.join(kb.order))
    nameless = sorted({f'{n.role} “{n.name}”' for n in kb.stops if not n.has_name})
    tap.check(kb.stops and not nameless, f'every one of the {len(kb.stops)} focus stops on the way has a name '
              '(a list item: the text it holds)')
    for stop in nameless:
        tap.note(f'nameless focus stop: {stop}')

    # 6. The other way to load a keyframe: Enter on a slot opens the file
    # chooser, "/" its location entry, the path typed, Enter. The window
    # outlives the chooser (GTK 4.8's accessibility bridge crashed it when
    # a hidden toplevel was left: see the top of this file).
    if wm.focus_window_of(proc.pid):
        a11y.pump(0.5)
        slot = kb.tab_to('push button', 'Last Keyframe')
        if tap.check(slot is not None, 'Tab reaches the Last Keyframe slot again'):
            open_keyframe(kb, app, 'Last Keyframe', os.path.join(samples, 'first.jpg'), tap)
            a11y.pump(3.0)
            tap.check(proc.poll() is None, 'the window outlives the file chooser')
    return tap.done()


if __name__ == '__main__':
    if os.environ.get(a11y.PRIVATE_BUS_MARK):
        import gi
        gi.require_version('Atspi', '2.0')
        gi.require_version('Gdk', '4.0')
        gi.require_version('Gtk', '4.0')
        from gi.repository import Atspi, Gdk, Gio, GLib, Gtk
        for name, module in (('Atspi', Atspi), ('Gdk', Gdk), ('Gio', Gio), ('GLib', GLib), ('Gtk', Gtk)):
            setattr(a11y, name, module)
    sys.exit(a11y.main(__file__, steps))
