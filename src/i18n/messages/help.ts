/**
 * `--help` in Japanese: the command list of `mamori --help` and every command's and subcommand's help
 * (selected by --lang ja or a Japanese LANG). The English help text stays where the commands define it;
 * these keys replace it only in Japanese (cli/help-lang.ts): `help.cmd.PATH` a command's or subcommand's
 * summary ("help.cmd.db.update"), `help.arg.PATH.NAME` an argument, `help.opt.PATH.LONG` an option of one
 * command and `help.opt.LONG` the same option everywhere else.
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
    en: "lowest severity shown and counted for the exit code: critical|high|medium|low|info (default low, or severityThreshold in config.yaml)",
    ja: "表示し、終了コードに数える最も低い深刻度: critical|high|medium|low|info (既定は `low`、config.yaml に `severityThreshold` があればその値)",
  },
  "help.opt.color": {
    en: "colour: auto|always|never (NO_COLOR is honoured)",
    ja: "色付け: auto|always|never (NO_COLOR を尊重します)",
  },
  "help.opt.verbose": {
    en: "list every finding on its own (human output groups findings of the same cause), and every log file read",
    ja: "検出をすべて個別に表示し (人向けの出力では同じ原因の検出をまとめます)、読み込んだログファイルもすべて表示します",
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
    en: "exit with N (0-125, not 2 or 3) when findings at or above --severity-threshold exist (default 1, or exitCode in config.yaml)",
    ja: "--severity-threshold 以上の検出があるときの終了コード N (0〜125、2 と 3 を除く。既定は 1、config.yaml に `exitCode` があればその値)",
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
  "help.arg.server.pull.add.target": {
    en: "ssh://[user@]host[:port]: a host the server checks over SSH",
    ja: "ssh://[user@]host[:port]: サーバーが SSH 越しに確認するホスト",
  },
  "help.arg.server.pull.remove.target": {
    en: "the target's ssh:// address or its host id",
    ja: "対象の ssh:// アドレスまたはホスト ID",
  },
  "help.cmd.server.pull": {
    en: "hosts without mamori that the server checks over SSH on a schedule (agentless)",
    ja: "mamori を入れていないホストを、サーバーが SSH 越しに定期的に確認します (エージェントなし)",
  },
  "help.cmd.server.pull.add": {
    en: "register ssh://[user@]host[:port]; prints the server's public key to install there",
    ja: "ssh://[user@]host[:port] を登録し、そのホストに置くサーバーの公開鍵を表示します",
  },
  "help.cmd.server.pull.list": {
    en: "the registered targets and how their last pull went",
    ja: "登録した対象と、前回の確認の結果",
  },
  "help.cmd.server.pull.remove": {
    en: "stop checking a target (by ssh:// address or host id); its reports stay",
    ja: "対象の確認をやめます (ssh:// アドレスまたはホスト ID で指定)。これまでのレポートは残ります",
  },
  "help.cmd.server.pull.key": {
    en: "print the server's SSH public key (made on first use)",
    ja: "サーバーの SSH 公開鍵を表示します (初回に作成)",
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
  "help.opt.config": {
    en: "configuration file (default /etc/mamori/config.yaml when it exists)",
    ja: "設定ファイル (既定は /etc/mamori/config.yaml、存在する場合)",
  },
  "help.opt.quarantine-dir": {
    en: "where moved files and backups go, on this machine (default /var/lib/mamori/quarantine, also with --root)",
    ja: "移動したファイルとバックアップの置き場所。このマシン上です (既定は /var/lib/mamori/quarantine、--root のときも同じ)",
  },
  "help.opt.feed-url": {
    en: "URL of one feed (repeatable; id/file=url for one file of a feed). Feeds: apache, kev, debian, ubuntu-osv, almalinux-osv, rocky-osv, alpine-secdb",
    ja: "1 つのフィードの URL (複数指定可。フィード内の 1 ファイルは id/file=url)。フィード: apache, kev, debian, ubuntu-osv, almalinux-osv, rocky-osv, alpine-secdb",
  },
  "help.opt.timeout": {
    en: "give up on a download after this many seconds",
    ja: "ダウンロードをこの秒数で打ち切ります",
  },
  "help.opt.feed": {
    en: "comma-separated feed ids to refresh (default: all); the others keep their data",
    ja: "更新するフィードの ID をカンマ区切りで指定します (既定はすべて)。他のフィードのデータはそのままです",
  },
  "help.opt.blocklist": {
    en: "write the attackers' addresses instead of the report: plain|crowdsec (plain: one address a line; crowdsec: CSV for cscli decisions import -i FILE); an address is listed when what it tried is at or above --severity-threshold, even if it failed (a failed attempt is a low finding)",
    ja: "レポートの代わりに攻撃元のアドレスを書き出します: plain|crowdsec (plain は 1 行に 1 アドレス、crowdsec は cscli decisions import -i FILE 用の CSV)。試みた攻撃の重大度が --severity-threshold 以上なら、失敗していても (失敗した試みの所見は重大度「注意」) 一覧に含めます",
  },
  "help.opt.blocklist-private": {
    en: "also list private, loopback and link-local addresses",
    ja: "プライベート、ループバック、リンクローカルのアドレスも一覧に含めます",
  },
  "help.opt.blocklist-duration": {
    en: "how long CrowdSec bans each address (default 24h)",
    ja: "CrowdSec が各アドレスを遮断する期間 (既定は 24h)",
  },
  "help.opt.script": {
    en: "print the shell collector instead (for hosts without mamori: `ssh HOST sh -s < it > B`, then `mamori audit --bundle B`)",
    ja: "代わりにシェル収集スクリプトを出力します (mamori のないホスト向け: `ssh HOST sh -s < it > B` の後に `mamori audit --bundle B`)",
  },
  "help.opt.distro": {
    en: "judge the age for packages of this distro (os-release ID; default: this host's /etc/os-release, 'none' for Apache built from source)",
    ja: "このディストリビューションのパッケージとして古さを判定します (os-release の ID。既定はこのホストの /etc/os-release、ソースからビルドした Apache なら 'none')",
  },
  "help.opt.apache-url": {
    en: "Apache's consolidated CVE JSON (env MAMORI_APACHE_URL)",
    ja: "Apache の CVE 一覧 JSON (環境変数 MAMORI_APACHE_URL)",
  },
  "help.opt.kev-url": {
    en: "CISA KEV JSON (env MAMORI_KEV_URL)",
    ja: "CISA KEV の JSON (環境変数 MAMORI_KEV_URL)",
  },
  "help.opt.debian-url": {
    en: "Debian security tracker JSON (env MAMORI_DEBIAN_URL)",
    ja: "Debian セキュリティトラッカーの JSON (環境変数 MAMORI_DEBIAN_URL)",
  },
  "help.opt.from": {
    en: "read every feed from DIR/<feed>/<file> (made by `mamori db fetch --to DIR`) instead of the network",
    ja: "すべてのフィードをネットワークの代わりに DIR/<feed>/<file> から読みます (`mamori db fetch --to DIR` で作成)",
  },
  "help.opt.from-server": {
    en: "take the vulnerability data and IOC lists from the mamori server this host pushes to (https://HOST:PORT)",
    ja: "このホストの送信先の mamori サーバー (https://HOST:PORT) から脆弱性データと IOC 一覧を取得します",
  },
  "help.opt.to": {
    en: "save the files as DIR/<feed>/<file>",
    ja: "ファイルを DIR/<feed>/<file> として保存します",
  },
  "help.opt.finding": {
    en: "act on this finding of the report (repeatable)",
    ja: "レポートのこの検出に対処します (複数指定可)",
  },
  "help.opt.incident": {
    en: "act on every finding of this incident (ids as in the report's incidents)",
    ja: "このインシデントの検出すべてに対処します (ID はレポートのインシデント一覧のもの)",
  },
  "help.opt.all-critical": {
    en: "act on every critical finding of the report",
    ja: "レポートの緊急の検出すべてに対処します",
  },
  "help.opt.kill": {
    en: "stop this process, if it is still the one the report saw (repeatable)",
    ja: "このプロセスを停止します。レポートが見たプロセスのままの場合だけです (複数指定可)",
  },
  "help.opt.quarantine": {
    en: "move this file into the quarantine (repeatable)",
    ja: "このファイルを隔離場所へ移動します (複数指定可)",
  },
  "help.opt.disable-cron": {
    en: "comment out this line of a cron file (repeatable)",
    ja: "cron ファイルのこの行をコメントアウトします (複数指定可)",
  },
  "help.opt.disable-unit": {
    en: "mask this systemd unit (repeatable)",
    ja: "この systemd ユニットをマスクします (複数指定可)",
  },
  "help.opt.dry-run": {
    en: "show what would be done (the default)",
    ja: "何を行うかを表示するだけにします (既定の動作)",
  },
  "help.opt.apply": {
    en: "do it",
    ja: "実際に実行します",
  },
  "help.opt.force": {
    en: "also move system, package-owned and Apache files, and act on low-confidence findings (refused otherwise)",
    ja: "システムのファイル、パッケージのファイル、Apache のファイルも移動し、確度の低い検出にも対処します (指定しなければ拒否します)",
  },
  "help.opt.list": {
    en: "list the quarantine entries",
    ja: "隔離した項目を一覧します",
  },
  "help.opt.keep-setid": {
    en: "also restore set-user-id/set-group-id bits (cleared otherwise)",
    ja: "set-user-id/set-group-id ビットも戻します (指定しなければ外したまま)",
  },
  "help.opt.targets": {
    en: "read more URLs from FILE, one per line (# comments)",
    ja: "FILE から URL を 1 行に 1 つずつ読みます (# でコメント)",
  },
  "help.opt.path": {
    en: "also send traversal requests through this Alias/ScriptAlias prefix (repeatable)",
    ja: "この Alias/ScriptAlias の接頭辞を通してもパストラバーサルのリクエストを送ります (複数指定可)",
  },
  "help.opt.max-bytes": {
    en: "read at most N bytes of each response body",
    ja: "各レスポンス本文を最大 N バイトまで読みます",
  },
  "help.opt.rate": {
    en: "at most N requests per second to each host",
    ja: "各ホストへのリクエストを毎秒最大 N 件にします",
  },
  "help.opt.concurrency": {
    en: "probe at most N targets at once",
    ja: "同時に確認する対象を最大 N 個にします",
  },
  "help.opt.max-redirects": {
    en: "follow at most N redirects of the first request (same host only)",
    ja: "最初のリクエストのリダイレクトに最大 N 回従います (同じホストのみ)",
  },
  "help.opt.follow-other-hosts": {
    en: "also follow redirects to other hosts (they then receive requests too)",
    ja: "他のホストへのリダイレクトにも従います (そのホストにもリクエストが届きます)",
  },
  "help.opt.insecure": {
    en: "do not verify TLS certificates (your own self-signed servers)",
    ja: "TLS 証明書を検証しません (自分の自己署名サーバー向け)",
  },
  "help.opt.confirm-read": {
    en: "when a traversal looks vulnerable, read one harmless file through it to confirm (default /usr/share/common-licenses/Apache-2.0); never through a script alias",
    ja: "パストラバーサルの脆弱性が疑われるとき、無害なファイルを 1 つ読んで確かめます (既定は /usr/share/common-licenses/Apache-2.0)。スクリプトのエイリアス経由では読みません",
  },
  "help.opt.read-file": {
    en: "the file --confirm-read reads instead (its content is never shown)",
    ja: "--confirm-read が代わりに読むファイル (内容は表示しません)",
  },
  "help.opt.limit": {
    en: "show at most N scans",
    ja: "最大 N 件の診断を表示します",
  },
  "help.opt.host": {
    en: "only scans and deliveries of this host (its id or its hostname)",
    ja: "このホスト (ID またはホスト名) の診断と通知だけを表示します",
  },
  "help.opt.schedule": {
    en: 'when to scan, in cron syntax (default from the config file, else "*/15 * * * *")',
    ja: '診断する時刻を cron の書式で指定します (既定は設定ファイルの値、なければ "*/15 * * * *")',
  },
  "help.opt.once": {
    en: "run one scan now and exit (what a systemd timer or cron job calls)",
    ja: "今 1 回だけ診断して終了します (systemd タイマーや cron から呼ぶ形)",
  },
  "help.opt.accept-baseline": {
    en: "record the current state as the new baseline (after a change you made)",
    ja: "現在の状態を新しい基準として記録します (自分で変更を加えた後に)",
  },
  "help.opt.kind": {
    en: "systemd|cron (default: systemd when the root has it)",
    ja: "systemd|cron (既定はルートに systemd があれば systemd)",
  },
  "help.opt.now": {
    en: "also run systemctl (daemon-reload, enable/disable --now); only on this machine's root",
    ja: "systemctl (daemon-reload、enable/disable --now) も実行します。このマシンのルートに対してだけ使えます",
  },
  "help.opt.log-format": {
    en: "access log format: a nickname (combined, common, vhost_combined) or a LogFormat string",
    ja: "アクセスログの形式: 名前 (combined, common, vhost_combined) または LogFormat の文字列",
  },
  "help.opt.allowlist": {
    en: "YAML list of accepted items (path+sha256, user or pool), each with reason and expires",
    ja: "許可する項目の YAML 一覧 (パスと sha256、ユーザー、またはプール)。各項目に理由 (`reason`) と期限 (`expires`) が必要です",
  },
  "help.opt.watts-per-core": {
    en: "power of one busy CPU core for the cost estimate (default 15)",
    ja: "費用の見積もりに使う、使用中の CPU コア 1 つの消費電力 (既定は 15)",
  },
  "help.opt.price-per-kwh": {
    en: "electricity price per kWh (default 31)",
    ja: "1 kWh あたりの電気料金 (既定は 31)",
  },
  "help.opt.currency": {
    en: "currency of --price-per-kwh (default JPY)",
    ja: "--price-per-kwh の通貨 (既定は JPY)",
  },
  "help.opt.sample-ms": {
    en: "length of the live CPU sample, 0 to skip (default 1000)",
    ja: "稼働中の CPU 使用率を測る時間 (ミリ秒、0 で省略。既定は 1000)",
  },
  "help.opt.feed-dir": {
    en: "directory of IOC lists from `mamori iocs update`",
    ja: "`mamori iocs update` で取得した IOC 一覧のディレクトリ",
  },
  "help.opt.data": {
    en: "data directory (SQLite database, TLS certificate; created 0700); required",
    ja: "データディレクトリ (SQLite データベースと TLS 証明書。0700 で作成)。必須です",
  },
  "help.opt.listen": {
    en: "address to listen on",
    ja: "待ち受けるアドレス",
  },
  "help.opt.tls-cert": {
    en: "certificate (PEM); without it a self-signed one is made in the data directory",
    ja: "証明書 (PEM)。指定しなければデータディレクトリに自己署名の証明書を作ります",
  },
  "help.opt.tls-key": {
    en: "private key (PEM) of --tls-cert",
    ja: "--tls-cert の秘密鍵 (PEM)",
  },
  "help.opt.rejudge-every": {
    en: "look this often for new vulnerability/IOC data and judge every host's stored facts again (0: only at start)",
    ja: "この間隔で新しい脆弱性データと IOC データを確認し、全ホストの保存済みの情報を判定し直します (0 なら起動時のみ)",
  },
  "help.opt.retention-days": {
    en: "days events and old reports are kept (each host's latest report always is)",
    ja: "イベントと古いレポートを保存する日数 (各ホストの最新のレポートは常に残します)",
  },
  "help.opt.ioc-file": {
    en: "an IOC list file (JSON, as in data/iocs/) to add or replace (repeatable)",
    ja: "追加または置き換える IOC 一覧のファイル (data/iocs/ と同じ JSON。複数指定可)",
  },
  "help.opt.no-feeds": {
    en: "do not read the vulnerability feeds (only --ioc-file, then re-judge)",
    ja: "脆弱性フィードを読みません (--ioc-file だけを読み、判定し直します)",
  },
  "help.opt.ttl": {
    en: "hours until the token expires",
    ja: "トークンの有効期限 (時間)",
  },
  "help.opt.role": {
    en: "admin (may revoke hosts) or viewer (reads only)",
    ja: "admin (ホストを失効できます) または viewer (閲覧のみ)",
  },
  "help.opt.collect.output": {
    en: "write the facts (JSON) to FILE, or - for standard output",
    ja: "集めた情報 (JSON) を FILE に書き出します。標準出力なら -",
  },
  "help.opt.collect.root": {
    en: "read the filesystem under DIR instead of this machine (a mounted image or container root)",
    ja: "このマシンの代わりに DIR 以下のファイルシステムを読みます (マウントしたイメージやコンテナのルート)",
  },
  "help.opt.collect.lang": {
    en: "language of the notes on what could not be read: ja|en (default from LANG)",
    ja: "読めなかったものについての注記の言語: ja|en (既定は LANG から)",
  },
  "help.opt.collect.data-dir": {
    en: "directory of mamori's data",
    ja: "mamori のデータのディレクトリ",
  },
  "help.arg.check.file": {
    en: "facts files (JSON)",
    ja: "記録した情報のファイル (JSON)",
  },
  "help.cmd.db.status": {
    en: "show the vulnerability data's sources, their dates and ages",
    ja: "脆弱性データの取得元、日付、経過日数を表示します",
  },
  "help.opt.db.status.data-dir": {
    en: "directory of mamori's vulnerability data (default: the data/ directory of mamori)",
    ja: "mamori の脆弱性データのディレクトリ (既定は mamori の data/ ディレクトリ)",
  },
  "help.opt.db.status.lang": {
    en: "language of the messages: ja|en (default from LANG)",
    ja: "メッセージの言語: ja|en (既定は LANG から)",
  },
  "help.cmd.db.update": {
    en: "read the feeds (apache, kev, debian, ubuntu-osv, almalinux-osv, rocky-osv, alpine-secdb) and replace the data in one step",
    ja: "フィード (apache, kev, debian, ubuntu-osv, almalinux-osv, rocky-osv, alpine-secdb) を読み、データを一度に置き換えます",
  },
  "help.opt.db.update.data-dir": {
    en: "directory of mamori's vulnerability data (default: the data/ directory of mamori)",
    ja: "mamori の脆弱性データのディレクトリ (既定は mamori の data/ ディレクトリ)",
  },
  "help.opt.db.update.lang": {
    en: "language of the messages: ja|en (default from LANG)",
    ja: "メッセージの言語: ja|en (既定は LANG から)",
  },
  "help.opt.db.update.config": {
    en: "configuration file with feed URLs (default /etc/mamori/config.yaml when it exists)",
    ja: "フィードの URL を書いた設定ファイル (既定は /etc/mamori/config.yaml、存在する場合)",
  },
  "help.cmd.db.fetch": {
    en: "download the feeds' files into a directory, to copy to a server without network",
    ja: "ネットワークのないサーバーへ運ぶため、フィードのファイルをディレクトリにダウンロードします",
  },
  "help.opt.db.fetch.feed": {
    en: "comma-separated feed ids, or 'all' (default: the ones db update reads: apache,kev,debian,ubuntu-osv,almalinux-osv,rocky-osv,alpine-secdb)",
    ja: "フィードの ID をカンマ区切りで、または 'all' (既定は db update が読むもの: apache,kev,debian,ubuntu-osv,almalinux-osv,rocky-osv,alpine-secdb)",
  },
  "help.opt.db.fetch.lang": {
    en: "language of the messages: ja|en (default from LANG)",
    ja: "メッセージの言語: ja|en (既定は LANG から)",
  },
  "help.opt.db.fetch.config": {
    en: "configuration file with feed URLs (default /etc/mamori/config.yaml when it exists)",
    ja: "フィードの URL を書いた設定ファイル (既定は /etc/mamori/config.yaml、存在する場合)",
  },
  "help.arg.report.file": {
    en: "JSON report written by `mamori audit --format json`, or - for standard input",
    ja: "`mamori audit --format json` で書き出した JSON レポート。標準入力なら -",
  },
  "help.arg.respond.report": {
    en: "JSON report from `mamori audit --format json` (- for standard input)",
    ja: "`mamori audit --format json` の JSON レポート (標準入力なら -)",
  },
  "help.opt.respond.db": {
    en: "history database whose newest scan is used when no report is given",
    ja: "レポートを指定しないときに最新の診断を使う履歴データベース",
  },
  "help.opt.respond.root": {
    en: "act on the filesystem under DIR (a mounted image) instead of this machine",
    ja: "このマシンの代わりに DIR 以下のファイルシステム (マウントしたイメージ) に対して操作します",
  },
  "help.opt.respond.lang": {
    en: "language: ja|en (default from LANG)",
    ja: "言語: ja|en (既定は LANG から)",
  },
  "help.arg.restore.id": {
    en: "quarantine entry id (see --list)",
    ja: "隔離した項目の ID (--list で確認)",
  },
  "help.opt.restore.root": {
    en: "act on the filesystem under DIR (a mounted image) instead of this machine",
    ja: "このマシンの代わりに DIR 以下のファイルシステム (マウントしたイメージ) に対して操作します",
  },
  "help.opt.restore.lang": {
    en: "language: ja|en (default from LANG)",
    ja: "言語: ja|en (既定は LANG から)",
  },
  "help.opt.verify.root": {
    en: "act on the filesystem under DIR (a mounted image) instead of this machine",
    ja: "このマシンの代わりに DIR 以下のファイルシステム (マウントしたイメージ) に対して操作します",
  },
  "help.opt.verify.lang": {
    en: "language: ja|en (default from LANG)",
    ja: "言語: ja|en (既定は LANG から)",
  },
  "help.arg.probe.url": {
    en: "http(s) URLs of servers you own (a bare host[:port] means http)",
    ja: "自分のサーバーの http(s) の URL (host[:port] だけなら http)",
  },
  "help.opt.probe.timeout": {
    en: "per-request deadline",
    ja: "リクエストごとの制限時間",
  },
  "help.opt.history.db": {
    en: "history database: a SQLite file or a postgres:// URL (default: see README)",
    ja: "履歴データベース: SQLite のファイルまたは postgres:// の URL (既定は README を参照)",
  },
  "help.opt.history.lang": {
    en: "language: ja|en (default from LANG)",
    ja: "言語: ja|en (既定は LANG から)",
  },
  "help.arg.diff.from": {
    en: "older scan id (or a unique prefix); default: the second newest",
    ja: "古い方の診断の ID (または一意な先頭部分)。既定は 2 番目に新しいもの",
  },
  "help.arg.diff.to": {
    en: "newer scan id (or a unique prefix); default: the newest",
    ja: "新しい方の診断の ID (または一意な先頭部分)。既定は最新のもの",
  },
  "help.opt.diff.db": {
    en: "history database: a SQLite file or a postgres:// URL (default: see README)",
    ja: "履歴データベース: SQLite のファイルまたは postgres:// の URL (既定は README を参照)",
  },
  "help.opt.diff.lang": {
    en: "language: ja|en (default from LANG)",
    ja: "言語: ja|en (既定は LANG から)",
  },
  "help.opt.diff.host": {
    en: "default scans: the last two of this host (its id or its hostname)",
    ja: "既定で比べる診断: このホスト (ID またはホスト名) の直近 2 回",
  },
  "help.opt.diff.severity-threshold": {
    en: "count new/changed findings from: critical|high|medium|low|info (default low, or severityThreshold in config.yaml)",
    ja: "新規・変更の検出を数える最も低い深刻度: critical|high|medium|low|info (既定は `low`、config.yaml に `severityThreshold` があればその値)",
  },
  "help.opt.watch.db": {
    en: "history database: a SQLite file or a postgres:// URL (default: see README)",
    ja: "履歴データベース: SQLite のファイルまたは postgres:// の URL (既定は README を参照)",
  },
  "help.opt.watch.lang": {
    en: "language: ja|en (default from LANG)",
    ja: "言語: ja|en (既定は LANG から)",
  },
  "help.opt.watch.root": {
    en: "scan the filesystem under DIR instead of this machine",
    ja: "このマシンの代わりに DIR 以下のファイルシステムを診断します",
  },
  "help.arg.schedule.action": {
    en: "install | remove | status",
    ja: "install (設置) | remove (削除) | status (状態の表示)",
  },
  "help.opt.schedule.db": {
    en: "history database: a SQLite file or a postgres:// URL (default: see README)",
    ja: "履歴データベース: SQLite のファイルまたは postgres:// の URL (既定は README を参照)",
  },
  "help.opt.schedule.lang": {
    en: "language: ja|en (default from LANG)",
    ja: "言語: ja|en (既定は LANG から)",
  },
  "help.opt.schedule.root": {
    en: "install under DIR instead of / (a mounted image, or a test directory)",
    ja: "/ の代わりに DIR 以下に設置します (マウントしたイメージやテスト用のディレクトリ)",
  },
  "help.opt.schedule.schedule": {
    en: 'when, in five-field cron syntax (default from the config, else "*/15 * * * *")',
    ja: '実行する時刻を 5 項目の cron の書式で指定します (既定は設定ファイルの値、なければ "*/15 * * * *")',
  },
  "help.arg.logs.paths": {
    en: "log files, directories (rotations in time order) or - for standard input",
    ja: "ログファイル、ディレクトリ (ローテーションしたものは時刻順)、標準入力なら -",
  },
  "help.opt.server.db": {
    en: "PostgreSQL database (postgres://…) instead of SQLite in the data directory",
    ja: "データディレクトリの SQLite の代わりに使う PostgreSQL データベース (postgres://…)",
  },
  "help.opt.server.lang": {
    en: "language of messages: ja|en (default from LANG)",
    ja: "メッセージの言語: ja|en (既定は LANG から)",
  },
  "help.opt.server.config": {
    en: "configuration file whose `alerts` receive findings raised by re-judging",
    ja: "再判定で出た検出を `alerts` の宛先へ通知する設定ファイル",
  },
  "help.cmd.server.db-update": {
    en: "update the server's vulnerability data (and IOC lists), then judge every host's stored facts again",
    ja: "サーバーの脆弱性データ (と IOC 一覧) を更新し、全ホストの保存済みの情報を判定し直します",
  },
  "help.opt.server.db-update.from": {
    en: "read every feed from DIR/<feed>/<file> (made by `mamori db fetch --to DIR`)",
    ja: "すべてのフィードを DIR/<feed>/<file> から読みます (`mamori db fetch --to DIR` で作成)",
  },
  "help.opt.server.db-update.apache-url": {
    en: "Apache's consolidated CVE JSON (http(s):// or file://)",
    ja: "Apache の CVE 一覧 JSON (http(s):// または file://)",
  },
  "help.opt.server.db-update.kev-url": {
    en: "CISA KEV JSON",
    ja: "CISA KEV の JSON",
  },
  "help.opt.server.db-update.debian-url": {
    en: "Debian security tracker JSON",
    ja: "Debian セキュリティトラッカーの JSON",
  },
  "help.opt.server.db-update.force": {
    en: "judge again even if the data did not change",
    ja: "データが変わっていなくても判定し直します",
  },
  "help.cmd.server.token": {
    en: "print a one-time enrollment token for one new host",
    ja: "新しいホスト 1 台の登録に使う一回限りのトークンを表示します",
  },
  "help.cmd.server.api-key": {
    en: "print a new admin API key for /api/v1",
    ja: "/api/v1 用の新しい管理者 API キーを表示します",
  },
  "help.cmd.server.user": {
    en: "dashboard users",
    ja: "ダッシュボードの利用者",
  },
  "help.cmd.server.user.add": {
    en: "add (or change) a dashboard user; the password is read from standard input",
    ja: "ダッシュボードの利用者を追加 (または変更) します。パスワードは標準入力から読みます",
  },
  "help.cmd.server.revoke": {
    en: "revoke a host's credentials (it must enroll again with a new token)",
    ja: "ホストの認証情報を失効させます (新しいトークンで登録し直す必要があります)",
  },
  "help.cmd.iocs.update": {
    en: "download or read IOC lists (maltrail trail files, plain domain/IP/hash lists) into the feed directory",
    ja: "IOC 一覧 (maltrail の一覧ファイル、ドメイン・IP・ハッシュを並べた一覧) をダウンロードまたは読み込み、フィードのディレクトリに保存します",
  },
  "help.opt.iocs.update.from": {
    en: "URL or file of a list (repeatable); default: maltrail's mining and family trails",
    ja: "一覧の URL またはファイル (複数指定可)。既定は maltrail のマイニングとマルウェアファミリーの一覧",
  },
  "help.opt.iocs.update.kind": {
    en: "what the list names: pool|malware|generic (default: guessed from the source)",
    ja: "一覧の種類: pool|malware|generic (既定は取得元から推定)",
  },
  "help.opt.iocs.update.feed-dir": {
    en: "where lists are stored (default: MAMORI_IOC_DIR or DATA_DIR/iocs/feeds)",
    ja: "一覧の保存先 (既定は MAMORI_IOC_DIR または DATA_DIR/iocs/feeds)",
  },
  "help.opt.iocs.update.data-dir": {
    en: "mamori's data directory",
    ja: "mamori のデータディレクトリ",
  },
  "help.opt.iocs.update.lang": {
    en: "ja|en",
    ja: "言語: ja|en",
  },
  "help.cmd.iocs.status": {
    en: "list the IOC lists mamori loads, with their size and age",
    ja: "mamori が読み込む IOC 一覧を、件数と経過日数と共に一覧します",
  },
  "help.opt.iocs.status.feed-dir": {
    en: "where lists are stored",
    ja: "一覧の保存先",
  },
  "help.opt.iocs.status.data-dir": {
    en: "mamori's data directory",
    ja: "mamori のデータディレクトリ",
  },
  "help.opt.iocs.status.lang": {
    en: "ja|en",
    ja: "言語: ja|en",
  },
  "help.opt.watch.log-format": {
    en: "messages on standard error: text|journald (default journald when standard error is the journal)",
    ja: "標準エラーへのメッセージの形式: text|journald (既定は標準エラーが journald につながっていれば journald)",
  },
  "help.opt.audit.log-format": {
    en: "messages on standard error: text|journald (default journald when standard error is the journal)",
    ja: "標準エラーへのメッセージの形式: text|journald (既定は標準エラーが journald につながっていれば journald)",
  },
  "help.examples": { en: "\nExamples:", ja: "\n例:" },
} as const;
