#!/bin/sh
# check-openapi.sh: data/openapi.json against a real OpenAPI linter and against the routes that
# raumbuch-server really has. Prints TAP.
#   1. `redocly lint` (@redocly/cli, installed by build-aux/install-deps into build-aux/npm/)
#      with tests/server/redocly.yaml: Redocly's recommended rules, warnings count as errors.
#   2. The real server, started on a free loopback port: every path and method of the document
#      answers with something other than 404 or 405 when asked with real ids (so the route
#      exists), with a status and media type that the document lists for it; and the server
#      serves this very document at /api/v1/openapi.json.
#   3. Every route of the server's route table (`raumbuch-server --list-routes` where it has
#      that option, else the table in src/server/*.c) is in the document, and every operation
#      of the document is in the table.
# Usage: check-openapi.sh SOURCE_ROOT RAUMBUCH_SERVER
#
# The work is done by Node.js (which the linter needs anyway). The shell only starts it, with
# exec: under `meson test --setup valgrind` the shell itself runs under memcheck, and a shell
# that exits normally reports its own leaks.
set -eu

if ! command -v node >/dev/null 2>&1; then
  echo "1..1"
  echo "not ok 1 - node is missing: run build-aux/install-deps"
  exit 1
fi
exec node - "${1:?source root}" "${2:?raumbuch-server executable}" <<'EOF'
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const crypto = require('crypto');
const readline = require('readline');
const { spawn, spawnSync } = require('child_process');

const src = path.resolve(process.argv[2]);
const serverExe = path.resolve(process.argv[3]);
const docPath = path.join(src, 'data', 'openapi.json');
const demoPath = path.join(src, 'data', 'demo-building.json');
const redocly = path.join(src, 'build-aux', 'npm', 'node_modules', '.bin', 'redocly');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'raumbuch-openapi-'));
let server = null;
process.on('exit', () => {
  if (server && server.exitCode === null)
    server.kill('SIGKILL');
  fs.rmSync(tmp, { recursive: true, force: true });
});
for (const signal of ['SIGINT', 'SIGTERM'])
  process.on(signal, () => process.exit(1));

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

// 1. The linter, with telemetry and the update check off: the test runs offline.
{
  const quiet = { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true',
                  NO_COLOR: '1' };
  if (!fs.existsSync(redocly)) {
    ok(false, `the OpenAPI linter is installed at ${redocly}`, 'run build-aux/install-deps');
  } else {
    const version = spawnSync(redocly, ['--version'], { env: quiet, encoding: 'utf8' });
    const lint = spawnSync(redocly, ['lint', '--config', path.join(src, 'tests/server/redocly.yaml'),
                                     docPath], { env: quiet, encoding: 'utf8' });
    ok(lint.status === 0,
       `redocly lint ${(version.stdout || '').trim()} (recommended-strict) finds no problem in data/openapi.json`,
       `${lint.stdout}${lint.stderr}${lint.error || ''}`);
  }
}

// The server's route table: from --list-routes where the server has it, else from the
// table in the sources, lines such as   { "PATCH", "bookings/*", … }.
let routesFrom = 'raumbuch-server --list-routes';
let routeLines = [];
{
  const listed = spawnSync(serverExe, ['--list-routes'], { encoding: 'utf8', timeout: 10000 });
  if (listed.status === 0 && listed.stdout.trim() !== '') {
    routeLines = listed.stdout.split('\n');
  } else {
    routesFrom = 'the route table in src/server/*.c';
    const dir = path.join(src, 'src', 'server');
    const pattern = /^\s*\{\s*"(GET|POST|PUT|PATCH|DELETE)",\s*"([^"]*)"/;
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.c')))
      for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
        const m = pattern.exec(line);
        if (m)
          routeLines.push(`${m[1]} ${m[2]}`);
      }
  }
}

const prefix = new URL(doc.servers[0].url).pathname.replace(/\/$/, '');
let base = null;

// 2. The real server on a port the kernel chooses; its first line names the port.
function startServer() {
  return new Promise((resolve, reject) => {
    server = spawn(serverExe, ['--listen', '127.0.0.1:0', '--db', path.join(tmp, 'raumbuch.db'),
                               '--seed', 'demo', '--now', '2026-11-30T07:00:00+01:00'],
                   { env: { ...process.env, RAUMBUCH_OPENAPI: docPath },
                     stdio: ['ignore', 'pipe', 'pipe'] });
    const log = [];
    server.stderr.on('data', (chunk) => log.push(String(chunk)));
    const lines = readline.createInterface({ input: server.stdout });
    const timer = setTimeout(() => reject(new Error(`no port line in 60 s: ${log.join('')}`)), 60000);
    let first = true;
    lines.on('line', (line) => {
      if (!first)
        return;
      first = false;
      clearTimeout(timer);
      const m = /^raumbuch-server listening on http:\/\/127\.0\.0\.1:(\d+)\/$/.exec(line);
      if (m)
        resolve(Number(m[1]));
      else
        reject(new Error(`unexpected first line: ${line}`));
    });
    server.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start ${serverExe}: ${e.message}`));
    });
    server.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`raumbuch-server exited (${code ?? signal}): ${log.join('')}`));
    });
  });
}
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
  const port = await startServer();
  base = `http://127.0.0.1:${port}${prefix}`;
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

  // A real series, made by a team lead, for /series/{id}; a block id for /blocks/{id} (the
  // staff token gets 403 there, which shows the route as well as a real block would).
  const lead = demo.people.find((p) => p.role === 'team_lead');
  const leadLogin = await request('POST', '/sessions', null,
                                  { staff_number: lead.staff_number, pin: lead.pin });
  const series = { id: crypto.randomUUID(), space_id: 'a0-r02', start: '2026-12-01T08:00:00Z',
                   end: '2026-12-01T09:00:00Z', rrule: 'FREQ=DAILY;COUNT=2', attendees: 2 };
  const seriesCreated = leadLogin.status === 201
    ? await request('POST', '/series', JSON.parse(leadLogin.text).token, series) : leadLogin;
  ok(seriesCreated.status === 201, 'a series to try the routes with',
     `${seriesCreated.status} ${seriesCreated.text}`);
  const idFor = (p) => (p.startsWith('/series/') ? series.id
                        : p.startsWith('/floors/') ? 'flr-a-eg'
                        : p.startsWith('/blocks/') ? '1' : existing.id);

  // Every operation of the document: the route exists (not 404/405). Logging out last.
  const order = (op) => (op.path === '/sessions/current' ? 2 : op.method === 'DELETE' ? 1 : 0);
  operations.sort((a, b) => order(a) - order(b));
  for (const op of operations) {
    const path = op.path.replace(/\{[^}]*\}/g, idFor(op.path));
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
  const table = routeLines.filter((l) => l.trim())
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
