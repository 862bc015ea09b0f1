/**
 * The program comparison as plain SVG data: one row per measure, a bar per
 * program, each measure scaled to its own largest value (the measures have
 * different units, so each row compares the programs, not the measures).
 * Server-rendered, no JavaScript; the page pairs it with a table.
 */
export interface Measure {
  label: string;
  /** One value per program, in the order of `series`; null when undefined (no revenue, no clicks). */
  values: (number | null)[];
  /** How a value is written on its bar. */
  format: (value: number) => string;
}

export interface ProgramChartGeometry {
  width: number;
  height: number;
  rows: {
    label: string;
    y: number;
    bars: { series: number; x: number; y: number; width: number; height: number; text: string }[];
  }[];
  legend: { series: number; x: number; y: number; label: string }[];
}

/**
 * Narrow by design, so the one SVG stays readable from a phone to a laptop (the page caps its
 * width): each measure's label sits on its own line above its bars, values right of them.
 *   row height = LABEL_H + n x (BAR_H + GAP) + ROW_PAD;  bar width = value / row max x bar area
 */
const LABEL_H = 18;
const BAR_H = 16;
const GAP = 4;
const ROW_PAD = 10;
const LEGEND_H = 26;
const VALUE_W = 96;
const LEFT = 4;

export function programChartGeometry(
  series: readonly string[],
  measures: readonly Measure[],
  width = 400,
): ProgramChartGeometry {
  const barArea = width - LEFT - VALUE_W;
  const rowH = LABEL_H + series.length * (BAR_H + GAP) + ROW_PAD;
  const rows = measures.map((m, i) => {
    const y = LEGEND_H + i * rowH;
    const max = Math.max(0, ...m.values.map((v) => v ?? 0));
    return {
      label: m.label,
      y: round(y + LABEL_H - 5),
      bars: m.values.map((v, s) => ({
        series: s,
        x: LEFT,
        y: round(y + LABEL_H + s * (BAR_H + GAP)),
        width: round(v === null || max <= 0 ? 0 : Math.max(1, (Math.max(0, v) / max) * barArea)),
        height: BAR_H,
        text: v === null ? '—' : m.format(v),
      })),
    };
  });
  const legend = series.map((label, s) => ({ series: s, x: LEFT + s * 150, y: 16, label }));
  return { width, height: LEGEND_H + measures.length * rowH, rows, legend };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
