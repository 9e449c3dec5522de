#!/usr/bin/env node
// `npm run build`: every application project of nest-cli.json into dist/apps/<app>/main.js, one after
// the other (a webpack build takes a core). `--list` only prints their names, for checks of each output.
'use strict';
const { spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const applications = Object.entries(require(join(root, 'nest-cli.json')).projects)
  .filter(([, project]) => project.type === 'application')
  .map(([name]) => name);

if (applications.length === 0) {
  console.error('nest-cli.json lists no application project');
  process.exit(1);
}
if (process.argv.includes('--list')) {
  console.log(applications.join('\n'));
  process.exit(0);
}

const nest = require.resolve('@nestjs/cli/bin/nest.js');
for (const app of applications) {
  console.log(`building ${app}`);
  const { status, error } = spawnSync(process.execPath, [nest, 'build', app], { cwd: root, stdio: 'inherit' });
  if (error || status !== 0) {
    console.error(`building ${app} failed${error ? `: ${error.message}` : ''}`);
    process.exit(status || 1);
  }
}
