import type { Messages } from "../types.ts";

/** Sentences of `mamori server`, its dashboard, and agents pushing to it (`audit --push`). */
export const server = {
  "server.listening": {
    en: "mamori server listening on https://{address}",
    ja: "mamori server は https://{address} で待ち受けています",
  },
  "server.fingerprint": {
    en: "TLS certificate SHA-256 fingerprint (give it to agents with --server-fingerprint): {fingerprint}",
    ja: "TLS 証明書の SHA-256 フィンガープリント (エージェントに --server-fingerprint で渡してください): {fingerprint}",
  },
  "server.certCreated": {
    en: "Created a self-signed certificate: {path}",
    ja: "自己署名証明書を作成しました: {path}",
  },
  "server.badListen": {
    en: "--listen must be HOST:PORT (for example 127.0.0.1:8443), not {value}",
    ja: "--listen は HOST:PORT の形で指定してください (例: 127.0.0.1:8443)。指定値: {value}",
  },
  "server.badData": {
    en: "cannot use the data directory {path}: {reason}",
    ja: "データディレクトリ {path} を使えません: {reason}",
  },
  "server.cannotListen": {
    en: "cannot listen on {address}: {reason}",
    ja: "{address} で待ち受けできません: {reason}",
  },
  "server.stopped": { en: "mamori server stopped", ja: "mamori server を停止しました" },
  "server.retentionFailed": {
    en: "the daily retention run failed (tried again tomorrow): {reason}",
    ja: "毎日の保存期間の処理に失敗しました (明日もう一度試みます): {reason}",
  },
  "server.tokenMade": {
    en: "One-time enrollment token, valid until {expires}. Enroll a host with: mamori audit --push https://SERVER:PORT --token TOKEN --server-fingerprint {fingerprint}",
    ja: "1 回限りの登録トークンです ({expires} まで有効)。ホストの登録: mamori audit --push https://SERVER:PORT --token TOKEN --server-fingerprint {fingerprint}",
  },
  "server.apiKeyMade": {
    en: "Admin API key (shown once; send it as 'Authorization: Bearer KEY').",
    ja: "管理者 API キーです (表示はこの 1 回だけです。'Authorization: Bearer KEY' として送ってください)。",
  },
  "server.badTtl": {
    en: "--ttl must be a number of hours between 1 and 720, not {value}",
    ja: "--ttl は 1 から 720 までの時間数で指定してください。指定値: {value}",
  },
  "server.revoked": {
    en: "Revoked the credentials of host {host}",
    ja: "ホスト {host} の認証情報を失効させました",
  },
  "server.rejudged": {
    en: "Judged the stored facts of {hosts} host(s) again with data version {version}: {findings} new finding(s) on {changed} host(s), {skipped} host(s) skipped",
    ja: "保存済みのファクトを {hosts} 台分、データ版 {version} で判定し直しました: {changed} 台で新しい検出 {findings} 件、{skipped} 台は対象外",
  },
  "server.rejudgeFailed": {
    en: "could not judge the stored facts again: {reason}",
    ja: "保存済みのファクトを判定し直せませんでした: {reason}",
  },
  "server.rejudgeSame": {
    en: "The fleet was already judged with data version {version}; nothing to do.",
    ja: "データ版 {version} での判定は済んでいます。何もしません。",
  },
  "server.newFindings": {
    en: "{host}: {count} new finding(s) without a new scan ({ids})",
    ja: "{host}: 再スキャンなしで新しい検出 {count} 件 ({ids})",
  },
  "server.dataUpdated": {
    en: "Server data updated: {path} ({count} CVEs)",
    ja: "サーバーのデータを更新しました: {path} (CVE {count} 件)",
  },
  "server.iocFileBad": {
    en: "{file} is not an IOC list file (JSON with a lists array): {reason}",
    ja: "{file} は IOC リストのファイル (lists 配列を持つ JSON) ではありません: {reason}",
  },
  "server.config": {
    en: "cannot use the configuration: {reason}",
    ja: "設定を使えません: {reason}",
  },
  "server.fromServer.done": {
    en: "Data from {url}: vulnerability data {vulndb}, IOC lists {iocs}",
    ja: "{url} からのデータ: 脆弱性データ {vulndb}、IOC リスト {iocs}",
  },
  "server.fromServer.updated": { en: "updated", ja: "更新しました" },
  "server.fromServer.current": { en: "already current", ja: "最新です" },
  "server.fromServer.notEnrolled": {
    en: "this host is not enrolled with {url}: run `mamori audit --push {url} --token TOKEN` first",
    ja: "このホストは {url} に登録されていません。先に `mamori audit --push {url} --token TOKEN` を実行してください",
  },
  "server.fromServer.bad": {
    en: "the data from {url} is not usable ({what}): {reason}; the current data is kept",
    ja: "{url} からのデータ ({what}) は使えません: {reason}。現在のデータはそのままです",
  },
  "server.fleet.attackerTitle": {
    en: "The attacker {ip} seen on {others} now hits {host}",
    ja: "{others} で見られた攻撃元 {ip} が {host} にも来ています",
  },
  "server.fleet.attackerDetail": {
    en: "{ip} was first seen on {first} at {firstAt}; on {host} from {hereAt} ({outcome}). The same address on several of your servers is one campaign: check the other hosts' logs for it, and block it fleet-wide.",
    ja: "{ip} は {firstAt} に {first} で最初に見られ、{host} では {hereAt} から来ています ({outcome})。複数のサーバーに同じアドレスが来ているのは 1 つの攻撃活動です。他のホストのログも確認し、フリート全体で遮断してください。",
  },
  "server.fleet.attackerFix": {
    en: "Block {ip} at every host's firewall (or the edge), and look at the fleet's attackers page for the hosts it reached.",
    ja: "{ip} を全ホストのファイアウォール (または入口) で遮断し、フリートの攻撃元ページでこのアドレスが到達したホストを確認してください。",
  },
  "server.fleet.unknown": { en: "unknown", ja: "不明" },
  "server.unknownHost": { en: "no host {host}", ja: "ホスト {host} はありません" },
  "server.userAdded": {
    en: "Added dashboard user {name} ({role})",
    ja: "ダッシュボード利用者 {name} ({role}) を追加しました",
  },
  "server.badUser": {
    en: "a user name is 1 to 64 letters, digits, '.', '_' or '-', not {value}",
    ja: "利用者名は英数字と '.' '_' '-' の 1〜64 文字です。指定値: {value}",
  },
  "server.badPassword": {
    en: "the password (read from standard input, one line) must be 12 to 1024 characters",
    ja: "パスワード (標準入力から 1 行) は 12〜1024 文字にしてください",
  },
  // agents
  "push.enrolled": {
    en: "Enrolled with {url} as host {host}; server certificate {fingerprint} pinned",
    ja: "{url} にホスト {host} として登録しました。サーバー証明書 {fingerprint} を固定しました",
  },
  "push.tofu": {
    en: "No --server-fingerprint given: trusting the certificate seen on first use, {fingerprint}. Compare it with the one the server printed.",
    ja: "--server-fingerprint の指定がないため、初回に見えた証明書 {fingerprint} を信頼します。サーバーが表示した値と照合してください。",
  },
  "push.sent": {
    en: "Report sent to {url} (report {report})",
    ja: "レポートを {url} に送信しました (レポート {report})",
  },
  "push.rotated": {
    en: "Host credential for {url} replaced (they are rotated every 30 days)",
    ja: "{url} 用のホスト認証情報を更新しました (30 日ごとに更新されます)",
  },
  "push.rotateFailed": {
    en: "could not replace the host credential for {url} ({reason}); the current one still works, the next push tries again",
    ja: "{url} 用のホスト認証情報を更新できませんでした ({reason})。現在の認証情報は引き続き有効で、次回の送信時に再試行します",
  },
  "push.failed": {
    en: "could not send the report to {url}: {reason}",
    ja: "レポートを {url} に送信できませんでした: {reason}",
  },
  "push.mismatch": {
    en: "the server's certificate {seen} is not the pinned {pinned}: refusing to talk to it",
    ja: "サーバー証明書 {seen} が固定した {pinned} と一致しないため、通信を中止しました",
  },
  "push.needToken": {
    en: "this host is not enrolled with {url} yet: give --token (from 'mamori server token')",
    ja: "このホストはまだ {url} に登録されていません。--token ('mamori server token' で発行) を指定してください",
  },
  "push.refused": {
    en: "the server refused: {status} {error}",
    ja: "サーバーが拒否しました: {status} {error}",
  },
  "push.badUrl": {
    en: "--push must be an https:// URL, not {value}",
    ja: "--push には https:// で始まる URL を指定してください。指定値: {value}",
  },
  "push.badFingerprint": {
    en: "--server-fingerprint must be a SHA-256 fingerprint (64 hex digits, ':' allowed), not {value}",
    ja: "--server-fingerprint には SHA-256 フィンガープリント (16 進 64 桁、':' 区切り可) を指定してください。指定値: {value}",
  },
  // dashboard
  "dash.nav.hosts": { en: "Hosts", ja: "ホスト" },
  "dash.nav.attackers": { en: "Attackers", ja: "攻撃元" },
  "dash.nav.apache": { en: "Apache", ja: "Apache" },
  "dash.nav.incidents": { en: "Incidents", ja: "インシデント" },
  "dash.nav.export": { en: "Export", ja: "エクスポート" },
  "dash.attackers": {
    en: "Attackers seen on several hosts ({count})",
    ja: "複数のホストで見られた攻撃元 ({count} 件)",
  },
  "dash.moreHosts": {
    en: "…and {count} more host(s)",
    ja: "…ほか {count} ホスト",
  },
  "dash.noAttackers": {
    en: "No address was seen attacking more than one host.",
    ja: "複数のホストを攻撃したアドレスはありません。",
  },
  "dash.col.ip": { en: "Address", ja: "アドレス" },
  "dash.col.hostsSeen": {
    en: "Hosts (first seen – last seen, requests, outcome)",
    ja: "ホスト (初回 – 最終、リクエスト数、結果)",
  },
  "dash.col.attacks": { en: "Attacks", ja: "攻撃" },
  "dash.col.outcome": { en: "Worst outcome", ja: "最も悪い結果" },
  "dash.apache": { en: "Apache inventory ({count})", ja: "Apache の一覧 ({count} 件)" },
  "dash.noApache": { en: "No Apache installation reported.", ja: "報告された Apache はありません。" },
  "dash.col.version": { en: "Version", ja: "バージョン" },
  "dash.col.package": { en: "Package", ja: "パッケージ" },
  "dash.col.exposed": { en: "Exposed", ja: "外部公開" },
  "dash.col.binary": { en: "Binary", ja: "実行ファイル" },
  "dash.col.cves": { en: "CVEs (worst)", ja: "CVE (最も重大)" },
  "dash.fromSource": { en: "built from source", ja: "ソースからビルド" },
  "dash.exposed.yes": { en: "yes", ja: "あり" },
  "dash.exposed.no": { en: "no", ja: "なし" },
  "dash.exposed.unknown": { en: "unknown", ja: "不明" },
  "dash.fleetIncidents": {
    en: "Incidents across the fleet ({count})",
    ja: "フリート全体のインシデント ({count} 件)",
  },
  "dash.noIncidents": { en: "No incident on any host.", ja: "どのホストにもインシデントはありません。" },
  "dash.export": { en: "Export", ja: "エクスポート" },
  "dash.export.hosts": { en: "Hosts", ja: "ホスト" },
  "dash.export.findings": { en: "Findings of every host", ja: "全ホストの検出" },
  "dash.export.note": {
    en: "CSV cells that a spreadsheet would read as a formula start with an apostrophe.",
    ja: "表計算ソフトが数式と解釈しうる CSV のセルには先頭にアポストロフィを付けています。",
  },
  "dash.title": { en: "mamori fleet", ja: "mamori フリート" },
  "dash.login": { en: "Sign in", ja: "ログイン" },
  "dash.user": { en: "User name", ja: "利用者名" },
  "dash.password": { en: "Password", ja: "パスワード" },
  "dash.loginFailed": { en: "Wrong user name or password.", ja: "利用者名またはパスワードが違います。" },
  "dash.loginLimited": {
    en: "Too many failed sign-ins. Wait 15 minutes and try again.",
    ja: "ログインの失敗が多すぎます。15 分待ってからもう一度試してください。",
  },
  "dash.logout": { en: "Sign out", ja: "ログアウト" },
  "dash.hosts": { en: "Hosts by risk", ja: "リスクの高い順のホスト" },
  "dash.noHosts": {
    en: "No host has reported yet. Enroll one with 'mamori server token' and 'mamori audit --push'.",
    ja: "まだどのホストも報告していません。'mamori server token' と 'mamori audit --push' で登録してください。",
  },
  "dash.col.host": { en: "Host", ja: "ホスト" },
  "dash.col.worst": { en: "Worst finding", ja: "最も重大な検出" },
  "dash.col.incidents": { en: "Incidents", ja: "インシデント" },
  "dash.col.lastScan": { en: "Last scan", ja: "最終スキャン" },
  "dash.col.severity": { en: "Severity", ja: "重大度" },
  "dash.col.finding": { en: "Finding", ja: "検出内容" },
  "dash.col.check": { en: "Check", ja: "チェック" },
  "dash.never": { en: "never", ja: "未実施" },
  "dash.none": { en: "none", ja: "なし" },
  "dash.findings": { en: "Findings ({count})", ja: "検出 ({count} 件)" },
  "dash.incidents": { en: "Incidents ({count})", ja: "インシデント ({count} 件)" },
  "dash.notChecked": { en: "Could not be checked ({count})", ja: "確認できなかった項目 ({count} 件)" },
  "dash.noReport": {
    en: "This host has not sent a report yet.",
    ja: "このホストはまだレポートを送っていません。",
  },
  "dash.back": { en: "All hosts", ja: "ホスト一覧" },
  "dash.revoke": { en: "Revoke this host's credentials", ja: "このホストの認証情報を失効させる" },
  "dash.revokedDone": { en: "Credentials revoked.", ja: "認証情報を失効させました。" },
  "dash.forbidden": { en: "Not allowed.", ja: "許可されていません。" },
  "dash.notFound": { en: "Not found.", ja: "見つかりません。" },
  "dash.signedInAs": { en: "Signed in as {user} ({role})", ja: "{user} ({role}) としてログイン中" },
  "dash.nav.pull": { en: "Agentless", ja: "エージェントなし" },
  "dash.pull.title": { en: "Hosts checked over SSH", ja: "SSH で確認するホスト" },
  "dash.pull.keyNote": {
    en: "The server logs in with its own key. Add this line to ~/.ssh/authorized_keys of the account on each target:",
    ja: "サーバーは専用の鍵でログインします。各対象のアカウントの ~/.ssh/authorized_keys にこの行を追加してください:",
  },
  "dash.pull.noKey": {
    en: "The server's SSH key could not be made (is openssh-client installed?).",
    ja: "サーバーの SSH 鍵を作成できませんでした (openssh-client は入っていますか)。",
  },
  "dash.pull.none": {
    en: "No target yet. Register one below or with 'mamori server pull add ssh://user@host --data DIR'.",
    ja: "対象はまだありません。下のフォームか 'mamori server pull add ssh://user@host --data DIR' で登録してください。",
  },
  "dash.pull.col.target": { en: "Target", ja: "対象" },
  "dash.pull.col.schedule": { en: "Schedule", ja: "スケジュール" },
  "dash.pull.col.lastOk": { en: "Last successful check", ja: "最後に確認できた日時" },
  "dash.pull.col.status": { en: "Status", ja: "状態" },
  "dash.pull.default": { en: "server default (--pull-every)", ja: "サーバーの既定 (--pull-every)" },
  "dash.pull.ok": { en: "checked", ja: "確認済み" },
  "dash.pull.pending": { en: "not tried yet", ja: "未実施" },
  "dash.pull.add": { en: "Register a target", ja: "対象を登録" },
  "dash.pull.cron": {
    en: "Cron pattern (empty: server default)",
    ja: "cron 形式の予定 (空欄: サーバーの既定)",
  },
  "dash.pull.sudo": { en: "run the collector with sudo -n", ja: "収集スクリプトを sudo -n で実行する" },
  "dash.pull.pulledFrom": {
    en: "Checked without an agent, over SSH: {target}",
    ja: "エージェントなしで SSH 経由で確認しています: {target}",
  },
  "dash.pull.couldNotCheck": { en: "could not be checked: {reason}", ja: "確認できませんでした: {reason}" },
  "dash.pull.otherFailure": { en: "{kind} {detail}", ja: "{kind} {detail}" },
  "dash.pull.remove": {
    en: "Remove this pull target (stop checking it; its reports stay)",
    ja: "この取得対象を削除する (確認を止めます。これまでのレポートは残ります)",
  },
  "server.pull.badTarget": {
    en: "the target must be ssh://[user@]host[:port], not {target}",
    ja: "対象は ssh://[user@]host[:port] の形で指定してください。指定値: {target}",
  },
  "server.pull.badCron": {
    en: "not a cron pattern: {cron}",
    ja: "cron 形式ではありません: {cron}",
  },
  "server.pull.exists": { en: "already registered: {target}", ja: "登録済みです: {target}" },
  "server.pull.added": {
    en: "Registered {target} (host {host}). The server logs in with this key; add it to ~/.ssh/authorized_keys on the target:",
    ja: "{target} を登録しました (ホスト {host})。サーバーはこの鍵でログインします。対象の ~/.ssh/authorized_keys に追加してください:",
  },
  "server.pull.removed": { en: "Stopped checking {target}", ja: "{target} の確認を止めました" },
  "server.pull.unknown": { en: "no such target: {target}", ja: "その対象はありません: {target}" },
  "server.pull.line": {
    en: "{target}\thost {host}\tlast success: {ok}\t{status}",
    ja: "{target}\tホスト {host}\t最後の成功: {ok}\t{status}",
  },
  "server.pull.pulled": { en: "Checked {target} over SSH", ja: "{target} を SSH で確認しました" },
  "server.pull.failed": { en: "{target}: {reason}", ja: "{target}: {reason}" },
  "dash.page.prev": { en: "Previous", ja: "前へ" },
  "dash.page.next": { en: "Next", ja: "次へ" },
  "dash.page.of": {
    en: "page {page} of {pages} ({total} host(s))",
    ja: "{pages} ページ中 {page} ページ目 (全 {total} 台)",
  },
  "dash.nav.trends": { en: "Trends", ja: "推移" },
  "dash.trend.title": {
    en: "Open findings by severity, last {days} day(s)",
    ja: "重大度別の未解決の検出 (直近 {days} 日)",
  },
  "dash.trend.day": { en: "Day (UTC)", ja: "日付 (UTC)" },
  "dash.trend.count": { en: "Findings", ja: "検出数" },
  "dash.trend.today": { en: "Today: {counts}", ja: "本日: {counts}" },
  "push.clientCertPair": {
    en: "--tls-client-cert and --tls-client-key go together",
    ja: "--tls-client-cert と --tls-client-key は両方指定してください",
  },
} satisfies Messages;
