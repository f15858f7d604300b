import type { Messages } from "../types.ts";

/** The verdict's own sentences: what was checked, what could not be, and CVEs folded away as not applying. */
export const verdict = {
  "apache.cve.folded.title": {
    en: "{count} known CVE(s) in Apache {version}'s version range cannot apply to this platform or build",
    ja: "Apache {version} のバージョンの範囲にある既知の CVE のうち {count} 件は、この環境またはビルドには該当しません",
  },
  "apache.cve.folded.windows": {
    en: "Windows only ({count}): {cves}.",
    ja: "Windows のみ ({count} 件): {cves}。",
  },
  "apache.cve.folded.module": {
    en: "In modules this build has not got: it cannot load modules (no mod_so) and does not have these compiled in ({count}): {list}.",
    ja: "このビルドにないモジュールの欠陥です。モジュールを読み込めず (mod_so なし)、次のモジュールも組み込まれていません ({count} 件): {list}。",
  },
  "apache.cve.folded.fix": {
    en: "Nothing to do for these; they are listed so every CVE in the range is accounted for.",
    ja: "これらへの対応は不要です。範囲内のすべての CVE を説明するために示しています。",
  },
  "verdict.incomplete": {
    en: "Not fully checked: {gap}{more}. Nothing was found in what could be checked.",
    ja: "確認しきれていません: {gap}{more}。確認できた範囲では問題は見つかりませんでした。",
  },
  "verdict.gapHow": { en: "{gap}: {how}", ja: "{gap}: {how}" },
  "verdict.moreGaps": {
    en: " (and {count} more question(s) open, below)",
    ja: " (ほかに未確認の点が {count} 件、下記)",
  },
  "coverage.title": { en: "What was checked", ja: "確認した範囲" },
  "coverage.state.checked": { en: "checked", ja: "確認済み" },
  "coverage.state.partial": { en: "partly", ja: "一部" },
  "coverage.state.gap": { en: "NOT CHECKED", ja: "未確認" },
  "coverage.state.not-live": { en: "not visible", ja: "見えない" },
  "coverage.source.package": { en: "from the package database", ja: "パッケージ情報から" },
  "coverage.source.live": { en: "from `httpd -v`", ja: "`httpd -v` から" },
  "coverage.source.binary": {
    en: "from the version string in the binary",
    ja: "実行ファイル内のバージョン文字列から",
  },
  "coverage.apache.none": {
    en: "No Apache httpd was found under {root}, so no Apache version, configuration or CVE was checked",
    ja: "{root} の下に Apache httpd が見つからなかったため、Apache のバージョン・設定・CVE は確認していません",
  },
  "coverage.apache.noneHow": {
    en: "if Apache runs in a container or elsewhere, check that root with `mamori audit --root DIR`, and its logs with `mamori logs FILE` (for a container: `docker logs NAME 2>&1 | mamori logs -`)",
    ja: "Apache がコンテナなど別の場所で動いているなら、そのルートを `mamori audit --root DIR` で、ログを `mamori logs FILE` で確認してください (コンテナなら `docker logs NAME 2>&1 | mamori logs -`)",
  },
  "coverage.apache.version": {
    en: "Apache {version} at {path} ({source})",
    ja: "{path} の Apache {version} ({source})",
  },
  "coverage.apache.noVersion": {
    en: "The version of the Apache at {path} could not be read, so its CVEs were not checked",
    ja: "{path} の Apache のバージョンを読み取れなかったため、CVE は確認していません",
  },
  "coverage.apache.noVersionHow": {
    en: "ask the package manager (`dpkg -s apache2`, `rpm -q httpd`, `apk info -v apache2`) or, if you trust the file, run `{path} -v` as root, then compare with https://httpd.apache.org/security/vulnerabilities_24.html",
    ja: "パッケージ管理 (`dpkg -s apache2`、`rpm -q httpd`、`apk info -v apache2`) で確認するか、信頼できるファイルなら root で `{path} -v` を実行し、https://httpd.apache.org/security/vulnerabilities_24.html と照らし合わせてください",
  },
  "coverage.config.none": {
    en: "The configuration of {path} ({file}) was not read, so what it exposes is unknown",
    ja: "{path} の設定 ({file}) を読めなかったため、何が公開されているかは不明です",
  },
  "coverage.config.noneHow": {
    en: "check that the file exists and only root can change it; `apachectl -t -D DUMP_INCLUDES` lists the files Apache reads",
    ja: "ファイルが存在し root だけが変更できることを確認してください。`apachectl -t -D DUMP_INCLUDES` で Apache が読むファイルが分かります",
  },
  "coverage.config.partial": {
    en: "Configuration read from {files} file(s); {problems} part(s) could not be read (see “Could not check”)",
    ja: "設定は {files} 個のファイルから読みました。{problems} 箇所は読めませんでした (「確認できなかった項目」を参照)",
  },
  "coverage.config.partialHow": {
    en: "`apachectl -t` shows whether Apache itself accepts this configuration",
    ja: "`apachectl -t` で Apache 自身がこの設定を受け付けるか確認できます",
  },
  "coverage.config.read": {
    en: "Configuration read from {files} file(s)",
    ja: "設定は {files} 個のファイルから読みました",
  },
  "coverage.logs.read": {
    en: "{count} log file(s) read (lines): {list}{more}",
    ja: "{count} 個のログを読みました (行数): {list}{more}",
  },
  "coverage.logs.tail": {
    en: "Only the last {mb} MB of {list}{more} were read: line numbers in the evidence count from there (`tail -c {mb}M FILE | tail -n +2 | sed -n Np` shows line N)",
    ja: "{list}{more} は最後の {mb} MB だけを読みました: 証拠の行番号はそこから数えています (行 N は `tail -c {mb}M ファイル | tail -n +2 | sed -n Np` で表示できます)",
  },
  "coverage.logs.unopened": {
    en: "{count} more could not be opened (see “Could not check”)",
    ja: "ほかに {count} 個は開けませんでした (「確認できなかった項目」を参照)",
  },
  "coverage.logs.unknownFormat": {
    en: "{path} ({lines} line(s)) is in a format mamori cannot read, so attacks in it were not checked",
    ja: "{path} ({lines} 行) は mamori が読めない形式のため、その中の攻撃は確認していません",
  },
  "coverage.logs.unknownFormatHow": {
    en: "give its LogFormat: `mamori logs {path} --log-format '<LogFormat>'`",
    ja: "LogFormat を指定してください: `mamori logs {path} --log-format '<LogFormat>'`",
  },
  "coverage.logs.stdout": {
    en: "Apache writes its access log to {target} (standard output, kept by the container runtime), so no access log was read and a break-in cannot be ruled out",
    ja: "Apache はアクセスログを {target} (標準出力。コンテナの実行環境が保存) に書いているため、アクセスログは読んでおらず、侵入がなかったとは言えません",
  },
  "coverage.logs.containerHow": {
    en: "for a container: `docker logs NAME 2>&1 | mamori logs -`",
    ja: "コンテナなら: `docker logs NAME 2>&1 | mamori logs -`",
  },
  "coverage.logs.piped": {
    en: "Apache sends its access log to {target}, so no access log was read and a break-in cannot be ruled out",
    ja: "Apache はアクセスログを {target} に送っているため、アクセスログは読んでおらず、侵入がなかったとは言えません",
  },
  "coverage.logs.none": {
    en: "No access logs were found, so a break-in cannot be ruled out",
    ja: "アクセスログが見つからなかったため、侵入がなかったとは言えません",
  },
  "coverage.probe.unreachable": {
    en: "{count} target(s) could not be probed ({list}{more}), so nothing is known of them",
    ja: "{count} 件の対象を検査できなかったため ({list}{more})、それらについては何もわかっていません",
  },
  "coverage.probe.unreachableHow": {
    en: "check the address and that the server answers, then run `mamori probe URL` again",
    ja: "アドレスとサーバーが応答しているかを確認し、もう一度 `mamori probe URL` を実行してください",
  },
  "coverage.logs.denied": {
    en: "The access logs could not be opened ({list}{more}: permission denied), so a break-in cannot be ruled out",
    ja: "アクセスログを開けなかったため ({list}{more}: 権限がありません)、侵入がなかったとは言えません",
  },
  "coverage.logs.deniedHow": {
    en: "run mamori as root: `sudo mamori audit`",
    ja: "mamori を root で実行してください: `sudo mamori audit`",
  },
  "coverage.logs.empty": {
    en: "The access logs found are empty ({list}{more}), so no request was checked and a break-in cannot be ruled out",
    ja: "見つかったアクセスログは空です ({list}{more})。リクエストを 1 件も確認できていないため、侵入がなかったとは言えません",
  },
  "coverage.logs.emptyHow": {
    en: "if Apache writes elsewhere, `apache2ctl -S` names its logs: `mamori logs FILE...`; older ones: `mamori logs /var/log/apache2/access.log.*`",
    ja: "Apache が別の場所に書いている場合は `apache2ctl -S` でログの場所を確認し `mamori logs FILE...`。古いログは `mamori logs /var/log/apache2/access.log.*`",
  },
  "coverage.logs.noneHow": {
    en: "point mamori at them: `mamori logs FILE...`; for a container: `docker logs NAME 2>&1 | mamori logs -`",
    ja: "ログを指定してください: `mamori logs FILE...`。コンテナなら `docker logs NAME 2>&1 | mamori logs -`",
  },
  "coverage.processes.seen": {
    en: "{count} running process(es) examined",
    ja: "実行中のプロセス {count} 個を調べました",
  },
  "coverage.processes.notLive": {
    en: "Running processes: none to see (a copied root, not a running system); files and persistence were checked",
    ja: "実行中のプロセス: 見えません (稼働中のシステムではなくコピーしたルート)。ファイルと自動起動の設定は確認しました",
  },
  "coverage.processes.none": {
    en: "No running process was visible, so a running miner or backdoor cannot be ruled out",
    ja: "実行中のプロセスが見えなかったため、マイナーやバックドアが動いていないとは言えません",
  },
  "coverage.processes.noneHow": {
    en: "run mamori as root, and check whether /proc is mounted with hidepid (`grep ' /proc ' /proc/mounts`)",
    ja: "mamori を root で実行し、/proc が hidepid 付きでマウントされていないか確認してください (`grep ' /proc ' /proc/mounts`)",
  },
} satisfies Messages;
