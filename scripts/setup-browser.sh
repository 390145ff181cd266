#!/usr/bin/env bash
# Gives this machine a Chromium for the browser tests (test/browser.test.ts) and the demo
# page: Debian's `chromium` package, driven by playwright-core with executablePath. Never
# `npx playwright install` (it downloads a browser from the internet). Idempotent: does
# nothing when a chromium is already there (NUMGRAD_CHROMIUM, /usr/bin/chromium, PATH).
set -euo pipefail

find_chromium() {
  if [ -n "${NUMGRAD_CHROMIUM:-}" ] && [ -x "$NUMGRAD_CHROMIUM" ]; then echo "$NUMGRAD_CHROMIUM"; return; fi
  if [ -x /usr/bin/chromium ]; then echo /usr/bin/chromium; return; fi
  command -v chromium 2>/dev/null || true
}

bin=$(find_chromium)
if [ -z "$bin" ]; then
  if [ -n "${NUMGRAD_SKIP_SETUP:-}" ]; then echo "setup-browser: skipped (NUMGRAD_SKIP_SETUP)"; exit 0; fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "setup-browser: no apt-get here; install Chromium yourself and set NUMGRAD_CHROMIUM to its path" >&2
    exit 0
  fi
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium
  bin=$(find_chromium)
  [ -n "$bin" ] || { echo "setup-browser: chromium installed but not found" >&2; exit 1; }
fi
echo "setup-browser: $bin: $("$bin" --version 2>/dev/null || echo 'version unknown')"
