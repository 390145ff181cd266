#!/usr/bin/env bash
# Runs numgrad's benchmark from an unpacked gpu-kit (scripts/gpu-kit.sh): no Node, no
# network needed. Arguments go to bench/run.js (--quick, --only=scaling,nn,...).
# Results: results/<host>-<UTC time>/ beside this script (latest.md, latest.json, *.svg).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
# the packed Vulkan loader only where the machine has none
if ! ldconfig -p 2>/dev/null | grep -q 'libvulkan\.so\.1 '; then
  export LD_LIBRARY_PATH="$here/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  echo "run.sh: no system libvulkan.so.1, using the packed loader"
fi
# NVIDIA containers often keep the ICD outside the loader's default search path
nv_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ] && [ -f "$nv_icd" ] && ! ls /usr/share/vulkan/icd.d/nvidia* /etc/vulkan/icd.d/nvidia* >/dev/null 2>&1; then
  export VK_DRIVER_FILES="$nv_icd"
  echo "run.sh: using the NVIDIA Vulkan driver at $nv_icd"
fi
cd "$here/app"
"$here/bin/node" -e "import('./bench/peers/navigator.js').then(async () => { const a = await navigator.gpu.requestAdapter({ powerPreference: 'high-performance' }); const i = a && a.info; console.log('run.sh: adapter', i ? [i.vendor, i.architecture, i.description || i.device].join(' / ') : 'none'); process.exit(a ? 0 : 3); })" \
  || { echo "run.sh: no WebGPU adapter (Dawn found no Vulkan driver); see VK_DRIVER_FILES" >&2; exit 3; }
status=0
"$here/bin/node" bench/run.js "$@" || status=$?
dest="$here/results/$(hostname)-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dest"
cp -r bench/results/. "$dest/" 2>/dev/null || true
echo "run.sh: results in $dest (exit $status)"
exit $status
