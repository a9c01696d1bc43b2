/**
 * Hardy-Weinberg exact test (Wigginton, Cutler & Abecasis 2005, Am J Hum Genet 76:887): the probability,
 * under HWE given the allele counts, of a heterozygote count at least as unlikely as the one observed.
 * Probabilities are built outward from the mode by the recurrence of the paper; each side stops once its terms
 * fall below 1e-17 of both the mode and the observed term (they can no longer change the double result), so
 * a test costs O(sqrt(n)) rather than O(n). Terms within a relative 1e-7 of the observed probability count as
 * ties (included), as plink does. `midp` gives the mid-p variant (half the observed term's probability).
 */
const TIE = 1 + 1e-7;
const NEGLIGIBLE = 1e-17;

export function hweExactP(het: number, hom1: number, hom2: number, midp = false): number {
  const homr = Math.min(hom1, hom2);
  const homc = Math.max(hom1, hom2);
  const n = het + homr + homc;
  if (n === 0) return 1;
  const rare = 2 * homr + het;
  // mode of the heterozygote count given `rare` copies of the rare allele among 2n
  let mid = Math.floor((rare * (2 * n - rare)) / (2 * n));
  if ((mid & 1) !== (rare & 1)) mid++;

  // Pass 1: walk from the mode to the observed count to get its relative probability.
  let obsRel = 1;
  {
    let p = 1;
    if (het < mid) {
      let h = mid, r = (rare - mid) / 2, c = n - mid - r;
      while (h > het) {
        p = (p * h * (h - 1)) / (4 * (r + 1) * (c + 1));
        h -= 2;
        r++;
        c++;
      }
    } else if (het > mid) {
      let h = mid, r = (rare - mid) / 2, c = n - mid - r;
      while (h < het) {
        p = (p * 4 * r * c) / ((h + 2) * (h + 1));
        h += 2;
        r--;
        c--;
      }
    }
    obsRel = p;
  }
  const stop = NEGLIGIBLE * Math.min(1, obsRel);
  const thr = obsRel * TIE;
  let total = 1;
  let tail = obsRel <= thr && 1 <= thr ? 1 : 0; // the mode itself, when it ties with the observed
  // Down from the mode.
  {
    let p = 1, h = mid, r = (rare - mid) / 2, c = n - mid - r;
    while (h > 1) {
      p = (p * h * (h - 1)) / (4 * (r + 1) * (c + 1));
      h -= 2;
      r++;
      c++;
      total += p;
      if (p <= thr) tail += p;
      if (h < het && p < stop) break;
    }
  }
  // Up from the mode.
  {
    let p = 1, h = mid, r = (rare - mid) / 2, c = n - mid - r;
    while (h <= rare - 2 && r > 0 && c > 0) {
      p = (p * 4 * r * c) / ((h + 2) * (h + 1));
      h += 2;
      r--;
      c--;
      total += p;
      if (p <= thr) tail += p;
      if (h > het && p < stop) break;
    }
  }
  if (midp) tail -= obsRel / 2;
  return Math.min(1, Math.max(0, tail / total));
}
