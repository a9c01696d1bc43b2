// Functions a reader can hold: no function, method or arrow function in the core (src/lib) is longer than
// 150 lines (docs/ARCHITECTURE.md). Long closures are split into named concepts instead.
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const MAX_LINES = 150;
const root = join(__dirname, '..', '..');

function walk(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (f.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Functions of a source text longer than `max` lines: "file:line name (N lines)". */
export function longFunctions(file: string, text: string, max: number): string[] {
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: string[] = [];
  const visit = (n: ts.Node) => {
    if (ts.isFunctionLike(n) && 'body' in n && n.body) {
      const first = sf.getLineAndCharacterOfPosition(n.getStart()).line;
      const last = sf.getLineAndCharacterOfPosition(n.end).line;
      const lines = last - first + 1;
      const name = n.name?.getText(sf) ?? (ts.isVariableDeclaration(n.parent) ? n.parent.name.getText(sf) : '(anonymous)');
      if (lines > max) found.push(`${file}:${first + 1} ${name} (${lines} lines)`);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

describe('function length', () => {
  it(`no function in src/lib is over ${MAX_LINES} lines`, () => {
    const long = walk(join(root, 'src', 'lib')).flatMap((f) => longFunctions(relative(root, f), readFileSync(f, 'utf8'), MAX_LINES));
    expect(long).toEqual([]);
  });

  it('the check sees a long function (arrow, method and declaration)', () => {
    const body = Array.from({ length: 160 }, (_, i) => `  x += ${i};`).join('\n');
    const text = `export function f() {\n  let x = 0;\n${body}\n}\nconst g = () => {\n${body}\n};\nclass C { m() {\n${body}\n} }\n`;
    expect(longFunctions('t.ts', text, MAX_LINES)).toEqual(['t.ts:1 f (163 lines)', 't.ts:164 g (162 lines)', 't.ts:326 m (162 lines)']);
  });
});
