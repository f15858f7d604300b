import type { Messages } from "../types.ts";

export const apache = {
  "apache.diag.rpmdbUnreadable": {
    en: "the rpm database {db} cannot be read ({problem}); unless a root-owned rpm command can read it, the version of {binary} comes from the binary alone, with lower confidence",
    ja: "rpm データベース {db} を読めません ({problem})。root 所有の rpm コマンドで読めない限り、{binary} のバージョンはバイナリ内の文字列だけから判断するため、確度は低くなります",
  },
  "apache.diag.rpmdbUnreadableNotRun": {
    en: "the rpm database {db} cannot be read ({problem}); the rpm command is not run on it (it would parse, as root, a file written by whoever made this system), so the version of {binary} comes from the binary alone, with lower confidence: run mamori on that system itself to judge it by its packages",
    ja: "rpm データベース {db} を読めません ({problem})。このシステムを作った人が書いたファイルを root で解析することになるため、rpm コマンドでは読みません。{binary} のバージョンはバイナリ内の文字列だけから判断するため、確度は低くなります。パッケージで判断するには、そのシステム上で mamori を実行してください",
  },
  "apache.diag.rpmdbSkipped": {
    en: "The rpm database {db} has {count} broken record(s), skipped ({why}), whose packages are not known",
    ja: "rpm データベース {db} の {count} 件の記録が壊れているため読み飛ばしました ({why})。それらのパッケージは分かりません",
  },
  "apache.diag.notLive": {
    en: "running Apache processes and `httpd -v`/`-l` are only checked on this machine itself (--root /); versions and modules come from files",
    ja: "実行中の Apache プロセスと `httpd -v`/`-l` は、このマシン自体 (--root /) を診断するときだけ確認します。バージョンとモジュールはファイルから判断しました",
  },
  "apache.diag.noVersionString": {
    en: "{path}: no Apache/x.y.z version string found in the binary",
    ja: "{path}: バイナリの中に Apache/x.y.z のバージョン文字列が見つかりません",
  },
  "apache.diag.versionMismatch": {
    en: "{path} says Apache/{file} but its package is {pkg}: the binary was replaced outside the package manager, so it is judged by its own version",
    ja: "{path} は Apache/{file} ですが、パッケージは {pkg} です。パッケージ管理の外でバイナリが置き換えられたため、バイナリ自身のバージョンで評価しました",
  },
  "apache.diag.notRun": {
    en: "{path} was not run (-v, -l): {why}, so a user other than root could change what runs; its version comes from its file",
    ja: "{path} は実行しませんでした (-v, -l)。{why}ため、root 以外のユーザーが実行内容を変えられます。バージョンはファイルから判断しました",
  },
  "apache.diag.notRunLoader": {
    en: "{path} was not run (-v, -l): the loader would read {what} that {by} names, and {why}, so a user other than root could change what runs; its version comes from its file",
    ja: "{path} は実行しませんでした (-v, -l)。{by} が指定する{what}をローダーが読み込みますが、{why}ため、root 以外のユーザーが実行内容を変えられます。バージョンはファイルから判断しました",
  },
  "apache.loader.interpreter": { en: "the program interpreter", ja: "プログラムインタプリタ" },
  "apache.loader.directory": { en: "a library directory", ja: "ライブラリディレクトリ" },
  "apache.loader.library": { en: "a library", ja: "ライブラリ" },
  "apache.diag.notRunLoaderUnreadable": {
    en: "{path} was not run (-v, -l): what the loader would read for it cannot be told from the ELF headers of {by} ({detail}); its version comes from its file",
    ja: "{path} は実行しませんでした (-v, -l)。{by} の ELF ヘッダーからローダーが読み込むものを判断できません ({detail})。バージョンはファイルから判断しました",
  },
  "apache.diag.notRunNotElf": {
    en: "{path} was not run (-v, -l): it is not an ELF executable; its version comes from its file",
    ja: "{path} は実行しませんでした (-v, -l)。ELF 形式の実行ファイルではありません。バージョンはファイルから判断しました",
  },
  "apache.diag.notRunNotApache": {
    en: "{path} was not run (-v, -l): it holds no Apache/2.x version string, so it is not known to be Apache httpd",
    ja: "{path} は実行しませんでした (-v, -l)。Apache/2.x のバージョン文字列がなく、Apache httpd だと確認できません",
  },
  "apache.diag.envvarsUntrusted": {
    en: "{path} was not read: {why}; the variables it would set stay undefined in the configuration",
    ja: "{path} は読みませんでした。{why}ためです。このファイルが定める変数は、設定の中で未定義のまま扱います",
  },
  "apache.trust.owner": {
    en: "{path} is owned by uid {uid}, not root",
    ja: "{path} の所有者が root ではなく uid {uid} である",
  },
  "apache.trust.writable": {
    en: "{path} (mode {mode}) can be written by users other than root",
    ja: "{path} (モード {mode}) に root 以外のユーザーが書き込める",
  },
  "apache.trust.link": {
    en: "{path} is a symbolic link owned by uid {uid}, not root",
    ja: "{path} が root ではなく uid {uid} の所有するシンボリックリンクである",
  },
  "apache.trust.loop": {
    en: "{path} leads through too many symbolic links",
    ja: "{path} がシンボリックリンクを多重にたどる",
  },
  "apache.trust.type": {
    en: "{path} is not the kind of file expected there",
    ja: "{path} が想定した種類のファイルではない",
  },
  "apache.trust.missing": {
    en: "{path} does not exist",
    ja: "{path} が存在しない",
  },
  "apache.untrusted.userStarted.title": {
    en: "An Apache-like process (pid {pid}) was started by {user}, not by root",
    ja: "root ではなく {user} が起動した Apache らしきプロセスがあります (pid {pid})",
  },
  "apache.untrusted.userStarted.detail": {
    en: "Process {pid} calls itself Apache httpd but runs as {user} (uid {uid}) with executable {exe}{product}. A web server started by an ordinary user is either a developer's test server or an attacker's: a listener of their own, or a trap for tools that run as root. mamori neither ran this executable nor read its configuration ({config}) or envvars; it is reported as found.",
    ja: "プロセス {pid} は Apache httpd を名乗っていますが、{user} (uid {uid}) として実行ファイル {exe}{product} で動いています。一般ユーザーが起動した Web サーバーは、開発者の試験用か、攻撃者が置いたもの (独自の待ち受けや、root で動くツールへの罠) です。mamori はこの実行ファイルを実行せず、設定 ({config}) や envvars も読んでいません。見つかったままを報告します。",
  },
  "apache.untrusted.userStarted.fix": {
    en: "Find out who started process {pid} and why. If nobody on your team did, treat the account {user} as compromised: keep the evidence (/proc/{pid}/exe, its command line and files), stop the process, and look for how it got there.",
    ja: "プロセス {pid} を誰がなぜ起動したか確認してください。心当たりがなければ {user} アカウントは侵害されたものとして扱い、証拠 (/proc/{pid}/exe、コマンドライン、関連ファイル) を保全してからプロセスを止め、侵入経路を調べてください。",
  },
  "apache.untrusted.userConfig.title": {
    en: "Root runs Apache (pid {pid}) with a configuration another user can change",
    ja: "他のユーザーが変更できる設定で root が Apache を動かしています (pid {pid})",
  },
  "apache.untrusted.userConfig.detail": {
    en: "Process {pid} ({exe}) was started by root with {config}, but {why}. Whoever can change it decides which modules root's Apache loads at its next start: that is root for them. mamori did not read this configuration or its envvars and did not run the binary with it.",
    ja: "プロセス {pid} ({exe}) は root が {config} で起動しましたが、{why}。これを変更できる人は、次に Apache が起動するときに root で読み込まれるモジュールを決められます (つまり root を握れます)。mamori はこの設定も envvars も読まず、この設定でバイナリを実行してもいません。",
  },
  "apache.untrusted.userConfig.fix": {
    en: "Move the configuration and ServerRoot to a directory only root can write (such as /etc/apache2), owned by root and not group- or world-writable along the whole path, then restart Apache from there.",
    ja: "設定と ServerRoot を root だけが書き込めるディレクトリ (/etc/apache2 など) に移し、パス全体を root 所有・グループ/他者書き込み不可にしてから、そこから Apache を再起動してください。",
  },
  "apache.untrusted.notApache": {
    en: " (which holds no Apache version string)",
    ja: " (Apache のバージョン文字列を含まない)",
  },
  "apache.untrusted.noConfig": {
    en: "none named",
    ja: "指定なし",
  },
  "apache.evidence.process": { en: "process", ja: "プロセス" },
  "apache.evidence.configNamed": {
    en: "configuration it names (not read)",
    ja: "指定された設定 (読んでいません)",
  },
  "apache.diag.noConfig": {
    en: "{path}: its configuration file was not found, so its settings could not be checked",
    ja: "{path}: 設定ファイルが見つからないため、設定を確認できませんでした",
  },
  "apache.diag.noVulnDb": {
    en: "vulnerability data could not be loaded; known CVEs other than CVE-2021-41773/42013 were not checked",
    ja: "脆弱性データを読み込めませんでした。CVE-2021-41773/42013 以外の既知の CVE は確認していません",
  },
  "apache.basis.distro": {
    en: "The version comes from the {manager} package {pkg} {version}, the distribution's own build.",
    ja: "バージョンはディストリビューション自身のビルドである {manager} パッケージ {pkg} {version} から判断しました。",
  },
  "apache.basis.distroData": {
    en: "The version comes from the {manager} package {pkg} {version}, judged with {data} security data (backported fixes count).",
    ja: "バージョンは {manager} パッケージ {pkg} {version} から判断し、{data} のセキュリティ情報で評価しました (バックポートされた修正を考慮済み)。",
  },
  "apache.basis.distroStandIn": {
    en: "The version comes from the {manager} package {pkg} {version}, judged with {data} security data, which stands in for {distro}'s own (mamori does not have it; the rebuilds ship the same fixes under the same versions).",
    ja: "バージョンは {manager} パッケージ {pkg} {version} から判断し、{data} のセキュリティ情報で評価しました。{distro} 自身の情報は mamori にないため、同じバージョンで同じ修正を出している再ビルド版の情報で代用しています。",
  },
  "apache.basis.distroSilent": {
    en: "The version comes from the {manager} package {pkg} {version}; the {data} security data mamori has does not mention these CVEs, so they are judged by Apache's upstream version and may already be fixed (lower confidence).",
    ja: "バージョンは {manager} パッケージ {pkg} {version} から判断しました。mamori が持つ {data} のセキュリティ情報にはこれらの CVE の記載がないため、Apache 本家のバージョンで評価しました。すでに修正済みの可能性があります (確度は低め)。",
  },
  "apache.basis.distroNoData": {
    en: "The version comes from the {manager} package {pkg} {version}; mamori has no {distro} security data for this release, so it is judged by Apache's upstream version and may already be fixed (lower confidence). Run `mamori db update`.",
    ja: "バージョンは {manager} パッケージ {pkg} {version} から判断しました。mamori にはこのリリース向けの {distro} のセキュリティ情報がないため、Apache 本家のバージョンで評価しました。すでに修正済みの可能性があります (確度は低め)。`mamori db update` を実行してください。",
  },
  "apache.basis.thirdParty": {
    en: "The version comes from the {manager} package {pkg} {version}, a third-party build not covered by the distribution's security data, so it is judged by Apache's upstream version ranges.",
    ja: "バージョンは {manager} パッケージ {pkg} {version} から判断しました。ディストリビューションのセキュリティ情報の対象外であるサードパーティ製のビルドのため、Apache 本家の影響範囲で評価しました。",
  },
  "apache.basis.live": {
    en: "The version comes from running {path} -v; no package manager owns it, so it is judged by Apache's upstream version ranges.",
    ja: "バージョンは {path} -v の出力から判断しました。どのパッケージにも属さないため、Apache 本家の影響範囲で評価しました。",
  },
  "apache.basis.binaryNoDb": {
    en: "The version comes from the version string inside {path}; the package database {db} could not be read, so a distribution backport cannot be ruled out (lower confidence).",
    ja: "バージョンは {path} の中のバージョン文字列から判断しました。パッケージデータベース {db} を読めないため、ディストリビューションによる修正のバックポートを否定できません (確度は低め)。",
  },
  "apache.basis.binary": {
    en: "The version comes from the version string inside {path}; no package manager owns it, so it is judged by Apache's upstream version ranges.",
    ja: "バージョンは {path} の中のバージョン文字列から判断しました。どのパッケージにも属さないため、Apache 本家の影響範囲で評価しました。",
  },
  "apache.exposure.title.rce": {
    en: "Apache {version} at {path}: remote code execution possible through {cves} (critical, exploited in the wild): upgrade now",
    ja: "Apache {version} ({path}): {cves} (緊急、実際に悪用されています) により外部からコマンドを実行される状態です。今すぐ更新してください",
  },
  "apache.exposure.title.read": {
    en: "Apache {version} at {path}: any file on the server can be read from outside through {cves} (exploited in the wild): upgrade now",
    ja: "Apache {version} ({path}): {cves} (実際に悪用されています) によりサーバー上の任意のファイルを外部から読まれる状態です。今すぐ更新してください",
  },
  "apache.exposure.title.read-limited": {
    en: "Apache {version} at {path}: files under {dirs} can be read from outside through {cves} (exploited in the wild): upgrade",
    ja: "Apache {version} ({path}): {cves} (実際に悪用されています) により {dirs} 以下のファイルを外部から読まれる状態です。更新してください",
  },
  "apache.exposure.title.not-exposed": {
    en: "Apache {version} at {path}: upgrade: {cves} is critical and exploited in the wild; your configuration blocks the known attack path, so no file read or remote code execution today",
    ja: "Apache {version} ({path}): 更新してください。{cves} は緊急で実際に悪用されていますが、今の設定では既知の攻撃経路がふさがれており、現時点ではファイルの読み取りもコマンド実行もできません",
  },
  "apache.exposure.title.unknown": {
    en: "Apache {version} at {path}: {cves} (critical, exploited in the wild) and its configuration could not be read, so it may be open: upgrade now",
    ja: "Apache {version} ({path}): {cves} (緊急、実際に悪用されています) があり、設定を読めなかったため悪用できる状態かもしれません。今すぐ更新してください",
  },
  "apache.exposure.title.not-vulnerable": {
    en: "Apache {version} at {path}: not vulnerable to CVE-2021-41773/42013",
    ja: "Apache {version} ({path}): CVE-2021-41773/42013 の影響はありません",
  },
  "apache.exposure.why.noAlias": {
    en: "No Alias or ScriptAlias is in effect, and the path traversal needs one to start from.",
    ja: "有効な Alias も ScriptAlias もありません。このパストラバーサルには起点となる Alias が必要です。",
  },
  "apache.exposure.why.alias": {
    en: 'The traversal can start from "{alias}".',
    ja: '"{alias}" を起点にパストラバーサルができます。',
  },
  "apache.exposure.why.rootGranted": {
    en: '"{line}" lets Apache serve any file on the disk.',
    ja: '"{line}" により、Apache はディスク上のどのファイルでも返します。',
  },
  "apache.exposure.why.rootDefault": {
    en: "No <Directory /> denies access, and Apache's default is to allow it.",
    ja: "<Directory /> でアクセスを拒否しておらず、Apache の既定では許可されます。",
  },
  "apache.exposure.why.cgi": {
    en: "{module} is loaded, so a request through the ScriptAlias runs /bin/sh with the attacker's commands.",
    ja: "{module} が読み込まれているため、ScriptAlias 経由のリクエストで攻撃者のコマンドが /bin/sh で実行されます。",
  },
  "apache.exposure.why.noCgi": {
    en: "mod_cgi/mod_cgid is not loaded, so commands cannot be run, but files can be read.",
    ja: "mod_cgi/mod_cgid が読み込まれていないためコマンドは実行されませんが、ファイルは読まれます。",
  },
  "apache.exposure.why.noScriptAlias": {
    en: "No usable ScriptAlias reaches /bin/sh, so commands cannot be run, but files can be read.",
    ja: "/bin/sh に届く ScriptAlias がないためコマンドは実行されませんが、ファイルは読まれます。",
  },
  "apache.exposure.why.rootDenied": {
    en: '<Directory /> denies access ("{line}"), so /etc/passwd and other system files stay unreadable.',
    ja: '<Directory /> でアクセスを拒否している ("{line}") ため、/etc/passwd などのシステムファイルは読まれません。',
  },
  "apache.exposure.why.grantedDirs": {
    en: "But these directories are granted outside what the site serves, and the traversal reaches them: {dirs}.",
    ja: "ただし、サイトの公開範囲の外で次のディレクトリが許可されており、パストラバーサルで届きます: {dirs}。",
  },
  "apache.exposure.why.nothingExtra": {
    en: "No directory is granted beyond the site's own content, so the traversal reaches nothing new.",
    ja: "サイト自身の公開内容以外に許可されたディレクトリがないため、パストラバーサルで新たに届くものはありません。",
  },
  "apache.exposure.why.backported": {
    en: "The package {version} contains the fix (backported by the distribution).",
    ja: "パッケージ {version} には修正が含まれています (ディストリビューションによるバックポート)。",
  },
  "apache.exposure.why.otherVersion": {
    en: "Only 2.4.49 and 2.4.50 have this flaw; this is {version}.",
    ja: "この欠陥があるのは 2.4.49 と 2.4.50 だけで、この Apache は {version} です。",
  },
  "apache.exposure.why.noConfig": {
    en: "The configuration could not be read, so whether it is exposed is unknown; treat it as exposed until upgraded.",
    ja: "設定を読めなかったため、悪用できるかは不明です。更新するまでは悪用可能とみなしてください。",
  },
  "apache.exposure.form": {
    en: 'Attackers use the encoded form "{form}" in the URL path.',
    ja: '攻撃者は URL パスに "{form}" という符号化を使います。',
  },
  "apache.exposure.fix.none": {
    en: "Nothing to do for these two CVEs.",
    ja: "この 2 つの CVE について対応は不要です。",
  },
  "apache.exposure.fix.upgradePkg": {
    en: "Upgrade the Apache package now (fixed from 2.4.51).",
    ja: "今すぐ Apache のパッケージを更新してください (2.4.51 以降で修正済み)。",
  },
  "apache.exposure.fix.upgradeSource": {
    en: "Build and install Apache httpd {target} or later from https://httpd.apache.org/download.cgi (2.4.51 fixes these two CVEs; {target} fixes every known one) and restart it.",
    ja: "https://httpd.apache.org/download.cgi から Apache httpd {target} 以降をビルドして入れ替え、再起動してください (この 2 つは 2.4.51 で修正、既知のすべては {target} で修正)。",
  },
  "apache.exposure.fix.config": {
    en: "Until then, deny <Directory /> as below and reload.",
    ja: "それまでの間、下記のように <Directory /> を拒否して設定を再読み込みしてください。",
  },
  "apache.exposure.fix.configLimited": {
    en: "Until then, stop granting {dirs} as a whole: deny them and grant only what the site serves (lines below), then reload.",
    ja: "それまでの間、{dirs} 全体への許可をやめ、サイトが公開するものだけを許可して (下記の行)、設定を再読み込みしてください。",
  },
  "apache.exposure.fix.cgiComment": {
    en: "also comment out the LoadModule line of mod_cgi/mod_cgid if no CGI script is needed",
    ja: "CGI が不要なら mod_cgi/mod_cgid の LoadModule 行もコメントアウトする",
  },
  "apache.cve.kevTitle": {
    en: "{cve} ({title}) applies to Apache {version} and is exploited in the wild",
    ja: "{cve} ({title}) が Apache {version} に該当し、実際に悪用されています",
  },
  "apache.cve.kevDetail": {
    en: "CISA lists it as known exploited since {date}. Fixed upstream in {fixed}.",
    ja: "CISA が {date} から悪用確認済みとして掲載しています。本家では {fixed} で修正済みです。",
  },
  "apache.cve.groupTitle": {
    en: "{count} known {severity} vulnerabilities apply to Apache {version}",
    ja: "Apache {version} には深刻度「{severity}」の既知の脆弱性が {count} 件あります",
  },
  "apache.cve.fix.pkgGuess": {
    en: "The binary looks like the distribution's {pkg} package, but its database could not be read: upgrade {pkg} with the package manager; if no package owns it, build and install Apache httpd {target} or later.",
    ja: "このバイナリはディストリビューションの {pkg} パッケージのようですが、データベースを読めませんでした。パッケージマネージャで {pkg} を更新してください。どのパッケージにも属さない場合は Apache httpd {target} 以降をビルドして入れ替えてください。",
  },
  "apache.cve.fix.pkg": {
    en: "Upgrade the package {pkg} and restart Apache.",
    ja: "パッケージ {pkg} を更新し、Apache を再起動してください。",
  },
  "apache.cve.fix.thirdParty": {
    en: "It comes from a third-party repository: the distribution's updates do not fix it; update it from that repository to upstream {target} or later, or replace it with the distribution's package.",
    ja: "サードパーティのリポジトリ由来のため、ディストリビューションの更新では直りません。そのリポジトリから本家 {target} 以降に相当するバージョンへ更新するか、ディストリビューションのパッケージに置き換えてください。",
  },
  "apache.cve.fix.pkgTo": {
    en: "Upgrade the package {pkg} to {target} or later (the distribution's security update) and restart Apache.",
    ja: "パッケージ {pkg} を {target} 以降 (ディストリビューションのセキュリティ更新) に更新し、Apache を再起動してください。",
  },
  "apache.cve.caveat.backports-likely": {
    en: "The distribution may have backported fixes that mamori's data does not cover, so some of these may already be fixed.",
    ja: "ディストリビューションが修正をバックポートしている可能性があり、mamori のデータでは確認できないため、一部はすでに修正済みかもしれません。",
  },
  "apache.cve.caveat.possibly-affected": {
    en: "Apache lists this version only as possibly affected.",
    ja: "Apache はこのバージョンを「影響の可能性あり」としてのみ挙げています。",
  },
  "apache.cve.caveat.distro-data-stale": {
    en: "The installed package is newer than every fix in the distribution data mamori has for its release, so these may already be fixed; run `mamori db update`.",
    ja: "インストール済みのパッケージは、mamori が持つこのリリース向けのディストリビューションのデータにあるどの修正よりも新しいため、これらはすでに修正済みかもしれません。`mamori db update` を実行してください。",
  },
  "apache.cve.caveat.distro-data-silent": {
    en: "The distribution's data that mamori has lists fixes only and says nothing about these CVEs for this release, so they may already be fixed or not apply; run `mamori db update`.",
    ja: "mamori が持つディストリビューションのデータは修正の一覧のみで、このリリースについてこれらの CVE への言及がありません。すでに修正済みか、影響しない可能性があります。`mamori db update` を実行してください。",
  },
  "apache.cve.caveat.separate-package": {
    en: "The distribution fixed it in a separately packaged module (such as mod_http2); mamori read only the web server package's version, so check that module's package version.",
    ja: "ディストリビューションは別パッケージのモジュール (mod_http2 など) で修正しています。mamori が確認したのは Web サーバー本体のパッケージのバージョンだけなので、そのモジュールのパッケージのバージョンを確認してください。",
  },
  "apache.cve.fix.source": {
    en: "Build and install Apache httpd {target} or later from https://httpd.apache.org/download.cgi and restart it.",
    ja: "https://httpd.apache.org/download.cgi から Apache httpd {target} 以降をビルドして入れ替え、再起動してください。",
  },
  "apache.cve.fix.sourceLatest": {
    en: "Build and install the current Apache httpd release from https://httpd.apache.org/download.cgi and restart it.",
    ja: "https://httpd.apache.org/download.cgi から最新の Apache httpd をビルドして入れ替え、再起動してください。",
  },
  "apache.config.root.title": {
    en: "<Directory /> allows access to the whole disk",
    ja: "<Directory /> がディスク全体へのアクセスを許可しています",
  },
  "apache.config.root.detail": {
    en: '"{line}" on <Directory /> means any Alias, symbolic link or path flaw can serve files from anywhere on the disk.',
    ja: '<Directory /> の "{line}" により、Alias やシンボリックリンク、パス処理の欠陥を通じてディスク上のどのファイルでも公開されえます。',
  },
  "apache.config.root.detailDefault": {
    en: "No <Directory /> section denies access, and Apache then allows it: any Alias, symbolic link or path flaw can serve files from anywhere on the disk.",
    ja: "<Directory /> でアクセスを拒否しておらず、その場合 Apache は許可します。Alias やシンボリックリンク、パス処理の欠陥を通じてディスク上のどのファイルでも公開されえます。",
  },
  "apache.config.root.noDirective": {
    en: "no <Directory /> denies access",
    ja: "<Directory /> による拒否がありません",
  },
  "apache.config.root.fix": {
    en: "Deny the root directory and grant only the directories you serve.",
    ja: "ルートディレクトリを拒否し、公開するディレクトリだけを許可してください。",
  },
  "apache.config.tokens.default": {
    en: "ServerTokens not set (default Full)",
    ja: "ServerTokens が未設定 (既定値 Full)",
  },
  "apache.config.tokens.detail": {
    en: "ServerTokens {value} puts the exact version (and OS) into every Server header.",
    ja: "ServerTokens {value} のため、すべての Server ヘッダーに正確なバージョン (と OS) が載ります。",
  },
  "apache.config.signature.detail": {
    en: "ServerSignature On adds it to every error page.",
    ja: "ServerSignature On のため、エラーページにも表示されます。",
  },
  "apache.config.disclosure.title": {
    en: "Apache tells every visitor its exact version",
    ja: "Apache が訪問者に正確なバージョンを知らせています",
  },
  "apache.config.disclosure.fix": {
    en: "Set ServerTokens Prod and ServerSignature Off, so scanners cannot pick this server by version.",
    ja: "ServerTokens Prod と ServerSignature Off を設定し、バージョンを手がかりに狙われないようにしてください。",
  },
  "apache.config.status.title": {
    en: "{handler} at {url} is open to everyone",
    ja: "{url} の {handler} が誰にでも公開されています",
  },
  "apache.config.status.detail": {
    en: "{url} shows every current request, client address and URL to anyone who asks.",
    ja: "{url} は、処理中のリクエスト、接続元アドレス、URL を誰にでも表示します。",
  },
  "apache.config.status.detailInfo": {
    en: "{url} shows the whole configuration and loaded modules to anyone who asks.",
    ja: "{url} は、設定全体と読み込まれたモジュールを誰にでも表示します。",
  },
  "apache.config.status.fix": {
    en: "Restrict {url} to the machine itself (Require local) or to your administrators' addresses.",
    ja: "{url} をこのマシン自身 (Require local) か管理者のアドレスだけに制限してください。",
  },
  "apache.config.indexes.title": {
    en: "Directory listing is on for {dir}",
    ja: "{dir} でディレクトリ一覧表示が有効です",
  },
  "apache.config.indexes.detail": {
    en: "Options Indexes on {dir}: a directory without an index page lists every file in it (backups, old copies, uploads).",
    ja: "{dir} に Options Indexes があり、インデックスページ (index.html など) のないディレクトリは中のファイル (バックアップ、古いコピー、アップロード) をすべて一覧表示します。",
  },
  "apache.config.indexes.detailSensitive": {
    en: "Options Indexes on {dir}, a system directory: its contents are listed to anyone who reaches it.",
    ja: "システムディレクトリ {dir} に Options Indexes があり、届いた人に中身が一覧表示されます。",
  },
  "apache.config.indexes.fix": {
    en: "Remove Indexes from the Options of {dir}.",
    ja: "{dir} の Options から Indexes を外してください。",
  },
  "apache.eol.title": {
    en: "Apache {version}: the {branch} branch gets no security fixes any more",
    ja: "Apache {version}: {branch} 系はもうセキュリティ修正が提供されません",
  },
  "apache.eol.detail": {
    en: "Apache ended {branch} on {date}; vulnerabilities found since then stay open.",
    ja: "Apache は {date} に {branch} 系の提供を終了しました。それ以降に見つかった脆弱性は修正されません。",
  },
  "apache.eol.fix": {
    en: "Move to Apache 2.4 (the distribution's current package, or the current upstream release).",
    ja: "Apache 2.4 (ディストリビューションの現行パッケージか本家の最新版) に移行してください。",
  },
  "apache.evidence.binary": { en: "version string in the binary", ja: "バイナリ内のバージョン文字列" },
  "apache.evidence.live": { en: "httpd -v", ja: "httpd -v の出力" },
  "apache.evidence.running": {
    en: "still running the replaced binary",
    ja: "置き換え前のバイナリのまま実行中",
  },
  "apache.basis.label.distro-data": { en: "distro data", ja: "ディストリビューションの情報" },
  "apache.basis.label.upstream-version": { en: "upstream version", ja: "本家のバージョン" },
  "apache.basis.label.banner": { en: "banner", ja: "バナー" },
  "apache.because.distroFixed": {
    en: "the distribution fixed it in {fixed}; installed is {installed}",
    ja: "ディストリビューションは {fixed} で修正済み。インストール済みは {installed}",
  },
  "apache.because.distroOpen": {
    en: "the distribution's tracker lists it as not yet fixed for {installed}",
    ja: "ディストリビューションの追跡情報では {installed} に対して未修正です",
  },
  "apache.because.upstream": {
    en: "{version} is in Apache's affected versions; fixed upstream in {fixed}",
    ja: "{version} は Apache が示す影響範囲に含まれます。本家では {fixed} で修正済み",
  },
  "apache.diag.replacedWhileRunning": {
    en: "{path} (pid {pid}) runs a binary that was replaced on disk after it started ({running}); restart Apache so the new version is the one serving",
    ja: "{path} (pid {pid}) は起動後にディスク上で置き換えられたバイナリで動いています ({running})。新しいバージョンで動かすには Apache を再起動してください",
  },
  "apache.diag.configWithoutBinary": {
    en: "{path} exists but no Apache binary was found on the usual paths; if Apache lives elsewhere, its version was not checked",
    ja: "{path} はありますが、通常の場所に Apache のバイナリが見つかりません。別の場所にある場合、そのバージョンは確認していません",
  },
  "apache.diag.undefinedVar": {
    en: "{where}: {variable} is not defined; left as written",
    ja: "{where}: {variable} が定義されていないため、書かれたまま扱いました",
  },
  "apache.diag.tooManyFiles": {
    en: "more than {max} configuration file(s); the rest were not read",
    ja: "設定ファイルが {max} 個を超えたため、残りは読んでいません",
  },
  "apache.diag.includeLoop": {
    en: "include loop: {chain}; the repeated include was skipped, the rest was read",
    ja: "Include がループしています: {chain}。繰り返しの Include は飛ばし、残りは読みました",
  },
  "apache.diag.includeDepth": {
    en: "includes nested deeper than {max}; {path} skipped",
    ja: "Include の入れ子が {max} 段を超えたため、{path} は読んでいません",
  },
  "apache.diag.includeNoPath": {
    en: "{where}: {name} without a path",
    ja: "{where}: {name} にパスがありません",
  },
  "apache.diag.includeNoMatch": {
    en: "{where}: Include {target} matches no file (Apache would refuse to start); the rest was read",
    ja: "{where}: Include {target} に一致するファイルがありません (Apache は起動できません)。残りは読みました",
  },
  "apache.diag.includeMissing": {
    en: "{where}: Include {target}: file not found (Apache would refuse to start); the rest was read",
    ja: "{where}: Include {target}: ファイルがありません (Apache は起動できません)。残りは読みました",
  },
  "apache.diag.strayClose": {
    en: "{where}: </{name}> does not close an open section; ignored",
    ja: "{where}: </{name}> に対応する開始がないため無視しました",
  },
  "apache.diag.openNoGt": {
    en: '{where}: section opening without ">"; read anyway',
    ja: '{where}: セクションの開始に ">" がありませんが、そのまま読みました',
  },
  "apache.diag.unclosed": {
    en: "{path}: section <{name}> is never closed (Apache would refuse to start)",
    ja: "{path}: セクション <{name}> が閉じられていません (Apache は起動できません)",
  },
  "apache.diag.mainMissing": {
    en: "{path}: main configuration file not found",
    ja: "{path}: メインの設定ファイルが見つかりません",
  },
  "apache.diag.dpkgUnreadable": {
    en: "{path}: {reason}; the package that owns {binary} is unknown",
    ja: "{path}: {reason}。{binary} がどのパッケージのものか分かりません",
  },
  "apache.diag.dpkgMalformed": {
    en: "{path}: {count} malformed line(s) or entries skipped; the rest was read",
    ja: "{path}: 壊れた行・項目 {count} 件を飛ばし、残りは読みました",
  },
  "apache.diag.rpmFailed": {
    en: "rpm -qf {binary} failed: {reason}",
    ja: "rpm -qf {binary} が失敗しました: {reason}",
  },
  "apache.diag.failed": {
    en: "{path}: {reason}",
    ja: "{path}: {reason}",
  },
  "apache.summary.none": {
    en: "No Apache httpd installation found.",
    ja: "Apache httpd は見つかりませんでした。",
  },
} as const satisfies Messages;
