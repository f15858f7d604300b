import type { Messages } from "../types.ts";

/** Incident stories, guidance, HTML labels and `mamori respond` output. */
export const report = {
  "incident.delay.seconds": { en: "{n} second(s)", ja: "{n} 秒" },
  "incident.delay.minutes": { en: "{n} minute(s)", ja: "{n} 分" },
  "incident.delay.hours": { en: "{n} hour(s)", ja: "{n} 時間" },
  "incident.delay.days": { en: "{n} day(s)", ja: "{n} 日" },
  "incident.where.line": { en: "{file} line {line}", ja: "{file} の {line} 行目" },
  "incident.source.log": { en: "log", ja: "ログ" },
  "incident.source.proc": { en: "process start (/proc)", ja: "プロセス開始時刻 (/proc)" },
  "incident.source.mtime": { en: "file modified (mtime)", ja: "ファイル更新時刻 (mtime)" },
  "incident.source.ctime": { en: "file metadata changed (ctime)", ja: "ファイル属性変更時刻 (ctime)" },
  "incident.source.package": { en: "package database", ja: "パッケージ情報" },
  "incident.source.scan": { en: "seen at scan time", ja: "診断時に確認" },
  "incident.tl.firstAttempt": {
    en: "first {attack} request from {ip}",
    ja: "{ip} から最初の {attack} リクエスト",
  },
  "incident.tl.success": {
    en: "{attack} request from {ip} succeeded",
    ja: "{ip} からの {attack} リクエストが成功",
  },
  "incident.tl.attempt": { en: "{attack} request from {ip}", ja: "{ip} からの {attack} リクエスト" },
  "incident.tl.process": {
    en: "{exe} started (pid {pid}, user {user})",
    ja: "{exe} が起動 (pid {pid}、ユーザー {user})",
  },
  "incident.tl.file": { en: "{path} written", ja: "{path} が書き込まれた" },
  "incident.tl.persistence": { en: "persistence written: {path}", ja: "永続化の設定が書き込まれた: {path}" },
  "incident.tl.ctime": { en: "{path}: metadata changed", ja: "{path}: 属性が変更された" },
  "incident.tl.network": { en: "connection to {remote} (pid {pid})", ja: "{remote} への接続 (pid {pid})" },
  "incident.story.exploitVia": {
    en: "Your Apache {version} at {installation} was exploited at {time} from {ip} ({where}).",
    ja: "{installation} の Apache {version} が {time} に {ip} から攻撃され、侵入されました ({where})。",
  },
  "incident.story.exploit": {
    en: "The web server was exploited at {time} from {ip} ({attack}, {where}).",
    ja: "Web サーバーが {time} に {ip} から攻撃され、侵入されました ({attack}、{where})。",
  },
  "incident.story.attempt": {
    en: "{ip} sent {attack} requests at {time} ({where}); the log alone does not show that they succeeded.",
    ja: "{ip} が {time} に {attack} のリクエストを送りました ({where})。ログだけでは成功したかは分かりません。",
  },
  "incident.story.exposed": {
    en: "Apache {version} at {installation} is open to known exploited vulnerabilities.",
    ja: "{installation} の Apache {version} には悪用が確認された脆弱性があります。",
  },
  "incident.story.processAfter": {
    en: "{delay} later {exe} started as {user}.",
    ja: "その {delay}後、{exe} がユーザー {user} として起動しました。",
  },
  "incident.story.processAt": {
    en: "{exe} started as {user} at {time}.",
    ja: "{time} に {exe} がユーザー {user} として起動しました。",
  },
  "incident.story.processSeen": {
    en: "{exe} is running as {user}.",
    ja: "{exe} がユーザー {user} として動いています。",
  },
  "incident.story.connected": { en: "It connected to {remotes}.", ja: "{remotes} に接続していました。" },
  "incident.story.cpu": {
    en: "It has used {minutes} minute(s) of CPU time.",
    ja: "CPU 時間を {minutes} 分使っています。",
  },
  "incident.story.persistence": {
    en: "A persistence entry {path} was written at {time}.",
    ja: "{time} に永続化の設定 {path} が書き込まれました。",
  },
  "incident.story.persistenceSeen": {
    en: "A persistence entry {path} refers to it.",
    ja: "永続化の設定 {path} がこれを参照しています。",
  },
  "incident.story.file": { en: "{path} was written at {time}.", ja: "{time} に {path} が書き込まれました。" },
  "incident.story.fileSeen": { en: "{path} belongs to it.", ja: "{path} が関係しています。" },
  "incident.story.network": {
    en: "At scan time there were connections to {remotes} (pid {pids}).",
    ja: "診断時に {remotes} への接続がありました (pid {pids})。",
  },
  "incident.title.breakIn": {
    en: "Break-in from {ip}: {what}",
    ja: "{ip} からの侵入: {what}",
  },
  "incident.title.host": {
    en: "Malicious activity on this server: {what}",
    ja: "このサーバー上の不正な活動: {what}",
  },
} as const satisfies Messages;
