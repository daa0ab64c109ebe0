#!/usr/bin/env node
// The installed command runs the compiled daemon; `npm run build` (done by scripts/setup.sh) makes it.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/daemon/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('oqsgw: the daemon is not built yet. Run: bash scripts/setup.sh (or npm run build)');
  process.exit(1);
}
await import(entry.href);
