import type { Messages } from "../types.ts";

/** Sentences of history, diff, baselines, watch, schedule and alerts. */
export const watch = {
  // baselines
  "watch.baseline.port.new.title": {
    en: "New listening port since the baseline: {key}",
    ja: "ベースライン以降に新しく待ち受けを始めたポート: {key}",
  },
  "watch.baseline.port.new.detail": {
    en: "This port was not listening when the baseline was recorded ({since}). Process: {process}.",
    ja: "ベースライン記録時 ({since}) にはこのポートは待ち受けていませんでした。プロセス: {process}。",
  },
  "watch.baseline.cron.new.title": {
    en: "New cron entry since the baseline: {path}",
    ja: "ベースライン以降に追加された cron 設定: {path}",
  },
  "watch.baseline.cron.changed.title": {
    en: "Cron script changed since the baseline: {path}",
    ja: "ベースライン以降に変更された cron スクリプト: {path}",
  },
  "watch.baseline.cron.detail": {
    en: "Cron runs this automatically. It was not there when the baseline was recorded ({since}); attackers use cron to come back after a reboot.",
    ja: "cron はこれを自動的に実行します。ベースライン記録時 ({since}) には存在しませんでした。攻撃者は再起動後も戻ってくるために cron を使います。",
  },
  "watch.baseline.systemd.new.title": {
    en: "New systemd unit since the baseline: {path}",
    ja: "ベースライン以降に追加された systemd ユニット: {path}",
  },
  "watch.baseline.systemd.changed.title": {
    en: "systemd unit changed since the baseline: {path}",
    ja: "ベースライン以降に変更された systemd ユニット: {path}",
  },
  "watch.baseline.systemd.detail": {
    en: "A unit file or its enablement link differs from the baseline ({since}). A package upgrade does this too; check which package owns it (dpkg -S).",
    ja: "ユニットファイルまたは有効化リンクがベースライン ({since}) と異なります。パッケージ更新でも起こるため、所有パッケージを確認してください (dpkg -S)。",
  },
  "watch.baseline.key.new.title": {
    en: "New SSH authorized key for {user} since the baseline",
    ja: "ベースライン以降に {user} へ追加された SSH 公開鍵",
  },
  "watch.baseline.key.new.detail": {
    en: "Whoever holds this key can log in as {user}. It was not there when the baseline was recorded ({since}).",
    ja: "この鍵を持つ人は {user} としてログインできます。ベースライン記録時 ({since}) には存在しませんでした。",
  },
  "watch.baseline.preload.new.title": {
    en: "New /etc/ld.so.preload entry since the baseline: {key}",
    ja: "ベースライン以降に追加された /etc/ld.so.preload の項目: {key}",
  },
  "watch.baseline.preload.new.detail": {
    en: "This library is loaded into every program; rootkits use it to hide processes and files.",
    ja: "このライブラリはすべてのプログラムに読み込まれます。ルートキットはプロセスやファイルを隠すためにこれを使います。",
  },
  "watch.baseline.package.new.title": {
    en: "Package installed since the baseline: {key} {version}",
    ja: "ベースライン以降にインストールされたパッケージ: {key} {version}",
  },
  "watch.baseline.package.removed.title": {
    en: "Package removed since the baseline: {key} {version}",
    ja: "ベースライン以降に削除されたパッケージ: {key} {version}",
  },
  "watch.baseline.package.changed.title": {
    en: "Package version changed since the baseline: {key} {from} -> {to}",
    ja: "ベースライン以降にバージョンが変わったパッケージ: {key} {from} -> {to}",
  },
  "watch.baseline.package.detail": {
    en: "For your records: package changes since the baseline ({since}).",
    ja: "記録用: ベースライン ({since}) 以降のパッケージの変化です。",
  },
  "watch.baseline.remediation": {
    en: "If you made this change, accept it as the new baseline: mamori watch --once --accept-baseline. If not, investigate it now.",
    ja: "ご自身の変更であれば、新しいベースラインとして承認してください: mamori watch --once --accept-baseline 。心当たりがなければ、すぐに調査してください。",
  },
  "watch.baseline.recorded": {
    en: "Baseline recorded: {count} item(s) (ports, cron, systemd units, SSH keys, ld.so.preload, packages).",
    ja: "ベースラインを記録しました: {count} 件 (ポート、cron、systemd ユニット、SSH 鍵、ld.so.preload、パッケージ)。",
  },
  // storing
  "watch.saved": { en: "Scan {id} saved to {db}.", ja: "スキャン {id} を {db} に保存しました。" },
  "watch.spooled": {
    en: "Could not write the history database {db} ({reason}); the scan was kept in {file} and will be imported next time.",
    ja: "履歴データベース {db} に書き込めませんでした ({reason})。スキャン結果は {file} に保存し、次回取り込みます。",
  },
  "watch.spoolFailed": {
    en: "Could not write the history database {db} ({reason}) nor the spool file ({spoolReason}); this scan is not stored.",
    ja: "履歴データベース {db} ({reason}) にもスプールファイル ({spoolReason}) にも書き込めませんでした。このスキャンは保存されていません。",
  },
  "watch.imported": {
    en: "Imported {count} spooled scan(s) into {db}.",
    ja: "スプールされていたスキャン {count} 件を {db} に取り込みました。",
  },
  // state that decides what is reported: only root (or the user running mamori) may have written it
  "watch.state.refused": {
    en: "Refused to use {what}: {reason}. mamori keeps its history, spool and locks only where no other user can write (owner root or you, mode 700), so nobody can forge what it reports.",
    ja: "{what} の使用を拒否しました: {reason}。mamori は履歴・スプール・ロックを他のユーザーが書き込めない場所 (所有者が root または実行ユーザー、モード 700) にだけ置きます。報告内容を偽造されないためです。",
  },
  "watch.state.what.db": { en: "the history database {path}", ja: "履歴データベース {path}" },
  "watch.state.what.spool": { en: "the spool directory {path}", ja: "スプールディレクトリ {path}" },
  "watch.state.what.state": { en: "the state directory {path}", ja: "状態ディレクトリ {path}" },
  "watch.state.owner": {
    en: "{path} belongs to uid {uid}, not to root or the user running mamori",
    ja: "{path} の所有者は uid {uid} で、root でも実行ユーザーでもありません",
  },
  "watch.state.mode": {
    en: "{path} has mode {mode}: other users could write into it",
    ja: "{path} のモードは {mode} で、他のユーザーが書き込めます",
  },
  "watch.state.link": {
    en: "{path} is a symbolic link; mamori does not follow links to its state",
    ja: "{path} はシンボリックリンクです。mamori は状態の保存先でリンクをたどりません",
  },
  "watch.state.notdir": {
    en: "{path} is not the kind of file mamori keeps there",
    ja: "{path} は mamori がそこに置く種類のファイルではありません",
  },
  "watch.spool.refused": {
    en: "Did not import the spooled scan {file}: {reason}. It was left in place for you to inspect.",
    ja: "スプールされたスキャン {file} を取り込みませんでした: {reason}。確認できるようそのまま残しています。",
  },
  "watch.spool.invalid": {
    en: "it is not a scan mamori wrote ({detail})",
    ja: "mamori が書いたスキャンではありません ({detail})",
  },
  "watch.spool.tooLarge": { en: "it is larger than {limit} byte(s)", ja: "{limit} バイトを超えています" },
  "watch.spool.unreadable": { en: "it could not be read ({detail})", ja: "読み取れませんでした ({detail})" },
  "watch.dbLocked": { en: "database is locked", ja: "データベースがロックされています" },
  "watch.diskFull": { en: "disk is full", ja: "ディスクがいっぱいです" },
  "watch.cannotOpenDb": {
    en: "cannot open the history database {db}: {reason}",
    ja: "履歴データベース {db} を開けません: {reason}",
  },
  // history
  "watch.history.title": { en: "Scans in {db}", ja: "{db} のスキャン履歴" },
  "watch.history.empty": {
    en: "No scans stored yet. Run: mamori audit --save",
    ja: "保存されたスキャンはまだありません。実行: mamori audit --save",
  },
  "watch.history.header": {
    en: "scan id                    finished at               host  crit high med low info  command",
    ja: "スキャン ID                完了日時                  ホスト  緊急 高 中 低 情報  コマンド",
  },
  "watch.history.hostId": { en: "id {id}", ja: "ID {id}" },
  "watch.history.noHostId": {
    en: "no host id: kept under its hostname",
    ja: "ホスト ID なし: ホスト名で記録",
  },
  "watch.history.notChecked": { en: "{count} not checked", ja: "未確認 {count} 件" },
  "watch.history.deliveries": { en: "Alert deliveries", ja: "アラート送信履歴" },
  "watch.history.noDeliveries": { en: "No alerts sent yet.", ja: "送信したアラートはまだありません。" },
  "watch.delivery.sent": { en: "sent", ja: "送信済み" },
  "watch.delivery.failed": { en: "FAILED", ja: "失敗" },
  "watch.delivery.rate-limited": { en: "rate-limited (in digest)", ja: "送信制限 (ダイジェストへ)" },
  "watch.delivery.line": {
    en: "{at}  {kind} via {channel} to {target}: {status} after {attempts} attempt(s){error}",
    ja: "{at}  {kind} ({channel}) 宛先 {target}: {status} (試行 {attempts} 回){error}",
  },
  // diff
  "watch.diff.title": {
    en: "Changes from scan {from} to scan {to}",
    ja: "スキャン {from} から {to} への変化",
  },
  "watch.diff.new": { en: "New ({count})", ja: "新規 ({count})" },
  "watch.diff.resolved": { en: "Resolved ({count})", ja: "解消 ({count})" },
  "watch.diff.changed": { en: "Changed ({count})", ja: "変化 ({count})" },
  "watch.diff.unchanged": { en: "{count} finding(s) unchanged.", ja: "変化のない検出結果: {count} 件。" },
  "watch.diff.none": { en: "Nothing changed.", ja: "変化はありません。" },
  "watch.diff.otherHosts": {
    en: "need two stored scans of one host to compare: the newest scan's host {host} ({id}) has {count}; the other stored scans are of other hosts: {others}. Name two scan ids, or choose a host with --host",
    ja: "比較には同じホストの保存済みスキャンが 2 件必要です。最新のスキャンのホスト {host} ({id}) は {count} 件です。ほかの保存済みスキャンは別のホストのものです: {others}。スキャン ID を 2 つ指定するか、--host でホストを選んでください",
  },
  "watch.diff.twoHosts": {
    en: "note: these two scans are of different hosts: {from} and {to}",
    ja: "注意: この 2 つのスキャンは別のホストのものです: {from} と {to}",
  },
  "watch.diff.needTwo": {
    en: "need two stored scans to compare (found {count}); run mamori audit --save again later",
    ja: "比較には保存済みスキャンが 2 件必要です (現在 {count} 件)。後でもう一度 mamori audit --save を実行してください",
  },
  "watch.diff.unknownScan": {
    en: "no stored scan matches {ref} (see mamori history)",
    ja: "{ref} に一致する保存済みスキャンがありません (mamori history を参照)",
  },
  "watch.diff.ambiguousScan": {
    en: "{ref} matches more than one scan; give more of the id",
    ja: "{ref} は複数のスキャンに一致します。ID をもう少し長く指定してください",
  },
  "watch.diff.field.severity": { en: "severity", ja: "深刻度" },
  "watch.diff.field.confidence": { en: "confidence", ja: "確度" },
  "watch.diff.field.evidence": { en: "evidence", ja: "証拠" },
  // watch loop
  "watch.loop.started": {
    en: "mamori watch: schedule {schedule}, history {db}; next scan at {next}. Stop with Ctrl-C or SIGTERM.",
    ja: "mamori watch: スケジュール {schedule}、履歴 {db}。次回スキャン {next}。停止は Ctrl-C または SIGTERM。",
  },
  "watch.loop.scanStarted": { en: "scan started at {at}", ja: "スキャン開始 {at}" },
  "watch.loop.scanDone": {
    en: "scan {id} done: {total} finding(s), {new} new, {lines} new log line(s)",
    ja: "スキャン {id} 完了: 検出 {total} 件、新規 {new} 件、新しいログ行 {lines} 行",
  },
  "watch.loop.alerted": {
    en: "{count} new finding(s) to alert on ({queued} held for the digest)",
    ja: "通知対象の新しい検出 {count} 件 (ダイジェスト待ち {queued} 件)",
  },
  "watch.logs.busy": {
    en: "another mamori process (pid {pid}) is reading the logs right now; this scan leaves them to it",
    ja: "別の mamori プロセス (pid {pid}) がログを読み取り中のため、このスキャンでは読みません",
  },
  "watch.loop.skipped": {
    en: "previous scan still running at {at}; this run is skipped",
    ja: "{at} の時点で前回のスキャンが実行中のため、今回はスキップします",
  },
  "watch.loop.stopping": {
    en: "received {signal}: finishing the scan in progress, then stopping",
    ja: "{signal} を受信: 実行中のスキャンを完了してから停止します",
  },
  "watch.loop.stopped": { en: "mamori watch stopped.", ja: "mamori watch を停止しました。" },
  "watch.loop.scanFailed": { en: "scan failed: {reason}", ja: "スキャンに失敗しました: {reason}" },
  "watch.badSchedule": {
    en: 'invalid schedule {schedule}: {reason} (cron syntax, e.g. "*/15 * * * *")',
    ja: 'スケジュール {schedule} が不正です: {reason} (cron 形式。例: "*/15 * * * *")',
  },
  "watch.log.unreadable": {
    en: "log {path} could not be read: {reason}",
    ja: "ログ {path} を読めません: {reason}",
  },
  // schedule
  "watch.schedule.installed": {
    en: "Wrote {files}. To start it, run:",
    ja: "{files} を書き込みました。開始するには次を実行してください:",
  },
  "watch.schedule.installedCron": {
    en: "Wrote {files}. cron picks it up by itself.",
    ja: "{files} を書き込みました。cron が自動的に読み込みます。",
  },
  "watch.schedule.ran": { en: "Ran: {command}", ja: "実行しました: {command}" },
  "watch.schedule.removed": { en: "Removed {files}.", ja: "{files} を削除しました。" },
  "watch.schedule.removeHint": {
    en: "Also run: {command}",
    ja: "あわせて次を実行してください: {command}",
  },
  "watch.schedule.nothing": {
    en: "No mamori schedule is installed under {root}.",
    ja: "{root} には mamori のスケジュールはインストールされていません。",
  },
  "watch.schedule.status": {
    en: "Installed ({kind}): {files}",
    ja: "インストール済み ({kind}): {files}",
  },
  "watch.schedule.notOurs": {
    en: "{file} exists and was not written by mamori; leaving it alone",
    ja: "{file} は mamori が書いたものではないため、変更しません",
  },
  "watch.schedule.refused.link": {
    en: "{file} under {root} was left alone: a symbolic link stands on its path, and mamori follows none inside --root (an image's link could lead to this machine's own files)",
    ja: "{root} 配下の {file} には手を付けませんでした: パスにシンボリックリンクがあります。mamori は --root の中のリンクをたどりません (イメージのリンクがこのマシン自身のファイルを指している可能性があります)",
  },
  "watch.schedule.refused.not-dir": {
    en: "{file} under {root} was left alone: a component of its path is not a directory",
    ja: "{root} 配下の {file} には手を付けませんでした: パスの途中がディレクトリではありません",
  },
  "watch.schedule.refused.changed": {
    en: "{file} under {root} was left alone: it changed between the check and the change",
    ja: "{root} 配下の {file} には手を付けませんでした: 確認してから変更するまでの間に置き換えられました",
  },
  "watch.schedule.nowNotLive": {
    en: "--now only works on this machine's own root (--root /)",
    ja: "--now はこのマシン自体のルート (--root /) でのみ使えます",
  },
  "watch.schedule.noSystemctl": {
    en: "{command} was not run: no systemctl at /usr/bin/systemctl or /bin/systemctl that root alone can change (mamori never runs one found through PATH)",
    ja: "{command} は実行しませんでした: root だけが変更できる systemctl が /usr/bin/systemctl にも /bin/systemctl にもありません (PATH で見つかったものは実行しません)",
  },
  "watch.schedule.commandFailed": {
    en: "{command} failed: {reason}",
    ja: "{command} が失敗しました: {reason}",
  },
  // config
  "watch.config.invalid": {
    en: "{file}:{line}: {key}: {message}",
    ja: "{file}:{line}: {key}: {message}",
  },
  "watch.config.yaml": {
    en: "{file}:{line}: not valid YAML: {message}",
    ja: "{file}:{line}: YAML として不正です: {message}",
  },
  "watch.config.missing": { en: "config file {file} not found", ja: "設定ファイル {file} が見つかりません" },
  "watch.config.smtpClearText": {
    en: "security: none would send the SMTP password in clear text; use starttls or tls",
    ja: "security: none では SMTP のパスワードが平文で送られます。starttls か tls を使ってください",
  },
  "config.exitCodeTaken": {
    en: "2 and 3 are mamori's own exit codes (error, incomplete): choose another",
    ja: "2 と 3 は mamori 自身の終了コード (エラー、未確認あり) です。別の値を選んでください",
  },
  "watch.config.urlOrEnv": {
    en: "give exactly one of url or urlEnv",
    ja: "url と urlEnv のどちらか一方だけを指定してください",
  },
  "watch.config.envMissing": {
    en: "{key}: the environment variable {name} is not set",
    ja: "{key}: 環境変数 {name} が設定されていません",
  },
  "watch.noSpoolPg": {
    en: "PostgreSQL history has no spool file",
    ja: "PostgreSQL の履歴にはスプールファイルがありません",
  },
  "watch.schedule.fiveFields": {
    en: "use five cron fields (minute hour day-of-month month day-of-week)",
    ja: "cron の 5 つのフィールド (分 時 日 月 曜日) で指定してください",
  },
  "watch.schedule.domAndDow": {
    en: "day of month and day of week together mean OR in cron but AND in systemd; use --kind cron or one of them",
    ja: "日と曜日の同時指定は cron では OR、systemd では AND になります。--kind cron を使うか、どちらか一方にしてください",
  },
  "watch.schedule.outOfRange": {
    en: "{field} {value} is out of range",
    ja: "{field} の {value} は範囲外です",
  },
  "watch.schedule.inexpressible": {
    en: "{field} {value} cannot be expressed as a systemd calendar event; use --kind cron",
    ja: "{field} の {value} は systemd のカレンダー形式で表せません。--kind cron を使ってください",
  },
  // alerts
  "watch.alert.subject": {
    en: "[mamori] {host}: {count} new finding(s), highest {severity}",
    ja: "[mamori] {host}: 新しい検出 {count} 件 (最大深刻度 {severity})",
  },
  "watch.alert.intro": {
    en: "mamori found {count} new problem(s) on {host} in the scan at {at}:",
    ja: "{at} のスキャンで {host} に新しい問題が {count} 件見つかりました:",
  },
  "watch.alert.more": { en: "... and {count} more.", ja: "... ほか {count} 件。" },
  "watch.alert.footer": {
    en: "Details: mamori history, mamori diff. Each finding alerts once until it is resolved.",
    ja: "詳細: mamori history、mamori diff。各検出は解消されるまで一度だけ通知します。",
  },
  "watch.digest.subject": {
    en: "[mamori] {host}: daily digest, {count} finding(s)",
    ja: "[mamori] {host}: 日次ダイジェスト (検出 {count} 件)",
  },
  "watch.digest.intro": {
    en: "Findings on {host} held back for this digest (rate limit or digest mode):",
    ja: "{host} の検出のうち、このダイジェストにまとめたもの (送信制限またはダイジェスト設定による):",
  },
  "watch.alert.sendFailed": {
    en: "alert via {channel} to {target} failed after {attempts} attempt(s): {reason}",
    ja: "{channel} ({target}) へのアラート送信が {attempts} 回の試行後に失敗しました: {reason}",
  },
} as const satisfies Messages;
