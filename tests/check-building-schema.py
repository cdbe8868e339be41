#!/usr/bin/env python3
# check-building-schema.py: data/building.schema.json and the reader of the building file
# (src/core/rb-building-file.c, run through raumbuch-server --import-building --dry-run on a
# new database) say the same thing. The demo building's building part is valid for both; for
# every object of the schema, leaving out each required member fails in both and names the
# place, leaving out each optional one passes in both, a member the schema does not name
# fails in both; every value of every enum passes in both, and a value outside fails in both.
# Only the standard library: a small validator for the part of JSON Schema that the file uses.
#
# usage: check-building-schema.py SOURCE_ROOT RAUMBUCH_SERVER          (TAP on stdout)
import copy
import json
import os
import re
import subprocess
import sys
import tempfile

root, server = sys.argv[1], sys.argv[2]
schema = json.load(open(os.path.join(root, "data", "building.schema.json"), encoding="utf-8"))
demo = json.load(open(os.path.join(root, "data", "demo-building.json"), encoding="utf-8"))
demo.pop("people")

TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "boolean": lambda v: isinstance(v, bool),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
}
KNOWN = {"$schema", "$id", "$defs", "$ref", "title", "description", "type", "required",
         "properties", "additionalProperties", "items", "enum", "minimum", "maximum",
         "minItems", "maxItems", "minLength", "maxLength", "pattern", "uniqueItems", "default",
         "examples"}


def resolve(s):
    while "$ref" in s:
        assert s["$ref"].startswith("#/$defs/"), s["$ref"]
        s = {**schema["$defs"][s["$ref"][len("#/$defs/"):]], **{k: v for k, v in s.items() if k != "$ref"}}
    return s


def validate(value, s, path="$"):
    """The first fault as (path, keyword), or None."""
    s = resolve(s)
    unknown = set(s) - KNOWN
    assert not unknown, f"the validator does not know {unknown}"
    if "type" in s and not TYPES[s["type"]](value):
        return (path, "type")
    if "enum" in s and value not in s["enum"]:
        return (path, "enum")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if "minimum" in s and value < s["minimum"]:
            return (path, "minimum")
        if "maximum" in s and value > s["maximum"]:
            return (path, "maximum")
    if isinstance(value, str):
        if "minLength" in s and len(value) < s["minLength"]:
            return (path, "minLength")
        if "maxLength" in s and len(value) > s["maxLength"]:
            return (path, "maxLength")
        if "pattern" in s and not re.search(s["pattern"], value):
            return (path, "pattern")
    if isinstance(value, list):
        if len(value) < s.get("minItems", 0) or len(value) > s.get("maxItems", 1 << 60):
            return (path, "items")
        if s.get("uniqueItems") and len({json.dumps(v) for v in value}) != len(value):
            return (path, "uniqueItems")
        for i, item in enumerate(value):
            fault = validate(item, s.get("items", {}), f"{path}[{i}]")
            if fault:
                return fault
    if isinstance(value, dict):
        for name in s.get("required", []):
            if name not in value:
                return (f"{path}.{name}", "required")
        for name, member in value.items():
            if name in s.get("properties", {}):
                fault = validate(member, s["properties"][name], f"{path}.{name}")
                if fault:
                    return fault
            elif s.get("additionalProperties") is False:
                return (f"{path}.{name}", "additionalProperties")
    return None


def reader(document):
    """What the reader says: None when it takes the file, else its message."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "building.json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(document, f, ensure_ascii=False)
        run = subprocess.run([server, "--db", os.path.join(tmp, "check.db"),
                              "--import-building", path, "--dry-run"],
                             capture_output=True, text=True, env={**os.environ, "LC_ALL": "C.UTF-8"})
    return None if run.returncode == 0 else run.stderr.strip()


cases = []


def case(name, document, valid, place=None):
    cases.append((name, document, valid, place))


case("the demo building is valid", demo, True)

# Where each object of the schema sits in the demo building, as (JSON path, getter).
objects = [
    ("", lambda d: d, schema),
    ("site", lambda d: d["site"], schema["properties"]["site"]),
    ("buildings[0]", lambda d: d["buildings"][0], schema["$defs"]["building"]),
    ("floors[1]", lambda d: d["floors"][1], schema["$defs"]["floor"]),
    ("spaces[5]", lambda d: d["spaces"][5], schema["$defs"]["space"]),
    ("spaces[5].rect", lambda d: d["spaces"][5]["rect"], schema["$defs"]["space"]["properties"]["rect"]),
]
optional_values = {"$schema": "https://raumbuch.example/building.schema.json", "show_names": True,
                   "address": "Am Rheinufer 12", "position": 7, "amenities": ["video"],
                   "bookable": False}
for place, get, s in objects:
    s = resolve(s)
    prefix = place + "." if place else ""
    for name in s["properties"]:
        document = copy.deepcopy(demo)
        target = get(document)
        if name in s.get("required", []):
            del target[name]
            case(f"without {prefix}{name}", document, False, f"{prefix}{name}: is required")
        else:
            target[name] = optional_values[name]
            case(f"with {prefix}{name}", document, True)
            document = copy.deepcopy(demo)
            get(document).pop(name, None)
            case(f"without {prefix}{name}", document, True)
    document = copy.deepcopy(demo)
    get(document)["extra"] = 1
    case(f"{prefix}extra", document, False, f"{prefix}extra: is not a member of this format")

kind = schema["$defs"]["space"]["properties"]["kind"]["enum"]
amenities = schema["$defs"]["space"]["properties"]["amenities"]["items"]["enum"]
for value in kind:
    document = copy.deepcopy(demo)
    document["spaces"][5]["kind"] = value
    case(f"kind {value}", document, True)
document = copy.deepcopy(demo)
document["spaces"][5]["kind"] = "sofa"
case("kind sofa", document, False, "spaces[5].kind")
document = copy.deepcopy(demo)
document["spaces"][5]["amenities"] = list(amenities)
case("every amenity of the schema", document, True)
document = copy.deepcopy(demo)
document["spaces"][5]["amenities"] = ["jacuzzi"]
case("an amenity outside the schema", document, False, "spaces[5].amenities[0]")
for member, value, place in [("w", 0, "spaces[5].rect.w: must be greater than 0"),
                             ("w", 0.1, "spaces[5].rect.w"), ("x", -1, "spaces[5].rect.x"),
                             ("w", 0.25, None), ("x", 0.5, None)]:
    document = copy.deepcopy(demo)
    document["spaces"][5]["rect"][member] = value
    case(f"rect.{member} {value}", document, place is None, place)
for member, value, place in [("capacity", 0, "spaces[5].capacity"), ("name", " ", "spaces[5].name"),
                             ("id", "a b", "spaces[5].id")]:
    document = copy.deepcopy(demo)
    document["spaces"][5][member] = value
    case(f"{member} {value!r}", document, False, place)

print(f"1..{len(cases)}")
failed = 0
for number, (name, document, valid, place) in enumerate(cases, 1):
    fault = validate(document, schema)
    said = reader(document)
    problems = []
    if (fault is None) != valid:
        problems.append(f"schema says {fault or 'valid'}")
    if (said is None) != valid:
        problems.append(f"reader says {said or 'valid'}")
    if place is not None and said is not None and place not in said:
        problems.append(f"reader's message does not name {place}: {said}")
    if problems:
        failed += 1
        print(f"not ok {number} {name}")
        for problem in problems:
            print(f"# {problem}")
    else:
        print(f"ok {number} {name}")
sys.exit(1 if failed else 0)
