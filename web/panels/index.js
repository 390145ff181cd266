// The page's panels, in order. Each is { key, title, blurb, build({ gpu, cpu }, out, pub) }:
// build draws the panel into `out`, wires its controls, publishes its state on `pub`
// (window.numgradDemo.panels[key]) and resolves to a status line once the first draw is done.
import { curvature } from './curvature.js';
import { descent } from './descent.js';
import { playground } from './playground.js';
import { quiver } from './quiver.js';
import { regression } from './regression.js';
import { simpleNet } from './simplenet.js';
import { steps } from './steps.js';
import { tangent } from './tangent.js';
import { training } from './training.js';

export const panels = [tangent, steps, quiver, descent, simpleNet, training, regression, curvature, playground];
