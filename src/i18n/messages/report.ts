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
  "incident.tl.loginTries": {
    en: "{ip} began {attack}",
    ja: "{ip} が {attack} を開始",
  },
  "incident.tl.loginGuessed": {
    en: "{ip} was let in: the login page answered with the redirect a right password gets",
    ja: "{ip} のログインが通った: ログイン画面が正しいパスワードのときの転送で応答",
  },
  "incident.tl.success": {
    en: "{attack} request from {ip} succeeded",
    ja: "{ip} からの {attack} リクエストが成功",
  },
  "incident.tl.attempt": { en: "{attack} request from {ip}", ja: "{ip} からの {attack} リクエスト" },
  "incident.tl.ran": {
    en: "{ip} ran commands on the server ({attack})",
    ja: "{ip} がサーバー上でコマンドを実行 ({attack})",
  },
  "incident.tl.read": {
    en: "{ip} read {path} ({attack})",
    ja: "{ip} が {path} を読み取り ({attack})",
  },
  "incident.tl.errorLog": {
    en: "error log confirms a program ran for {ip}: {message}",
    ja: "エラーログで {ip} のためにプログラムが実行されたことを確認: {message}",
  },
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
  "incident.story.loginGuessed": {
    en: "A WordPress password was guessed at {time} from {ip} ({where}): whoever logged in could install plugins, which run code on the server.",
    ja: "{time} に {ip} から WordPress のパスワードが当てられました ({where})。ログインした者はプラグインを入れられ、それはサーバー上でコードとして動きます。",
  },
  "incident.story.exploit": {
    en: "The web server was exploited at {time} from {ip} ({attack}, {where}).",
    ja: "Web サーバーが {time} に {ip} から攻撃され、侵入されました ({attack}、{where})。",
  },
  "incident.story.attempt": {
    en: "{ip} sent {attack} requests at {time} ({where}); the log alone does not show that they succeeded.",
    ja: "{ip} が {time} に {attack} のリクエストを送りました ({where})。ログだけでは成功したかは分かりません。",
  },
  "incident.story.planted": {
    en: "Their requests ran commands on the server and name what is on it now: {names}.",
    ja: "この攻撃元のリクエストはサーバー上でコマンドを実行しており、いまサーバー上にあるものを名指ししています: {names}。",
  },
  "incident.story.ran": {
    en: "Their requests ran commands on the server.",
    ja: "この攻撃元のリクエストはサーバー上でコマンドを実行しました。",
  },
  "incident.story.otherRead": {
    en: "{ip} also got in at {time}, but only read files ({files}); reading a file runs no command and writes nothing.",
    ja: "{ip} も {time} に侵入しましたが、ファイルを読み取っただけです ({files})。ファイルの読み取りではコマンドの実行や書き込みはできません。",
  },
  "incident.story.otherRan": {
    en: "{ip} also ran commands on the server, first at {time}.",
    ja: "{ip} も {time} からサーバー上でコマンドを実行しています。",
  },
  "incident.story.otherExploited": {
    en: "{ip} also exploited the server at {time}.",
    ja: "{ip} も {time} にサーバーへの攻撃に成功しています。",
  },
  "incident.story.otherTried": {
    en: "{ip} sent requests that name what was found here, without a success in the log.",
    ja: "{ip} もここで見つかったものを名指しするリクエストを送りましたが、ログ上は成功していません。",
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
  "incident.story.fileCtime": {
    en: "{path} was changed at {time}, though its modification time claims {mtime}.",
    ja: "{path} は {time} に変更されましたが、更新時刻 (mtime) は {mtime} になっています。",
  },
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
  "report.group.count": { en: "{count} findings of this kind", ja: "同種の検出 {count} 件" },
  "report.group.examples": { en: "Examples", ja: "例" },
  "report.group.more": {
    en: "… and {count} more (--verbose lists all)",
    ja: "… ほか {count} 件 (--verbose ですべて表示)",
  },
  "report.group.nextFirst": { en: "Next step (first example)", ja: "次の手順 (1 件目の例)" },
  "report.cvesMore": { en: "… +{count} more", ja: "… ほか {count} 件" },
  "report.nextSteps": { en: "Next steps", ja: "次にすること" },
  "report.nextSteps.rest": {
    en: 'Every step and command: "What to do now" below.',
    ja: "すべての手順とコマンドは下の「今すぐ行うこと」にあります。",
  },
  "guide.next.isolate": {
    en: "Take the server off the network now, but keep it running: memory and running processes are evidence.",
    ja: "今すぐサーバーをネットワークから切り離してください。電源は切らないでください (メモリと実行中のプロセスが証拠になります)。",
  },
  "guide.next.evidence": {
    en: 'Save evidence before changing anything: logs, running programs, connections (commands under "What to do now").',
    ja: "何かを変更する前に、ログ・実行中のプログラム・接続一覧の証拠を保全してください (コマンドは「今すぐ行うこと」にあります)。",
  },
  "guide.next.contain": {
    en: "Contain it: this shows what would be done (dry run) and prints the --apply command.",
    ja: "封じ込めます。次のコマンドは実行内容を表示するだけ (ドライラン) で、--apply 付きのコマンドを案内します。",
  },
  "guide.next.containThere": {
    en: "Contain it on the server itself (this report was read from a bundle or over SSH, which mamori does not change): stop the processes, set aside the files and disable the cron lines and units the findings name.",
    ja: "サーバー上で封じ込めてください (このレポートはバンドルまたは SSH 経由で読み取ったもので、mamori はそのホストを変更しません): 検出されたプロセスを停止し、ファイルを退避し、cron 行とユニットを無効にしてください。",
  },
  "guide.next.area": { en: "{title}: {step}", ja: "{title}: {step}" },
  "guide.title": { en: "What to do now", ja: "今すぐ行うこと" },
  "guide.commands": { en: "Commands for this server", ja: "このサーバーで実行するコマンド" },
  "guide.noPm": {
    en: "The distribution was not recognised: use your package manager's equivalent of these commands.",
    ja: "ディストリビューションを判別できませんでした。お使いのパッケージマネージャーで同等の操作をしてください。",
  },
  "guide.incident.title": { en: "Incident: {title}", ja: "インシデント: {title}" },
  "guide.incident.isolate": {
    en: "Isolate the server now: take it off the network (firewall or cloud security group) but keep it running, so memory and running processes stay available as evidence.",
    ja: "今すぐサーバーを隔離してください。ネットワークから切り離し (ファイアウォールやクラウドのセキュリティグループ)、電源は切らずに動かしたままにして、メモリと実行中のプロセスを証拠として残します。",
  },
  "guide.incident.evidence": {
    en: "Preserve evidence before changing anything: copy the logs, the running programs and the connection list (commands below); if you can, snapshot the disk.",
    ja: "何かを変更する前に証拠を保全してください。ログ、実行中のプログラム、接続一覧をコピーし (下のコマンド)、可能ならディスクのスナップショットを取ります。",
  },
  "guide.incident.contain": {
    en: "Contain with `mamori respond`: it shows what it would do first (dry run); add --apply to stop the processes, quarantine the files and disable the persistence. Nothing is deleted and `mamori restore` undoes it.",
    ja: "`mamori respond` で封じ込めます。まず実行内容を表示し (ドライラン)、--apply を付けるとプロセス停止・ファイル隔離・永続化の無効化を行います。何も削除せず、`mamori restore` で元に戻せます。",
  },
  "guide.incident.rebuild": {
    en: "Rebuild rather than clean: the attacker ran code on this server and may have left more than mamori found. Install a fresh, patched system, restore data (not programs) from a backup taken before the first event in the timeline, then reconnect.",
    ja: "駆除ではなく再構築してください。攻撃者はこのサーバーでコードを実行しており、mamori が見つけた以外のものを残している可能性があります。パッチを当てた新しいシステムを用意し、タイムラインの最初の出来事より前のバックアップからデータ (プログラムではなく) を戻してから、ネットワークに接続します。",
  },
  "guide.incident.rebuildMaybe": {
    en: "Cleaning may be enough if everything ran as the web server user and you can explain every change in the timeline; if anything ran as root or you are unsure, rebuild.",
    ja: "すべてが Web サーバーのユーザー権限で動いており、タイムラインの変更をすべて説明できるなら駆除で足りる場合があります。root で動いたものがある、または確信が持てない場合は再構築してください。",
  },
  "guide.incident.credentials": {
    en: "Rotate every secret the web server could read: database passwords in application configs, API keys and tokens, TLS private keys, SSH keys and passwords of users on this server.",
    ja: "Web サーバーが読めたすべての秘密情報を変更してください。アプリケーション設定内のデータベースパスワード、API キーやトークン、TLS 秘密鍵、このサーバーのユーザーの SSH 鍵とパスワードです。",
  },
  "guide.incident.upgrade": {
    en: "Close the way in before reconnecting: upgrade Apache (commands below) and run `mamori audit` again.",
    ja: "再接続の前に侵入経路を塞いでください。Apache を更新し (下のコマンド)、もう一度 `mamori audit` を実行します。",
  },
  "guide.incident.entry": {
    en: "Find how they got in before reconnecting (the timeline starts with the first thing mamori saw, not necessarily the way in), and run `mamori audit` again.",
    ja: "再接続の前に侵入経路を突き止めてください (タイムラインは mamori が最初に確認した出来事から始まり、侵入経路とは限りません)。その後もう一度 `mamori audit` を実行します。",
  },
  "guide.incident.expert": {
    en: "Send this report (Markdown or HTML) to your security contact; if personal data was on the server, check your duty to report the breach.",
    ja: "このレポート (Markdown または HTML) をセキュリティの担当者に送ってください。個人情報が漏えいした可能性があれば、個人情報保護委員会への報告義務を確認してください。不正アクセスの被害は JPCERT/CC にも届け出られます。",
  },
  "guide.apache.title": { en: "Vulnerable Apache", ja: "脆弱な Apache" },
  "guide.apache.now": {
    en: "Upgrade Apache to a fixed release now; until then, take the site offline or block the vulnerable paths.",
    ja: "今すぐ Apache を修正済みのバージョンに更新してください。それまではサイトを止めるか、脆弱なパスへのアクセスを遮断します。",
  },
  "guide.apache.sourceBuild": {
    en: "{paths} was not installed by the package manager: upgrading the package does not fix it. Stop it and replace it with the distribution's package or the current Apache release.",
    ja: "{paths} はパッケージマネージャーでインストールされたものではないため、パッケージの更新では直りません。停止して、ディストリビューションのパッケージか最新の Apache に置き換えてください。",
  },
  "guide.apache.package": {
    en: "Update the distribution's package (it carries the security fixes even if the version number looks old).",
    ja: "ディストリビューションのパッケージを更新してください (バージョン番号が古く見えても修正は取り込まれています)。",
  },
  "guide.apache.config.title": { en: "Risky Apache configuration", ja: "危険な Apache 設定" },
  "guide.apache.config.now": {
    en: "Change the directives named in the findings, check the configuration and reload Apache.",
    ja: "検出結果にある設定を変更し、設定を検査してから Apache を再読み込みしてください。",
  },
  "guide.logs.title": { en: "Attacks in the logs", ja: "ログに残った攻撃" },
  "guide.logs.now": {
    en: "Keep a copy of the logs before they rotate away; blocked or failed attempts need no action beyond keeping Apache up to date.",
    ja: "ローテーションで消える前にログのコピーを残してください。遮断・失敗した攻撃は、Apache を最新に保つ以外の対応は不要です。",
  },
  "guide.logs.succeeded": {
    en: "A request that succeeded means the attacker may have run code: treat the server as compromised and follow the incident steps.",
    ja: "成功したリクエストは攻撃者がコードを実行した可能性を意味します。侵害されたものとしてインシデントの手順に従ってください。",
  },
  "guide.process.title": { en: "Suspicious processes", ja: "不審なプロセス" },
  "guide.process.now": {
    en: "Do not just kill it: it usually comes back from its persistence. Save the evidence first, then stop it and its persistence together.",
    ja: "単に停止するだけでは、永続化の仕組みから再び起動します。先に証拠を保存し、プロセスと永続化を同時に止めてください。",
  },
  "guide.process.evidence": {
    en: "The program may already be deleted from disk; /proc/PID/exe still holds a copy while it runs.",
    ja: "プログラムはディスクから削除されていることがありますが、実行中は /proc/PID/exe にコピーが残っています。",
  },
  "guide.persistence.title": {
    en: "Persistence (cron, systemd, startup files)",
    ja: "永続化 (cron、systemd、起動ファイル)",
  },
  "guide.persistence.now": {
    en: "Disable the entries (mamori keeps a backup) and look for the program they start.",
    ja: "設定を無効化し (mamori がバックアップを残します)、それが起動するプログラムを確認してください。",
  },
  "guide.file.title": { en: "Suspicious files", ja: "不審なファイル" },
  "guide.file.now": {
    en: "Record the hash, then quarantine the file (it is moved, not deleted).",
    ja: "ハッシュ値を記録してから、ファイルを隔離してください (削除ではなく移動します)。",
  },
  "guide.network.title": { en: "Suspicious connections", ja: "不審な通信" },
  "guide.network.now": {
    en: "Block the remote address outbound and find the process that opened the connection.",
    ja: "通信先への送信を遮断し、その接続を開いたプロセスを確認してください。",
  },
  "guide.exposure.title": { en: "Services open to the network", ja: "ネットワークに公開されたサービス" },
  "guide.exposure.now": {
    en: "Bind services that need no outside access to 127.0.0.1, or block their port in the firewall.",
    ja: "外部からのアクセスが不要なサービスは 127.0.0.1 だけで待ち受けるようにするか、ファイアウォールでポートを塞いでください。",
  },
  "html.see.incident": { en: "The incident", ja: "該当するインシデント" },
  "html.see.finding": { en: "The finding", ja: "該当する検出結果" },
  "html.see.findings": { en: "The findings ({count})", ja: "該当する検出結果 ({count} 件)" },
  "html.group.all": { en: "All {count}, one by one", ja: "全 {count} 件を個別に表示" },
  "html.group.more": { en: "… and {count} more (listed below)", ja: "… ほか {count} 件 (下に一覧)" },
  "html.incidents": { en: "Incidents", ja: "インシデント" },
  "html.attackers": { en: "Attacker", ja: "攻撃元" },
  "html.entryPoint": { en: "Way in", ja: "侵入経路" },
  "html.sources": { en: "Sources that agree", ja: "一致した情報源" },
  "incident.sourceName.logs": { en: "logs", ja: "ログ" },
  "incident.sourceName.processes": { en: "processes", ja: "プロセス" },
  "incident.sourceName.files": { en: "files", ja: "ファイル" },
  "incident.sourceName.network": { en: "network", ja: "通信" },
  "html.time": { en: "Time", ja: "時刻" },
  "html.timeSource": { en: "Time from", ja: "時刻の出典" },
  "html.event": { en: "What happened", ja: "出来事" },
  "html.charts": { en: "Charts", ja: "グラフ" },
  "html.noIncidents": {
    en: "No incident: no two independent sources point at the same break-in.",
    ja: "インシデントはありません (同じ侵入を示す独立した情報源が 2 つ以上ありません)。",
  },
  "html.noData": {
    en: "No data for this chart in the report.",
    ja: "このグラフのデータはレポートにありません。",
  },
  "html.chart.attacks": { en: "Attack attempts per hour, by outcome", ja: "1 時間ごとの攻撃の試行 (結果別)" },
  "html.chart.timeline": { en: "Incident timeline", ja: "インシデントのタイムライン" },
  "html.chart.cpu": { en: "CPU time by process", ja: "プロセスごとの CPU 時間" },
  "html.chart.severity": { en: "Findings by severity", ja: "深刻度ごとの検出結果" },
  "html.attempts": { en: "requests", ja: "リクエスト数" },
  "html.outcome.succeeded": { en: "succeeded", ja: "成功" },
  "html.outcome.blocked": { en: "blocked", ja: "遮断" },
  "html.outcome.failed": { en: "failed", ja: "失敗" },
  "html.outcome.unknown": { en: "unknown", ja: "不明" },
  "html.process": { en: "Process", ja: "プロセス" },
  "html.cpuSeconds": { en: "CPU seconds", ja: "CPU 秒" },
  "html.incident": { en: "Incident", ja: "インシデント" },
  "html.kind.exploit": { en: "exploit", ja: "攻撃" },
  "html.kind.process": { en: "process", ja: "プロセス" },
  "html.kind.file": { en: "file", ja: "ファイル" },
  "html.kind.persistence": { en: "persistence", ja: "永続化" },
  "html.kind.network": { en: "network", ja: "通信" },
  "html.finding": { en: "Finding", ja: "検出内容" },
  "html.check": { en: "Check", ja: "チェック" },
  "html.ip": { en: "IP", ja: "IP アドレス" },
  "html.events": { en: "Attack requests in the logs", ja: "ログ内の攻撃リクエスト" },
  "html.moreEvents": {
    en: "{count} more in the JSON report.",
    ja: "ほかに {count} 件が JSON レポートにあります。",
  },
  "html.attack": { en: "Attack", ja: "攻撃" },
  "html.outcome": { en: "Outcome", ja: "結果" },
  "html.where": { en: "Log line", ja: "ログの行" },
  "html.request": { en: "Request", ja: "リクエスト" },
  "respond.dryRun": {
    en: "Dry run: nothing was changed. Add --apply to do the following:",
    ja: "ドライラン: 何も変更していません。--apply を付けると次を実行します:",
  },
  "respond.applied": { en: "Applied:", ja: "実行結果:" },
  "respond.nothing": {
    en: "Nothing to do: no action selected.",
    ja: "実行する操作がありません (何も選択されていません)。",
  },
  "respond.unknownFinding": {
    en: "no finding with id {id} in the report",
    ja: "レポートに ID {id} の検出結果がありません",
  },
  "respond.unknownIncident": {
    en: "no incident with id {id} in the report",
    ja: "レポートに ID {id} のインシデントがありません",
  },
  "respond.noAction": {
    en: "{id}: nothing to contain (not a process, file or persistence finding)",
    ja: "{id}: 封じ込める対象がありません (プロセス・ファイル・永続化の検出結果ではありません)",
  },
  "respond.needReport": {
    en: "--finding and --all-critical need a JSON report",
    ja: "--finding と --all-critical には JSON レポートが必要です",
  },
  "respond.badCron": {
    en: "--disable-cron expects FILE:LINE, got {value}",
    ja: "--disable-cron には FILE:LINE を指定してください: {value}",
  },
  "respond.badPid": {
    en: "--kill expects a process id, got {value}",
    ja: "--kill にはプロセス ID を指定してください: {value}",
  },
  "respond.action.kill": {
    en: "stop process {pid} ({exe}, started {start})",
    ja: "プロセス {pid} を停止 ({exe}、開始 {start})",
  },
  "respond.action.quarantine": { en: "move {path} into the quarantine", ja: "{path} を隔離フォルダーへ移動" },
  "respond.action.disable-cron": {
    en: "comment out line {line} of {path}",
    ja: "{path} の {line} 行目をコメントアウト",
  },
  "respond.action.disable-unit": {
    en: "mask systemd unit {name} (link to /dev/null in /etc/systemd/system)",
    ja: "systemd ユニット {name} をマスク (/etc/systemd/system に /dev/null へのリンクを作成)",
  },
  "respond.status.planned": { en: "would", ja: "予定" },
  "respond.status.done": { en: "done", ja: "完了" },
  "respond.status.skipped": { en: "skipped", ja: "省略" },
  "respond.status.refused": { en: "REFUSED", ja: "拒否" },
  "respond.status.failed": { en: "FAILED", ja: "失敗" },
  "respond.restoreHint": { en: "undo with: mamori restore {id}", ja: "元に戻すには: mamori restore {id}" },
  "respond.unitHint": {
    en: "then run: systemctl daemon-reload && systemctl stop {name}",
    ja: "続けて実行してください: systemctl daemon-reload && systemctl stop {name}",
  },
  "respond.reason.pid-gone": { en: "the process is no longer running", ja: "プロセスはもう動いていません" },
  "respond.reason.pid-reused": {
    en: "the pid now belongs to a different process; it was left alone",
    ja: "この pid は別のプロセスに再利用されています。停止しませんでした",
  },
  "respond.reason.no-start-time": {
    en: "the report has no start time for this pid, so it cannot be shown to be the same process",
    ja: "レポートにこの pid の開始時刻がなく、同じプロセスか確認できません",
  },
  "respond.reason.no-exe": {
    en: "the report has no executable for this pid, so it cannot be shown to be the same process",
    ja: "レポートにこの pid の実行ファイルがなく、同じプロセスか確認できません",
  },
  "respond.reason.not-live": {
    en: "processes can only be stopped on this machine (--root /)",
    ja: "プロセスを停止できるのはこのマシン自体 (--root /) の場合のみです",
  },
  "respond.reason.missing": { en: "not found", ja: "見つかりません" },
  "respond.reason.not-regular": { en: "not a regular file", ja: "通常のファイルではありません" },
  "respond.reason.no-line": { en: "the file has no such line", ja: "その行がありません" },
  "respond.reason.already": { en: "already done", ja: "実行済みです" },
  "respond.reason.exists": {
    en: "something is at the original path again, so nothing was overwritten; if the quarantined file came back, run `mamori verify` and `mamori hunt` to find what put it there",
    ja: "元の場所に再びファイルがあるため、上書きしませんでした。隔離したファイルが戻ってきた場合は、`mamori verify` と `mamori hunt` で何が戻したかを調べてください",
  },
  "respond.reason.in-place": {
    en: "the original is still in place (the quarantine was interrupted); nothing to restore",
    ja: "元のファイルはそのまま残っています (隔離が中断されました)。復元は不要です",
  },
  "respond.reason.changed": {
    en: "the file changed while it was copied",
    ja: "コピー中にファイルが変更されました",
  },
  "respond.reason.incomplete": { en: "the quarantine entry is incomplete", ja: "隔離データが不完全です" },
  "respond.reason.superseded": {
    en: "a later attempt quarantined this file; restore that entry instead",
    ja: "この後の操作でファイルが隔離されています。そちらのエントリーを復元してください",
  },
  "respond.reason.evidence": {
    en: "this entry is evidence (a copy of a stopped program), not something to put back",
    ja: "このエントリーは証拠 (停止したプログラムのコピー) であり、元に戻す対象ではありません",
  },
  "respond.evidenceKept": {
    en: "its program and command line were kept as evidence: {id}",
    ja: "プログラムとコマンドラインを証拠として保存しました: {id}",
  },
  "respond.reason.bad-name": { en: "not a valid unit name", ja: "ユニット名が不正です" },
  "respond.reason.link": {
    en: "a symbolic link stands in the path; mamori does not follow it",
    ja: "パスの途中にシンボリックリンクがあります。mamori はリンクをたどりません",
  },
  "respond.reason.unsafe-dir": {
    en: "the directory could be changed by another user (wrong owner or mode); refused",
    ja: "ディレクトリを他のユーザーが変更できます (所有者または権限が不正)。中止しました",
  },
  "respond.reason.other-root": {
    en: "this entry was made for another --root; give that --root to restore it",
    ja: "このエントリーは別の --root で作成されました。その --root を指定して復元してください",
  },
  "respond.reason.bad-manifest": {
    en: "the entry's manifest is not valid; it is not trusted",
    ja: "エントリーのマニフェストが不正なため、信頼しません",
  },
  "respond.reason.too-large": { en: "the file is too large to handle", ja: "ファイルが大きすぎて扱えません" },
  "respond.reason.corrupt": {
    en: "the quarantined copy does not match its record",
    ja: "隔離したコピーが記録と一致しません",
  },
  "respond.reason.marker-gone": {
    en: "the file changed since and no longer holds mamori's marker; nothing was changed",
    ja: "ファイルがその後変更され、mamori の目印がありません。何も変更しませんでした",
  },
  "respond.unsafeQuarantine": {
    en: "refusing the quarantine directory {dir}: {detail} (it must be a directory only you (root) can change, mode 0700)",
    ja: "隔離ディレクトリ {dir} を使用しません: {detail} (root のみが変更できる権限 0700 のディレクトリが必要です)",
  },
  "respond.quarantineInRoot": {
    en: "the quarantine directory {dir} is inside the image {root}: an image must not decide what is restored; use a directory on this machine",
    ja: "隔離ディレクトリ {dir} がイメージ {root} の中にあります。イメージの中身で復元内容を決めさせないため、このマシン上のディレクトリを指定してください",
  },
  "respond.setidDropped": {
    en: "note: the set-user-id/set-group-id bits ({bits}) were NOT restored; run again with --keep-setid if they are really wanted",
    ja: "注意: set-user-id/set-group-id ビット ({bits}) は復元していません。本当に必要なら --keep-setid を付けて再実行してください",
  },
  "respond.setidKept": {
    en: "note: the set-user-id/set-group-id bits ({bits}) were restored, as --keep-setid asked",
    ja: "注意: --keep-setid の指定により set-user-id/set-group-id ビット ({bits}) を復元しました",
  },
  "respond.listBad": {
    en: "{id}  invalid entry, not trusted: {detail}",
    ja: "{id}  不正なエントリー (信頼しません): {detail}",
  },
  "respond.restored": { en: "restored {id}: {path}", ja: "{id} を復元しました: {path}" },
  "respond.restoredMarker": {
    en: "restored {id}: {path} changed since, so only the disabled line was put back",
    ja: "{id} を復元しました: {path} はその後変更されていたため、無効化した行のみ戻しました",
  },
  "respond.listEmpty": { en: "The quarantine at {dir} is empty.", ja: "{dir} の隔離フォルダーは空です。" },
  "respond.needId": { en: "give an entry id, or --list", ja: "エントリー ID か --list を指定してください" },
  "respond.badId": {
    en: "{id} is not a quarantine entry id (see mamori restore --list)",
    ja: "{id} は隔離エントリーの ID ではありません (mamori restore --list を参照)",
  },
} as const satisfies Messages;
