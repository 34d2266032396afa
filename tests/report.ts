/**
 * Prints the totals of the last `vitest run` as one plain line, `N passed, N failed`, read from the
 * JSON report (tests/.report/vitest.json). Exits non-zero when a test failed or none ran.
 */
import { readFileSync } from "node:fs";

interface VitestJsonReport {
  numPassedTests: number;
  numFailedTests: number;
  numTotalTests: number;
}

const report = JSON.parse(readFileSync(new URL("./.report/vitest.json", import.meta.url), "utf8")) as VitestJsonReport;
console.log(`${report.numPassedTests} passed, ${report.numFailedTests} failed`);
process.exit(report.numFailedTests === 0 && report.numTotalTests > 0 ? 0 : 1);
