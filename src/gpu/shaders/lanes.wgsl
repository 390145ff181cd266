// Lane indexing of 1-D kernels (included by the plugin): past 65,535 workgroups the runtime
// lays the grid out in 2-D (src/gpu/grid.ts), so the flat lane is gid.x + gid.y·(nwg.x·WG).
// WG has no default: every pipeline gets it from src/gpu/constants.ts.
override WG: u32;

fn ng_lane(gid: vec3<u32>, nwg: vec3<u32>) -> u32 {
  return gid.x + gid.y * nwg.x * WG;
}
