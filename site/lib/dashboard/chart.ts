/**
 * A daily chart as plain SVG data: bars for human clicks, a line for commission.
 * Server-rendered, no JavaScript; the page pairs it with a data table.
 */
export interface DayPoint {
  date: string;
  clicks: number;
  /** Commission in minor units (earned + pending that day). */
  commission: number;
}

export interface ChartGeometry {
  width: number;
  height: number;
  bars: { x: number; y: number; width: number; height: number; label: string }[];
  line: string;
  clickMax: number;
  commissionMax: number;
  ticks: { x: number; label: string }[];
}

const PAD = { top: 12, right: 12, bottom: 6, left: 12 };

export function chartGeometry(days: readonly DayPoint[], width = 720, height = 200): ChartGeometry {
  const innerW = width - PAD.left - PAD.right;
  const innerH = height - PAD.top - PAD.bottom;
  const clickMax = Math.max(1, ...days.map((d) => d.clicks));
  const commissionMax = Math.max(1, ...days.map((d) => Math.abs(d.commission)));
  const step = days.length > 0 ? innerW / days.length : innerW;
  const barWidth = Math.max(1, step * 0.7);
  const bars = days.map((d, i) => {
    const h = (d.clicks / clickMax) * innerH;
    return {
      x: round(PAD.left + i * step + (step - barWidth) / 2),
      y: round(PAD.top + innerH - h),
      width: round(barWidth),
      height: round(h),
      label: `${d.date}: ${d.clicks} clicks`,
    };
  });
  const line = days
    .map((d, i) => {
      const x = PAD.left + i * step + step / 2;
      const y = PAD.top + innerH - (Math.max(0, d.commission) / commissionMax) * innerH;
      return `${i === 0 ? 'M' : 'L'}${round(x)},${round(y)}`;
    })
    .join(' ');
  const every = Math.max(1, Math.ceil(days.length / 6));
  const ticks = days
    .map((d, i) => ({ x: round(PAD.left + i * step + step / 2), label: d.date.slice(5), i }))
    .filter((t) => t.i % every === 0)
    .map(({ x, label }) => ({ x, label }));
  return { width, height, bars, line, clickMax, commissionMax, ticks };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
