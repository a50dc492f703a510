/** Series colours: distinct, colour-blind-friendly (Okabe–Ito + Tableau), cycled for many runs. */
export const SERIES_COLORS = [
  '#4f46e5',
  '#e8590c',
  '#0ca678',
  '#d6336c',
  '#1c7ed6',
  '#f59f00',
  '#7048e8',
  '#2b8a3e',
  '#c2255c',
  '#495057',
] as const;

/** The colour of the i-th series. */
export function seriesColor(i: number): string {
  return SERIES_COLORS[i % SERIES_COLORS.length]!;
}
