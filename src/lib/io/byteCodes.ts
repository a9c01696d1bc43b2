/** ASCII codes the table scanners compare bytes against. */
export const NL = 10;
export const CR = 13;
export const TAB = 9;
export const SPACE = 32;
export const QUOTE = 34;
