// The per-component status of a derivative, as users read it: a name per element, and one
// warning line when a call without { detail: true } returns something flagged.
import { unravel } from '../../core/input';
import { MINUS_NONFINITE, PLUS_NONFINITE, STATUS } from './ladder';

export type DerivativeStatus = 'ok' | 'one-sided' | 'not-converged' | 'rounding-limited' | 'non-finite' | 'saturated' | 'vanished';

const NAMES: Record<number, DerivativeStatus> = {
  [STATUS.ok]: 'ok', [STATUS.oneSided]: 'one-sided', [STATUS.notConverged]: 'not-converged',
  [STATUS.roundingLimited]: 'rounding-limited', [STATUS.nonFinite]: 'non-finite', [STATUS.saturated]: 'saturated',
  [STATUS.vanished]: 'vanished',
};

export const statusName = (code: number): DerivativeStatus => NAMES[code & 0xff] ?? 'not-converged';

/** The sides where f was non-finite somewhere on the ladder, in words ('' when none). */
export function nonFiniteSides(code: number): string {
  const p = (code & PLUS_NONFINITE) !== 0, m = (code & MINUS_NONFINITE) !== 0;
  return p && m ? 'x + h and x − h' : p ? 'x + h' : m ? 'x − h' : '';
}

/** What a flagged status means, for messages. */
export function explain(code: number, backend: 'cpu' | 'webgpu'): string {
  const sides = nonFiniteSides(code);
  const where = sides ? ` (f is non-finite at some ${sides})` : '';
  switch (statusName(code)) {
    case 'one-sided': return `one-sided differences were used${where}`;
    case 'not-converged': return 'the step ladder did not settle: the estimated error is large';
    case 'rounding-limited': return `${backend === 'webgpu' ? 'float32' : 'float64'} rounding limits this derivative to about its estimated error` +
      (backend === 'webgpu' ? '; the CPU path is float64' : '');
    case 'non-finite': return sides ? `f is non-finite at every usable step${where}` : 'f is non-finite at x';
    case 'saturated': return `f did not change at any step although x ± h did (saturated${backend === 'webgpu' ? ' in float32; the CPU path is float64' : ''}), or f is constant`;
    case 'vanished': return 'x ± h rounded to x at every step';
    default: return '';
  }
}

/** Statuses worth a warning: a value the user should not take at face value. */
export const flagged = (code: number) => !['ok', 'one-sided'].includes(statusName(code));

/** One line naming how many components are flagged and the first one, or null. */
export function flagWarning(status: Uint32Array, value: Float64Array, error: Float64Array | undefined, shape: readonly number[], backend: 'cpu' | 'webgpu'): string | null {
  let count = 0, first = -1;
  for (let i = 0; i < status.length; i++) {
    if (flagged(status[i])) {
      count++;
      if (first < 0) first = i;
    }
  }
  if (count === 0) return null;
  const at = unravel(first, shape);
  const est = error ? `, estimated error ${error[first].toPrecision(2)}` : '';
  return `numgrad: ${count} of ${status.length} derivative component(s) flagged; first at [${at.join(', ')}]: ` +
    `${statusName(status[first])} (value ${value[first]}${est}): ${explain(status[first], backend)}. Pass { detail: true } for every error and status.`;
}
