// `npm run demo` entry point. The full demo (API + dashboard + agent + the paper-in-miniature
// sweep) is assembled by the demo issue; until then it says so instead of pretending.
process.stderr.write('stratum demo: not yet available — it lands with the demo issue (see README).\n');
process.exit(1);
