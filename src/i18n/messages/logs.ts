import type { Messages } from "../types.ts";

/** Log forensics (`mamori logs`, the audit's logs area). */
export const logs = {
  "logs.outcome.succeeded": { en: "succeeded", ja: "成功" },
  "logs.outcome.blocked": { en: "blocked", ja: "防御済み" },
  "logs.outcome.failed": { en: "failed", ja: "失敗" },
  "logs.outcome.unknown": { en: "outcome unknown", ja: "結果不明" },
  "logs.finding.title": {
    en: "{ip} tried {attack} ({count} request(s), {outcome})",
    ja: "{ip} が {attack} を試みました ({count} 件、{outcome})",
  },
  "logs.finding.titleSucceeded": {
    en: "{ip} attacked with {attack} and it appears to have worked ({time})",
    ja: "{ip} が {attack} で攻撃し、成功した可能性が高いです ({time})",
  },
  "logs.finding.detail.succeeded": {
    en: "The server answered in a way that only a working exploit produces (see the evidence). Treat the server as compromised from {time}.",
    ja: "攻撃が成功したときにしか返らない応答をサーバーが返しています (証拠を参照)。{time} 以降、サーバーは侵害されたものとして扱ってください。",
  },
  "logs.finding.detail.unknown": {
    en: "The log does not show whether it worked (for example the server answered 200, which this site also sends for pages that do not exist, or the attack leaves no trace in the status).",
    ja: "ログからは成功したかどうか判断できません (例: このサイトは存在しないページにも 200 を返す、または攻撃の結果が応答コードに表れない)。",
  },
  "logs.finding.detail.blocked": {
    en: "Every request was refused by the server (400/403 or an error-log rejection such as AH10244).",
    ja: "すべてのリクエストはサーバーに拒否されました (400/403、または AH10244 などのエラーログの拒否)。",
  },
  "logs.finding.detail.failed": {
    en: "Every request failed (not found or redirected): the attacked software does not seem to be here.",
    ja: "すべてのリクエストは失敗しました (存在しない、またはリダイレクト)。狙われたソフトウェアはこのサーバーにはないようです。",
  },
  "logs.finding.detail.noJava": {
    en: "This attack works only against a Java application, and nothing on this host runs one: no Java process or package, and Apache loads no module that passes requests to another server. It failed here; the answer could not have shown it either way.",
    ja: "この攻撃は Java アプリケーションにしか効きませんが、このホストでは Java は動いていません (Java のプロセスもパッケージもなく、Apache は別のサーバーへリクエストを渡すモジュールを読み込んでいません)。ここでは失敗しています (応答からはどちらとも判断できない種類の攻撃です)。",
  },
  "logs.finding.detail.noPhp": {
    en: "This attack works only against a PHP application, and nothing on this host runs PHP: no PHP process or package, and Apache loads no PHP module, no FastCGI handler and no module that passes requests to another server. It failed here, whatever the answer's status.",
    ja: "この攻撃は PHP アプリケーションにしか効きませんが、このホストでは PHP は動いていません (PHP のプロセスもパッケージもなく、Apache は PHP モジュールも FastCGI ハンドラーも、別のサーバーへリクエストを渡すモジュールも読み込んでいません)。応答のステータスにかかわらず、ここでは失敗しています。",
  },
  "logs.finding.detail.programRoute": {
    en: "Apache's configuration hands every path these requests asked for to one program (a ScriptAliasMatch), so no file at those paths was sent: the program answered them. They failed here; whether the program itself leaks files is a question about the program, not about these paths.",
    ja: "Apache の設定では、これらのリクエストのパスはすべて 1 つのプログラムに渡されます (ScriptAliasMatch)。そのパスにあるファイルは送られておらず、応答したのはプログラムです。ここでは失敗しています (プログラム自体がファイルを漏らすかどうかは、これらのパスではなくプログラムの問題です)。",
  },
  "logs.finding.detail.shellFailed": {
    en: "The attacker reached a shell on this server (the error log holds the shell's own error for the request); the command they sent failed. This is still a critical exposure: the next command may work. Patch now and check what else they sent.",
    ja: "攻撃者はこのサーバーでシェルの実行に到達しました (そのリクエストに対するシェル自身のエラーがエラーログにあります)。送られたコマンドは失敗しましたが、次のコマンドは成功しうるため、重大な露出であることに変わりはありません。直ちに修正し、ほかに何が送られたかを確認してください。",
  },
  "logs.story.shellFailed": {
    en: "  {ip} reached a shell at {time} with {attack}; their command failed, but the server runs what attackers send (critical).",
    ja: "  {ip} が {time} に {attack} でシェルの実行に到達しました。コマンドは失敗しましたが、サーバーは攻撃者の送ったものを実行します (重大)。",
  },
  "logs.finding.others": {
    en: "{count} more attacker(s)",
    ja: "ほか {count} 件の攻撃元",
  },
  "logs.finding.fix": {
    en: "Make sure the attacked software is patched or absent; consider blocking {ip}.",
    ja: "狙われたソフトウェアが修正済みか、存在しないことを確認してください。{ip} の遮断も検討してください。",
  },
  "logs.finding.titleGroup": {
    en: "{count} address(es) tried {attack} ({outcome})",
    ja: "{count} 件の送信元が {attack} を試みました ({outcome})",
  },
  "logs.finding.titleSucceededGroup": {
    en: "{count} address(es) attacked with {attack} and it appears to have worked",
    ja: "{count} 件の送信元が {attack} で攻撃し、成功した可能性が高いです",
  },
  "logs.finding.titleExposedGroup": {
    en: "{count} address(es) fetched what a probe for secrets asks for, and the server sent it",
    ja: "{count} 件の送信元が秘密情報を探すリクエストを送り、サーバーがそれを返しました",
  },
  "logs.finding.titleExposed": {
    en: "{ip} fetched what a probe for secrets asks for, and the server sent it ({time})",
    ja: "{ip} が秘密情報を探すリクエストを送り、サーバーがそれを返しました ({time})",
  },
  "logs.finding.detail.exposed": {
    en: "A file that should never be public (an .env, a .git directory, a backup, keys) was answered with its content, not the site's error or usual page (see the evidence): whatever it holds is in the requester's hands since {time}.",
    ja: "公開されるべきでないファイル (.env、.git ディレクトリ、バックアップ、鍵など) に、サイトのエラーや通常のページではなく中身が返されています (証拠を参照)。{time} 以降、その内容は相手の手にあります。",
  },
  "logs.finding.fixExposed": {
    en: "Remove the file from the web root (or deny it in Apache), change every password, key and token it holds, and look in the access log for everyone else who fetched it.",
    ja: "そのファイルを公開ディレクトリから取り除き (または Apache で拒否し)、中にあるパスワード・鍵・トークンをすべて変更し、ほかに取得した相手がいないかアクセスログを確認してください。",
  },
  "logs.finding.fixRecon": {
    en: "Nothing to do unless the probed file exists and is served; make sure secrets are not under the web root.",
    ja: "探られたファイルが実在して公開されていない限り対応は不要です。秘密情報を公開ディレクトリに置かないでください。",
  },
  "logs.finding.login.title": {
    en: "{ip} guessed a WordPress password: {count} login tr(y|ies), then a login was accepted ({time})",
    ja: "{ip} が WordPress のパスワードを当てた可能性が高いです: {count} 回のログイン試行の後にログインが通りました ({time})",
  },
  "logs.finding.login.detail": {
    en: "After {count} tr(y|ies) from {ip}, the login page answered with a redirect into the admin area (line {line} of {file}), which WordPress sends only for a right password. Whoever logged in can install plugins and themes, which run code on this server.",
    ja: "{ip} からの {count} 回の試行の後、ログイン画面が管理画面への転送で応答しました ({file} の {line} 行目)。WordPress はパスワードが正しいときにだけこう応答します。ログインした者はプラグインやテーマを入れられ、それはこのサーバー上でコードとして動きます。",
  },
  "logs.finding.login.after": { en: "after the login", ja: "ログイン後" },
  "logs.finding.login.fix": {
    en: "Change every WordPress administrator's password now (`wp user list --role=administrator`, then `wp user update USER --user_pass=...`), remove users you do not know, look for plugins, themes and PHP files changed after {time}, and limit the login page (a login limiter, or `Require ip` for /wp-login.php in Apache).",
    ja: "WordPress の管理者全員のパスワードを今すぐ変更し (`wp user list --role=administrator` の後 `wp user update USER --user_pass=...`)、知らないユーザーを削除し、{time} 以降に変わったプラグイン・テーマ・PHP ファイルを調べ、ログイン画面を制限してください (ログイン試行制限、または Apache で /wp-login.php に `Require ip`)。",
  },
  "logs.finding.fixSucceeded": {
    en: "Isolate the server, look for processes, files and cron entries created after {time}, rotate its credentials, and patch before putting it back.",
    ja: "サーバーを隔離し、{time} 以降に作られたプロセス・ファイル・cron を調べ、認証情報を変更し、修正を適用してから復帰させてください。",
  },
  "logs.story.none": {
    en: "No exploit attempts were found in {files} file(s) ({lines} line(s)).",
    ja: "{files} 個のファイル ({lines} 行) に攻撃の試みは見つかりませんでした。",
  },
  "logs.story.attack": {
    en: "{attackers} attacker(s) used {attack} against this server ({events} request(s)).",
    ja: "{attackers} 件の攻撃元が {attack} でこのサーバーを攻撃しました ({events} 件のリクエスト)。",
  },
  "logs.story.needsRuntime": {
    en: "  Whether it could work depends on whether this server runs {runtime}, which a log does not show: `mamori audit` on the server judges these with what it runs.",
    ja: "  成功しうるかどうかは、このサーバーで {runtime} が動いているかによります (ログからはわかりません)。サーバー上で `mamori audit` を実行すると、動いているものをもとに判定します。",
  },
  "logs.story.success": {
    en: "  {ip} succeeded at {time} with {attack}.",
    ja: "  {ip} が {time} に {attack} で成功しました。",
  },
  "logs.story.successOthers": {
    en: "  More addresses, counted together past the first ones a log this large keeps apart, succeeded with {attack} (first at {time}).",
    ja: "  ほかにも複数の送信元が {attack} で成功しました (最初は {time})。ログが大きいため、最初の送信元以外はまとめて数えています。",
  },
  "logs.story.successShell": {
    en: "  {ip} succeeded at {time} with {attack} and ran a shell.",
    ja: "  {ip} が {time} に {attack} で成功し、シェルを実行しました。",
  },
  "logs.story.noSuccess": {
    en: "  None of them is seen to succeed.",
    ja: "  成功したものは確認されませんでした。",
  },
  "logs.story.next": {
    en: "  What {ip} did next:",
    ja: "  {ip} がその後に行ったこと:",
  },
  "logs.story.indicators": {
    en: "  Named in their payloads: {list}",
    ja: "  攻撃内容に含まれていたもの: {list}",
  },
  "logs.story.recon": {
    en: "Also {count} probe(s) for secrets, admin pages and scanners from {attackers} address(es) (low severity).",
    ja: "ほかに、秘密情報・管理画面の探索やスキャナーによるアクセスが {attackers} 件の送信元から {count} 件ありました (低)。",
  },
  "logs.story.headline": {
    en: "Act now: {parts} (details below).",
    ja: "至急対応: {parts} (詳細は以下)。",
  },
  "logs.story.headlineJoin": { en: "; ", ja: "。" },
  "logs.story.headlineIn": {
    en: "{count} address(es) got in",
    ja: "{count} 件の送信元が侵入に成功しました",
  },
  "logs.story.headlineExposed": {
    en: "{count} address(es) were sent files that should never be public",
    ja: "{count} 件の送信元に公開されるべきでないファイルが送られました",
  },
  "logs.story.headlineShells": {
    en: "{count} address(es) reached a shell whose command failed (the next may not)",
    ja: "{count} 件の送信元がシェルの実行に到達しました (コマンドは失敗しましたが、次は成功しえます)",
  },
  "logs.story.noiseAlso": {
    en: "Also {requests} automated probe(s) from {attackers} address(es) of {attacks} other kind(s) of attack, every one failed or was refused.",
    ja: "ほかに {attackers} 件の送信元から自動化された探索・攻撃が {requests} 件ありました ({attacks} 種類、すべて失敗または拒否)。",
  },
  "logs.story.nextTitle": {
    en: "What the attackers who got in did next:",
    ja: "侵入に成功した攻撃元がその後に行ったこと:",
  },
  "logs.story.noise": {
    en: "{requests} automated probe(s) from {attackers} address(es), none succeeded ({attacks} kind(s) of attack, every one failed or was refused).",
    ja: "{attackers} 件の送信元から自動化された探索・攻撃が {requests} 件ありましたが、成功したものはありません ({attacks} 種類、すべて失敗または拒否)。",
  },
  "logs.story.probing": {
    en: "Probing ({name}): {attackers} address(es), {requests} request(s), {outcome}.",
    ja: "探索行為 ({name}): {attackers} 件の送信元、{requests} 件のリクエスト、{outcome}。",
  },
  "logs.story.probingQuiet": {
    en: "Probing ({name}): {attackers} address(es), {requests} request(s) ({quiet} unremarkable alone), {outcome}.",
    ja: "探索行為 ({name}): {attackers} 件の送信元、{requests} 件のリクエスト (うち単独では目立たないもの {quiet} 件)、{outcome}。",
  },
  "logs.story.probingNone": { en: "none succeeded", ja: "成功なし" },
  "logs.story.probingWon": {
    en: "  {ip} got in at {time}: after {tries} tr(y|ies), {target} answered {status}.",
    ja: "  {ip} が {time} に侵入: {tries} 回の試行の後、{target} が {status} で応答しました。",
  },
  "logs.scenario.probe-not-found": { en: "many nonexistent paths", ja: "存在しないパスの大量探索" },
  "logs.scenario.probe-webshells": { en: "webshell hunting", ja: "Web シェルの探索" },
  "logs.scenario.probe-secrets": { en: "sensitive-file sweep", ja: "機密ファイルの一斉探索" },
  "logs.scenario.probe-error-burst": { en: "burst of refused requests", ja: "拒否された要求の集中" },
  "logs.scenario.probe-scanner-paths": { en: "a known scanner's path set", ja: "既知のスキャナーのパス一式" },
  "logs.scenario.login-bruteforce": {
    en: "password guessing on the WordPress login page",
    ja: "WordPress ログイン画面でのパスワード総当たり",
  },
  "logs.scenario.xmlrpc-flood": {
    en: "flood of XML-RPC calls (password guessing through xmlrpc.php)",
    ja: "XML-RPC 呼び出しの集中（xmlrpc.php 経由のパスワード総当たり）",
  },
  "logs.table.attacker": { en: "Attacker", ja: "攻撃元" },
  "logs.table.first": { en: "First seen", ja: "初回" },
  "logs.table.others": {
    en: "More addresses, counted together",
    ja: "ほかの送信元 (まとめて集計)",
  },
  "logs.table.last": { en: "Last seen", ja: "最終" },
  "logs.table.requests": { en: "Requests", ja: "件数" },
  "logs.table.attack": { en: "Attack", ja: "攻撃" },
  "logs.table.outcome": { en: "Outcome", ja: "結果" },
  "logs.table.agents": { en: "User agents", ja: "User-Agent" },
  "logs.files.title": { en: "Files read", ja: "読み込んだファイル" },
  "logs.files.line": {
    en: "{path}: {format} ({source}), {lines} line(s)",
    ja: "{path}: {format} ({source})、{lines} 行",
  },
  "logs.files.more": {
    en: "… and {count} more file(s), {lines} line(s), read with nothing skipped (each one in the JSON output, or with --verbose)",
    ja: "… ほかに {count} 個のファイル ({lines} 行) をスキップなしで読み込みました (一覧は JSON 出力か --verbose で表示)",
  },
  "logs.files.moreNoted": {
    en: "… and {count} more file(s), {lines} line(s), {noted} of them with lines skipped or only their end read (each one in the JSON output, or with --verbose)",
    ja: "… ほかに {count} 個のファイル ({lines} 行) を読み込みました。うち {noted} 個は行のスキップまたは末尾のみの読み込みがあります (一覧は JSON 出力か --verbose で表示)",
  },
  "logs.files.skipped": { en: "skipped {count} ({reason})", ja: "{count} 行をスキップ ({reason})" },
  "logs.files.tail": {
    en: "only the last {mb} MB were read",
    ja: "最後の {mb} MB のみ読み込みました",
  },
  "logs.source.detected": { en: "detected", ja: "自動判定" },
  "logs.source.option": { en: "--log-format", ja: "--log-format 指定" },
  "logs.source.config": { en: "from the Apache configuration", ja: "Apache の設定から" },
  "logs.source.none": { en: "format not recognised", ja: "形式を判定できません" },
  "logs.warn.skipped": {
    en: "{path}:{line}: line skipped ({reason})",
    ja: "{path}:{line}: 行をスキップしました ({reason})",
  },
  "logs.warn.moreFiles": {
    en: "{count} more file(s) with lines skipped (each one in the report)",
    ja: "ほかに {count} 個のファイルで行をスキップしました (各ファイルはレポートにあります)",
  },
  "logs.warn.skippedMore": {
    en: "{path}: {count} more line(s) skipped (counted in the report)",
    ja: "{path}: ほかに {count} 行をスキップしました (件数はレポートにあります)",
  },
  "logs.reason.binary": { en: "NUL bytes (binary data)", ja: "NUL バイトを含む (バイナリ)" },
  "logs.reason.too-long": { en: "line longer than 1 MB", ja: "1 MB を超える行" },
  "logs.reason.unparsed": { en: "not a line of a known log format", ja: "既知のログ形式の行ではありません" },
  "logs.reason.truncated-gzip": { en: "gzip file cut short", ja: "gzip ファイルが途中で切れています" },
  "logs.reason.truncated-while-reading": {
    en: "file truncated while it was read (log rotation)",
    ja: "読み込み中にファイルが切り詰められました (ログローテーション)",
  },
  "logs.reason.read-error": { en: "read error", ja: "読み込みエラー" },
  "logs.reason.behaviour-lines-bound": {
    en: "too many 4xx lines in one part of the file for the per-client scenarios: the rest were not counted",
    ja: "ファイルの一部に 4xx の行が多すぎるため、クライアントごとのシナリオで残りの行は数えていません",
  },
  "logs.reason.not-regular": {
    en: "not a regular file: a FIFO, socket or device is not read, so that it cannot stall the scan",
    ja: "通常のファイルではありません: FIFO・ソケット・デバイスはスキャンが止まらないよう読み込みません",
  },
  "logs.warn.open": { en: "{path}: cannot read ({reason})", ja: "{path}: 読み込めません ({reason})" },
  "logs.noFiles": {
    en: "no log files found (give files or directories, or - for standard input)",
    ja: "ログファイルが見つかりません (ファイル・ディレクトリ、または標準入力の - を指定してください)",
  },
  "logs.audit.bound": {
    en: "The audit reads at most the last {mb} MB of each log; run `mamori logs` for whole files.",
    ja: "監査では各ログの最後の {mb} MB までを読みます。全体は `mamori logs` で確認してください。",
  },
} as const satisfies Messages;
