/**
 * Real SMTP servers for the SMTP client tests, started once by Vitest's globalSetup in Node and
 * reached from workerd over loopback (tests/worker/reminders/smtp.test.ts).
 *
 *   smtp        smtp-server, no AUTH, no STARTTLS. Records every message, parsed with mailparser.
 *               Recipients at flaky.test answer 451 to their first RCPT TO, then accept;
 *               recipients at reject.test always answer 550.
 *   authPlain   smtp-server requiring AUTH PLAIN (user "quittance", password "sécret-42"), no TLS.
 *   authLogin   the same with AUTH LOGIN only.
 *   startTls    smtp-server offering STARTTLS with smtp-server's built-in certificate, which workerd
 *               does not trust: a STARTTLS send must fail and never fall back to clear text.
 *   drop        a scripted net.Server: greets, accepts EHLO/MAIL/RCPT, answers 354 to DATA, and
 *               hangs up (FIN) as soon as the first bytes of the message arrive.
 *   silent      a net.Server that accepts connections and never says a word.
 *   control     HTTP side channel:
 *                 GET /messages?to=<address>   messages received for that recipient (JSON array)
 *                 GET /stats                   connection counts of the drop and silent servers
 */
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from "node:net";
import { simpleParser, type AddressObject } from "mailparser";
import { SMTPServer, type SMTPServerAuthentication, type SMTPServerAuthenticationResponse, type SMTPServerError, type SMTPServerOptions } from "smtp-server";

export interface SmtpServerPorts {
  smtp: number;
  authPlain: number;
  authLogin: number;
  startTls: number;
  drop: number;
  silent: number;
  control: number;
  /** The credentials the auth servers accept. */
  auth: { user: string; password: string };
}

/** What GET /messages returns for each message. */
export interface ReceivedMail {
  /** The SMTP envelope (MAIL FROM / RCPT TO). */
  envelope: { from: string; to: string[] };
  /** Which server received it (smtp, authPlain, authLogin). */
  server: string;
  /** The authenticated user, if any. */
  user: string | null;
  /** Header lines as received (folded lines unfolded, encoded-words left encoded). */
  headers: Record<string, string>;
  subject: string | null;
  from: string | null;
  to: string | null;
  replyTo: string | null;
  messageId: string | null;
  date: string | null;
  text: string | null;
  html: string | null;
  /** The message as received, after the server removed dot-stuffing. */
  raw: string;
}

export interface ConnectionStats {
  connections: number;
  open: number;
}

const SMTP_TEST_USER = "quittance";
const SMTP_TEST_PASSWORD = "sécret-42";

export async function startSmtpServers(): Promise<{ ports: SmtpServerPorts; close: () => Promise<void> }> {
  const received = new Map<string, ReceivedMail[]>();
  const flakyAttempts = new Map<string, number>();

  const record = (mail: ReceivedMail) => {
    for (const recipient of mail.envelope.to) {
      const key = recipient.toLowerCase();
      received.set(key, [...(received.get(key) ?? []), mail]);
    }
  };

  const smtpError = (message: string, responseCode: number): SMTPServerError => Object.assign(new Error(message), { responseCode });

  const recordingOptions = (server: string): SMTPServerOptions => ({
    logger: false,
    // The client must not depend on a server that lingers: smtp-server's default close timeout is 30 s.
    closeTimeout: 100,
    onRcptTo(address, _session, callback) {
      const domain = address.address.split("@").pop()?.toLowerCase();
      if (domain === "reject.test") return callback(smtpError("Mailbox unavailable", 550));
      if (domain === "flaky.test") {
        const attempts = (flakyAttempts.get(address.address) ?? 0) + 1;
        flakyAttempts.set(address.address, attempts);
        if (attempts === 1) return callback(smtpError("Greylisted, try again later", 451));
      }
      callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", async () => {
        const raw = Buffer.concat(chunks).toString("utf8");
        try {
          const parsed = await simpleParser(raw);
          const text = (value: AddressObject | AddressObject[] | undefined) => (value === undefined ? null : Array.isArray(value) ? value.map((item) => item.text).join(", ") : value.text);
          record({
            envelope: {
              from: session.envelope.mailFrom === false ? "" : session.envelope.mailFrom.address,
              to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
            },
            server,
            user: typeof session.user === "string" ? session.user : null,
            headers: Object.fromEntries(parsed.headerLines.map(({ key, line }) => [key, line.slice(line.indexOf(":") + 1).replace(/\r?\n[ \t]/g, " ").trim()])),
            subject: parsed.subject ?? null,
            from: text(parsed.from),
            to: text(parsed.to),
            replyTo: text(parsed.replyTo),
            messageId: parsed.messageId ?? null,
            date: parsed.date?.toISOString() ?? null,
            text: parsed.text ?? null,
            html: parsed.html === false || parsed.html === undefined ? null : parsed.html,
            raw,
          });
          callback();
        } catch (error) {
          callback(error instanceof Error ? error : new Error(String(error)));
        }
      });
    },
  });

  const authOptions = (server: string, method: "PLAIN" | "LOGIN"): SMTPServerOptions => ({
    ...recordingOptions(server),
    disabledCommands: ["STARTTLS"],
    authMethods: [method],
    // Loopback only, in tests: AUTH without TLS is what is being exercised.
    allowInsecureAuth: true,
    onAuth(auth: SMTPServerAuthentication, _session, callback: (error: Error | null | undefined, response?: SMTPServerAuthenticationResponse) => void) {
      if (auth.username === SMTP_TEST_USER && auth.password === SMTP_TEST_PASSWORD) return callback(null, { user: auth.username });
      callback(smtpError("Invalid username or password", 535));
    },
  });

  const smtp = new SMTPServer({ ...recordingOptions("smtp"), disabledCommands: ["AUTH", "STARTTLS"] });
  const authPlain = new SMTPServer(authOptions("authPlain", "PLAIN"));
  const authLogin = new SMTPServer(authOptions("authLogin", "LOGIN"));
  // smtp-server's built-in certificate (v1, self-signed): workerd refuses it, as production would refuse any untrusted one.
  const startTls = new SMTPServer({ ...recordingOptions("startTls"), disabledCommands: ["AUTH"] });

  const drop = trackedNetServer((socket) => {
    let inData = false;
    let buffer = "";
    socket.setEncoding("utf8");
    socket.write("220 drop.test ESMTP ready\r\n");
    socket.on("data", (chunk: string) => {
      if (inData) {
        // The first bytes of the message are here: hang up in the middle of DATA (a clean FIN, so
        // the client's read ends with done — the end-of-stream that worker-mailer spins on).
        socket.end();
        return;
      }
      buffer += chunk;
      let end: number;
      while (!inData && (end = buffer.indexOf("\r\n")) >= 0) {
        const line = buffer.slice(0, end).toUpperCase();
        buffer = buffer.slice(end + 2);
        if (line.startsWith("EHLO")) socket.write("250-drop.test\r\n250 8BITMIME\r\n");
        else if (line.startsWith("DATA")) {
          inData = true;
          socket.write("354 go ahead\r\n");
          if (buffer.length > 0) socket.end();
        } else if (line.startsWith("QUIT")) socket.end("221 bye\r\n");
        else socket.write("250 ok\r\n");
      }
    });
  });

  const silent = trackedNetServer(() => {
    // Accept the connection and say nothing, ever.
  });

  const control = createHttpServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (request.method === "GET" && url.pathname === "/messages") {
      const to = (url.searchParams.get("to") ?? "").toLowerCase();
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify(received.get(to) ?? []));
      return;
    }
    if (request.method === "GET" && url.pathname === "/stats") {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ drop: drop.stats(), silent: silent.stats() }));
      return;
    }
    response.writeHead(404).end();
  });

  const listen = (server: NetServer | HttpServer) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port));
    });
  const listenSmtp = (server: SMTPServer) =>
    new Promise<number>((resolve, reject) => {
      server.once("error", reject);
      const listener = server.listen(0, "127.0.0.1", () => resolve((listener.address() as AddressInfo).port));
    });

  const ports: SmtpServerPorts = {
    smtp: await listenSmtp(smtp),
    authPlain: await listenSmtp(authPlain),
    authLogin: await listenSmtp(authLogin),
    startTls: await listenSmtp(startTls),
    drop: await listen(drop.server),
    silent: await listen(silent.server),
    control: await listen(control),
    auth: { user: SMTP_TEST_USER, password: SMTP_TEST_PASSWORD },
  };

  const close = async () => {
    await Promise.all([
      ...[smtp, authPlain, authLogin, startTls].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))),
      drop.close(),
      silent.close(),
      new Promise<void>((resolve) => {
        control.closeAllConnections();
        control.close(() => resolve());
      }),
    ]);
  };
  return { ports, close };
}

/** A net.Server that counts connections (total and still open) and can destroy them all on close. */
function trackedNetServer(onConnection: (socket: Socket) => void) {
  const sockets = new Set<Socket>();
  let connections = 0;
  const server = createNetServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    onConnection(socket);
  });
  return {
    server,
    stats: (): ConnectionStats => ({ connections, open: sockets.size }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
