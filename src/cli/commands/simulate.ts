/** `npm run cli -- simulate --n 2000 --snps 5000 --phenos 100 --seed 1 --out DIR`: writes a simulated cohort. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { arg, type CliCommand } from '../args';
import { simulateCohort } from '../../lib/sim/simulateCohort';
import { cohortFiles } from '../../lib/sim/cohortFiles';

export const command: CliCommand = {
  name: 'simulate',
  summary: 'Write a seeded simulated cohort (genotypes, phenotypes, covariates, outcomes, planted truth)',
  details: [
    'Writes DIR/geno.bed/.bim/.fam, DIR/pheno.csv, DIR/covar.csv (age, sex, smoking, alcohol, exercise),',
    'DIR/outcomes.csv (disease, later_score, time, event), DIR/factors.csv (latent factors F1..FK) and',
    'DIR/truth.json (planted SNP, SNPxE, SNPxSNP and environment terms with effect sizes; phenotype loadings),',
    'and with --ancestry-groups or --sib-pairs DIR/ancestry.csv (IID, group, family, ancestry proportions).',
    'Structured example: --n 3000 --snps 8000 --ancestry-groups 3 --fst 0.04 --admixed 0.2 --sib-pairs 0.4 --polygenic 0.2 --alt-major 0.5',
    'Example: npm run cli -- simulate --n 4000 --snps 10000 --phenos 200 --seed 7 --out demo',
  ].join('\n'),
  options: [
    { name: 'n', type: 'int', help: 'participants', default: 2000 },
    { name: 'snps', type: 'int', help: 'SNPs', default: 5000 },
    { name: 'phenos', type: 'int', help: 'phenotype columns', default: 100 },
    { name: 'seed', type: 'int', help: 'random seed', default: 1 },
    { name: 'factors', type: 'int', help: 'latent health factors', default: 5 },
    { name: 'missing-call', type: 'number', help: 'fraction of genotype calls missing', default: 0.01 },
    { name: 'missing-cell', type: 'number', help: 'fraction of phenotype cells missing', default: 0.02 },
    { name: 'maf-min', type: 'number', help: 'lowest ALT allele frequency', default: 0.05 },
    { name: 'maf-max', type: 'number', help: 'highest ALT allele frequency', default: 0.5 },
    { name: 'ld-block', type: 'int', help: 'SNPs per LD block (0 = no LD)', default: 0 },
    { name: 'planted-snp', type: 'int', help: 'planted SNP main effects', default: 5 },
    { name: 'planted-gxe', type: 'int', help: 'planted SNPxE effects', default: 2 },
    { name: 'planted-gxg', type: 'int', help: 'planted SNPxSNP effects (one parent marginal)', default: 2 },
    { name: 'ancestry-groups', type: 'int', help: 'ancestral groups (Balding-Nichols allele frequencies)', default: 1 },
    { name: 'fst', type: 'number', help: 'F_ST between the groups (default 0.04 with 2+ groups)' },
    { name: 'admixed', type: 'number', help: 'fraction of people admixed (Dirichlet(1..1) ancestry proportions)', default: 0 },
    { name: 'sib-pairs', type: 'number', help: 'fraction of people in full-sibling pairs', default: 0 },
    { name: 'group-shift', type: 'number', help: 'SD of group mean shifts of the health factors (default 0.5 with 2+ groups)' },
    { name: 'polygenic', type: 'number', help: 'share of each factor from an infinitesimal genetic background', default: 0 },
    { name: 'alt-major', type: 'number', help: 'fraction of variants whose ALT (counted) allele is the major one (reference-genome coding: ~0.5)', default: 0 },
    { name: 'out', type: 'string', help: 'output folder (created)', required: true, meta: 'DIR' },
  ],
  async run(a) {
    const t0 = performance.now();
    const c = simulateCohort({
      n: arg.num(a, 'n'),
      snps: arg.num(a, 'snps'),
      phenos: arg.num(a, 'phenos'),
      seed: arg.num(a, 'seed'),
      factors: arg.num(a, 'factors'),
      missingCallRate: arg.num(a, 'missing-call'),
      missingCellRate: arg.num(a, 'missing-cell'),
      mafMin: arg.num(a, 'maf-min'),
      mafMax: arg.num(a, 'maf-max'),
      ldBlock: arg.num(a, 'ld-block'),
      plantedSnp: arg.num(a, 'planted-snp'),
      plantedGxe: arg.num(a, 'planted-gxe'),
      plantedGxg: arg.num(a, 'planted-gxg'),
      ancestryGroups: arg.num(a, 'ancestry-groups'),
      fst: arg.num(a, 'fst'),
      admixedFraction: arg.num(a, 'admixed'),
      siblingFraction: arg.num(a, 'sib-pairs'),
      groupFactorShift: arg.num(a, 'group-shift'),
      polygenicShare: arg.num(a, 'polygenic'),
      altMajorFraction: arg.num(a, 'alt-major'),
    });
    const dir = arg.str(a, 'out')!;
    mkdirSync(dir, { recursive: true });
    for (const f of cohortFiles(c)) writeFileSync(join(dir, f.name), f.data);
    const s = ((performance.now() - t0) / 1000).toFixed(2);
    console.log(`simulated n=${c.samples.iid.length} snps=${c.variants.id.length} phenos=${c.pheno.columns.length} in ${s} s -> ${dir}`);
    console.log(`planted: ${c.truth.terms.map((t) => `${t.term} (${t.type}, ${t.factor}, t=${t.tOnFactor.toFixed(1)})`).join(', ')}`);
  },
};
