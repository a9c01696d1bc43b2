/**
 * `npm run cli -- annotate --in FILE --bim PREFIX.bim [--genes FILE] [--window BP] [--id-col ID] --out FILE`
 * Adds NEAREST_GENE, GENE_DIST (0 inside a gene) and GENES_IN_WINDOW to a tab-separated table with an ID
 * column (ID by default, TERM for selected.tsv). Genes: the built-in GRCh38 table, or a GTF/GFF3/BED (.gz ok).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { arg, type CliCommand } from '../args';
import { nodeFileSource } from '../../platform/node/nodeFileSource';
import { readGeneFile } from '../../lib/annotate/readGeneFile';
import { readBimPositions } from '../../lib/annotate/readBimPositions';
import { readBuiltinGenesNode } from '../../platform/node/nodeBuiltinGenes';
import { GeneIndex } from '../../lib/annotate/GeneIndex';
import { annotateTable, cellAt, headerNames, termCandidates } from '../../lib/annotate/annotateTable';
import { DEFAULT_GENE_WINDOW } from '../../lib/annotate/annotatePosition';
import { InputError } from '../../lib/base/errors';

export const command: CliCommand = {
  name: 'annotate',
  summary: 'add nearest genes (NEAREST_GENE, GENE_DIST, GENES_IN_WINDOW) to a table of variants or terms',
  details: [
    'The ID column holds variant IDs (ID, default) or selected.tsv terms (TERM: rs1, rs1:E, rs1:rs2; each SNP',
    'part is annotated, parts joined by ";"). Positions come from the .bim. GENE_DIST is in bp, 0 inside a gene;',
    'NA where no gene lies within the window. Genes: built-in GRCh38 table (NCBI Entrez Gene / UCSC hg38), or',
    '--genes with a GENCODE/Ensembl GTF or GFF3 (gene features, gene_name) or a BED of genes, plain or .gz.',
    '',
    'Example: npm run cli -- annotate --in out/selected.tsv --bim data/cohort.bim --out out/selected.genes.tsv',
  ].join('\n'),
  options: [
    { name: 'in', type: 'string', required: true, meta: 'FILE', help: 'tab-separated table with an ID (or TERM) column' },
    { name: 'bim', type: 'string', required: true, meta: 'PREFIX.bim', help: 'PLINK .bim giving variant positions' },
    { name: 'genes', type: 'string', meta: 'FILE', help: 'gene file (GTF, GFF3, BED; .gz ok) instead of the built-in GRCh38 table' },
    { name: 'window', type: 'int', meta: 'BP', default: DEFAULT_GENE_WINDOW, help: 'bp either side for the nearest gene and GENES_IN_WINDOW' },
    { name: 'id-col', type: 'string', meta: 'NAME', help: 'ID column (default ID, else TERM)' },
    { name: 'strand', type: 'flag', help: 'also add GENE_STRAND' },
    { name: 'out', type: 'string', required: true, meta: 'FILE', help: 'output table' },
  ],
  async run(a) {
    const inPath = arg.str(a, 'in') as string;
    const bimPath = arg.str(a, 'bim') as string;
    const outPath = arg.str(a, 'out') as string;
    const window = arg.num(a, 'window') ?? DEFAULT_GENE_WINDOW;
    if (window < 0) throw new InputError({ file: '--window', expected: 'a window >= 0 bp', found: String(window) }, 'bad window');
    const genesPath = arg.str(a, 'genes');
    const bimFile = bimPath.endsWith('.bim') ? bimPath : `${bimPath}.bim`;

    const text = await readFile(inPath, 'utf8');
    const firstLine = text.slice(0, Math.max(0, text.indexOf('\n'))) || text;
    const names = headerNames(firstLine.replace(/\r$/, ''));
    const idCol = (arg.str(a, 'id-col') ?? (names.includes('ID') ? 'ID' : 'TERM')).replace(/^#/, '');
    const idIdx = names.indexOf(idCol);
    const wanted = new Set<string>();
    if (idIdx >= 0) {
      let from = text.indexOf('\n') + 1;
      while (from > 0 && from < text.length) {
        const nl = text.indexOf('\n', from);
        const cell = cellAt(text.slice(from, nl < 0 ? text.length : nl), idIdx).replace(/\r$/, '');
        if (cell) for (const c of termCandidates(cell)) wanted.add(c);
        from = nl < 0 ? text.length : nl + 1;
      }
    }
    const [bim, genes] = await Promise.all([
      readBimPositions(nodeFileSource(bimFile), wanted),
      genesPath ? readGeneFile(nodeFileSource(genesPath)) : readBuiltinGenesNode(),
    ]);
    const index = new GeneIndex(genes.genes, genes.source);
    const res = annotateTable(text, bim.positions, index, { file: inPath, idColumn: idCol, window, strand: arg.flag(a, 'strand') });
    await writeFile(outPath, res.text);
    for (const w of genes.warnings) console.error(`warning: ${w}`);
    if (bim.duplicates.length) console.error(`warning: ${bim.duplicates.length} ID(s) appear more than once in ${bimFile}; first used (e.g. ${bim.duplicates[0]})`);
    console.error(
      `annotate: ${res.rows} rows (${res.idColumn}); ${res.located} located in ${bimFile}, ${res.withGene} with a gene within ${window} bp; ` +
        `genes: ${genes.source} (${genes.genes.length} loci${genes.skippedFeatures ? `, ${genes.skippedFeatures} non-gene features skipped` : ''})` +
        (res.rows - res.located > 0 ? `; ${res.rows - res.located} row(s) without a located SNP (E terms or IDs not in the .bim${res.unknownExamples.length ? `, e.g. ${res.unknownExamples.slice(0, 3).join(', ')}` : ''})` : ''),
    );
    console.error(`wrote ${outPath}`);
  },
};
