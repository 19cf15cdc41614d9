/**
 * Interpretation labels, each with its source. Landis & Koch (1977) for kappa-type coefficients;
 * Krippendorff (2004, Content Analysis, 2nd ed., p. 241) for alpha: rely on variables with
 * alpha >= .800, draw tentative conclusions from .667 <= alpha < .800.
 */
export function landisKoch(value: number): string {
  if (!Number.isFinite(value)) return 'undefined';
  if (value < 0) return 'poor';
  if (value <= 0.2) return 'slight';
  if (value <= 0.4) return 'fair';
  if (value <= 0.6) return 'moderate';
  if (value <= 0.8) return 'substantial';
  return 'almost perfect';
}

export function krippendorffLabel(value: number): string {
  if (!Number.isFinite(value)) return 'undefined';
  if (value >= 0.8) return 'reliable';
  if (value >= 0.667) return 'tentative';
  return 'unreliable';
}

export const INTERPRETATION_SOURCES = {
  landisKoch: 'Landis & Koch (1977), Biometrics 33:159-174',
  krippendorff: 'Krippendorff (2004), Content Analysis, 2nd ed., p. 241',
} as const;
