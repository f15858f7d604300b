import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as path from "node:path";
import * as tls from "node:tls";

export interface ReceivedMail {
  from: string;
  to: string[];
  data: string;
  /** Whether STARTTLS was done before the message (and before AUTH). */
  tls: boolean;
  authUser?: string;
  authTls?: boolean;
}

export interface SmtpServer {
  port: number;
  mails: ReceivedMail[];
  /** Every command line the client sent, AUTH secrets included (to prove they were sent only inside TLS). */
  transcript: string[];
  close(): Promise<void>;
}

/** A self-signed certificate for 127.0.0.1 / localhost, made with openssl. */
export function selfSignedCert(dir: string): { key: string; cert: string; certFile: string } {
  const key = path.join(dir, "key.pem");
  const cert = path.join(dir, "cert.pem");
  const r = spawnSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      key,
      "-out",
      cert,
      "-days",
      "2",
      "-subj",
      "/CN=localhost",
      "-addext",
      "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ],
    { encoding: "utf8" },
  );
  if (r.status !== 0) throw new Error(`openssl failed: ${r.stderr}`);
  return { key: fs.readFileSync(key, "utf8"), cert: fs.readFileSync(cert, "utf8"), certFile: cert };
}

/**
 * A small real SMTP server on 127.0.0.1 (RFC 5321 subset): EHLO/HELO, STARTTLS, AUTH PLAIN and LOGIN,
 * MAIL FROM, RCPT TO, DATA with dot-unstuffing, RSET, NOOP, QUIT. Credentials are checked.
 */
export function startSmtp(opts: {
  key: string;
  cert: string;
  user: string;
  pass: string;
}): Promise<SmtpServer> {
  const mails: ReceivedMail[] = [];
  const transcript: string[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((raw) => {
    sockets.add(raw);
    raw.on("close", () => sockets.delete(raw));
    let sock: net.Socket | tls.TLSSocket = raw;
    let secure = false;
    let buf = "";
    let mode: "cmd" | "data" | "auth-login-user" | "auth-login-pass" = "cmd";
    let loginUser = "";
    let authUser: string | undefined;
    let authTls: boolean | undefined;
    let mail: ReceivedMail | undefined;
    let dataLines: string[] = [];
    const reply = (s: string) => sock.write(`${s}\r\n`);
    const onLine = (line: string) => {
      if (mode === "data") {
        if (line === ".") {
          if (mail) mails.push({ ...mail, data: dataLines.join("\r\n"), authUser, authTls });
          mail = undefined;
          dataLines = [];
          mode = "cmd";
          reply("250 2.0.0 queued");
        } else dataLines.push(line.startsWith("..") ? line.slice(1) : line);
        return;
      }
      transcript.push(`${secure ? "tls" : "plain"}: ${line}`);
      if (mode === "auth-login-user") {
        loginUser = Buffer.from(line, "base64").toString();
        mode = "auth-login-pass";
        reply(`334 ${Buffer.from("Password:").toString("base64")}`);
        return;
      }
      if (mode === "auth-login-pass") {
        mode = "cmd";
        const pass = Buffer.from(line, "base64").toString();
        if (loginUser === opts.user && pass === opts.pass) {
          authUser = loginUser;
          authTls = secure;
          reply("235 2.7.0 accepted");
        } else reply("535 5.7.8 bad credentials");
        return;
      }
      const [verb = "", ...rest] = line.split(" ");
      const arg = rest.join(" ");
      switch (verb.toUpperCase()) {
        case "EHLO":
          sock.write(
            `250-mamori-test-smtp\r\n${secure ? "" : "250-STARTTLS\r\n"}250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n`,
          );
          return;
        case "HELO":
          reply("250 mamori-test-smtp");
          return;
        case "STARTTLS": {
          reply("220 2.0.0 go ahead");
          raw.removeAllListeners("data");
          const t = new tls.TLSSocket(raw, { isServer: true, key: opts.key, cert: opts.cert });
          t.on("data", onData);
          t.on("error", () => undefined);
          sock = t;
          secure = true;
          buf = "";
          return;
        }
        case "AUTH": {
          const [mech = "", initial] = arg.split(" ");
          if (mech.toUpperCase() === "PLAIN" && initial) {
            const [, u, p] = Buffer.from(initial, "base64").toString().split("\0");
            if (u === opts.user && p === opts.pass) {
              authUser = u;
              authTls = secure;
              reply("235 2.7.0 accepted");
            } else reply("535 5.7.8 bad credentials");
          } else if (mech.toUpperCase() === "LOGIN") {
            mode = "auth-login-user";
            reply(`334 ${Buffer.from("Username:").toString("base64")}`);
          } else reply("504 5.5.4 unsupported");
          return;
        }
        case "MAIL":
          if (!authUser) {
            reply("530 5.7.0 authentication required");
            return;
          }
          mail = {
            from:
              arg
                .replace(/^FROM:\s*/i, "")
                .replace(/[<>]/g, "")
                .split(" ")[0] ?? "",
            to: [],
            data: "",
            tls: secure,
          };
          reply("250 2.1.0 ok");
          return;
        case "RCPT":
          mail?.to.push(
            arg
              .replace(/^TO:\s*/i, "")
              .replace(/[<>]/g, "")
              .split(" ")[0] ?? "",
          );
          reply("250 2.1.5 ok");
          return;
        case "DATA":
          mode = "data";
          reply("354 end with <CRLF>.<CRLF>");
          return;
        case "RSET":
          mail = undefined;
          reply("250 ok");
          return;
        case "NOOP":
          reply("250 ok");
          return;
        case "QUIT":
          reply("221 bye");
          sock.end();
          return;
        default:
          reply("500 5.5.2 unknown command");
      }
    };
    const onData = (chunk: Buffer) => {
      buf += chunk.toString("utf8");
      let i = buf.indexOf("\r\n");
      while (i >= 0) {
        const line = buf.slice(0, i);
        buf = buf.slice(i + 2);
        onLine(line);
        if (sock !== raw && line.toUpperCase() === "STARTTLS") return; // the rest arrives encrypted
        i = buf.indexOf("\r\n");
      }
    };
    raw.on("data", onData);
    raw.on("error", () => undefined);
    reply("220 mamori-test-smtp ESMTP");
  });
  return new Promise((resolve) => {
    server.listen(0, "127.0.0.1", () => {
      resolve({
        port: (server.address() as net.AddressInfo).port,
        mails,
        transcript,
        close: () =>
          new Promise<void>((r) => {
            for (const s of sockets) s.destroy();
            server.close(() => r());
          }),
      });
    });
  });
}

/** Decodes the parts of a received message the tests look at: Subject (RFC 2047) and a base64 text body. */
export function decodeMail(data: string): { subject: string; text: string; headers: string } {
  const [head = "", ...bodyParts] = data.split("\r\n\r\n");
  const unfolded = head.replace(/\r\n[ \t]+/g, " ");
  const subjectRaw = /^Subject: (.*)$/im.exec(unfolded)?.[1] ?? "";
  const subject = subjectRaw
    .replace(/\?=\s+=\?/g, "?==?")
    .replace(/=\?utf-8\?([bq])\?([^?]*)\?=/gi, (_, enc: string, s: string) =>
      enc.toLowerCase() === "b"
        ? Buffer.from(s, "base64").toString("utf8")
        : Buffer.from(
            s
              .replace(/_/g, " ")
              .replace(/=([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
            "latin1",
          ).toString("utf8"),
    );
  const body = bodyParts.join("\r\n\r\n");
  const isB64 = /content-transfer-encoding:\s*base64/i.test(unfolded);
  const text = isB64 ? Buffer.from(body.replace(/\s+/g, ""), "base64").toString("utf8") : body;
  return { subject, text, headers: unfolded };
}
