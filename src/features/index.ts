// The feature list: each feature folder contributes its context methods here. Adding an
// operation touches its own folder and this list (see docs/design.md, "Adding an operation").
import { checkMethods, type CheckMethods } from './check/methods';
import { descentMethods, type DescentMethods } from './descent/methods';
import { diffMethods, type DiffMethods } from './diff/methods';
import { jacobianMethods, type JacobianMethods } from './jacobian/methods';
import { nnMethods, type NnMethods } from './nn/methods';
import { reduceMethods, type ReduceMethods } from './reduce/api';

/** Every method a context gets from the features. */
export interface FeatureMethods extends ReduceMethods, DiffMethods, DescentMethods, NnMethods, CheckMethods, JacobianMethods {}

export const featureMethods: readonly object[] = [reduceMethods, diffMethods, descentMethods, nnMethods, checkMethods, jacobianMethods];
