/**
 * The population-structure and relatedness plots, as pure SVG-string functions in the style of qqSvg.ts:
 * principal-component scatter (pcScatterSvg.ts), scree plot (screeSvg.ts) and the pairwise-kinship histogram
 * with its binning (kinshipHistogramSvg.ts).
 */
export { pcScatterSvg, colorClasses, GROUP_COLORS, MISSING_COLOR, OTHER_COLOR, type PcScatterOptions } from './pcScatterSvg';
export { screeSvg, screeShares, type ScreeOptions } from './screeSvg';
export { binKinship, degreeCountsFromBins, kinshipHistogramSvg, KINSHIP_DEGREE_LINES, type KinshipBins, type KinshipHistogramOptions } from './kinshipHistogramSvg';
