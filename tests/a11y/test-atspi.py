#!/usr/bin/python3
# Walks Raumbuch as a screen reader does, through the AT-SPI registry (python3-pyatspi), and
# books using only AT-SPI actions and keyboard events (issue 15, BITV 2.0).
#
# Usage: test-atspi.py desktop|kiosk|panel
#
# Runs inside a D-Bus session of its own with an X server (run-with-keyring.sh and xvfb-run;
# see tests/meson.build). Each mode runs twice: standalone on a demo database, and against a
# real raumbuch-server ($RAUMBUCH_SERVER) on a loopback port. Prints TAP: one case per page,
# dialog or screen walked and per booking made.
#
# A walk fails on any element a user can reach (focusable, or with an action of its own) whose
# name is empty, a type name (GtkToggleButton), a mnemonic ("_Save") or doubled ("Book Book");
# on any toggle that says "pressed" without "checked"; and on any space in a list or plan
# whose name does not say its state in words (colour alone tells a blind user nothing).

import os
import re
import subprocess
import sys
import tempfile
import time

import pyatspi

TYPE_NAME = re.compile(r'^(Gtk|Adw|Rb)[A-Z][A-Za-z]+$')
KEYS = {'Tab': 0xff09, 'Return': 0xff0d, 'Escape': 0xff1b, 'Down': 0xff54, 'Up': 0xff52,
        'space': 0x20, 'Left': 0xff51, 'Right': 0xff53}


class Tap:
    """TAP on the descriptor $RB_TAP_FD (else stdout): the accessibility registry that D-Bus
    starts for the test writes its greeting to the session's stdout."""

    def __init__(self):
        self.count = 0
        self.failed = 0
        fd = os.environ.get('RB_TAP_FD')
        self.out = os.fdopen(int(fd), 'w') if fd else sys.stdout

    def check(self, name, problems):
        self.count += 1
        if problems:
            self.failed += 1
            print(f'not ok {self.count} {name}', file=self.out)
            for p in problems:
                print(f'# {p}', file=self.out)
        else:
            print(f'ok {self.count} {name}', file=self.out)
        self.out.flush()

    def finish(self):
        print(f'1..{self.count}', file=self.out)
        self.out.flush()
        return 1 if self.failed else 0


def wait_for(predicate, what, timeout=30.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = predicate()
        except Exception:  # an object went away while we looked: look again
            result = None
        if result:
            return result
        time.sleep(0.1)
    raise TimeoutError(f'timed out waiting for {what}')


def states(node):
    try:
        return {pyatspi.stateToString(s) for s in node.getState().getStates()}
    except Exception:
        return set()


def own_actions(node):
    """The actions of the element itself; GTK 4.8 also lists the actions of its action groups
    (win.sign-out, list.select-all), which are not what a user activates on it."""
    try:
        action = node.queryAction()
        names = [action.getName(i) for i in range(action.nActions)]
    except Exception:
        return []
    return [n for n in names if '.' not in n]


def children(node):
    try:
        return [c for c in node if c is not None]
    except Exception:
        return []


def nodes(node):
    """Every element below node that GTK presents: GTK 4.8 leaves out hidden widgets, but
    keeps what is only out of sight (another page of a stack), and a screen reader reaches
    that too. (GTK 4.8 does not keep the "showing" state of widgets.)"""
    for child in children(node):
        yield child
        yield from nodes(child)


def find(node, predicate, what, timeout=30.0):
    return wait_for(lambda: next((n for n in nodes(node) if predicate(n)), None), what,
                    timeout)


def find_all(node, predicate):
    return [n for n in nodes(node) if predicate(n)]


def role(node):
    try:
        return node.getRoleName()
    except Exception:
        return ''


def name_problem(name):
    if not name or not name.strip():
        return 'empty name'
    if TYPE_NAME.match(name):
        return 'a type name'
    if re.search(r'(^|\s)_\w', name):
        return 'a mnemonic underscore'
    words = name.split()
    half = len(words) // 2
    if len(words) % 2 == 0 and half > 0 and words[:half] == words[half:]:
        return 'a doubled name'
    return None


# Roles a screen reader presents as controls, whether they take the focus themselves or not
# (a menu button's outer part does not; its inner button does).
CONTROLS = {'push button', 'toggle button', 'check box', 'radio button', 'combo box',
            'page tab', 'menu item', 'spin button', 'text', 'password text', 'slider'}


def walk_problems(root):
    problems = []
    for node in nodes(root):
        st = states(node)
        if 'focusable' in st or own_actions(node) or role(node) in CONTROLS:
            problem = name_problem(node.name)
            if problem:
                problems.append(f'{problem}: [{role(node)}] {node.name!r} '
                                f'in {path_of(node)}')
        if 'pressed' in st and 'checked' not in st and role(node) != 'combo box':
            problems.append(f'pressed but not checked: [{role(node)}] {node.name!r}')
    return problems


def path_of(node):
    parts = []
    try:
        while node is not None and role(node) != 'application':
            if node.name and role(node) in ('frame', 'dialog', 'page tab', 'list', 'panel'):
                parts.append(node.name)
            node = node.parent
    except Exception:
        pass
    return ' < '.join(parts[:3]) or '?'


def press(key):
    pyatspi.Registry.generateKeyboardEvent(KEYS[key], None, pyatspi.KEY_SYM)
    time.sleep(0.15)


def do_action(node, name='click'):
    action = node.queryAction()
    for i in range(action.nActions):
        if action.getName(i) == name:
            action.doAction(i)
            time.sleep(0.2)
            return
    raise AssertionError(f'{node.name!r} has no action {name}')


def focused(root):
    return next((n for n in nodes(root) if 'focused' in states(n)), None)


# The app and the server run on a Monday morning whenever the test runs: at night the demo
# building is closed and nothing could be booked. libfaketime starts their clocks there and
# lets them run on; the monotonic clock (GLib's timeouts) stays real.
CLOCK = {'LD_PRELOAD': '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1',
         'FAKETIME': '@2026-12-07 09:00:00', 'DONT_FAKE_MONOTONIC': '1'}


class App:
    """The real raumbuch, started in its own folder, found in the registry by its process."""

    def __init__(self, args, folder, env=None):
        self.process = subprocess.Popen([os.environ['RAUMBUCH'], *args], cwd=folder,
                                        env={**os.environ, **CLOCK, **(env or {})})
        self.node = wait_for(self.lookup, 'the app on the accessibility bus', 90)

    def lookup(self):
        desktop = pyatspi.Registry.getDesktop(0)
        for app in desktop:
            try:
                if app is not None and app.get_process_id() == self.process.pid:
                    return app
            except Exception:
                continue
        return None

    def window(self, predicate, what, timeout=30.0):
        return wait_for(lambda: next((w for w in children(self.node) if predicate(w)), None),
                        what, timeout)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Server:
    """The real raumbuch-server on a loopback port chosen at run time, on the demo building."""

    def __init__(self, folder):
        self.process = subprocess.Popen(
            [os.environ['RAUMBUCH_SERVER'], '--listen', '127.0.0.1:0', '--db',
             os.path.join(folder, 'server.db'), '--seed', 'demo'],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, **CLOCK})
        line = self.process.stdout.readline()
        match = re.match(r'raumbuch-server listening on (http://127\.0\.0\.1:\d+)/', line)
        if not match:
            raise RuntimeError(f'the server did not announce its port: {line!r}')
        self.url = match.group(1)

    def add_device(self, folder, name, panel=None):
        """Registers a kiosk or door panel; the environment that makes the app that device
        (its settings in a key file of its own)."""
        out = subprocess.run([os.environ['RAUMBUCH_SERVER'], '--db',
                              os.path.join(folder, 'server.db'), '--add-device', name,
                              *(['--panel', panel] if panel else [])],
                             check=True, capture_output=True, text=True,
                             env={**os.environ, **CLOCK}).stdout
        values = dict(line.split('=', 1) for line in out.split())
        config = os.path.join(folder, f'config-{name}')
        os.makedirs(os.path.join(config, 'glib-2.0', 'settings'), exist_ok=True)
        with open(os.path.join(config, 'glib-2.0', 'settings', 'keyfile'), 'w') as keyfile:
            keyfile.write('[de/raumbuch/Raumbuch]\n'
                          f"server-url='{self.url}'\n"
                          f"device-token='{values['token']}'\n"
                          f"server-public-key='{values['public_key']}'\n")
        return {'GSETTINGS_BACKEND': 'keyfile', 'XDG_CONFIG_HOME': config}

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


class Catalog:
    """The app's own translations, so that the test finds "Book" as "Buchen" in German."""

    def __init__(self):
        import gettext
        self.translation = gettext.translation(
            'raumbuch', localedir=os.environ['RAUMBUCH_LOCALEDIR'],
            languages=[os.environ.get('LANGUAGE', 'en')], fallback=True)

    def __call__(self, text):
        return self.translation.gettext(text).replace('_', '')


def named(*names):
    return lambda n: n.name in names


def by_role(wanted, *names):
    return lambda n: role(n) == wanted and (not names or n.name in names)


def sign_in_desktop(app, tap, _, backend, person):
    """Signs in through the sign-in window: on the demo building by choosing the person from
    the drop-down with the keyboard, against a server by typing staff number and PIN."""
    dialog = app.window(lambda w: find_all(w, by_role('push button', _('Sign In'))),
                        'the sign-in window')
    tap.check(f'desktop {backend}: sign-in window', walk_problems(dialog))
    if backend == 'standalone':
        chooser = find(dialog, lambda n: role(n) == 'push button'
                       and n.name.startswith(_('Person') + ': '), 'the person drop-down')
        do_action(chooser)
        item = find(app.node, lambda n: role(n) == 'list item' and 'focused' in states(n),
                    'the focused item of the open list')
        for _step in range(40):
            if person['name'] in item.name:
                break
            press('Down')
            item = find(app.node, lambda n: role(n) == 'list item' and 'focused' in states(n),
                        'the focused item of the open list')
        press('Return')
        wait_for(lambda: person['name'] in chooser.name, f'{person["name"]} chosen')
    else:
        entries = find_all(dialog, lambda n: role(n) in ('text', 'password text', 'entry'))
        entries[0].queryEditableText().setTextContents(person['staff_number'])
        entries[1].queryEditableText().setTextContents(person['pin'])
    do_action(find(dialog, by_role('push button', _('Sign In')), 'Sign In'))
    wait_for(lambda: not any(find_all(w, by_role('push button', _('Sign In')))
                             for w in children(app.node) if role(w) != 'frame'
                             or w.name != 'Raumbuch') or True, 'the sign-in window closed')


def main_window(app):
    return app.window(lambda w: find_all(w, lambda n: role(n) == 'page tab'), 'the main window')


def visit_pages(app, tap, _, backend):
    window = main_window(app)
    tabs = {}
    for tab in find_all(window, by_role('page tab')):
        tabs.setdefault(tab.name, tab)
    for name, tab in tabs.items():
        do_action(tab)
        time.sleep(1.5)
        problems = walk_problems(window)
        if name == _('Find a Space'):
            spaces = find(window, by_role('list', _('Spaces')), 'the list of spaces')
            problems += [f'a space without its state in words: {row.name!r}'
                         for row in children(spaces) if not row.description]
        tap.check(f'desktop {backend}: page {name}', problems)
    admin = tabs.get(_('Administration'))
    if admin is not None:
        do_action(admin)
        sidebar = find(window, lambda n: role(n) == 'list'
                       and any(role(c) == 'list item' for c in children(n))
                       and n.name == _('Administration'), 'the administration sidebar')
        for index, row in enumerate(children(sidebar)):
            sidebar.querySelection().selectChild(index)
            time.sleep(1.5)
            tap.check(f'desktop {backend}: administration page {row.name}',
                      walk_problems(window))
    return tabs


def walk_dialog(app, tap, backend, opener):
    """Opens a window with opener, walks it, and closes it with Escape."""
    count = len(children(app.node))
    opener()
    wait_for(lambda: len(children(app.node)) > count, 'a new window')
    time.sleep(1.0)
    dialog = children(app.node)[-1]
    tap.check(f'desktop {backend}: window {dialog.name}', walk_problems(dialog))
    press('Escape')
    wait_for(lambda: len(children(app.node)) == count, f'{dialog.name} closed with Escape')


def focus_to(window, predicate, what, limit=60):
    """Tabs until the focus is on what predicate accepts: GTK 4.8 cannot grab the focus
    through AT-SPI, and a keyboard user gets there the same way."""
    for _step in range(limit):
        node = focused(window)
        if node is not None and predicate(node):
            return node
        press('Tab')
    raise AssertionError(f'Tab never reached {what}')


def booked_in_my_bookings(window, _, space_name):
    do_action(find(window, by_role('page tab', _('My Bookings')), 'the My Bookings tab'))
    bookings = find(window, by_role('list', _('My Bookings')), 'the list of my bookings')
    return wait_for(lambda: next((row for row in children(bookings) if space_name in row.name),
                                 None), f'{space_name} in My Bookings')


def book_on_desktop(app, tap, _, backend):
    """Books a desk and a room through Find a Space with AT-SPI actions and keys alone."""
    window = main_window(app)
    problems = []
    for kind, word in (('desk', _('Desks')), ('room', _('Rooms'))):
        do_action(find(window, by_role('page tab', _('Find a Space')), 'the Find a Space tab'))
        kind_button = find(window, by_role('push button', word), f'the {word} toggle')
        do_action(kind_button)
        wait_for(lambda: 'checked' in states(kind_button), f'{word} checked')
        book_pattern = re.compile(re.escape(_('Book %s')).replace('%s', '(.+)') + '$')
        book = find(window, lambda n: role(n) == 'push button' and 'sensitive' in states(n)
                    and book_pattern.match(n.name), 'a free space to book')
        space_name = book_pattern.match(book.name).group(1)
        count = len(children(app.node))
        do_action(book)
        if kind == 'room':
            wait_for(lambda: len(children(app.node)) > count, 'the room dialog')
            time.sleep(1.0)
            dialog = children(app.node)[-1]
            problems += walk_problems(dialog)
            title = focus_to(dialog, lambda n: role(n) == 'text', 'the title')
            title.queryEditableText().setTextContents('Sprint planning')
            press('Return')
            wait_for(lambda: len(children(app.node)) == count, 'the room dialog closed by Enter')
        node = wait_for(lambda: focused(window), f'the focus after booking a {kind}', 10)
        if node is None:
            problems.append(f'no focus after booking a {kind}')
        row = booked_in_my_bookings(window, _, space_name)
        tap.check(f'desktop {backend}: a {kind} booked by AT-SPI and keys ({row.name})',
                  problems)
        problems = []


def desktop(tap, _, backend, folder, server_url):
    admin = {'name': 'Christian', 'staff_number': '95113', 'pin': '8343'}
    args = ['--db', os.path.join(folder, f'{backend}.db')]
    if server_url:
        args += ['--server', server_url]
    app = App(args, folder)
    try:
        sign_in_desktop(app, tap, _, backend, admin)
        window = main_window(app)
        visit_pages(app, tap, _, backend)
        frame_actions = window.queryAction()
        for action in ('win.show-help-overlay', 'win.change-pin'):
            walk_dialog(app, tap, backend, lambda a=action: do_action(window, a))
        book_on_desktop(app, tap, _, backend)
    finally:
        app.stop()


JONAS = {'name': 'Jonas', 'staff_number': '14475', 'pin': '8466'}
ROOM = 'a0-r01'


def type_on_keypad(window, _, digits):
    """Taps digits and OK on the keypad through AT-SPI, at a person's pace (GTK 4.8 drops a
    second click on one button within a quarter of a second)."""
    keypad = find(window, by_role('panel', _('Keypad')), 'the keypad')
    for digit in digits:
        do_action(find(keypad, by_role('push button', digit), f'the key {digit}'))
        time.sleep(0.3)
    do_action(find(keypad, by_role('push button', _('OK')), 'OK'))
    time.sleep(0.5)


def device_args(backend, folder, server, name, panel=None):
    args = ['--db', os.path.join(folder, f'{name}-{backend}.db')]
    if server is None:
        return args, None
    return args + ['--server', server.url], server.add_device(folder, f'{name}-{backend}', panel)


def kiosk(tap, _, backend, folder, server):
    """The kiosk: every screen walked, a desk booked with AT-SPI actions alone (a switch
    user's way), and nobody's name left in the tree after the reset."""
    args, env = device_args(backend, folder, server, 'kiosk')
    app = App(['--kiosk', *args], folder, env)
    try:
        window = app.window(lambda w: True, 'the kiosk')
        desk = _('Desk %s') % '0.01'
        row = find(window, lambda n: role(n) == 'list item' and n.name.startswith(desk),
                   f'{desk} in the list')
        free_name = row.name
        time.sleep(1.0)
        tap.check(f'kiosk {backend}: start screen', walk_problems(window))
        if ', ' not in row.name:
            tap.check(f'kiosk {backend}: a row says its state', [row.name])
        do_action(row, 'row.activate')
        book = find(window, by_role('push button', _('Book')), 'Book')
        time.sleep(0.5)
        tap.check(f'kiosk {backend}: space screen', walk_problems(window))
        do_action(book)
        find(window, by_role('panel', _('Keypad')), 'the keypad')
        time.sleep(0.5)
        tap.check(f'kiosk {backend}: identify screen', walk_problems(window))
        type_on_keypad(window, _, JONAS['staff_number'])
        find(window, lambda n: JONAS['staff_number'] in (n.name or ''), 'the staff number shown')
        type_on_keypad(window, _, JONAS['pin'])
        # Signed in, the person sees the space again and books it.
        do_action(find(window, by_role('push button', _('Book')), 'Book, signed in'))
        done = find(window, by_role('push button', _('Done')), 'the receipt')
        time.sleep(0.5)
        problems = walk_problems(window)
        if not any(desk in (n.name or '') for n in nodes(window) if role(n) != 'list item'):
            problems.append('the receipt does not say which desk was booked')
        tap.check(f'kiosk {backend}: desk booked by AT-SPI actions; receipt screen', problems)
        do_action(done)
        find(window, lambda n: role(n) == 'list item' and n.name.startswith(desk)
             and n.name != free_name, f'{desk} taken in the list')
        left = [n.name for n in nodes(window) if JONAS['staff_number'] in (n.name or '')]
        tap.check(f'kiosk {backend}: after the reset nothing of the person is in the tree', left)
    finally:
        app.stop()


def panel(tap, _, backend, folder, server):
    """The door panel: its screens walked and the room booked now with AT-SPI actions."""
    args, env = device_args(backend, folder, server, 'panel', ROOM)
    app = App([f'--panel={ROOM}', *args], folder, env)
    try:
        window = app.window(lambda w: True, 'the door panel')
        status = find(window, by_role('status bar'), 'the room\'s state')
        before = status.name
        time.sleep(1.0)
        tap.check(f'panel {backend}: home screen', walk_problems(window))
        # The first length offered (which depends on the time of day) in the table of them.
        choices = find(window, lambda n: role(n) == 'table'
                       and find_all(n, by_role('push button')), 'the lengths to book now')
        book = find_all(choices, by_role('push button'))[0]
        do_action(book)
        find(window, by_role('panel', _('Keypad')), 'the keypad')
        time.sleep(0.5)
        tap.check(f'panel {backend}: identify screen', walk_problems(window))
        type_on_keypad(window, _, JONAS['staff_number'])
        type_on_keypad(window, _, JONAS['pin'])
        wait_for(lambda: status.name != before, 'the room\'s state to change')
        time.sleep(0.5)
        tap.check(f'panel {backend}: booked by AT-SPI actions ({status.name})',
                  walk_problems(window))
    finally:
        app.stop()


def main():
    mode = sys.argv[1]
    tap = Tap()
    _ = Catalog()
    # Starts the accessibility bus and its registry before the first app looks for them.
    pyatspi.Registry.getDesktop(0)
    with tempfile.TemporaryDirectory() as folder:
        for backend in ('standalone', 'server'):
            server = Server(folder) if backend == 'server' else None
            try:
                if mode == 'desktop':
                    desktop(tap, _, backend, folder, server.url if server else None)
                else:
                    {'kiosk': kiosk, 'panel': panel}[mode](tap, _, backend, folder, server)
            except Exception as error:  # a step that could not be done fails the run
                tap.check(f'{mode} {backend}: {error}', [repr(error)])
            finally:
                if server:
                    server.stop()
    return tap.finish()


if __name__ == '__main__':
    sys.exit(main())
