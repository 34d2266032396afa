import { ERROR_STATUS, type ErrorCode, type Problem } from "../shared/errors";

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  410: "Gone",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  502: "Bad Gateway",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

/**
 * The one error the Worker throws on purpose. `app.onError` renders it as problem+json with the
 * status that belongs to its code.
 * @example throw new ApiError("resource_missing", "No such invoice: inv_…", "id")
 */
export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly param?: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail);
    this.status = ERROR_STATUS[code];
  }

  toProblem(requestId?: string): Problem {
    return {
      type: `https://quittance.dev/errors/${this.code}`,
      title: TITLES[this.status] ?? "Error",
      status: this.status,
      code: this.code,
      detail: this.detail,
      ...(this.param === undefined ? {} : { param: this.param }),
      ...(requestId === undefined ? {} : { request_id: requestId }),
    };
  }
}

/** Shorthand for the 404 every missing or foreign object answers. */
export function notFound(kind: string, id: string, param = "id"): ApiError {
  return new ApiError("resource_missing", `No such ${kind}: '${id}'`, param);
}

/** Renders a problem document as a Response. */
export function problemResponse(error: ApiError, requestId?: string): Response {
  return new Response(JSON.stringify(error.toProblem(requestId)), {
    status: error.status,
    headers: { "content-type": "application/problem+json", ...error.headers },
  });
}
