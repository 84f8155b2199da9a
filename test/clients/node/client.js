// node-postgres (pg) behind PgBouncer in transaction mode
// (test/integration/clients.sh; docs/clients.md shows the same code).
//
// Each request takes a client with pool.connect(), runs BEGIN, sets the
// tenant with wt_set_tenant($1, true), reads the unqualified employees table
// and COMMITs.  Every query is unnamed: a named query ({name: ...}) is a
// server-side prepared statement, which lives on one server connection while
// PgBouncer runs the next transaction on any.  Prints "RESULT <json>" as the
// Python clients do (test/clients/wtclient.py).  WT_PREPARED=1 makes the
// request's queries named, to show what breaks (no fail-closed cases then).
'use strict';
const { Pool } = require('pg');

const env = process.env;
const EXPECTED = JSON.parse(env.WT_EXPECTED);
const SCHEMAS = Object.keys(EXPECTED).sort();
const CLIENTS = Number(env.WT_CLIENTS || 8);
const REQUESTS = Number(env.WT_REQUESTS || 60);
const PREPARED = env.WT_PREPARED === '1';
const TENANT_EMAIL = /@tenant_[0-9]+\.example$/;

const tally = {
  driver: 'node-postgres', prepared: PREPARED, clients: CLIENTS, requests: 0, rows: 0, foreign_rows: 0,
  wrong_count: 0, garbled: 0, inherited: 0, errors: [], error_states: {}, tenants: new Set(),
  backends: new Map(), checks: {}, problems: [],
};

// The schema request i of client serves (as wtclient.tenant_for).
function tenantFor(client, i) {
  return SCHEMAS[(client * 7 + i) % SCHEMAS.length];
}

// One finished request (as wtclient.Tally.request): rows of another tenant
// are counted as foreign; rows that are no employee's email (another
// statement's result, with named queries) make the request garbled.
function record(schema, pid, atStart, emails) {
  const isEmail = (e) => typeof e === 'string' && TENANT_EMAIL.test(e);
  const bad = emails.filter((e) => isEmail(e) && !e.endsWith(`@${schema}.example`));
  tally.foreign_rows += bad.length;
  if (bad.length) tally.problems.push(`${schema} saw ${bad.length} foreign rows, e.g. ${bad[0]}`);
  if (!emails.every(isEmail) || typeof pid !== 'number' || typeof atStart !== 'string') {
    tally.garbled += 1;
    return;
  }
  tally.requests += 1;
  tally.rows += emails.length;
  if (emails.length !== EXPECTED[schema].employees) tally.wrong_count += 1;
  if (atStart) tally.inherited += 1;
  tally.tenants.add(schema);
  if (!tally.backends.has(pid)) tally.backends.set(pid, new Set());
  tally.backends.get(pid).add(schema);
}

// The request's queries: unnamed (the default), or named with WT_PREPARED=1.
function query(name, text, values) {
  return PREPARED ? { name, text, values } : { text, values };
}

// One request: its own transaction, its own tenant.
async function handle(pool, schema) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const start = await client.query(query('start',
      "SELECT pg_backend_pid() AS pid, current_setting('wellness_tenancy.tenant') AS tenant"));
    await client.query(query('set_tenant', 'SELECT wt_set_tenant($1, true)', [schema]));
    const res = await client.query(query('emails', 'SELECT email FROM employees'));
    await client.query('COMMIT');
    const first = start.rows[0] || {};
    record(schema, first.pid, first.tenant, res.rows.map((r) => r.email));
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.release();
  }
}

async function worker(pool, c) {
  for (let i = 0; i < REQUESTS; i++) {
    try {
      await handle(pool, tenantFor(c, i));
    } catch (e) {
      tally.errors.push(`${e.code}: ${e.message}`);
      tally.error_states[String(e.code)] = (tally.error_states[String(e.code)] || 0) + 1;
    }
  }
}

// A fail-closed case: must fail with one of sqlstates and return no row.
function check(name, sqlstate, rows, sqlstates) {
  tally.checks[name] = { sqlstate, rows };
  if (!sqlstates.includes(sqlstate) || rows) {
    tally.problems.push(`${name}: expected an error ${sqlstates.join('/')} and no row, got ${sqlstate} and ${rows} rows`);
  }
}

// Runs statements in one transaction; returns [sqlstate, rows of the last].
async function attempt(pool, statements) {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    let res = { rows: [] };
    for (const sql of statements) res = await client.query(sql);
    await client.query('COMMIT');
    return [null, res.rows.length];
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    return [e.code || String(e), 0];
  } finally {
    client.release();
  }
}

async function failClosed(pool) {
  let [state, rows] = await attempt(pool, ['SELECT email FROM employees']);
  check('forgot_tenant', state, rows, ['42P01', '42501']);
  [state, rows] = await attempt(pool, ["SET wellness_tenancy.tenant = 'tenant_01'", 'SELECT email FROM employees']);
  check('session_set', state, rows, ['42501']);
  // pool.query() runs each statement on its own, outside a transaction block:
  // wt_set_tenant(x, true) there would set nothing for the next query.
  try {
    await pool.query('SELECT wt_set_tenant($1, true)', ['tenant_01']);
    state = null;
  } catch (e) {
    state = e.code;
  }
  check('pool_query_wt_set_tenant', state, 0, ['25P01']);
}

async function main() {
  const pool = new Pool({
    host: env.WT_HOST, port: Number(env.WT_PORT), database: env.WT_DB, user: env.WT_USER, max: CLIENTS,
  });
  const workers = [];
  for (let c = 0; c < CLIENTS; c++) workers.push(worker(pool, c));
  await Promise.all([...(PREPARED ? [] : [failClosed(pool)]), ...workers]);
  await pool.end();
  const finished = tally.requests + tally.garbled + tally.errors.length;
  if (finished !== CLIENTS * REQUESTS) tally.problems.push(`${finished} of ${CLIENTS * REQUESTS} requests finished`);
  for (const what of ['foreign_rows', 'wrong_count', 'inherited']) {
    if (tally[what]) tally.problems.push(`${what} = ${tally[what]}`);
  }
  if (tally.errors.length && !PREPARED) tally.problems.push(`${tally.errors.length} requests failed, first: ${tally.errors[0]}`);
  if (tally.garbled && !PREPARED) tally.problems.push(`${tally.garbled} requests read something else than employees' emails`);
  let maxTenants = 0;
  for (const t of tally.backends.values()) maxTenants = Math.max(maxTenants, t.size);
  const out = {
    ...tally, errors: tally.errors.length, first_errors: [...new Set(tally.errors)].sort().slice(0, 3),
    tenants: tally.tenants.size, backends: tally.backends.size, max_tenants_per_backend: maxTenants,
  };
  console.log(`RESULT ${JSON.stringify(out)}`);
  return tally.problems.length ? 1 : 0;
}

main().then((status) => { process.exitCode = status; }, (e) => { console.error(e); process.exitCode = 1; });
