// What the web page imports (as `numgrad-chapter`, which web/vite.config.js resolves to this
// file and vite builds with the page): the same section computations and figures as the CLI demo.
// Only browser-safe modules here: write-figures.ts (node:fs) stays out.
export { BOOK, F1, F2 } from './book';
export { backendInfo, both, type BackendInfo, type Contexts, type Side } from './sides';
export {
  derivativeSection, descentSection, directionalSection, gradientSection, partialSection, quiverGrid, quiverSection,
  simpleNetSection, tangentSection,
} from './sections';
export { REGRESSION, regressionSection } from './regression';
export { curvature, type CurvatureResult, type HessianCase } from './curvature';
export { bgdSgdSvg, descentSvg, learningRatesSvg, quiverSvg, tangentSvg, type FigureOptions } from './figures';
