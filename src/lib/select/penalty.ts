/**
 * Penalties of the penalized regression and their coordinate-wise solutions for a standardized column
 * ((1/n) sum x^2 = 1). With z = x_j^T r / n + beta_j (the univariate least-squares solution on the partial
 * residual), the coordinate minimizer of (1/2n)||r_j - x_j b||^2 + P(b) is `threshold(z, lambda, spec)`.
 * On an orthonormal design (X^T X / n = I) these are the closed-form solutions of the whole problem.
 *
 * Parameterization: lasso P = lambda |b|; elastic net P = lambda (alpha |b| + (1 - alpha) b^2 / 2) as glmnet;
 * SCAD (Fan & Li 2001, a = 3.7) and MCP (Zhang 2010, gamma = 3) as ncvreg.
 */

export type PenaltyKind = 'lasso' | 'enet' | 'scad' | 'mcp';

export interface PenaltySpec {
  kind: PenaltyKind;
  /** Elastic-net mixing (1 = lasso); used by 'enet' only. Default 0.5. */
  alpha: number;
  /** SCAD a (default 3.7) or MCP gamma (default 3). */
  concavity: number;
  /**
   * Multiplies the elastic net's ridge part (default 1). glmnet's gaussian family scales y to unit variance
   * internally, which on the original scale divides the ridge part by sd(y): set 1 / sd(y) to reproduce it.
   */
  ridgeFactor?: number;
}

export const SCAD_A = 3.7;
export const MCP_GAMMA = 3;
export const ENET_ALPHA = 0.5;

export function penaltySpec(kind: PenaltyKind, opts: { alpha?: number; concavity?: number } = {}): PenaltySpec {
  switch (kind) {
    case 'lasso':
      return { kind, alpha: 1, concavity: Infinity };
    case 'enet':
      return { kind, alpha: opts.alpha ?? ENET_ALPHA, concavity: Infinity };
    case 'scad':
      return { kind, alpha: 1, concavity: opts.concavity ?? SCAD_A };
    case 'mcp':
      return { kind, alpha: 1, concavity: opts.concavity ?? MCP_GAMMA };
    default:
      throw new Error(`unknown penalty '${String(kind)}' (expected lasso|enet|scad|mcp)`);
  }
}

function soft(z: number, t: number): number {
  if (z > t) return z - t;
  if (z < -t) return z + t;
  return 0;
}

/** Coordinate-wise (and orthonormal-design) solution for the standardized univariate estimate z. */
export function threshold(z: number, lambda: number, p: PenaltySpec): number {
  switch (p.kind) {
    case 'lasso':
      return soft(z, lambda);
    case 'enet':
      return soft(z, lambda * p.alpha) / (1 + lambda * (1 - p.alpha) * (p.ridgeFactor ?? 1));
    case 'scad': {
      const a = p.concavity;
      const az = Math.abs(z);
      if (az <= 2 * lambda) return soft(z, lambda);
      if (az <= a * lambda) return soft(z, (a * lambda) / (a - 1)) / (1 - 1 / (a - 1));
      return z;
    }
    case 'mcp': {
      const g = p.concavity;
      if (Math.abs(z) <= g * lambda) return soft(z, lambda) / (1 - 1 / g);
      return z;
    }
    default:
      throw new Error(`unknown penalty '${String((p as PenaltySpec).kind)}'`);
  }
}

/**
 * Derivative of the penalty at |b| > 0, excluding the ridge part of the elastic net (returned separately
 * by ridgeWeight): the value x_j^T r / n must equal for a nonzero coefficient (KKT stationarity).
 */
export function penaltyDerivative(absB: number, lambda: number, p: PenaltySpec): number {
  switch (p.kind) {
    case 'lasso':
      return lambda;
    case 'enet':
      return lambda * p.alpha;
    case 'scad': {
      const a = p.concavity;
      if (absB <= lambda) return lambda;
      if (absB <= a * lambda) return (a * lambda - absB) / (a - 1);
      return 0;
    }
    case 'mcp': {
      const g = p.concavity;
      return absB <= g * lambda ? lambda - absB / g : 0;
    }
    default:
      throw new Error(`unknown penalty '${String((p as PenaltySpec).kind)}'`);
  }
}

/** Ridge weight in the stationarity condition: x_j^T r / n = P'(|b|) sign(b) + ridgeWeight * b. */
export function ridgeWeight(lambda: number, p: PenaltySpec): number {
  return p.kind === 'enet' ? lambda * (1 - p.alpha) * (p.ridgeFactor ?? 1) : 0;
}

/** The bound |x_j^T r / n| <= bound that a zero coefficient must satisfy (KKT). */
export function zeroBound(lambda: number, p: PenaltySpec): number {
  return p.kind === 'enet' ? lambda * p.alpha : lambda;
}
