// `npm audit` of the production dependencies: exit 0 when checked and no high or critical advisory,
// 1 when there is one (listed), 2 when the registry could not be asked (the reason is printed).
'use strict';
const { execFile } = require('node:child_process');

execFile('npm', ['audit', '--omit=dev', '--json'], { maxBuffer: 32 * 1024 * 1024, timeout: 120_000 }, (_error, stdout, stderr) => {
  let report;
  try {
    report = JSON.parse(stdout);
  } catch {
    console.log(`npm audit: not checked, no report (${String(stderr).trim().split('\n').pop()})`);
    process.exit(2);
  }
  const counts = report.metadata && report.metadata.vulnerabilities;
  if (!counts) {
    console.log(`npm audit: not checked, the registry refused the audit request (${report.message || 'no advisory data'})`);
    process.exit(2);
  }
  const serious = Object.entries(report.vulnerabilities || {}).filter(([, v]) => v.severity === 'high' || v.severity === 'critical');
  for (const [name, v] of serious) console.log(`npm audit: ${v.severity} in ${name} (${v.range || 'all versions'})`);
  console.log(`npm audit: ${counts.critical} critical, ${counts.high} high, ${counts.moderate} moderate, ${counts.low} low in production dependencies`);
  process.exit(serious.length > 0 ? 1 : 0);
});
