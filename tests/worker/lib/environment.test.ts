/** worker/lib/environment.ts on its own: which values are development, what a deployment lacks, and the base of every link. */
import { describe, expect, it } from "vitest";
import { deploymentProblems, isDevelopment, publicUrl } from "../../../worker/lib/environment";
import { ENVIRONMENTS, label, NOT_DEVELOPMENT } from "./environment-support";

const KEY = btoa("k".repeat(32));
const of = (vars: { ENVIRONMENT?: string; PUBLIC_URL?: string; QUITTANCE_ENCRYPTION_KEY?: string }) => vars as Env;

describe("isDevelopment", () => {
  it.each(ENVIRONMENTS.map((environment) => [label(environment), environment] as const))("should say %s is %s", (_, environment) => {
    expect(isDevelopment(of({ ENVIRONMENT: environment }))).toBe(environment === "development");
  });

  it.each(["Development", " development", "dev", "local", "test"])("should treat '%s' as production", (environment) => {
    expect(isDevelopment(of({ ENVIRONMENT: environment }))).toBe(false);
  });
});

describe("deploymentProblems", () => {
  it("should find nothing in development, whatever is missing", () => {
    expect(deploymentProblems(of({ ENVIRONMENT: "development" }))).toEqual([]);
  });

  it.each(NOT_DEVELOPMENT.map(label))("should find nothing when ENVIRONMENT is %s and the key and a public https origin are set", (name) => {
    const environment = NOT_DEVELOPMENT.find((value) => label(value) === name);
    expect(deploymentProblems(of({ ENVIRONMENT: environment, QUITTANCE_ENCRYPTION_KEY: KEY, PUBLIC_URL: "https://pay.example.com" }))).toEqual([]);
    expect(deploymentProblems(of({ ENVIRONMENT: environment, QUITTANCE_ENCRYPTION_KEY: KEY, PUBLIC_URL: "https://pay.example.com/" }))).toEqual([]);
  });

  it("should name a missing or malformed QUITTANCE_ENCRYPTION_KEY", () => {
    expect(deploymentProblems(of({ ENVIRONMENT: "production", PUBLIC_URL: "https://pay.example.com" }))).toEqual([expect.stringContaining("QUITTANCE_ENCRYPTION_KEY is not set")]);
    expect(deploymentProblems(of({ ENVIRONMENT: "production", QUITTANCE_ENCRYPTION_KEY: "", PUBLIC_URL: "https://pay.example.com" }))).toEqual([expect.stringContaining("QUITTANCE_ENCRYPTION_KEY is not set")]);
    expect(deploymentProblems(of({ ENVIRONMENT: "production", QUITTANCE_ENCRYPTION_KEY: btoa("short"), PUBLIC_URL: "https://pay.example.com" }))).toEqual([expect.stringContaining("not 32 bytes")]);
    expect(deploymentProblems(of({ ENVIRONMENT: "production", QUITTANCE_ENCRYPTION_KEY: "not base64!", PUBLIC_URL: "https://pay.example.com" }))).toEqual([expect.stringContaining("not 32 bytes")]);
  });

  it.each([
    [undefined, "PUBLIC_URL is not set"],
    ["", "PUBLIC_URL is not set"],
    ["  ", "PUBLIC_URL is not set"],
    ["pay.example.com", "PUBLIC_URL is not a URL"],
    ["ftp://pay.example.com", "must be an http(s) URL"],
    ["http://127.0.0.1:8787", "points at this machine"],
    ["http://127.1.2.3", "points at this machine"],
    ["http://localhost:8787", "points at this machine"],
    ["https://quittance.localhost", "points at this machine"],
    ["http://[::1]:8787", "points at this machine"],
    ["http://0.0.0.0:8787", "points at this machine"],
    ["https://pay.example.com/quittance", "without a path"],
  ])("should name PUBLIC_URL %s outside development", (value, problem) => {
    expect(deploymentProblems(of({ ENVIRONMENT: "prod", QUITTANCE_ENCRYPTION_KEY: KEY, PUBLIC_URL: value }))).toEqual([expect.stringContaining(problem)]);
  });
});

describe("publicUrl", () => {
  it("should answer PUBLIC_URL's origin and ignore the request's when PUBLIC_URL is set", () => {
    for (const environment of ENVIRONMENTS) {
      expect(publicUrl(of({ ENVIRONMENT: environment, PUBLIC_URL: "https://pay.example.com/" }), "http://evil.example/v1/invoices")).toBe("https://pay.example.com");
    }
  });

  it("should fall back to the request's origin, or the local default, only in development", () => {
    expect(publicUrl(of({ ENVIRONMENT: "development", PUBLIC_URL: "" }), "http://127.0.0.1:9999/v1/x")).toBe("http://127.0.0.1:9999");
    expect(publicUrl(of({ ENVIRONMENT: "development" }))).toBe("http://127.0.0.1:8787");
    for (const environment of NOT_DEVELOPMENT) {
      expect(() => publicUrl(of({ ENVIRONMENT: environment, PUBLIC_URL: "" }), "http://evil.example/v1/x")).toThrow("PUBLIC_URL");
    }
  });
});
