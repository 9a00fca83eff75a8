// `npm run bench:day -- [--employees 100000] [--seconds 600] [--export-mode auto|sync|async|none]`:
// the sustained day (issue #15 target 4), the morning-rush bench in its day mode: every employee
// submits once over a compressed hour while the dashboard is read and the day exported every 30 s
// (as HR's button asks by default); see bench/rush.ts.
process.argv.push('--mode', 'day');
if (!process.argv.includes('--employees')) process.argv.push('--employees', '100000');
if (!process.argv.includes('--seconds')) process.argv.push('--seconds', '600');
await import('./rush.ts');
