// duckdb-sql.mjs DIR FILE.sql: run the SQL statements of FILE with DuckDB
// through its Node API (@duckdb/node-api, installed under DIR/node_modules
// by scripts/deps.sh) and print the last statement's rows as TSV, header
// first, NULL for null.  Extensions are never downloaded: JSON and zstd
// are built in.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [dir, file] = process.argv.slice(2);
if (!dir || !file) {
	console.error('usage: duckdb-sql.mjs DIR FILE.sql');
	process.exit(2);
}
const require = createRequire(path.join(path.resolve(dir), 'index.js'));
const { DuckDBInstance } = require('@duckdb/node-api');
const db = await DuckDBInstance.create(':memory:', {
	autoinstall_known_extensions: 'false',
	autoload_known_extensions: 'false',
});
const con = await db.connect();
const reader = await con.runAndReadAll(readFileSync(file, 'utf8'));
console.log(reader.columnNames().join('\t'));
for (const row of reader.getRowsJson())
	console.log(row.map((v) => (v === null ? 'NULL' : String(v))).join('\t'));
