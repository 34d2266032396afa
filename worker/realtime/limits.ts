/**
 * How much one client may ask of the merchant's hub: how far back a stream may resume, how many
 * streams a session or a key may hold open, and how far behind a stream may fall. Each has a
 * default and an optional variable to tune it (set it under [vars] or with `--var`).
 */

/** The variables read here; all optional (not declared in wrangler.toml's [vars] by default). */
interface LimitVars {
  SSE_KEEPALIVE_SECONDS?: string;
  SSE_RESUME_MAX_EVENTS?: string;
  SSE_MAX_STREAMS_PER_SESSION?: string;
  SSE_MAX_STREAMS_PER_KEY?: string;
  SSE_MAX_BACKLOG_BYTES?: string;
  SSE_REPLAY_EVENTS_PER_SECOND?: string;
}

export interface StreamLimits {
  /** Seconds between keep-alives; also the period after which a client that reads nothing is too slow. */
  keepAliveMs: number;
  /** A resume more than this many events behind the head is refused (410): page GET /v1/events instead. */
  resumeMaxEvents: number;
  maxStreamsPerSession: number;
  maxStreamsPerKey: number;
  /** A live stream whose unread backlog passes this many bytes is closed (`too_slow`). */
  maxBacklogBytes: number;
  /** Replay sends its next events only when the backlog is below this. */
  lowWaterBytes: number;
  /** Events all of a hub's replays may get through together per second, so that live delivery keeps the hub. */
  replayEventsPerSecond: number;
}

/** Events read from the log per query by the live pump. */
export const LOG_PAGE = 500;
/** Events read per query by replays: small, so that no write waits long behind one. */
export const REPLAY_PAGE = 200;
/** Seconds a client refused for too many streams is asked to wait. */
export const STREAMS_RETRY_AFTER_SECONDS = 5;

function positiveInt(value: string | undefined, fallback: number): number {
  const parsed = Number(value);
  return value !== undefined && value !== "" && Number.isInteger(parsed) && parsed > 0 ? parsed : fallback;
}

/** The limits in force, from the environment (defaults when a variable is unset or not a positive integer). */
export function streamLimits(env: Env): StreamLimits {
  const vars = env as unknown as LimitVars;
  const maxBacklogBytes = positiveInt(vars.SSE_MAX_BACKLOG_BYTES, 1024 * 1024);
  return {
    keepAliveMs: Math.max(200, Number(vars.SSE_KEEPALIVE_SECONDS || "15") * 1000),
    resumeMaxEvents: positiveInt(vars.SSE_RESUME_MAX_EVENTS, 10_000),
    maxStreamsPerSession: positiveInt(vars.SSE_MAX_STREAMS_PER_SESSION, 5),
    maxStreamsPerKey: positiveInt(vars.SSE_MAX_STREAMS_PER_KEY, 20),
    maxBacklogBytes,
    lowWaterBytes: Math.min(64 * 1024, Math.max(1, Math.floor(maxBacklogBytes / 4))),
    replayEventsPerSecond: positiveInt(vars.SSE_REPLAY_EVENTS_PER_SECOND, 4000),
  };
}
