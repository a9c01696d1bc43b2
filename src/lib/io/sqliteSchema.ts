/**
 * What a reader of the file needs from a CREATE TABLE / CREATE INDEX statement as SQLite stores it in
 * sqlite_schema: the column names in declared order, the PRIMARY KEY columns (with ASC/DESC and COLLATE),
 * WITHOUT ROWID, and the INTEGER PRIMARY KEY column that aliases the rowid (stored as NULL in the record).
 * Not a SQL parser: column types, defaults, CHECK and REFERENCES clauses are skipped over token by token.
 * Generated columns are refused (a virtual one is not stored in the record, so the columns would shift).
 */

export interface KeyColumn {
  /** Column name as declared (matched case-insensitively, as SQLite does). */
  name: string;
  desc: boolean;
  /** Collating sequence named in the key or on the column, upper-case; undefined = BINARY. */
  collate?: string;
}

export interface TableSchema {
  name: string;
  /** Column names in declared order. */
  columns: string[];
  /** Declared type of each column, as written (upper-case, '' when none). */
  types: string[];
  /** COLLATE of each column definition (upper-case), undefined when none. */
  collations: (string | undefined)[];
  /** PRIMARY KEY columns in key order; [] when the table has none. */
  primaryKey: KeyColumn[];
  /** UNIQUE constraints (each makes an automatic index besides the primary key's). */
  uniqueCount: number;
  withoutRowid: boolean;
  /** Declared index of the INTEGER PRIMARY KEY column that is the rowid, -1 when none. */
  rowidAlias: number;
}

export interface IndexSchema {
  name: string;
  table: string;
  columns: KeyColumn[];
}

const PUNCT = new Set(['(', ')', ',', ';', '.']);
const COLUMN_CONSTRAINT = new Set(['CONSTRAINT', 'PRIMARY', 'NOT', 'NULL', 'UNIQUE', 'CHECK', 'DEFAULT', 'COLLATE', 'REFERENCES', 'GENERATED', 'AS']);
const TABLE_CONSTRAINT = new Set(['CONSTRAINT', 'PRIMARY', 'UNIQUE', 'CHECK', 'FOREIGN']);

interface Token {
  text: string;
  /** Quoted identifier or string literal (never a keyword). */
  quoted: boolean;
}

/** Splits SQL into identifiers, keywords, literals and punctuation; comments dropped. */
export function sqlTokens(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  const n = sql.length;
  while (i < n) {
    const c = sql[i];
    if (/\s/.test(c)) i++;
    else if (c === '-' && sql[i + 1] === '-') i = sql.indexOf('\n', i) < 0 ? n : sql.indexOf('\n', i);
    else if (c === '/' && sql[i + 1] === '*') i = sql.indexOf('*/', i + 2) < 0 ? n : sql.indexOf('*/', i + 2) + 2;
    else if (c === '"' || c === '`' || c === "'" || c === '[') {
      const close = c === '[' ? ']' : c;
      let j = i + 1;
      let text = '';
      for (; j < n; j++) {
        if (sql[j] !== close) text += sql[j];
        else if (close !== ']' && sql[j + 1] === close) text += sql[++j];
        else break;
      }
      out.push({ text, quoted: true });
      i = j + 1;
    } else if (PUNCT.has(c)) {
      out.push({ text: c, quoted: false });
      i++;
    } else {
      let j = i;
      while (j < n && !/\s/.test(sql[j]) && !PUNCT.has(sql[j]) && !`"'\`[`.includes(sql[j])) j++;
      out.push({ text: sql.slice(i, Math.max(j, i + 1)), quoted: false });
      i = Math.max(j, i + 1);
    }
  }
  return out;
}

const kw = (t: Token | undefined, word: string) => t !== undefined && !t.quoted && t.text.toUpperCase() === word;

/** The tokens between the first '(' and its matching ')', split at top-level commas; and the tokens after. */
function definitionList(tokens: Token[], sql: string): { items: Token[][]; after: Token[]; before: Token[] } {
  const open = tokens.findIndex((t) => t.text === '(' && !t.quoted);
  if (open < 0) throw new Error(`no column list in ${JSON.stringify(sql.slice(0, 200))}`);
  const items: Token[][] = [[]];
  let depth = 0;
  for (let i = open + 1; i < tokens.length; i++) {
    const t = tokens[i];
    if (!t.quoted && t.text === '(') depth++;
    if (!t.quoted && t.text === ')') {
      if (depth === 0) return { items, after: tokens.slice(i + 1), before: tokens.slice(0, open) };
      depth--;
    }
    if (depth === 0 && !t.quoted && t.text === ',') items.push([]);
    else items[items.length - 1].push(t);
  }
  throw new Error(`unbalanced parentheses in ${JSON.stringify(sql.slice(0, 200))}`);
}

/** Indexed columns "name [COLLATE x] [ASC|DESC]" of a PRIMARY KEY (...) / UNIQUE (...) / CREATE INDEX list. */
function keyColumns(list: Token[][]): KeyColumn[] {
  return list.map((ts) => {
    const col: KeyColumn = { name: ts[0]?.text ?? '', desc: false };
    for (let i = 1; i < ts.length; i++) {
      if (kw(ts[i], 'DESC')) col.desc = true;
      if (kw(ts[i], 'COLLATE') && ts[i + 1]) col.collate = ts[i + 1].text.toUpperCase();
    }
    return col;
  });
}

/** The parenthesized list following tokens[at] ('(' expected there), split at top-level commas. */
function parenList(tokens: Token[], at: number, sql: string): Token[][] {
  return definitionList(tokens.slice(at), sql).items;
}

function tableConstraint(ts: Token[], t: TableSchema, sql: string): void {
  let i = 0;
  if (kw(ts[0], 'CONSTRAINT')) i = 2;
  if (kw(ts[i], 'PRIMARY')) t.primaryKey = keyColumns(parenList(ts, i, sql));
  else if (kw(ts[i], 'UNIQUE')) t.uniqueCount++;
}

function columnDefinition(ts: Token[], t: TableSchema): void {
  const k = t.columns.length;
  t.columns.push(ts[0].text);
  let i = 1;
  const type: string[] = [];
  while (i < ts.length && (ts[i].quoted || !COLUMN_CONSTRAINT.has(ts[i].text.toUpperCase()))) type.push(ts[i++].text);
  t.types.push(type.join(' ').toUpperCase());
  t.collations.push(undefined);
  for (; i < ts.length; i++) {
    if (ts[i].quoted) continue;
    const w = ts[i].text.toUpperCase();
    if (w === 'GENERATED' || w === 'AS') throw new Error(`generated column ${JSON.stringify(ts[0].text)} is not supported`);
    if (w === 'COLLATE' && ts[i + 1]) t.collations[k] = ts[i + 1].text.toUpperCase();
    if (w === 'UNIQUE') t.uniqueCount++;
    if (w === 'PRIMARY' && kw(ts[i + 1], 'KEY')) t.primaryKey = [{ name: ts[0].text, desc: kw(ts[i + 2], 'DESC') }];
  }
}

/** Parses a CREATE TABLE statement. Throws a plain Error saying what it could not read. */
export function parseCreateTable(sql: string): TableSchema {
  const tokens = sqlTokens(sql);
  const { items, after, before } = definitionList(tokens, sql);
  const name = before[before.length - 1]?.text ?? '';
  const t: TableSchema = { name, columns: [], types: [], collations: [], primaryKey: [], uniqueCount: 0, withoutRowid: false, rowidAlias: -1 };
  for (const ts of items) {
    if (ts.length === 0) throw new Error(`empty column definition in ${JSON.stringify(sql.slice(0, 200))}`);
    if (!ts[0].quoted && TABLE_CONSTRAINT.has(ts[0].text.toUpperCase())) tableConstraint(ts, t, sql);
    else columnDefinition(ts, t);
  }
  for (let i = 0; i + 1 < after.length; i++) if (kw(after[i], 'WITHOUT') && kw(after[i + 1], 'ROWID')) t.withoutRowid = true;
  for (const pk of t.primaryKey) {
    const k = columnIndex(t.columns, pk.name);
    if (k < 0) throw new Error(`PRIMARY KEY column ${JSON.stringify(pk.name)} is not a column of ${name}`);
    pk.name = t.columns[k];
    pk.collate ??= t.collations[k];
  }
  if (!t.withoutRowid && t.primaryKey.length === 1 && !t.primaryKey[0].desc) {
    const k = columnIndex(t.columns, t.primaryKey[0].name);
    if (t.types[k] === 'INTEGER') t.rowidAlias = k;
  }
  return t;
}

/** Parses a CREATE [UNIQUE] INDEX statement (index name, table, indexed columns). */
export function parseCreateIndex(sql: string): IndexSchema {
  const tokens = sqlTokens(sql);
  const on = tokens.findIndex((t) => kw(t, 'ON'));
  if (on < 1) throw new Error(`no ON clause in ${JSON.stringify(sql.slice(0, 200))}`);
  return { name: tokens[on - 1].text, table: tokens[on + 1]?.text ?? '', columns: keyColumns(parenList(tokens, on, sql)) };
}

/** Position of a column by name, case-insensitive (-1 when absent). */
export function columnIndex(columns: readonly string[], name: string): number {
  const u = name.toUpperCase();
  return columns.findIndex((c) => c.toUpperCase() === u);
}
