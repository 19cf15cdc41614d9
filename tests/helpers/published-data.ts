/**
 * Published reliability data, transcribed once for every test that reads them (the expected
 * coefficients stay in each test, beside their source).
 */

/**
 * Krippendorff (2011), "Computing Krippendorff's alpha-reliability": observers A-D (columns) by
 * units 1-12 (rows), '' = missing. Published alphas: nominal .743, ordinal .815, interval .849,
 * ratio .797.
 */
export const KRIPPENDORFF_2011: readonly (readonly string[])[] = [
  ['1', '1', '', '1'],
  ['2', '2', '3', '2'],
  ['3', '3', '3', '3'],
  ['3', '3', '3', '3'],
  ['2', '2', '2', '2'],
  ['1', '2', '3', '4'],
  ['4', '4', '4', '4'],
  ['1', '1', '2', '1'],
  ['2', '2', '2', '2'],
  ['', '5', '5', '5'],
  ['', '', '1', '1'],
  ['', '', '3', ''],
];

/** The same data as a CSV file with a header row A,B,C,D (as a researcher would keep it). */
export const KRIPPENDORFF_2011_CSV = ['A,B,C,D', ...KRIPPENDORFF_2011.map((r) => r.join(','))].join('\n') + '\n';

/**
 * Fleiss (1971), "Measuring nominal scale agreement among many raters", table 1: 30 patients x 6
 * psychiatrists, the counts of psychiatrists per diagnosis (depression, personality disorder,
 * schizophrenia, neurosis, other). irrCAC's distrib.6raters is its first 15 patients.
 */
export const FLEISS_1971: readonly (readonly number[])[] = [
  [0, 0, 0, 6, 0],
  [0, 3, 0, 0, 3],
  [0, 1, 4, 0, 1],
  [0, 0, 0, 0, 6],
  [0, 3, 0, 3, 0],
  [2, 0, 4, 0, 0],
  [0, 0, 4, 0, 2],
  [2, 0, 3, 1, 0],
  [2, 0, 0, 4, 0],
  [0, 0, 0, 0, 6],
  [1, 0, 0, 5, 0],
  [1, 1, 0, 4, 0],
  [0, 3, 3, 0, 0],
  [1, 0, 0, 5, 0],
  [0, 2, 0, 3, 1],
  [0, 0, 5, 0, 1],
  [3, 0, 0, 1, 2],
  [5, 1, 0, 0, 0],
  [0, 2, 0, 4, 0],
  [1, 0, 2, 0, 3],
  [0, 0, 0, 0, 6],
  [0, 1, 0, 5, 0],
  [0, 2, 0, 1, 3],
  [2, 0, 0, 4, 0],
  [1, 0, 0, 4, 1],
  [0, 5, 0, 1, 0],
  [4, 0, 0, 0, 2],
  [0, 2, 0, 4, 0],
  [1, 0, 5, 0, 0],
  [0, 0, 0, 0, 6],
];

/** irrCAC's distrib.6raters: the first 15 of Fleiss' 1971 patients. */
export const DISTRIB_6RATERS = FLEISS_1971.slice(0, 15);
