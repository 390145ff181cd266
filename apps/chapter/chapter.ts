// The whole chapter on two contexts side by side: `cpu` (the float64 reference) and `gpu`
// (an 'auto' context: WebGPU in float32 when an adapter is found). The sections themselves
// live in sections.ts and regression.ts; report.ts prints the results, figures.ts draws them.
import type { Context } from 'numgrad';
import { curvature, type CurvatureResult } from './curvature';
import { regressionSection, type RegressionResult } from './regression';
import {
  derivativeSection, descentSection, directionalSection, gradientSection, partialSection, quiverSection, simpleNetSection, tangentSection,
  type DerivativeResult, type DescentSectionResult, type DirectionalResult, type GradientResult, type PartialResult,
  type QuiverResult, type SimpleNetResult, type TangentResult,
} from './sections';
import { backendInfo, type BackendInfo, type Contexts } from './sides';

export { REGRESSION, type RegressionSetup } from './regression';
export { quiverGrid } from './sections';
export { backendInfo, type BackendInfo, type Contexts, type Side } from './sides';

export interface ChapterResults {
  auto: BackendInfo;
  derivative: DerivativeResult;
  tangent: TangentResult;
  partial: PartialResult;
  gradient: GradientResult;
  quiver: QuiverResult;
  descent: DescentSectionResult;
  simpleNet: SimpleNetResult;
  regression: RegressionResult;
  directional: DirectionalResult;
  /** the Hessians of x0² + x1² and of Rosenbrock at (1, 1) */
  curvature: CurvatureResult;
  /** wall time of each section, ms */
  timings: Record<string, number>;
}

type Sections = Omit<ChapterResults, 'auto' | 'timings'>;

/** Every section in report order, by its key in ChapterResults. */
export const SECTIONS: { [K in keyof Sections]: (c: Contexts) => Promise<Sections[K]> } = {
  derivative: derivativeSection,
  tangent: tangentSection,
  partial: partialSection,
  gradient: gradientSection,
  quiver: quiverSection,
  descent: descentSection,
  simpleNet: simpleNetSection,
  regression: regressionSection,
  directional: directionalSection,
  curvature,
};

/** Runs every section on both contexts, one after another (so each timing is its own). */
export async function runChapter(cpu: Context, gpu: Context): Promise<ChapterResults> {
  const c: Contexts = { cpu, gpu };
  const timings: Record<string, number> = {};
  const out: Partial<Sections> = {};
  for (const [key, run] of Object.entries(SECTIONS) as [keyof Sections, (c: Contexts) => Promise<unknown>][]) {
    const t0 = performance.now();
    try {
      (out as Record<string, unknown>)[key] = await run(c);
    } finally {
      timings[key] = performance.now() - t0;
    }
  }
  return { auto: backendInfo(gpu), ...(out as Sections), timings };
}
