// Interpolations into SQL that a person reviewed (eslint/security.js, rule no-sql-strings): by file, the exact source
// text of each `${}` and why it cannot carry input. A new or changed interpolation fails lint until it is listed here.
// Values always travel as parameters ($1, ?, @name); what is listed are names, fixed clauses and parameter numbers.
export const reviewedSql = {
  "bench/central/run.ts": {
    "dbName": "a database name fixed by the bench (verity_bench_\u2026), never input",
  },
  "bench/supervisor/migration.ts": {
    "schema": "a schema name checked against ^[a-z_][a-z0-9_]{0,62}$ (server/db.ts) before any statement runs",
  },
  "electron/api/retention.test.ts": {
    "t.name": "tests: table, column and key names read from the database's own catalogue or fixed by the test",
  },
  "electron/store/sqlite/decisionLog.ts": {
    "sqlWhere(where)": "a WHERE clause joined from fixed fragments; every value in it is a $n/@name parameter",
    "column": "a facet column picked from a fixed map by a schema-checked facet name",
    "oldest ? 'decided_at ASC, id ASC' : 'decided_at DESC, id DESC'": "one of two fixed ORDER BY texts, picked by a schema-checked order",
  },
  "electron/store/sqlite/migrations.test.ts": {
    "key.toString('hex')": "tests: the store key as hex digits (SQLite ATTACH takes no parameter for KEY)",
    "name": "tests: table, column and key names read from the database's own catalogue or fixed by the test",
    "columns": "tests: table, column and key names read from the database's own catalogue or fixed by the test",
  },
  "electron/store/sqlite/queryPlan.test.ts": {
    "sql": "tests: EXPLAIN of a fixed statement the test itself passes, with its parameters",
  },
  "electron/store/sqlite/retention.ts": {
    "REMOVED": "the fixed placeholder text a purged name becomes, a module constant",
    "refusalResolved": "a fixed EXISTS clause of electron/store/sqlite/statements.ts (a refusal's attention_resolved entry), no value",
  },
  "electron/store/sqlite/supervision.ts": {
    "where.join(' AND ')": "a WHERE clause joined from fixed fragments; every value in it is a $n/@name parameter",
  },
  "server/app.ts": {
    "options.schema": "a schema name checked against ^[a-z_][a-z0-9_]{0,62}$ (server/db.ts) or made by the tests",
  },
  "server/audit.ts": {
    "where.join(' AND ')": "a WHERE clause joined from fixed fragments; every value in it is a $n/@name parameter",
    "params.length": "a parameter number ($n), computed from the parameter list",
  },
  "server/db.test.ts": {
    "sql": "tests: EXPLAIN of a fixed statement the test itself passes, with its parameters",
  },
  "server/db.ts": {
    "schema": "a schema name checked against ^[a-z_][a-z0-9_]{0,62}$ (server/db.ts) or made by the tests",
  },
  "server/decisionTallies.test.ts": {
    "where": "tests: a fixed WHERE clause of the property test",
    "facets": "a fixed column list or SQL expression, a constant of this module",
    "tallyKeys": "a fixed column list or SQL expression, a constant of this module",
  },
  "server/decisionTallies.ts": {
    "name": "tally DDL and queries built from the fixed facet/key column lists of this module; filter values are $n parameters",
    "statements(parts).join(';\\n        ')": "tally DDL and queries built from the fixed facet/key column lists of this module; filter values are $n parameters",
    "table": "tally DDL and queries built from the fixed facet/key column lists of this module; filter values are $n parameters",
    "keyColumns": "tally DDL and queries built from the fixed facet/key column lists of this module; filter values are $n parameters",
    "keys": "tally DDL and queries built from the fixed facet/key column lists of this module; filter values are $n parameters",
    "op": "tally DDL and queries built from the fixed facet/key column lists of this module; filter values are $n parameters",
    "op.toUpperCase()": "tally DDL and queries built from the fixed facet/key column lists of this module; filter values are $n parameters",
    "referencing": "tally DDL and queries built from the fixed facet/key column lists of this module; filter values are $n parameters",
    "f": "tally DDL and queries built from the fixed facet/key column lists of this module; filter values are $n parameters",
    "tallyColumn[f]": "tally DDL and queries built from the fixed facet/key column lists of this module; filter values are $n parameters",
    "source": "tally DDL and queries built from the fixed facet/key column lists of this module; filter values are $n parameters",
    "w.sql": "tally DDL and queries built from the fixed facet/key column lists of this module; filter values are $n parameters",
    "r.sql": "tally DDL and queries built from the fixed facet/key column lists of this module; filter values are $n parameters",
  },
  "server/decisions.test.ts": {
    "sql": "tests: EXPLAIN of a fixed statement the test itself passes, with its parameters",
  },
  "server/decisions.ts": {
    "w.sql()": "the decision log's filters: fixed clauses per schema-checked filter field, values as $n parameters",
    "w.params.length": "the decision log's filters: fixed clauses per schema-checked filter field, values as $n parameters",
    "passes('reviewer')": "the decision log's filters: fixed clauses per schema-checked filter field, values as $n parameters",
    "passes('outcome')": "the decision log's filters: fixed clauses per schema-checked filter field, values as $n parameters",
    "passes('kind')": "the decision log's filters: fixed clauses per schema-checked filter field, values as $n parameters",
    "passes('offline')": "the decision log's filters: fixed clauses per schema-checked filter field, values as $n parameters",
    "passes('overridden')": "the decision log's filters: fixed clauses per schema-checked filter field, values as $n parameters",
    "passes('reviewed')": "the decision log's filters: fixed clauses per schema-checked filter field, values as $n parameters",
    "passes('deadlineMissed')": "the decision log's filters: fixed clauses per schema-checked filter field, values as $n parameters",
    "where": "the decision log's filters: fixed clauses per schema-checked filter field, values as $n parameters",
    "others.sql()": "the decision log's filters: fixed clauses per schema-checked filter field, values as $n parameters",
  },
  "server/decisionsSeed.ts": {
    "appOf('$3')": "seed/bench SQL fragments fixed in this module (generate_series expressions), values as $n",
    "series": "seed/bench SQL fragments fixed in this module (generate_series expressions), values as $n",
    "app": "seed/bench SQL fragments fixed in this module (generate_series expressions), values as $n",
    "kind": "seed/bench SQL fragments fixed in this module (generate_series expressions), values as $n",
    "made": "seed/bench SQL fragments fixed in this module (generate_series expressions), values as $n",
    "identity": "seed/bench SQL fragments fixed in this module (generate_series expressions), values as $n",
    "quoteIdentifier(index.name)": "an index name read from pg_index (the bulk seed's own tables), quoted as an identifier",
  },
  "server/decisionsSeed.test.ts": {
    "table": "tests: table names fixed by the test",
  },
  "server/demo.test.ts": {
    "notHistory": "tests: a fixed WHERE fragment",
  },
  "server/demo.ts": {
    "sampleWeekSql('$2')": "a fixed SQL expression (sampleWeekSql) over a $n parameter",
  },
  "server/feed.ts": {
    "CHANGES_LOCK": "a numeric advisory-lock id, a module constant",
  },
  "server/instances.test.ts": {
    "schema": "a schema name checked against ^[a-z_][a-z0-9_]{0,62}$ (server/db.ts) or made by the tests",
  },
  "server/linked.ts": {
    "openList": "the fixed list of open statuses, quoted from a constant array",
  },
  "server/migrations.ts": {
    "key": "an index over one of three fixed column names listed in the migration, never input",
    "table": "a migration or trigger built from fixed names in this module (table, operation), never input",
    "defaultRetentionDays": "a numeric constant (30), the default retention period",
    "MIGRATION_LOCK": "a numeric advisory-lock id, a module constant",
  },
  "server/notifications/messages.ts": {
    "after": "a fixed keyset-paging clause whose values are $3/$4 parameters",
  },
  "server/oversight.test.ts": {
    "sql": "tests: EXPLAIN of a fixed statement the test itself passes, with its parameters",
  },
  "server/oversight.ts": {
    "where.join(' AND ')": "a WHERE clause joined from fixed fragments; every value in it is a $n/@name parameter",
    "params.length": "a WHERE clause joined from fixed fragments; every value in it is a $n/@name parameter",
  },
  "server/people.ts": {
    "PERSON_COLUMNS": "a fixed column list or SQL expression, a constant of this module",
  },
  "server/quality.test.ts": {
    "sql": "tests: EXPLAIN of a fixed statement the test itself passes, with its parameters",
  },
  "server/quality.ts": {
    "sampleWeekSql('$2')": "a fixed SQL expression (sampleWeekSql) over a $n parameter",
  },
  "server/reports.ts": {
    "days": "the report's tally query, built from fixed SQL of server/reportTallies.ts; values as $n parameters",
    "shift": "a whole number (0 or -1) computed from the schema-bounded UTC offset",
    "shift + 1": "a whole number (0 or -1) computed from the schema-bounded UTC offset",
    "split + 1": "a whole number (1 … 97) computed from the schema-bounded UTC offset",
    "tally(codeSources, 'report_code_tallies')": "the report's tally query, built from fixed SQL of server/reportTallies.ts; values as $n parameters",
    "tally(handlingDeltas, 'report_handling_tallies')": "the report's tally query, built from fixed SQL of server/reportTallies.ts; values as $n parameters",
  },
  "server/service.ts": {
    "where.join(' AND ')": "a WHERE clause joined from fixed fragments; every value in it is a $n/@name parameter",
    "ASSIGNMENT_LOCK": "a numeric advisory-lock id, a module constant",
    "sampleWeekSql('$4')": "a fixed SQL expression of server/quality.ts over $n parameters",
    "sampleRankSql('(SELECT c.id FROM central_identity c)', 'v.id')": "a fixed SQL expression of server/quality.ts over $n parameters",
    "order": "an ORDER BY of fixed column names: changeOrder, or the clock column picked from a fixed map (clockColumn) by a schema-checked enum",
    "params.length": "a parameter number ($n), computed from the parameter list",
  },
  "server/textSearch.ts": {
    "applicationSearchText('applications')": "a fixed column list or SQL expression, a constant of this module",
    "where.schema": "the schema the pg_trgm extension sits in, read from pg_extension",
  },
  "server/throttle.ts": {
    "THROTTLE_LOCK": "a numeric advisory-lock id, a module constant",
  },
  "tests/support/central.ts": {
    "schema": "a schema name checked against ^[a-z_][a-z0-9_]{0,62}$ (server/db.ts) or made by the tests",
    "name.replace(/\"/g, '\"\"')": "tests: table, column and key names read from the database's own catalogue or fixed by the test (quoted as an identifier)",
  },
  "electron/store/sqlite/purge.test.ts": {
    "table": "tests: table, column and key names read from the database's own catalogue or fixed by the test",
  },
  "electron/store/sqlite/withdrawalLog.ts": {
    "sqlWhere(where)": "a WHERE clause joined from fixed fragments; every value in it is a $n/@name parameter",
    "column": "a facet column picked by the code ('reviewer' or 'kind'), never input",
  },
  "server/decisionExport.ts": {
    "lineSql": "the export line's fixed SELECT list, a module constant",
    "w.sql()": "a WHERE clause joined from fixed fragments; every value in it is a $n/@name parameter",
    "decisionOrderSql(filter.clock, filter.order)": "a fixed ORDER BY: the clock column and ASC/DESC picked by schema-checked enums",
    "exportFetchRows": "a numeric constant, the cursor's fetch size",
  },
  "tests/support/queryCost.ts": {
    "s.sql": "tests: EXPLAIN of a statement the server itself ran, with its own parameters",
  },
  "server/withdrawals.ts": {
    "w.sql()": "a WHERE clause joined from fixed fragments; every value in it is a $n/@name parameter",
    "w.params.length": "a parameter number ($n), computed from the parameter list",
    "byReviewer.sql()": "a WHERE clause joined from fixed fragments; every value in it is a $n/@name parameter",
    "byKind.sql()": "a WHERE clause joined from fixed fragments; every value in it is a $n/@name parameter",
  },
  "server/decisionExportLog.ts": {
    "w.sql()": "a WHERE clause joined from fixed fragments; every value in it is a $n/@name parameter",
    "w.params.length": "a parameter number ($n), computed from the parameter list",
  },
  "server/reportTallies.ts": {
    "keyColumns": "tally DDL built from the fixed key and counter column lists of this module",
    "counters.map((c) => `${c} integer NOT NULL`).join(', ')": "tally DDL built from the fixed key and counter column lists of this module",
    "keyList": "tally DDL built from the fixed key and counter column lists of this module",
  },
};
