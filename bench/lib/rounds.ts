/**
 * The loop of the benches that compare the shopfront with references (redirect, orders): the same
 * work sent to every target alternating, so a busy machine slows them all alike (a warm-up of
 * each, then --rounds rounds of each in turn, the first one rotating so none always goes first).
 */
import { progress } from '../../scripts/lib/progress.ts';
import { log, round, row, type Figure } from './report.ts';

/** `run(key, round)` for round 0 (the warm-up) to `rounds`; per key, the results of rounds 1 on. */
export async function alternate<K extends string, R>(
  label: string,
  keys: readonly K[],
  rounds: number,
  run: (key: K, round: number) => Promise<R>,
  describe?: (result: R) => string,
): Promise<Record<K, R[]>> {
  const results = Object.fromEntries(keys.map((key) => [key, [] as R[]])) as Record<K, R[]>;
  const bar = progress(label, keys.length * (rounds + 1), 'runs');
  for (let r = 0; r <= rounds; r++)
    for (let i = 0; i < keys.length; i++) {
      const key = keys[(r + i) % keys.length] as K;
      const what = `${r === 0 ? 'warm-up' : `round ${r}`} ${key}`;
      bar.tick(0, what);
      const result = await run(key, r);
      if (r > 0) results[key].push(result);
      bar.tick();
      if (describe) log(`  ${what.padEnd(20)} ${describe(result)}`);
    }
  log(`${label}: ${keys.length * (rounds + 1)} runs in ${bar.stop()} s`);
  return results;
}

/** "shopfront / a reference" as a figure, with its target (>= target) when it has one. */
export function ratioFigure(name: string, ratio: number, target?: number, note?: string): Figure {
  const value = round(ratio, 3);
  if (target === undefined) return row(name, value, 'x', note);
  return row(name, value, 'x', note, `>= ${target}`, value >= target);
}
