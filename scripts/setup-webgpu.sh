#!/usr/bin/env bash
# Gives this machine a real WebGPU adapter for Dawn (the `webgpu` npm package) when it has
# no GPU: Mesa's lavapipe software Vulkan driver from bookworm-backports. Stock Debian 12
# Mesa (22.x) is too old for Dawn's Vulkan backend. Idempotent: it does nothing when a
# recent enough lavapipe is already installed, or on machines that are not Debian/apt.
set -euo pipefail

need_mesa=25
have=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
if [ -n "$have" ] && [ "${have%%.*}" -ge "$need_mesa" ] 2>/dev/null; then
  echo "setup-webgpu: mesa-vulkan-drivers $have already installed"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-webgpu: no apt-get here; install a Vulkan driver (Mesa >= $need_mesa lavapipe) yourself" >&2
  exit 0
fi
if [ -n "${NUMGRAD_SKIP_SETUP:-}" ]; then echo "setup-webgpu: skipped (NUMGRAD_SKIP_SETUP)"; exit 0; fi

sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
if [ "$codename" != "bookworm" ]; then
  # Newer Debian/Ubuntu ship a recent enough Mesa in their main suite.
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq mesa-vulkan-drivers libvulkan1
  exit 0
fi

# Same mirror URI as the machine's existing Debian source (deb822 or one-line format).
uri=$( { sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources 2>/dev/null;
         sed -n 's/^deb[[:space:]]\+\(\[[^]]*\][[:space:]]\+\)\?\([^[:space:]]\+\).*/\2/p' /etc/apt/sources.list 2>/dev/null; } \
       | tr ' ' '\n' | grep -E '^https?://' | grep -v security | head -n1 || true)
uri=${uri:-http://deb.debian.org/debian}
list=/etc/apt/sources.list.d/numgrad-bookworm-backports.list
if ! grep -rqsE '^[^#]*bookworm-backports' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  echo "deb $uri bookworm-backports main" | $sudo tee "$list" >/dev/null
fi
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1
echo "setup-webgpu: installed mesa-vulkan-drivers $(dpkg-query -W -f='${Version}' mesa-vulkan-drivers)"
