'use strict';
// The image's CMD: starts the app APP names in this very process, so that node is PID 1 and receives
// SIGTERM itself (in-flight messages settle before exit), with neither a shell nor npm involved.
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');

const EX_USAGE = 64;
const appsDir = join(__dirname, 'dist', 'apps');
const apps = readdirSync(appsDir).filter((name) => existsSync(join(appsDir, name, 'main.js')));
const app = process.env.APP ?? '';

if (!apps.includes(app)) {
  process.stderr.write(`APP='${app}' is not an app of this image; it has: ${apps.join(', ')}\n`);
  process.exit(EX_USAGE);
}
require(join(appsDir, app, 'main.js'));
