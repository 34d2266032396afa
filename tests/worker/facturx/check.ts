/**
 * Checks a PDF or XML the Worker produced with the official Factur-X / EN 16931 / BR-FR validators
 * (tests/support/facturx-validator.ts, a loopback server started in globalSetup). The file is kept
 * under tests/.report/facturx/<name> for people to look at.
 */
import { inject } from "vitest";
import type { FacturxFinding, FacturxReport } from "../../support/facturx-validator";

export type { FacturxFinding, FacturxReport };

export async function checkFacturx(name: string, body: ArrayBuffer | string): Promise<FacturxReport> {
  const response = await fetch(`http://127.0.0.1:${inject("facturxValidatorPort")}/check?name=${encodeURIComponent(name)}`, { method: "POST", body });
  if (!response.ok) throw new Error(`validator answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as FacturxReport;
}

/** The findings that fail a platform's reception (fatal or error), as one readable line each. */
export const blocking = (report: FacturxReport): string[] =>
  report.findings.filter((finding) => finding.flag === "fatal" || finding.flag === "error").map((finding) => `${finding.layer} ${finding.id} [${finding.flag}] ${finding.text}`);

/** Validator runs take seconds (the stylesheets compile once, about 40 s the first time on a fresh machine). */
export const VALIDATOR_TIMEOUT_MS = 180_000;
