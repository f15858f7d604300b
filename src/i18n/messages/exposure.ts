import type { Messages } from "../types.ts";

/** Sentences of the exposure area: `mamori ports`, the audit's exposure scanner and `mamori probe`. */
export const exposure = {
  // ---- why a service matters (keys named by rules/exposure/services.yaml) ----
  "exposure.why.redis": {
    en: "Redis open to the network is a favourite door of cryptomining gangs: without a password anyone can write files through it (cron jobs, SSH keys) or load modules and run commands.",
    ja: "ネットワークに公開された Redis は、暗号資産マイニングを狙う攻撃者がよく使う入口です。パスワードがなければ誰でもファイル (cron や SSH 鍵) を書き込んだり、モジュールを読み込んでコマンドを実行したりできます。",
  },
  "exposure.why.docker": {
    en: "The Docker API gives whoever reaches it root on this server: attackers start a container that mounts / and run miners. Port 2375 has no authentication at all.",
    ja: "Docker API に接続できる人は、このサーバーの root 権限を得ます。攻撃者は / をマウントしたコンテナを起動してマイナーを動かします。2375 番ポートには認証がまったくありません。",
  },
  "exposure.why.memcached": {
    en: "Memcached has no authentication: anyone can read and change the cached data, and its UDP port is abused for huge amplification attacks.",
    ja: "Memcached には認証がありません。誰でもキャッシュの内容を読み書きでき、UDP ポートは大規模な反射増幅攻撃に悪用されます。",
  },
  "exposure.why.mongodb": {
    en: "MongoDB reachable from the Internet is scanned constantly; databases without authentication are copied, wiped and held for ransom.",
    ja: "インターネットから届く MongoDB は常にスキャンされています。認証のないデータベースは複製・消去され、身代金を要求されます。",
  },
  "exposure.why.elasticsearch": {
    en: "Elasticsearch answers anyone who reaches it unless security is configured; open clusters leak data and old versions were used to run miners.",
    ja: "Elasticsearch はセキュリティ設定がなければ誰にでも応答します。公開されたクラスタからはデータが漏れ、古いバージョンはマイナーの実行に使われました。",
  },
  "exposure.why.database": {
    en: "A database listening on a public interface is brute-forced day and night; a weak or reused password gives attackers your data and often a way to run code.",
    ja: "公開インターフェースで待ち受けるデータベースには、昼夜を問わず総当たり攻撃が来ます。弱いパスワードや使い回しのパスワードでは、データを奪われ、コードを実行される足がかりにもなります。",
  },
  "exposure.why.telnet": {
    en: "Telnet sends passwords in clear text and is one of the most attacked services; botnets log in with default passwords.",
    ja: "Telnet はパスワードを平文で送り、最も攻撃されるサービスの一つです。ボットネットが既定のパスワードでログインします。",
  },
  "exposure.why.ftp": {
    en: "FTP sends passwords in clear text and is brute-forced; an anonymous or writable FTP is used to plant files.",
    ja: "FTP はパスワードを平文で送り、総当たり攻撃の対象になります。匿名ログインや書き込み可能な FTP はファイルを仕込むのに使われます。",
  },
  "exposure.why.rpcbind": {
    en: "rpcbind tells anyone which RPC services (NFS and others) run here and is abused for amplification attacks.",
    ja: "rpcbind は動いている RPC サービス (NFS など) を誰にでも教え、反射増幅攻撃にも悪用されます。",
  },
  "exposure.why.smb": {
    en: "SMB on the Internet is how worms and ransomware spread; file shares should never be reachable from outside.",
    ja: "インターネットに公開された SMB は、ワームやランサムウェアが広がる経路です。ファイル共有は外部から届くべきではありません。",
  },
  "exposure.why.x11": {
    en: "An X11 server open to the network lets others watch the screen and type into it.",
    ja: "ネットワークに公開された X11 サーバーでは、他人が画面を見たりキー入力を送り込んだりできます。",
  },
  "exposure.why.vnc": {
    en: "VNC is brute-forced constantly and many servers use weak or no passwords; it gives a full desktop.",
    ja: "VNC は常に総当たり攻撃を受け、弱いパスワードやパスワードなしの設定も多く、デスクトップ全体を明け渡します。",
  },
  "exposure.why.adminPanel": {
    en: "Server admin panels run as root; their login pages are brute-forced and their vulnerabilities exploited within days of disclosure.",
    ja: "サーバー管理パネルは root 権限で動きます。ログイン画面は総当たり攻撃を受け、脆弱性は公表から数日で悪用されます。",
  },
  "exposure.why.modStatus": {
    en: "mod_status open to everyone shows every client address and every URL being served (including secret tokens in query strings) and helps attackers time their attacks.",
    ja: "誰にでも公開された mod_status は、接続元アドレスと処理中のすべての URL (クエリ文字列内の秘密のトークンを含む) を見せ、攻撃者に攻撃のタイミングを教えます。",
  },
  "exposure.why.modInfo": {
    en: "mod_info open to everyone shows the whole Apache configuration: file paths, modules, access rules, sometimes credentials.",
    ja: "誰にでも公開された mod_info は、Apache の設定全体 (ファイルパス、モジュール、アクセス規則、時には認証情報) を見せます。",
  },
  "exposure.why.ssh": {
    en: "SSH is expected on a server you administer remotely; use keys, not passwords.",
    ja: "リモート管理するサーバーでは SSH が開いているのは想定内です。パスワードではなく鍵を使ってください。",
  },
  "exposure.why.dhcpClient": {
    en: "The DHCP client gets this machine's network address; its socket is expected.",
    ja: "DHCP クライアントはこのマシンのネットワークアドレスを取得します。このソケットは想定内です。",
  },
  "exposure.why.http": {
    en: "The web server is what this machine publishes.",
    ja: "Web サーバーはこのマシンが公開しているものです。",
  },

  // ---- local findings ----
  "exposure.title.public": {
    en: "{service} is reachable from the network on {proto}/{port} ({address})",
    ja: "{service} が {proto}/{port} でネットワークから接続できます ({address})",
  },
  "exposure.title.loopback": {
    en: "{service} listens on loopback only ({address})",
    ja: "{service} はループバックでのみ待ち受けています ({address})",
  },
  "exposure.title.port": {
    en: "{process} listens on {where} for the network ({address})",
    ja: "{process} が {where} でネットワークからの接続を待ち受けています ({address})",
  },
  "exposure.title.expected": {
    en: "{service} is open on {proto}/{port} ({address})",
    ja: "{service} が {proto}/{port} で公開されています ({address})",
  },
  "exposure.title.handler": {
    en: "{service} is open to everyone at {location} ({file}:{line})",
    ja: "{service} が {location} で誰にでも公開されています ({file}:{line})",
  },
  "exposure.detail.handlerGranted": {
    en: "The <Location {location}> block says `Require all granted` ({file}:{line}).",
    ja: "<Location {location}> ブロックが `Require all granted` になっています ({file}:{line})。",
  },
  "exposure.detail.handlerNoRequire": {
    en: "The <Location {location}> block has no Require line ({file}:{line}), so it inherits the site's access, usually everyone.",
    ja: "<Location {location}> ブロックに Require 行がなく ({file}:{line})、サイトのアクセス設定 (通常は全員に許可) を引き継ぎます。",
  },
  "exposure.fix.handler": {
    en: "Allow only this server (or your admin address) to use it: in {file} at line {line} use `Require local` (or `Require ip <your address>`), then check the configuration and reload Apache. If you do not use it, disable the module.",
    ja: "このサーバー (または管理用アドレス) だけに許可してください: {file} の {line} 行目で `Require local` (または `Require ip <管理用アドレス>`) とし、設定を確認して Apache を再読み込みしてください。使っていなければモジュールを無効にしてください。",
  },
  "exposure.detail.public": {
    en: "{process} (user {user}, {package}) listens on {address}: {scope}.",
    ja: "{process} (ユーザー {user}、{package}) が {address} で待ち受けています: {scope}。",
  },
  "exposure.detail.loopback": {
    en: "{process} (user {user}) accepts connections from this server only; nothing outside can reach it.",
    ja: "{process} (ユーザー {user}) はこのサーバー内からの接続だけを受け付けます。外部からは届きません。",
  },
  "exposure.detail.port": {
    en: "{process} (user {user}, {package}) accepts connections from the network.",
    ja: "{process} (ユーザー {user}、{package}) がネットワークからの接続を受け付けています。",
  },
  "exposure.detail.firewall": { en: "Firewall", ja: "ファイアウォール" },
  "exposure.scope.all": {
    en: "every network interface, so anyone who can reach this server can connect",
    ja: "すべてのネットワークインターフェースなので、このサーバーに届く人は誰でも接続できます",
  },
  "exposure.scope.address": {
    en: "a public address, so anyone who can reach that address can connect",
    ja: "公開アドレスなので、そのアドレスに届く人は誰でも接続できます",
  },
  "exposure.scope.private": {
    en: "a private network address, reachable from that network",
    ja: "プライベートネットワークのアドレスで、そのネットワークから接続できます",
  },
  "exposure.ev.config": { en: "config", ja: "設定" },
  "exposure.unknownProcess": { en: "an unknown process", ja: "不明なプロセス" },
  "exposure.noPackage": { en: "not from a dpkg package", ja: "dpkg パッケージ外" },
  "exposure.package": { en: "package {name}", ja: "パッケージ {name}" },
  "exposure.title.portUnknown": {
    en: "Something listens on {where} for the network ({address}); its process is not visible",
    ja: "{where} でネットワークからの接続を待ち受けているものがあります ({address})。プロセスは見えません",
  },
  "exposure.detail.portUnknown": {
    en: "A process this scan cannot see (socket owned by user {user}) accepts connections from the network.",
    ja: "この診断からは見えないプロセス (ソケットの所有ユーザー {user}) がネットワークからの接続を受け付けています。",
  },
  "exposure.fw.none": {
    en: "no firewall rules found (read {files})",
    ja: "ファイアウォールのルールが見つかりません ({files} を確認)",
  },
  "exposure.fw.noneShort": {
    en: "no enabled firewall rules found (see the firewall finding)",
    ja: "有効なファイアウォールのルールが見つかりません (ファイアウォールの検出結果を参照)",
  },
  "exposure.fw.noneForFamily": {
    en: "it listens on IPv{family} too, and no enabled IPv{family} firewall rules were found, so it is reachable over IPv{family}",
    ja: "IPv{family} でも待ち受けていますが、有効な IPv{family} のファイアウォールのルールがないため、IPv{family} で接続できます",
  },
  "exposure.fw.disabled": {
    en: "{tool} rules are saved in {file} but not enabled, so they do not protect it",
    ja: "{tool} のルールは {file} に保存されていますが有効ではないため、守られていません",
  },
  "exposure.fw.blockedRule": {
    en: "blocked by the {tool} rule at {where} ({rule}), read from the saved rules",
    ja: "保存された {tool} のルール {where} ({rule}) で遮断されています",
  },
  "exposure.fw.allowedRule": {
    en: "allowed by the {tool} rule at {where} ({rule})",
    ja: "{tool} のルール {where} ({rule}) で許可されています",
  },
  "exposure.fw.blockedPolicy": {
    en: "blocked by the {tool} default policy drop ({where}); no saved rule opens this port",
    ja: "{tool} の既定ポリシー drop ({where}) で遮断されています。このポートを開けるルールはありません",
  },
  "exposure.fw.allowedPolicy": {
    en: "let in: the {tool} default policy is accept ({where}) and no rule drops this port",
    ja: "通過します: {tool} の既定ポリシーが accept ({where}) で、このポートを遮断するルールがありません",
  },
  "exposure.fix.bind": {
    en: "If only this server uses {service}, make it listen on loopback: in {file} line {line} change the line `{value}` to `{safe}`, then restart it. If you do not need it at all, stop and disable it.",
    ja: "{service} をこのサーバー内だけで使うなら、ループバックで待ち受けるようにします: {file} の {line} 行目 `{value}` を `{safe}` に変えて再起動してください。まったく不要なら停止して無効にしてください。",
  },
  "exposure.fix.bindAdd": {
    en: "If only this server uses {service}, make it listen on loopback: add `{safe}` to {file}, then restart it. If you do not need it at all, stop and disable it.",
    ja: "{service} をこのサーバー内だけで使うなら、ループバックで待ち受けるようにします: {file} に `{safe}` を追加して再起動してください。まったく不要なら停止して無効にしてください。",
  },
  "exposure.fix.noConfig": {
    en: "Make {service} listen on 127.0.0.1 only (mamori did not find its configuration file), or stop and disable it if it is not needed; block {proto}/{port} in the firewall meanwhile.",
    ja: "{service} を 127.0.0.1 だけで待ち受けるようにする (設定ファイルは見つかりませんでした) か、不要なら停止して無効にしてください。それまではファイアウォールで {proto}/{port} を遮断してください。",
  },
  "exposure.fix.loopback": {
    en: "Nothing to change: keep it on loopback.",
    ja: "変更は不要です。ループバックのままにしてください。",
  },
  "exposure.fix.port": {
    en: "Check whether {proto}/{port} must be reachable from outside; if not, make {process} listen on 127.0.0.1, stop it, or block the port in the firewall.",
    ja: "{proto}/{port} が外部から届く必要があるか確認してください。不要なら、待ち受けているプロセス ({process}) を 127.0.0.1 だけで待ち受けるよう設定するか、停止するか、ファイアウォールで遮断してください。",
  },
  "exposure.fix.expected": {
    en: "Expected; make sure it is kept up to date.",
    ja: "想定内です。常に最新の状態に保ってください。",
  },
  "exposure.cmd.ifUnneeded": { en: "or, if it is not needed at all:", ja: "または、まったく不要なら:" },
  "exposure.firewall.none.title": {
    en: "No enabled firewall found",
    ja: "有効なファイアウォールが見つかりません",
  },
  "exposure.firewall.none.detail": {
    en: "mamori found no enabled firewall rules it can read ({files}), so the {count} port(s) open to the network can be reached by anyone who can reach this server. (mamori reads saved rules only and never runs nft or iptables.)",
    ja: "読み取れる有効なファイアウォールのルールが見つかりません ({files})。ネットワークに開いている {count} 個のポートには、このサーバーに届く人なら誰でも接続できます。(mamori は保存されたルールだけを読み、nft や iptables は実行しません。)",
  },
  "exposure.firewall.none.fix": {
    en: "Turn on a default-deny firewall that allows only what you publish; allow SSH first so you do not lock yourself out.",
    ja: "公開するものだけを許可し、それ以外を拒否するファイアウォールを有効にしてください。締め出されないよう、先に SSH を許可してください。",
  },
  "exposure.firewall.notEnabled.title": {
    en: "Saved {tool} rules are not enabled",
    ja: "保存された {tool} のルールが有効になっていません",
  },
  "exposure.firewall.notEnabled.detail": {
    en: "{file} holds {tool} rules, but nothing loads them (not enabled at boot), so they may not protect this server.",
    ja: "{file} に {tool} のルールがありますが、読み込まれる設定になっていない (起動時に有効でない) ため、このサーバーを守っていない可能性があります。",
  },
  "exposure.firewall.notEnabled.fix": {
    en: "Check the rules, then enable {tool} at boot.",
    ja: "ルールを確認してから、{tool} を起動時に有効にしてください。",
  },
  "exposure.firewall.notEnabled.fixUfw": {
    en: "Allow SSH, then enable ufw.",
    ja: "SSH を許可してから ufw を有効にしてください。",
  },
  "exposure.firewall.active.title": {
    en: "Firewall: {tool}, default {policy} for incoming connections",
    ja: "ファイアウォール: {tool}、受信接続の既定は {policy}",
  },
  "exposure.firewall.active.detail": {
    en: "Read from the saved rules ({file}; {rules} rule(s); enabled by {enabledBy}). mamori never runs nft or iptables, so rules changed by hand since they were saved are not seen.",
    ja: "保存されたルールから読み取りました ({file}、ルール {rules} 件、有効化: {enabledBy})。mamori は nft や iptables を実行しないため、保存後に手で変えたルールは反映されていません。",
  },
  "exposure.firewall.active.fixOk": {
    en: "Good: keep the default deny and open only what you publish.",
    ja: "良好です。既定の拒否を保ち、公開するものだけを開けてください。",
  },
  "exposure.firewall.active.fixAccept": {
    en: "The default lets everything in: change the input policy to drop after allowing SSH and your web ports.",
    ja: "既定ですべてを通しています。SSH と Web のポートを許可した後、受信ポリシーを drop にしてください。",
  },

  // ---- mamori ports ----
  "exposure.ports.heading": { en: "Listening sockets", ja: "待ち受け中のソケット" },
  "exposure.ports.none": { en: "No listening sockets found.", ja: "待ち受け中のソケットはありません。" },
  "exposure.ports.col.proto": { en: "PROTO", ja: "プロトコル" },
  "exposure.ports.col.address": { en: "ADDRESS", ja: "アドレス" },
  "exposure.ports.col.process": { en: "PROCESS", ja: "プロセス" },
  "exposure.ports.col.user": { en: "USER", ja: "ユーザー" },
  "exposure.ports.col.package": { en: "PACKAGE", ja: "パッケージ" },
  "exposure.ports.col.service": { en: "SERVICE", ja: "サービス" },
  "exposure.ports.col.reach": { en: "REACHABLE FROM", ja: "接続元" },
  "exposure.reach.loopback": { en: "this host only", ja: "このホストのみ" },
  "exposure.reach.network": { en: "network", ja: "ネットワーク" },
  "exposure.reach.blocked": { en: "network, firewalled", ja: "ネットワーク (遮断)" },
  "exposure.unowned": {
    en: "{count} listening socket(s) without a visible owner process (run as root to see every owner; processes in other PID namespaces, such as containers, stay hidden)",
    ja: "所有プロセスが見えない待ち受けソケットが {count} 個あります (すべての所有者を見るには root で実行してください。コンテナなど別の PID 名前空間のプロセスは見えません)",
  },
  "exposure.notRead": {
    en: "no /proc/net socket tables under this root: listening sockets were not checked",
    ja: "このルートに /proc/net のソケット表がないため、待ち受けソケットは確認できませんでした",
  },
  // ---- mamori probe ----
  "exposure.probe.title": { en: "mamori probe (servers you own)", ja: "mamori probe (自分のサーバー用)" },
  "exposure.probe.verdict.vulnerable": { en: "VULNERABLE", ja: "脆弱" },
  "exposure.probe.verdict.not-vulnerable": { en: "ok", ja: "問題なし" },
  "exposure.probe.verdict.inconclusive": { en: "inconclusive", ja: "判定不能" },
  "exposure.probe.check.banner": { en: "Server banner", ja: "サーバーのバナー" },
  "exposure.probe.check.cve-2021-41773": {
    en: "Path traversal CVE-2021-41773 (.%2e)",
    ja: "パストラバーサル CVE-2021-41773 (.%2e)",
  },
  "exposure.probe.check.cve-2021-42013": {
    en: "Path traversal CVE-2021-42013 (double-encoded .%%32%65)",
    ja: "パストラバーサル CVE-2021-42013 (二重エンコード .%%32%65)",
  },
  "exposure.probe.check.trace": { en: "TRACE method", ja: "TRACE メソッド" },
  "exposure.probe.check.directory-listing": { en: "Directory listing", ja: "ディレクトリ一覧" },
  "exposure.probe.check.server-status": {
    en: "/server-status (mod_status)",
    ja: "/server-status (mod_status)",
  },
  "exposure.probe.check.server-info": { en: "/server-info (mod_info)", ja: "/server-info (mod_info)" },
  "exposure.probe.check.git-exposed": { en: "Exposed .git/", ja: ".git/ の公開" },
  "exposure.probe.check.env-exposed": { en: "Exposed .env", ja: ".env の公開" },
  "exposure.probe.summary": {
    en: "{targets} target(s): {vulnerable} vulnerable finding(s), {errors} target(s) with an error (not or not fully probed).",
    ja: "対象 {targets} 件: 脆弱な項目 {vulnerable} 件、エラーのあった対象 {errors} 件 (未診断または一部のみ)。",
  },
  "exposure.probe.finding.title": { en: "{check}: {url}", ja: "{check}: {url}" },
  "exposure.probe.finding.fix": {
    en: "Run `mamori audit` on that server: it names the installation and the configuration behind this, and how to fix it.",
    ja: "そのサーバーで `mamori audit` を実行してください。原因となるインストールと設定、直し方が分かります。",
  },
  "exposure.probe.confidence": { en: "confidence", ja: "確度" },
  "exposure.probe.col.check": { en: "check", ja: "検査" },
  "exposure.probe.col.verdict": { en: "verdict", ja: "判定" },
  "exposure.probe.finalUrl": { en: "ended at", ja: "最終 URL" },
  "exposure.probe.error.invalid-url": {
    en: "not a valid http(s) URL; nothing was sent",
    ja: "有効な http(s) の URL ではありません。何も送信していません",
  },
  "exposure.probe.error.too-long": {
    en: "URL too long; nothing was sent",
    ja: "URL が長すぎます。何も送信していません",
  },
  "exposure.probe.error.unsupported-scheme": {
    en: "only http:// and https:// are probed; nothing was sent",
    ja: "http:// と https:// のみ診断します。何も送信していません",
  },
  "exposure.probe.error.tls": {
    en: "TLS error {code}: the certificate could not be verified (if you own this server and trust it, add --insecure)",
    ja: "TLS エラー {code}: 証明書を検証できませんでした (自分のサーバーで信頼できるなら --insecure を付けてください)",
  },
  "exposure.probe.error.timeout": {
    en: "no answer within {seconds} s (timeout)",
    ja: "{seconds} 秒以内に応答がありません (タイムアウト)",
  },
  "exposure.probe.error.gaveUp": {
    en: "stopped: {count} requests in a row got no answer, so the remaining checks were not sent (their results are incomplete)",
    ja: "中断: {count} 回続けて応答がなかったため、残りの検査は送信していません (結果は不完全です)",
  },
  "exposure.probe.error.badHttp": {
    en: "the answer is not valid HTTP ({code}), e.g. headers too large",
    ja: "応答が正しい HTTP ではありません ({code})。ヘッダーが大きすぎる場合などです",
  },
  "exposure.probe.error.network": { en: "could not connect: {code}", ja: "接続できませんでした: {code}" },
  "exposure.probe.banner.none": {
    en: "No Server header and no error page signature: the version cannot be told from outside.",
    ja: "Server ヘッダーもエラーページの署名もなく、外部からはバージョンを判別できません。",
  },
  "exposure.probe.banner.not-apache": {
    en: "The server calls itself {product}, not Apache (a proxy or another server may be in front).",
    ja: "サーバーは Apache ではなく {product} と名乗っています (前段にプロキシや別のサーバーがある可能性があります)。",
  },
  "exposure.probe.banner.no-version": {
    en: "Apache without a version (ServerTokens Prod): the banner cannot tell; the traversal checks decide.",
    ja: "バージョンの表示がない Apache です (ServerTokens Prod)。バナーでは判定できないため、トラバーサル検査で判断します。",
  },
  "exposure.probe.banner.distro": {
    en: "Apache {version} built by {distro}: distribution builds backport fixes, so the version number alone cannot tell; the traversal checks decide.",
    ja: "{distro} がビルドした Apache {version} です。ディストリビューション版は修正をバックポートするため、バージョン番号だけでは判定できません。トラバーサル検査で判断します。",
  },
  "exposure.probe.banner.vulnerable-version": {
    en: "The banner says Apache {version}, a version with {cves} (a banner alone is weak evidence).",
    ja: "バナーは Apache {version} と示しており、{cves} の影響を受けるバージョンです (バナーだけでは弱い証拠です)。",
  },
  "exposure.probe.banner.deferred": {
    en: "The dedicated check ({checks}) tested the server itself and decides where the banner disagrees.",
    ja: "専用の検査 ({checks}) がサーバー自体を試しており、バナーと食い違う点はその結果で判断します。",
  },
  "exposure.probe.banner.other-version": {
    en: "The banner says Apache {version}, not 2.4.49 or 2.4.50 (a banner can be changed or wrong).",
    ja: "バナーは Apache {version} と示しており、2.4.49 や 2.4.50 ではありません (バナーは変更や誤りがありえます)。",
  },
  "exposure.probe.traversal.vulnerable": {
    en: "Through {prefix}, the encoded ../ was not rejected (a fixed Apache answers 400): the server behaves like a build with {cve}. Upgrade Apache now.",
    ja: "{prefix} 経由のエンコードされた ../ が拒否されませんでした (修正済みの Apache は 400 を返します)。{cve} を持つバージョンと同じ動作です。今すぐ Apache を更新してください。",
  },
  "exposure.probe.traversal.confirmed": {
    en: "Confirmed {cve}: the harmless file {file} was read through the traversal (content not shown). Upgrade Apache now and check the logs for earlier exploitation.",
    ja: "{cve} を確認しました: 無害なファイル {file} をトラバーサル経由で読み取れました (内容は表示しません)。今すぐ Apache を更新し、過去に悪用されていないかログを確認してください。",
  },
  "exposure.probe.traversal.patched": {
    en: "The encoded ../ of {cve} was rejected with 400, as fixed Apache builds do.",
    ja: "{cve} のエンコードされた ../ は、修正済みの Apache と同じく 400 で拒否されました。",
  },
  "exposure.probe.traversal.inconclusive": {
    en: "Cannot tell {cve} from outside: the server (or a proxy in front of it) did not answer a plain ../ or a missing file the way Apache does.",
    ja: "外部からは {cve} を判定できません: サーバー (または前段のプロキシ) が、単純な ../ や存在しないファイルに Apache と同じ応答をしませんでした。",
  },
  "exposure.probe.serverStatus": {
    en: "/server-status is open to anyone: it shows every client address and URL being served.",
    ja: "/server-status が誰にでも公開されています。接続元アドレスと処理中の URL がすべて見えます。",
  },
  "exposure.probe.serverInfo": {
    en: "/server-info is open to anyone: it shows the whole configuration and loaded modules.",
    ja: "/server-info が誰にでも公開されています。設定全体と読み込まれたモジュールが見えます。",
  },
  "exposure.probe.noAnswer": { en: "No answer to this request.", ja: "この要求に応答がありません。" },
  "exposure.probe.trace": {
    en: "TRACE is enabled and echoes requests back: set `TraceEnable Off`.",
    ja: "TRACE が有効で、要求をそのまま返します。`TraceEnable Off` を設定してください。",
  },
  "exposure.probe.listing": {
    en: "A directory listing is shown: remove `Indexes` from Options where it is not meant to be public.",
    ja: "ディレクトリ一覧が表示されます。公開するつもりのない場所では Options から `Indexes` を外してください。",
  },
  "exposure.probe.git": {
    en: "The .git/ directory is served: the whole source history (and any secrets in it) can be downloaded.",
    ja: ".git/ ディレクトリが公開されています。ソースの全履歴 (含まれる秘密情報も) をダウンロードできます。",
  },
  "exposure.probe.env": {
    en: "A .env file with {count} setting(s) is served: change every password and key in it (values are not shown).",
    ja: "{count} 件の設定を含む .env ファイルが公開されています。含まれるパスワードと鍵をすべて変更してください (値は表示しません)。",
  },
  "exposure.probe.note.baseline": {
    en: "a missing file under the prefix (baseline)",
    ja: "プレフィックス配下の存在しないファイル (基準)",
  },
  "exposure.probe.note.control": {
    en: "plain ../ above the root: every Apache answers 400",
    ja: "ルートより上への単純な ../ : どの Apache も 400 を返します",
  },
  "exposure.probe.note.single": {
    en: "CVE-2021-41773 form to a missing file: fixed answers 400",
    ja: "存在しないファイルへの CVE-2021-41773 形式: 修正済みなら 400",
  },
  "exposure.probe.note.double": {
    en: "CVE-2021-42013 form to a missing file: fixed answers 400",
    ja: "存在しないファイルへの CVE-2021-42013 形式: 修正済みなら 400",
  },
  "exposure.probe.note.readConfirmed": {
    en: "read {bytes} byte(s) of {file} (content not shown)",
    ja: "{file} を {bytes} バイト読み取りました (内容は表示しません)",
  },
  "exposure.probe.note.readFailed": {
    en: "{file} could not be read through the traversal",
    ja: "トラバーサル経由で {file} を読み取れませんでした",
  },
  "exposure.probe.note.noReadViaCgi": {
    en: "no read attempted: the only prefix that let the traversal through is a script alias, and mamori never makes a server execute anything",
    ja: "読み取りは試みていません: トラバーサルが通ったのはスクリプト用のエイリアスだけで、mamori はサーバーに何も実行させません",
  },
  "exposure.probe.note.notFound": { en: "a file that cannot exist", ja: "存在しえないファイル" },
  "exposure.probe.note.listing": { en: "directory listing", ja: "ディレクトリ一覧" },
  "exposure.probe.note.gitHead": {
    en: "content has the shape of .git/HEAD ({shape})",
    ja: "内容が .git/HEAD の形式です ({shape})",
  },
  "exposure.probe.note.envKeys": { en: "keys: {keys}", ja: "キー: {keys}" },
  "exposure.probe.note.error": { en: "error: {code}", ja: "エラー: {code}" },
  "exposure.probe.note.truncated": {
    en: "truncated after {bytes} byte(s)",
    ja: "{bytes} バイトで打ち切りました",
  },
  "exposure.probe.note.redirected": { en: "after a redirect", ja: "リダイレクト後" },
  "exposure.probe.note.redirectOtherHost": {
    en: "redirect to another host not followed (--follow-other-hosts to allow): {location}",
    ja: "別ホストへのリダイレクトは追跡していません (許可するには --follow-other-hosts): {location}",
  },
  "exposure.probe.usage.noTargets": {
    en: "give at least one URL, or --targets FILE",
    ja: "URL を 1 つ以上、または --targets FILE を指定してください",
  },
  "exposure.probe.usage.targetsFile": {
    en: "cannot read --targets {path}: {reason}",
    ja: "--targets {path} を読み取れません: {reason}",
  },
} as const satisfies Messages;
