#!/bin/sh
# check-openapi.sh: data/openapi.json against a real OpenAPI linter and against the routes that
# raumbuch-server really has. Prints TAP.
#   1. `redocly lint` (@redocly/cli, installed by build-aux/install-deps into build-aux/npm/)
#      with tests/server/redocly.yaml: Redocly's recommended rules, warnings count as errors.
#   2. The real server, started on a free loopback port: every path and method of the document
#      answers with something other than 404 or 405 when asked with real ids (so the route
#      exists), and the server serves this very document at /api/v1/openapi.json.
#   3. Every route of the server's route table (`raumbuch-server --list-routes` where it has
#      that option, else the table in src/server/*.c) is in the document, and every operation
#      of the document is in the table.
# Usage: check-openapi.sh SOURCE_ROOT RAUMBUCH_SERVER
set -u

src=${1:?source root}
server=${2:?raumbuch-server executable}
doc="$src/data/openapi.json"
redocly="$src/build-aux/npm/node_modules/.bin/redocly"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/raumbuch-openapi-XXXXXX")
server_pid=""
cleanup() {
  if [ -n "$server_pid" ]; then
    kill "$server_pid" 2>/dev/null
    wait "$server_pid" 2>/dev/null
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if ! command -v node >/dev/null 2>&1; then
  echo "1..1"
  echo "not ok 1 - node is missing: run build-aux/install-deps"
  exit 1
fi

# 1. The linter. Telemetry and the update check are off: the test runs offline.
if [ -x "$redocly" ]; then
  if REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true NO_COLOR=1 \
     "$redocly" lint --config "$src/tests/server/redocly.yaml" "$doc" >"$tmp/lint.log" 2>&1; then
    lint_status=ok
  else
    lint_status=failed
  fi
  lint_version=$(REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true "$redocly" --version 2>/dev/null)
else
  lint_status=missing
  lint_version=""
  echo "the OpenAPI linter is not installed at $redocly: run build-aux/install-deps" >"$tmp/lint.log"
fi

# 2. The real server on a port the kernel chooses. Its first line names the port.
routes_file="$tmp/routes.txt"
if "$server" --list-routes >"$routes_file" 2>/dev/null && [ -s "$routes_file" ]; then
  routes_from="raumbuch-server --list-routes"
else
  # The route table in the sources: lines such as   { "PATCH", "bookings/*", … }.
  sed -n 's/^[[:space:]]*{[[:space:]]*"\(GET\|POST\|PUT\|PATCH\|DELETE\)",[[:space:]]*"\([^"]*\)".*/\1 \2/p' \
    "$src"/src/server/*.c >"$routes_file"
  routes_from="the route table in src/server/*.c"
fi

RAUMBUCH_OPENAPI="$doc" "$server" --listen 127.0.0.1:0 --db "$tmp/raumbuch.db" --seed demo \
  --now 2026-11-30T07:00:00+01:00 >"$tmp/server.log" 2>&1 &
server_pid=$!
port=""
i=0
while [ $i -lt 600 ]; do
  line=$(head -n 1 "$tmp/server.log" 2>/dev/null)
  case "$line" in
    "raumbuch-server listening on http://127.0.0.1:"*/)
      port=${line#raumbuch-server listening on http://127.0.0.1:}
      port=${port%/}
      break;;
  esac
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
  i=$((i + 1))
done
if [ -z "$port" ]; then
  echo "1..1"
  echo "not ok 1 - raumbuch-server did not start"
  sed 's/^/# /' "$tmp/server.log"
  exit 1
fi

node - "$doc" "$port" "$routes_file" "$routes_from" "$lint_status" "$lint_version" \
  "$tmp/lint.log" "$src/data/demo-building.json" <<'EOF'
'use strict';
const fs = require('fs');
const crypto = require('crypto');
const [docPath, port, routesFile, routesFrom, lintStatus, lintVersion, lintLog, demoPath] =
  process.argv.slice(2);

let n = 0;
let failed = 0;
function ok(good, name, details) {
  n++;
  if (!good) failed++;
  console.log(`${good ? 'ok' : 'not ok'} ${n} - ${name}`);
  if (!good && details)
    for (const line of String(details).split('\n'))
      console.log(`# ${line}`);
}

const text = fs.readFileSync(docPath, 'utf8');
const doc = JSON.parse(text);

ok(lintStatus === 'ok',
   `redocly lint ${lintVersion} (recommended-strict) finds no problem in data/openapi.json`,
   lintStatus === 'ok' ? '' : fs.readFileSync(lintLog, 'utf8'));

const prefix = new URL(doc.servers[0].url).pathname.replace(/\/$/, '');
const base = `http://127.0.0.1:${port}${prefix}`;
const methods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const operations = [];
for (const [path, item] of Object.entries(doc.paths))
  for (const method of methods)
    if (item[method])
      operations.push({ method: method.toUpperCase(), path });

// Normalised forms: "/bookings/{id}/check-in" and the server's "bookings/*/check-in" both
// become "/bookings/*/check-in".
const norm = (p) => p.replace(/\{[^}]*\}/g, '*').replace(/^\/?/, '/');

async function request(method, path, token, body, headers = {}) {
  const h = { ...headers };
  if (token) h.Authorization = `Bearer ${token}`;
  if (body !== undefined) h['Content-Type'] = 'application/json';
  const res = await fetch(base + path, {
    method, headers: h, body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10000),
  });
  const content = await res.text();
  return { status: res.status, type: res.headers.get('content-type'), text: content };
}

function iso(date) { return date.toISOString().replace(/\.\d{3}Z$/, 'Z'); }

(async () => {
  const demo = JSON.parse(fs.readFileSync(demoPath, 'utf8'));
  const person = demo.people.find((p) => p.role === 'staff');
  const login = await request('POST', '/sessions', null,
                              { staff_number: person.staff_number, pin: person.pin });
  if (login.status !== 201 && login.status !== 200) {
    ok(false, 'log in', `${login.status} ${login.text}`);
    console.log(`1..${n}`);
    process.exit(1);
  }
  const token = JSON.parse(login.text).token;

  // A real booking, so that the routes with a booking id reach their handler.
  let slot = 0;
  const newBooking = () => {
    const start = new Date(Date.UTC(2026, 11, 1, 8 + slot, 0, 0));
    slot++;
    return { id: crypto.randomUUID(), space_id: 'a0-r01', start: iso(start),
             end: iso(new Date(start.getTime() + 3600 * 1000)), title: 'OpenAPI check',
             attendees: 2 };
  };
  const existing = newBooking();
  const created = await request('POST', '/bookings', token, existing,
                                { 'Idempotency-Key': existing.id });
  ok(created.status === 201, 'a booking to try the routes with', `${created.status} ${created.text}`);

  // Every operation of the document: the route exists (not 404/405). Logging out last.
  const order = (op) => (op.path === '/sessions/current' ? 2 : op.method === 'DELETE' ? 1 : 0);
  operations.sort((a, b) => order(a) - order(b));
  for (const op of operations) {
    const path = op.path.replace(/\{[^}]*\}/g, existing.id);
    let body;
    const headers = {};
    if (op.method === 'POST' && op.path === '/sessions')
      body = { staff_number: person.staff_number, pin: person.pin };
    else if (op.method === 'POST' && op.path === '/bookings') {
      body = newBooking();
      headers['Idempotency-Key'] = body.id;
    } else if (op.method === 'PATCH') {
      body = { title: 'OpenAPI check, changed' };
      headers['If-Match'] = '"1"';
    } else if (op.method === 'POST')
      body = {};
    let res;
    try {
      res = await request(op.method, path, token, body, headers);
    } catch (e) {
      res = { status: 0, text: String(e) };
    }
    const exists = res.status !== 0 && res.status !== 404 && res.status !== 405 && res.status !== 501;
    ok(exists, `${op.method} ${prefix}${op.path} exists on the server (answered ${res.status})`,
       res.text);
    // And the answer is one the document promises, in the promised media type.
    const documented = doc.paths[op.path][op.method.toLowerCase()].responses;
    let promised = documented[String(res.status)];
    if (promised && promised.$ref)
      promised = doc.components.responses[promised.$ref.split('/').pop()];
    const mediaType = (res.type || '').split(';')[0].trim();
    const types = promised && promised.content ? Object.keys(promised.content) : [];
    ok(promised !== undefined && (types.length === 0 ? res.text === '' : types.includes(mediaType)),
       `${op.method} ${prefix}${op.path}: ${res.status} ${mediaType || '(no body)'} is documented`,
       `documented: ${Object.keys(documented).join(', ')}; answer: ${res.text}`);
  }

  // The server serves this very document.
  const served = await request('GET', '/openapi.json', null);
  let same = false;
  try {
    same = served.status === 200
           && JSON.stringify(JSON.parse(served.text)) === JSON.stringify(doc);
  } catch (e) { same = false; }
  ok(same, `GET ${prefix}/openapi.json serves data/openapi.json`, same ? '' : `${served.status}`);

  // Both directions against the route table.
  const table = fs.readFileSync(routesFile, 'utf8').split('\n').filter((l) => l.trim())
    .map((l) => {
      const [method, pattern] = l.trim().split(/\s+/);
      const path = pattern.startsWith(prefix + '/') ? pattern.slice(prefix.length) : pattern;
      return { method, path: norm(path) };
    });
  ok(table.length > 0, `the server's routes are known (from ${routesFrom})`);
  const inDoc = new Set(operations.map((op) => `${op.method} ${norm(op.path)}`));
  const inTable = new Set(table.map((r) => `${r.method} ${r.path}`));
  for (const route of inTable)
    ok(inDoc.has(route), `server route ${route} is in data/openapi.json`);
  for (const op of inDoc)
    ok(inTable.has(op), `documented ${op} is in the server's route table`);

  console.log(`1..${n}`);
  process.exit(failed > 0 ? 1 : 0);
})().catch((e) => {
  ok(false, 'the check ran to the end', e.stack);
  console.log(`1..${n}`);
  process.exit(1);
});
EOF
