/**
 * `--help` in Japanese: the command list of `mamori --help` and the options of `mamori audit --help`
 * (selected by --lang ja or a Japanese LANG). The English help text stays where the commands define it;
 * these keys replace it only in Japanese (cli/help-lang.ts). Options of the other commands are English.
 */
export const help = {
  "help.program": {
    en: "mamori (守り): security checkup for Linux web servers that run Apache httpd",
    ja: "mamori (守り): Apache httpd が動く Linux Web サーバーのセキュリティ診断",
  },
  "help.usage": { en: "Usage:", ja: "使い方:" },
  "help.options": { en: "Options:", ja: "オプション:" },
  "help.commands": { en: "Commands:", ja: "コマンド:" },
  "help.arguments": { en: "Arguments:", ja: "引数:" },
  "help.helpOption": { en: "display help for command", ja: "このコマンドのヘルプを表示します" },
  "help.helpCommand": { en: "display help for command", ja: "コマンドのヘルプを表示します" },
  "help.versionOption": { en: "output the version number", ja: "バージョンを表示します" },
  "help.default": { en: "default: {value}", ja: "既定値: {value}" },
  "help.cmd.server": {
    en: "run the fleet server: agents push their scans to it (mamori audit --push), people read them",
    ja: "フリートサーバーを動かします。各ホストが診断結果を送り (mamori audit --push)、管理者がまとめて見ます",
  },
  "help.cmd.audit": {
    en: "check this server (or --root DIR): Apache version and CVEs, configuration, logs, processes, persistence, open ports",
    ja: "このサーバー (または --root DIR) を診断します: Apache のバージョンと CVE、設定、ログ、プロセス、自動起動の設定、待ち受けポート",
  },
  "help.cmd.collect": {
    en: "read this server (or --root DIR) into a facts file, without judging it; judge it later with `mamori check FILE`",
    ja: "このサーバー (または --root DIR) の情報を判定せずにファイルへ記録します。判定は後で `mamori check FILE` で行います",
  },
  "help.cmd.check": {
    en: "judge facts saved by `mamori collect` or `mamori audit --save-facts` with the current vulnerability data, IOC lists and rules",
    ja: "`mamori collect` や `mamori audit --save-facts` で記録した情報を、最新の脆弱性データ・IOC 一覧・ルールで判定します",
  },
  "help.cmd.db": {
    en: "the vulnerability data: show how old it is, update it, or fetch the feeds for an offline server",
    ja: "脆弱性データ: 鮮度の表示、更新、オフラインのサーバー向けのデータ取得",
  },
  "help.cmd.report": {
    en: "render a saved JSON report (FILE, or - for standard input) in another format",
    ja: "保存した JSON レポート (FILE、標準入力なら -) を別の形式で表示します",
  },
  "help.cmd.respond": {
    en: "contain what a report found: stop processes, quarantine files, disable cron lines and units (dry run unless --apply)",
    ja: "レポートで見つかったものを封じ込めます: プロセス停止、ファイル隔離、cron 行とユニットの無効化 (--apply を付けない限りドライラン)",
  },
  "help.cmd.restore": {
    en: "undo a `mamori respond` change: put a quarantined file back, re-enable a cron line or unit",
    ja: "`mamori respond` の変更を元に戻します: 隔離したファイルの復元、cron 行やユニットの再有効化",
  },
  "help.cmd.verify": {
    en: "check that what the last `mamori respond --apply` did still holds (exit 0 clean, 1 something remains)",
    ja: "直前の `mamori respond --apply` の結果が保たれているか確認します: プロセスが消え、ファイルが戻らず、cron 行とユニットが無効のままか (問題なしで終了コード 0、残っていれば 1)",
  },
  "help.cmd.ports": {
    en: "list listening TCP/UDP sockets with process, user and package; flag risky services reachable from outside",
    ja: "待ち受け中の TCP/UDP ソケットをプロセス・ユーザー・パッケージと共に一覧し、外部から届く危険なサービスと閉じ方を示します (保存済みのファイアウォール設定を読むだけで何も変更しません)",
  },
  "help.cmd.probe": {
    en: "check your own web servers from outside, without harming them",
    ja: "自分の Web サーバーを外部から害を与えずに確認します: バナー、CVE-2021-41773/42013 のパストラバーサル (存在しないファイルのみ。--confirm-read なしにファイルは読まず、コマンドは実行しません)、TRACE、ディレクトリ一覧、/server-status、/server-info、.git/ と .env。自分が管理するか許可されたサーバーだけを対象にしてください。リクエストは指定したホストにだけ送ります",
  },
  "help.cmd.history": {
    en: "list stored scans (newest first) and the alert deliveries, failed ones included",
    ja: "保存した診断 (新しい順) と通知の送信記録 (失敗したものを含む) を一覧します",
  },
  "help.cmd.diff": {
    en: "what changed between two stored scans: new, resolved and changed findings",
    ja: "保存した 2 回の診断の違い: 新しい検出、解消した検出、変わった検出 (しきい値以上の新規・変更があれば終了コード 1)",
  },
  "help.cmd.watch": {
    en: "keep watching: audit on a schedule, follow the Apache logs, store every scan, alert on what is new",
    ja: "監視を続けます: 定期的に診断し、Apache のログを追い、すべての診断を保存し、新しいものを通知します (SIGTERM で停止)",
  },
  "help.cmd.schedule": {
    en: "install, remove or show a systemd timer (or /etc/cron.d file) that runs `mamori watch --once`",
    ja: "`mamori watch --once` を定期実行する systemd タイマー (systemd がなければ /etc/cron.d のファイル) を設置・削除・表示します",
  },
  "help.cmd.logs": {
    en: "read access and error logs: who attacked, with what, when, and did it work",
    ja: "アクセスログとエラーログを読みます: 誰が、何で、いつ攻撃し、成功したか",
  },
  "help.cmd.hunt": {
    en: "look for what an intruder left: cryptominers, hidden processes, backdoors and their persistence",
    ja: "侵入者が残したものを探します: 暗号通貨マイナー、隠しプロセス、バックドアとその自動起動の設定",
  },
  "help.cmd.iocs": {
    en: "IOC lists used by hunting: update from URLs or files, show status",
    ja: "侵入の痕跡の探索に使う IOC 一覧: URL やファイルからの更新、状態の表示",
  },
  "help.opt.root": {
    en: "scan the filesystem under DIR instead of this machine (a mounted image or container root)",
    ja: "このマシンの代わりに DIR 以下のファイルシステムを診断します (マウントしたイメージやコンテナのルート)",
  },
  "help.opt.format": { en: "output format: {formats}", ja: "出力形式: {formats}" },
  "help.opt.output": {
    en: "write the report to FILE instead of standard output",
    ja: "レポートを標準出力ではなく FILE に書き込みます",
  },
  "help.opt.lang": {
    en: "language of the report: ja|en (default from LANG)",
    ja: "レポートの言語: ja|en (既定値は LANG から)",
  },
  "help.opt.severity-threshold": {
    en: "lowest severity shown and counted for the exit code: critical|high|medium|low|info",
    ja: "表示し、終了コードに数える最も低い深刻度: critical|high|medium|low|info",
  },
  "help.opt.color": {
    en: "colour: auto|always|never (NO_COLOR is honoured)",
    ja: "色付け: auto|always|never (NO_COLOR を尊重します)",
  },
  "help.opt.verbose": {
    en: "list every finding on its own (human output groups findings of the same cause)",
    ja: "検出をすべて個別に表示します (人向けの出力では同じ原因の検出をまとめます)",
  },
  "help.opt.data-dir": {
    en: "directory of mamori's vulnerability and IOC data",
    ja: "mamori の脆弱性データと IOC データのディレクトリ",
  },
  "help.opt.save": {
    en: "also store this scan in the history database (mamori history, mamori diff)",
    ja: "この診断を履歴データベースにも保存します (mamori history、mamori diff)",
  },
  "help.opt.db": {
    en: "history database to store into (implies --save)",
    ja: "保存先の履歴データベース (--save を含みます)",
  },
  "help.opt.save-facts": {
    en: "also write the collected facts to FILE, to judge again later (mamori check)",
    ja: "集めた情報を FILE にも書き出し、後で判定し直せるようにします (mamori check)",
  },
  "help.opt.ignore-file": {
    en: "findings to ignore, each with a reason and an expiry date (default /etc/mamori/ignore.yaml, and ignore: in config.yaml)",
    ja: "無視する検出の一覧。各項目に理由と期限が必要です (既定は /etc/mamori/ignore.yaml と config.yaml の `ignore:`)",
  },
  "help.opt.show-ignored": {
    en: "list the ignored findings in the report",
    ja: "無視した検出もレポートに一覧表示します",
  },
  "help.opt.quiet": {
    en: "no progress or warning lines on standard error; the report is unchanged",
    ja: "標準エラーに進捗や警告を出しません (レポートは変わりません)",
  },
  "help.opt.exit-code": {
    en: "exit with N (0-125, not 2 or 3) when findings at or above --severity-threshold exist (default 1)",
    ja: "--severity-threshold 以上の検出があるときの終了コード N (0〜125、2 と 3 を除く。既定は 1)",
  },
  "help.opt.push": {
    en: "also send the report to a mamori server (https://HOST:PORT), enrolling on first use",
    ja: "レポートを mamori サーバー (https://HOST:PORT) にも送ります。初回に登録します",
  },
  "help.opt.token": {
    en: "one-time enrollment token for --push (from 'mamori server token')",
    ja: "--push の初回登録に使う一回限りのトークン (`mamori server token` で発行)",
  },
  "help.opt.server-fingerprint": {
    en: "SHA-256 fingerprint the server's certificate must have",
    ja: "サーバー証明書に求める SHA-256 フィンガープリント",
  },
  "help.arg.audit.target": {
    en: "ssh://[user@]host[:port]: audit that host over SSH with the shell collector",
    ja: "ssh://[user@]host[:port]: そのホストを SSH 越しにシェル収集スクリプトで診断します",
  },
  "help.opt.pull-every": {
    en: "pull agentless targets (mamori server pull add) without a cron of their own this often (0: only those with one)",
    ja: "cron を持たないエージェントなしの対象 (mamori server pull add) をこの間隔 (分) で確認します (0: cron を持つ対象だけ)",
  },
  "help.opt.cron": {
    en: "a schedule of its own (cron pattern) instead of --pull-every",
    ja: "--pull-every の代わりにこの対象だけの予定 (cron 形式) を使います",
  },
  "help.arg.pull.target": {
    en: "ssh://[user@]host[:port]: a host the server checks over SSH",
    ja: "ssh://[user@]host[:port]: サーバーが SSH 越しに確認するホスト",
  },
  "help.opt.tls-client-cert": {
    en: "client certificate (PEM) for --push, when the server requires one (mamori server --tls-client-ca)",
    ja: "サーバーがクライアント証明書を求めるとき (mamori server --tls-client-ca) に --push で使う証明書 (PEM)",
  },
  "help.opt.tls-client-key": {
    en: "private key (PEM) of --tls-client-cert",
    ja: "--tls-client-cert の秘密鍵 (PEM)",
  },
  "help.opt.tls-client-ca": {
    en: "require agents to present a client certificate signed by this CA (PEM) on the agent endpoints",
    ja: "エージェント用のエンドポイントで、この CA (PEM) が署名したクライアント証明書を求めます",
  },
  "help.opt.bundle": {
    en: "judge a bundle printed by the shell collector (mamori collect --script)",
    ja: "シェル収集スクリプト (mamori collect --script) が出力したバンドルを判定します",
  },
  "help.opt.sudo": {
    en: "over SSH, run the collector with sudo -n",
    ja: "SSH 越しの収集を sudo -n で実行します",
  },
  "help.opt.accept-new-host-key": {
    en: "over SSH, trust an unknown host key on first use",
    ja: "SSH で未知のホスト鍵を初回に限り信頼します",
  },
  "help.opt.ssh-config": {
    en: "over SSH, read this ssh_config (ssh -F) for keys, known_hosts, jump hosts",
    ja: "SSH の設定ファイル (ssh -F) を読み、鍵・known_hosts・踏み台を使います",
  },
  "help.opt.hosts": {
    en: "audit every ssh:// target of FILE (one a line) and print one summary",
    ja: "FILE に 1 行ずつ書いた ssh:// の各ホストを診断し、まとめを 1 つ表示します",
  },
  "help.opt.parallel": {
    en: "with --hosts, how many hosts at once (default 4)",
    ja: "--hosts で同時に診断するホストの数 (既定は 4)",
  },
  "help.opt.output-dir": {
    en: "with --hosts, also write each host's report into DIR",
    ja: "--hosts で各ホストのレポートも DIR に書き出します",
  },
} as const;
