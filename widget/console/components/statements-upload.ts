/**
 * Sends a bank statement file as the raw body of `POST /v1/bank_statements` (the console's JSON
 * client cannot), with the content type its extension implies; the server reads the format from
 * the content, the type only has to be one a statement may have.
 */
import { ApiError, type Problem } from "../api";

/** The file types the import reads (camt.053/054 XML, OFX/QFX). */
export const STATEMENT_ACCEPT = ".xml,.ofx,.qfx,application/xml,text/xml,application/x-ofx";

/** @example contentTypeOf("releve.xml") // "application/xml" */
export function contentTypeOf(name: string): string {
  const extension = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (extension === "xml") return "application/xml";
  if (extension === "ofx" || extension === "qfx") return "application/x-ofx";
  return "application/octet-stream";
}

/**
 * Imports a statement; answers the statement (counts and first lines) or throws an ApiError.
 * @example const statement = await uploadStatement(input.files[0]);
 */
export async function uploadStatement<T>(file: File, linesLimit = 0): Promise<T> {
  const response = await fetch(`/v1/bank_statements?lines_limit=${linesLimit}`, {
    method: "POST",
    credentials: "same-origin",
    // Quittance-Console: the CSRF header every cookie-authenticated write carries.
    headers: { accept: "application/json", "content-type": contentTypeOf(file.name), "quittance-console": "1" },
    body: file,
  });
  if (!response.ok) {
    let problem: Problem;
    try { problem = (await response.json()) as Problem; } catch { problem = { type: "about:blank", title: response.statusText, status: response.status }; }
    problem.status ??= response.status;
    if (response.status === 401) window.dispatchEvent(new CustomEvent("qc-unauthorized"));
    throw new ApiError(problem);
  }
  return (await response.json()) as T;
}
