/**
 * Runs data-phase benchmarks on their own: `npx tsx scripts/bench/run.ts dynamodb postgres parity`
 * (all three when none is named). Exits 1 when a target was missed or a benchmark could not run.
 */
import { dataBenches as benches } from './data-benches.js';

async function main(names: string[]): Promise<number> {
  const unknown = names.filter((name) => !(name in benches));
  if (unknown.length > 0) {
    console.error(`Unknown benchmark ${unknown.join(', ')}: choose from ${Object.keys(benches).join(', ')}`);
    return 2;
  }
  let ok = true;
  for (const name of names.length > 0 ? names : Object.keys(benches)) ok = (await benches[name]!()) && ok;
  return ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error('Benchmark could not run:', error);
    process.exit(1);
  },
);
