/**
 * Names a `ctx.wgsl` data array may not have. A data array is declared at module scope next to
 * the harness, so it must not collide with a harness declaration (a redefinition, reported
 * in the harness, not the body), shadow a builtin the harness or the body calls (max, abs,
 * atomicLoad, ...), or be a WGSL keyword or reserved word. The harness names are read from
 * the shaders themselves, so a name added to a harness is refused without a list to update.
 */
import harnessSrc from '../features/diff/shaders/ngrad_harness.wgsl';
import descentSrc from '../features/descent/shaders/descent_step.wgsl';
import { HARNESS_PREFIXES, moduleScope } from './wgsl-body';

/** The shaders a body is appended to (includes expanded), by file name. */
export const BODY_HOSTS: Readonly<Record<string, string>> = { 'ngrad_harness.wgsl': harnessSrc, 'descent_step.wgsl': descentSrc };

const words = (s: string) => s.trim().split(/\s+/);

export const WGSL_KEYWORDS = words(`alias break case const const_assert continue continuing default diagnostic discard
  else enable false fn for if let loop override requires return struct switch true var while`);

// WGSL § Reserved Words (as Tint has them).
export const WGSL_RESERVED_WORDS = words(`NULL Self abstract active alignas alignof as asm asm_fragment async attribute
  auto await become binding_array cast catch class co_await co_return co_yield coherent column_major common compile
  compile_fragment concept const_cast consteval constexpr constinit crate debugger decltype delete demote
  demote_to_helper do dynamic_cast enum explicit export extends extern external fallthrough filter final finally
  friend from fxgroup get goto groupshared highp impl implements import inline instanceof interface layout lowp
  macro macro_rules match mediump meta mod module move mut mutable namespace new nil noexcept noinline
  nointerpolation non_coherent noncoherent noperspective null nullptr of operator package packoffset partition pass
  patch pixelfragment precise precision premerge priv protected pub public readonly ref regardless register
  reinterpret_cast require resource restrict self set shared sizeof smooth snorm static static_assert static_cast
  std subroutine super target template this thread_local throw trait try type typedef typeid typename typeof union
  unless unorm unsafe unsized use using varying virtual volatile wgsl where with writeonly yield`);

const shapes = ['2', '3', '4'];
// Predeclared types, type generators, aliases and enumerants (can be shadowed, so must not be).
export const WGSL_PREDECLARED = [
  ...words(`bool f16 f32 i32 u32 array atomic ptr sampler sampler_comparison texture_1d texture_2d texture_2d_array
    texture_3d texture_cube texture_cube_array texture_multisampled_2d texture_depth_2d texture_depth_2d_array
    texture_depth_cube texture_depth_cube_array texture_depth_multisampled_2d texture_external texture_storage_1d
    texture_storage_2d texture_storage_2d_array texture_storage_3d read write read_write function private workgroup
    uniform storage handle rgba8unorm rgba8snorm rgba8uint rgba8sint rgba16uint rgba16sint rgba16float r32uint r32sint
    r32float rg32uint rg32sint rg32float rgba32uint rgba32sint rgba32float bgra8unorm`),
  ...shapes.map((n) => `vec${n}`),
  ...shapes.flatMap((n) => ['i', 'u', 'f', 'h'].map((t) => `vec${n}${t}`)),
  ...shapes.flatMap((c) => shapes.flatMap((r) => [`mat${c}x${r}`, `mat${c}x${r}f`, `mat${c}x${r}h`])),
];

// WGSL § Built-in Functions.
export const WGSL_BUILTIN_FUNCTIONS = words(`bitcast all any select arrayLength abs acos acosh asin asinh atan atanh
  atan2 ceil clamp cos cosh countLeadingZeros countOneBits countTrailingZeros cross degrees determinant distance dot
  dot4I8Packed dot4U8Packed exp exp2 extractBits faceForward firstLeadingBit firstTrailingBit floor fma fract frexp
  insertBits inverseSqrt ldexp length log log2 max min mix modf normalize pow quantizeToF16 radians reflect refract
  reverseBits round saturate sign sin sinh smoothstep sqrt step tan tanh transpose trunc dpdx dpdxCoarse dpdxFine
  dpdy dpdyCoarse dpdyFine fwidth fwidthCoarse fwidthFine textureDimensions textureGather textureGatherCompare
  textureLoad textureNumLayers textureNumLevels textureNumSamples textureSample textureSampleBias textureSampleCompare
  textureSampleCompareLevel textureSampleGrad textureSampleLevel textureSampleBaseClampToEdge textureStore atomicLoad
  atomicStore atomicAdd atomicSub atomicMax atomicMin atomicAnd atomicOr atomicXor atomicExchange
  atomicCompareExchangeWeak pack4x8snorm pack4x8unorm pack4xI8 pack4xU8 pack4xI8Clamp pack4xU8Clamp pack2x16snorm
  pack2x16unorm pack2x16float unpack4x8snorm unpack4x8unorm unpack4xI8 unpack4xU8 unpack2x16snorm unpack2x16unorm
  unpack2x16float storageBarrier textureBarrier workgroupBarrier workgroupUniformLoad subgroupAdd subgroupExclusiveAdd
  subgroupInclusiveAdd subgroupAll subgroupAnd subgroupAny subgroupBallot subgroupBroadcast subgroupBroadcastFirst
  subgroupElect subgroupMax subgroupMin subgroupMul subgroupExclusiveMul subgroupInclusiveMul subgroupOr
  subgroupShuffle subgroupShuffleDown subgroupShuffleUp subgroupShuffleXor subgroupXor quadBroadcast
  quadSwapDiagonal quadSwapX quadSwapY`);

let harnessNames: Map<string, string> | null = null;
let offLimits: Set<string> | null = null;

/** Module-scope name → the host shader that declares it; plus the user function names. */
export function harnessModuleNames(): ReadonlyMap<string, string> {
  if (!harnessNames) {
    harnessNames = new Map();
    for (const [file, src] of Object.entries(BODY_HOSTS)) {
      for (const { name } of moduleScope(src)) if (!harnessNames.has(name)) harnessNames.set(name, file);
    }
    for (const name of ['user_f', 'user_df']) harnessNames.set(name, 'the function numgrad appends');
  }
  return harnessNames;
}

/** The entry points of the host shaders, and user_f: names a body must not reference. */
export function offLimitNames(): ReadonlySet<string> {
  offLimits ??= new Set(['user_f', ...Object.values(BODY_HOSTS).flatMap((src) => moduleScope(src).filter((m) => m.entry).map((m) => m.name))]);
  return offLimits;
}

const KINDS: [string, ReadonlySet<string>][] = [
  ['a WGSL keyword', new Set(WGSL_KEYWORDS)],
  ['a WGSL reserved word', new Set(WGSL_RESERVED_WORDS)],
  ['a WGSL builtin function', new Set(WGSL_BUILTIN_FUNCTIONS)],
  ['a predeclared WGSL type or enumerant', new Set(WGSL_PREDECLARED)],
];
const DATA_IDENT = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Why `name` cannot name a data array, or null when it can. */
export function dataNameProblem(name: string): string | null {
  if (!DATA_IDENT.test(name)) return 'use a plain identifier (a letter, then letters, digits or _)';
  const prefix = HARNESS_PREFIXES.find((pre) => name.startsWith(pre));
  if (prefix) return `names starting with ${HARNESS_PREFIXES.join(', ')} are numgrad's harness's own`;
  const host = harnessModuleNames().get(name);
  if (host) return `the harness declares it (${host})`;
  for (const [kind, set] of KINDS) if (set.has(name)) return `it is ${kind}`;
  return null;
}

/** Every name refused as a data array besides the prefixes (for documentation and tests). */
export function reservedDataNames(): Set<string> {
  return new Set([...harnessModuleNames().keys(), ...KINDS.flatMap(([, s]) => [...s])]);
}
