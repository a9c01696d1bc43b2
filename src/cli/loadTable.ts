/** Node wrapper of readTable: reads a table file from disk (read-only) through nodeFileSource. */
import { nodeFileSource } from '../lib/io/nodeFileSource';
import { readTable, type ReadTableOptions } from '../lib/io/readTable';
import type { Table } from '../lib/io/Table';
import { InputError } from '../lib/compute/errors';
import { existsSync, statSync } from 'node:fs';

export async function loadTable(path: string, opts: ReadTableOptions = {}): Promise<Table> {
  if (!existsSync(path)) throw new InputError({ file: path, expected: 'an existing file', found: 'nothing' }, 'no such file');
  if (statSync(path).isDirectory()) throw new InputError({ file: path, expected: 'a file', found: 'a directory' }, 'not a file');
  return readTable(nodeFileSource(path), opts);
}
