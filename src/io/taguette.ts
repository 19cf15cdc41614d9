import { createRequire } from 'node:module';
import type { ImportPlan } from '../core/refi/plan.js';
import { planTaguette, type TaguetteData } from '../core/refi/taguette.js';

/**
 * Reading a Taguette project database (the .sqlite3 that Taguette's "Export project" writes).
 * SQLite is read with sql.js (SQLite compiled to WebAssembly, shipped inside its npm package: no
 * native build, no download), in memory, never written: the file is untrusted input like a .qdpx,
 * so its size is limited before it is opened and a damaged file is refused as such.
 */
export class TaguetteError extends Error {}

/** Largest database opened: it is read into memory whole (WebAssembly). */
const MAX_DATABASE = 512 * 1024 * 1024;

const MAGIC = 'SQLite format 3\u0000';

export function isSqlite(bytes: Uint8Array): boolean {
  if (bytes.length < 16) return false;
  for (let i = 0; i < 16; i++) if (bytes[i] !== MAGIC.charCodeAt(i)) return false;
  return true;
}

interface SqlDatabase {
  exec(sql: string, params?: unknown[]): Array<{ columns: string[]; values: unknown[][] }>;
  close(): void;
}
type SqlJs = { Database: new (data?: Uint8Array) => SqlDatabase };

let sqlJs: Promise<SqlJs> | undefined;
/** sql.js, loaded on first use (its WebAssembly file sits beside its JavaScript in node_modules). */
export function loadSqlJs(): Promise<SqlJs> {
  const require = createRequire(import.meta.url);
  const init = require('sql.js') as (config?: { locateFile?: (f: string) => string }) => Promise<SqlJs>;
  const dir = require.resolve('sql.js').replace(/[^/\\]+$/, '');
  return (sqlJs ??= init({ locateFile: (f) => dir + f }));
}

const REQUIRED: Record<string, string[]> = {
  projects: ['id', 'name'],
  documents: ['id', 'name', 'filename', 'project_id', 'contents'],
  tags: ['id', 'project_id', 'path'],
  highlights: ['id', 'document_id', 'start_offset', 'end_offset', 'snippet'],
  highlight_tags: ['highlight_id', 'tag_id'],
};

function rows(db: SqlDatabase, sql: string, params: unknown[] = []): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const r of db.exec(sql, params)) for (const v of r.values) out.push(Object.fromEntries(r.columns.map((c, i) => [c, v[i]])));
  return out;
}

/** The project in a Taguette database, read. */
export async function readTaguetteDatabase(bytes: Uint8Array, name: string): Promise<TaguetteData> {
  if (bytes.length > MAX_DATABASE) throw new TaguetteError(`${name} is larger than ${MAX_DATABASE / 1024 / 1024} MB: refused (a Taguette project export is far smaller)`);
  const SQL = await loadSqlJs();
  let db: SqlDatabase;
  try {
    db = new SQL.Database(bytes);
  } catch (e) {
    throw new TaguetteError(`not a readable SQLite database (${(e as Error).message})`);
  }
  try {
    let tables: Map<string, string[]>;
    try {
      tables = new Map(rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => [String(r['name']), rows(db, `PRAGMA table_info("${String(r['name']).replace(/"/g, '""')}")`).map((c) => String(c['name']))]));
    } catch (e) {
      throw new TaguetteError(`not a readable SQLite database (${(e as Error).message}; the file may be truncated or damaged)`);
    }
    for (const [t, cols] of Object.entries(REQUIRED)) {
      const have = tables.get(t);
      if (!have) throw new TaguetteError(`not a Taguette project database (no table ${t}); in Taguette, use Project → Export project to get one`);
      const missing = cols.filter((c) => !have.includes(c));
      if (missing.length) throw new TaguetteError(`table ${t} has no column ${missing.join(', ')}: not a Taguette database this version reads`);
    }
    try {
      const projects = rows(db, 'SELECT id, name FROM projects ORDER BY id');
      if (projects.length !== 1) throw new TaguetteError(`holds ${projects.length} projects (${projects.map((p) => `${String(p['id'])}: ${String(p['name'])}`).join(', ') || 'none'}): import a single project's export (in Taguette: Project → Export project)`);
      const pid = projects[0]!['id'];
      const has = (t: string, c: string) => tables.get(t)?.includes(c) ?? false;
      const documents = rows(db, `SELECT id, name, filename, ${has('documents', 'description') ? 'description' : "'' AS description"}, contents FROM documents WHERE project_id = ? ORDER BY id`, [pid]).map((d) => ({
        id: Number(d['id']),
        name: String(d['name'] ?? ''),
        filename: String(d['filename'] ?? ''),
        description: String(d['description'] ?? ''),
        contents: String(d['contents'] ?? ''),
      }));
      const tags = rows(db, `SELECT id, path, ${has('tags', 'description') ? 'description' : "'' AS description"} FROM tags WHERE project_id = ? ORDER BY id`, [pid]).map((t) => ({ id: Number(t['id']), path: String(t['path'] ?? ''), description: String(t['description'] ?? '') }));
      const tagsOf = new Map<number, number[]>();
      for (const r of rows(db, 'SELECT highlight_id, tag_id FROM highlight_tags ORDER BY highlight_id, tag_id')) {
        const h = Number(r['highlight_id']);
        tagsOf.set(h, [...(tagsOf.get(h) ?? []), Number(r['tag_id'])]);
      }
      const highlights = rows(db, 'SELECT h.id AS id, h.document_id AS document, h.start_offset AS s, h.end_offset AS e, h.snippet AS snippet FROM highlights h JOIN documents d ON d.id = h.document_id WHERE d.project_id = ? ORDER BY h.document_id, h.start_offset, h.id', [pid]).map((h) => ({
        id: Number(h['id']),
        document: Number(h['document']),
        start: Number(h['s']),
        end: Number(h['e']),
        snippet: String(h['snippet'] ?? ''),
        tags: tagsOf.get(Number(h['id'])) ?? [],
      }));
      const coderOf = new Map<number, string>();
      if (tables.has('commands') && has('commands', 'payload') && has('commands', 'user_login')) {
        for (const c of rows(db, 'SELECT user_login, payload FROM commands WHERE project_id = ? ORDER BY id', [pid])) {
          try {
            const p = JSON.parse(String(c['payload'])) as { type?: string; highlight_id?: number };
            if (p.type === 'highlight_add' && typeof p.highlight_id === 'number' && c['user_login']) coderOf.set(p.highlight_id, String(c['user_login']));
          } catch (e) {
            // A command the log cannot tell: the highlight's coder stays unknown.
            if (!(e instanceof SyntaxError)) throw e;
          }
        }
      }
      return { name: String(projects[0]!['name'] ?? ''), documents, tags, highlights, coderOf };
    } catch (e) {
      if (e instanceof TaguetteError) throw e;
      throw new TaguetteError(`cannot read the database (${(e as Error).message}; the file may be truncated or damaged)`);
    }
  } finally {
    db.close();
  }
}

export async function planTaguetteDatabase(bytes: Uint8Array, name: string, namePattern: string | undefined): Promise<ImportPlan> {
  const data = await readTaguetteDatabase(bytes, name);
  return planTaguette(data, namePattern ? { namePattern } : {});
}
