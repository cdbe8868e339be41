#!/usr/bin/env python3
# make-demo-plans.py: draws the demo building's floor plans (data/plans/<floor id>.svg) from
# data/demo-building.json: outer walls with windows, the corridor, the stair cores, lift, WCs
# and tea kitchen, offices where the top band has no bookable room, and walls with doors around
# every room of the file, so that the spaces sit where the drawing shows them. One unit of the
# drawing is one metre, the floor's width x height. Run it again after changing the demo
# building: build-aux/make-demo-plans.py SOURCE_ROOT
import json
import os
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
building = json.load(open(os.path.join(root, 'data', 'demo-building.json'), encoding='utf-8'))

WALL = '#3d3846'
INNER = '#5e5c64'
GLASS = '#62a0ea'
BAND = 6.0        # rooms along the north facade are 6 m deep
CORRIDOR = 10.0   # the corridor runs from y = 6 to y = 10, open plan below it
CORES = [         # (x, w, kind): the same on every floor, where no demo room sits
    (22.5, 3.5, 'wc'),
    (26.0, 6.0, 'stairs'),
    (32.0, 4.0, 'kitchen'),
    (54.0, 6.0, 'stairs2'),
]


def f(v):
    return ('%.2f' % v).rstrip('0').rstrip('.')


def rect(x, y, w, h, fill, stroke=INNER, sw=0.1, extra=''):
    return (f'<rect x="{f(x)}" y="{f(y)}" width="{f(w)}" height="{f(h)}" fill="{fill}" '
            f'stroke="{stroke}" stroke-width="{f(sw)}"{extra}/>')


def line(x1, y1, x2, y2, stroke=INNER, sw=0.1, extra=''):
    return (f'<line x1="{f(x1)}" y1="{f(y1)}" x2="{f(x2)}" y2="{f(y2)}" stroke="{stroke}" '
            f'stroke-width="{f(sw)}"{extra}/>')


def text(x, y, s, size=0.55, fill='#77767b', anchor='middle'):
    return (f'<text x="{f(x)}" y="{f(y)}" font-family="Cantarell, sans-serif" font-size="{f(size)}" '
            f'fill="{fill}" text-anchor="{anchor}">{s}</text>')


def door(x, y, horizontal=True, width=0.9):
    """A door in a wall at (x, y): the gap, the leaf and its swing, opening into the room above."""
    out = []
    if horizontal:
        out.append(line(x, y, x + width, y, stroke='#ffffff', sw=0.16))
        out.append(line(x, y, x, y - width, stroke=INNER, sw=0.05))
        out.append(f'<path d="M {f(x)} {f(y - width)} A {f(width)} {f(width)} 0 0 1 {f(x + width)} {f(y)}" '
                   f'fill="none" stroke="{INNER}" stroke-width="0.04" stroke-dasharray="0.15 0.1"/>')
    else:
        out.append(line(x, y, x, y + width, stroke='#ffffff', sw=0.16))
        out.append(line(x, y, x + width, y, stroke=INNER, sw=0.05))
        out.append(f'<path d="M {f(x + width)} {f(y)} A {f(width)} {f(width)} 0 0 1 {f(x)} {f(y + width)}" '
                   f'fill="none" stroke="{INNER}" stroke-width="0.04" stroke-dasharray="0.15 0.1"/>')
    return out


def windows(width, height):
    out = []
    # north and south facades: a window every 2 m, 1.4 m wide
    x = 0.3
    while x + 1.4 <= width - 0.3:
        for y in (0.0, height):
            out.append(line(x, y, x + 1.4, y, stroke='#ffffff', sw=0.3))
            out.append(line(x, y - 0.07, x + 1.4, y - 0.07, stroke=GLASS, sw=0.05))
            out.append(line(x, y + 0.07, x + 1.4, y + 0.07, stroke=GLASS, sw=0.05))
        x += 2.0
    y = CORRIDOR + 0.8
    while y + 1.4 <= height - 0.5:
        for xx in (0.0, width):
            out.append(line(xx, y, xx, y + 1.4, stroke='#ffffff', sw=0.3))
            out.append(line(xx - 0.07, y, xx - 0.07, y + 1.4, stroke=GLASS, sw=0.05))
            out.append(line(xx + 0.07, y, xx + 0.07, y + 1.4, stroke=GLASS, sw=0.05))
        y += 2.0
    return out


def stairs(x, w, label):
    out = [rect(x, 0, w, BAND, '#ebeae6', stroke=WALL, sw=0.15)]
    half = w / 2
    # two flights with a landing at the top
    for i in range(12):
        yy = 1.6 + i * 0.3
        out.append(line(x + 0.3, yy, x + half - 0.1, yy, sw=0.04))
        out.append(line(x + half + 0.1, yy, x + w - 0.3, yy, sw=0.04))
    out.append(line(x + half, 1.6, x + half, BAND - 0.6, sw=0.08))
    out.append(f'<path d="M {f(x + half / 2 + 0.15)} {f(BAND - 0.9)} L {f(x + half / 2 + 0.15)} 1.9 '
               f'M {f(x + half / 2 - 0.05)} 2.2 L {f(x + half / 2 + 0.15)} 1.9 L {f(x + half / 2 + 0.35)} 2.2" '
               f'fill="none" stroke="{INNER}" stroke-width="0.05"/>')
    out.append(text(x + w / 2, 1.1, label, size=0.5))
    out += door(x + half - 0.45, BAND, width=0.9)
    return out


def core(x, w, kind, floor):
    out = []
    if kind == 'wc':
        out.append(rect(x, 0, w, BAND, '#e8eef4', stroke=WALL, sw=0.15))
        out.append(line(x, 3.0, x + w, 3.0, sw=0.1))
        for i in range(3):
            out.append(rect(x + 0.3 + i * 1.05, 0.3, 0.5, 0.7, '#ffffff', sw=0.04,
                            extra=' rx="0.2"'))
            out.append(rect(x + 0.3 + i * 1.05, 3.3, 0.5, 0.7, '#ffffff', sw=0.04,
                            extra=' rx="0.2"'))
        out.append(text(x + w / 2, 2.1, 'WC D', size=0.5))
        out.append(text(x + w / 2, 5.1, 'WC H', size=0.5))
        out += door(x + 0.4, BAND, width=0.8)
        out += door(x + w - 1.2, 3.0, width=0.8)
    elif kind == 'stairs':
        out += stairs(x, 3.6, 'Treppe')
        # the lift beside the stairs
        out.append(rect(x + 3.8, 0.3, 2.0, 2.2, '#deddda', stroke=WALL, sw=0.12))
        out.append(line(x + 3.8, 0.3, x + 5.8, 2.5, sw=0.04))
        out.append(line(x + 5.8, 0.3, x + 3.8, 2.5, sw=0.04))
        out.append(text(x + 4.8, 3.4, 'Aufzug', size=0.5))
        out.append(rect(x + 3.6, 0, 2.4, BAND, 'none', stroke=WALL, sw=0.15))
        out.append(line(x + 4.3, BAND, x + 5.3, BAND, stroke='#ffffff', sw=0.16))
    elif kind == 'stairs2':
        out += stairs(x, w, 'Treppe Ost')
    elif kind == 'kitchen':
        out.append(rect(x, 0, w, BAND, '#f4efe6', stroke=WALL, sw=0.15))
        out.append(rect(x + 0.2, 0.2, w - 0.4, 0.7, '#ffffff', sw=0.05))
        out.append(f'<circle cx="{f(x + 1.0)}" cy="0.55" r="0.22" fill="none" stroke="{INNER}" stroke-width="0.04"/>')
        out.append(rect(x + 2.4, 0.3, 0.6, 0.5, '#deddda', sw=0.04))
        out.append(f'<circle cx="{f(x + w / 2)}" cy="2.8" r="0.8" fill="#ffffff" stroke="{INNER}" stroke-width="0.05"/>')
        out.append(text(x + w / 2, 5.2, 'Teeküche', size=0.5))
        out += door(x + w / 2 - 0.45, BAND, width=0.9)
    return out


def room(space):
    r = space['rect']
    x, y, w, h = r['x'], r['y'], r['w'], r['h']
    out = [rect(x, y, w, h, '#ffffff', stroke=WALL, sw=0.15)]
    # a table for the people the room seats
    if w >= 4 and h >= 4:
        out.append(rect(x + w * 0.25, y + h * 0.3, w * 0.5, h * 0.35, '#f6f5f4', sw=0.05,
                        extra=' rx="0.3"'))
    elif w >= 2.5:
        out.append(rect(x + 0.6, y + 0.6, w - 1.2, min(1.0, h - 1.6), '#f6f5f4', sw=0.05))
    # the door on the corridor side: below for the north band, to the north otherwise
    if y + h <= BAND + 0.01:
        out += door(x + w - 1.3, y + h)
    else:
        out += door(x + 0.5, y, width=0.9)
    return out


def offices(floor_rooms, width):
    """Single offices wherever the north band has neither a room nor a core."""
    taken = [(s['rect']['x'], s['rect']['x'] + s['rect']['w']) for s in floor_rooms
             if s['rect']['y'] < BAND]
    taken += [(x, x + w) for x, w, _ in CORES]
    taken.sort()
    out = []
    pos = 0.0
    free = []
    for a, b in taken:
        if a > pos + 0.01:
            free.append((pos, a))
        pos = max(pos, b)
    if pos < width:
        free.append((pos, width))
    for a, b in free:
        if b - a < 1.5:
            # too narrow for an office: a shaft for pipes and cables
            out.append(rect(a, 0, b - a, BAND, '#deddda', stroke=WALL, sw=0.15))
            continue
        n = max(1, round((b - a) / 3.5))
        cell = (b - a) / n
        for i in range(n):
            x = a + i * cell
            out.append(rect(x, 0, cell, BAND, '#f6f5f4', stroke=WALL, sw=0.15))
            if cell >= 2.2:
                out.append(rect(x + 0.3, 0.5, min(1.6, cell - 0.6), 0.8, '#ffffff', sw=0.04))
                out += door(x + cell - 1.2, BAND, width=0.8)
            out.append(text(x + cell / 2, 3.4, 'Büro' if cell >= 2.2 else '', size=0.45,
                            fill='#9a9996'))
    return out


def open_plan(floor_desks, height, width):
    """The open-plan office below the corridor: carpet zones round each cluster of desks."""
    out = []
    clusters = {}
    for s in floor_desks:
        r = s['rect']
        key = (r['x'] // 8, 0 if r['y'] < 16 else 1)
        c = clusters.setdefault(key, [r['x'], r['y'], r['x'] + r['w'], r['y'] + r['h']])
        c[0] = min(c[0], r['x']); c[1] = min(c[1], r['y'])
        c[2] = max(c[2], r['x'] + r['w']); c[3] = max(c[3], r['y'] + r['h'])
    for x0, y0, x1, y1 in clusters.values():
        out.append(rect(x0 - 0.6, y0 - 0.6, x1 - x0 + 1.2, y1 - y0 + 1.2, '#eef3ea',
                        stroke='#c0bfbc', sw=0.05, extra=' rx="0.4"'))
        # a storage wall and plants between clusters
        out.append(rect(x1 + 1.0, y0 - 0.2, 0.5, y1 - y0 + 0.4, '#deddda', sw=0.04))
        out.append(f'<circle cx="{f(x1 + 1.25)}" cy="{f(y1 + 0.9)}" r="0.35" fill="#8ff0a4" '
                   f'stroke="#26a269" stroke-width="0.04"/>')
    return out


def draw(floor, spaces):
    width, height = floor['width'], floor['height']
    rooms = [s for s in spaces if s['kind'] == 'room']
    desks = [s for s in spaces if s['kind'] == 'desk']
    out = [f'<?xml version="1.0" encoding="UTF-8"?>',
           f'<!-- {floor["name"]} ({floor["id"]}) of the Raumbuch demo building: one unit is one '
           f'metre. Drawn by build-aux/make-demo-plans.py. -->',
           f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'width="{width * 20}" height="{height * 20}">',
           f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fbfaf8"/>',
           # the corridor
           rect(0, BAND, width, CORRIDOR - BAND, '#f1efe9', stroke='none', sw=0),
           line(0, CORRIDOR, width, CORRIDOR, stroke='#c0bfbc', sw=0.05,
                extra=' stroke-dasharray="0.4 0.2"'),
           text(width / 2 - 12, BAND + 2.3, 'Flur', size=0.6, fill='#9a9996')]
    out += offices(rooms, width)
    for x, w, kind in CORES:
        out += core(x, w, kind, floor)
    out += open_plan(desks, height, width)
    for s in rooms:
        out += room(s)
    if floor['level'] == 0:
        # the entrance and the reception on the ground floor
        out.append(rect(27.5, height - 3.2, 4.0, 1.2, '#f4efe6', sw=0.06, extra=' rx="0.5"'))
        out.append(text(29.5, height - 2.4, 'Empfang', size=0.5))
        out.append(text(29.5, height - 0.6, 'Eingang', size=0.55, fill='#3d3846'))
    # the outer walls last, over everything, then the windows cut into them
    out.append(rect(0, 0, width, height, 'none', stroke=WALL, sw=0.35))
    out += windows(width, height)
    if floor['level'] == 0:
        out.append(line(28.5, height, 30.5, height, stroke='#fbfaf8', sw=0.5))
        out.append(line(28.5, height, 29.5, height - 0.8, stroke=INNER, sw=0.05))
        out.append(line(30.5, height, 29.5, height - 0.8, stroke=INNER, sw=0.05))
    # a north arrow
    out.append(f'<path d="M {f(width - 1.2)} {f(height - 0.6)} l 0.4 -1.2 l 0.4 1.2 z" fill="{INNER}"/>')
    out.append('</svg>')
    return '\n'.join(out) + '\n'


os.makedirs(os.path.join(root, 'data', 'plans'), exist_ok=True)
for floor in building['floors']:
    spaces = [s for s in building['spaces'] if s['floor_id'] == floor['id']]
    with open(os.path.join(root, 'data', 'plans', floor['id'] + '.svg'), 'w', encoding='utf-8') as out:
        out.write(draw(floor, spaces))
