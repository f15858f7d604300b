import type { Messages } from "../types.ts";

/** Compromise hunting: miners, backdoors, persistence (issue 3). */
export const hunt = {
  // Signals: one weak or strong observation each; findings list the ones they rest on.
  "hunt.signal.minerName": { en: "name of a known miner", ja: "既知のマイナーの名前" },
  "hunt.signal.stratumUrl": {
    en: "stratum mining URL on the command line",
    ja: "コマンドラインに stratum マイニング URL",
  },
  "hunt.signal.donateLevel": { en: "miner option --donate-level", ja: "マイナーのオプション --donate-level" },
  "hunt.signal.minerTuning": { en: "miner CPU tuning option", ja: "マイナーの CPU 調整オプション" },
  "hunt.signal.minerBackground": {
    en: "runs itself in the background (-B)",
    ja: "自身をバックグラウンド化 (-B)",
  },
  "hunt.signal.poolWallet": {
    en: "pool address (-o host:port) with a wallet (-u)",
    ja: "プールの宛先 (-o host:port) とウォレット (-u)",
  },
  "hunt.signal.wallet": { en: "Monero wallet address", ja: "Monero のウォレットアドレス" },
  "hunt.signal.downloadPipeShell": {
    en: "download piped into a shell",
    ja: "ダウンロードをそのままシェルに渡している",
  },
  "hunt.signal.reverseShell": { en: "reverse shell", ja: "リバースシェル" },
  "hunt.signal.base64Blob": { en: "base64-encoded command", ja: "base64 で隠したコマンド" },
  "hunt.signal.tempPath": {
    en: "in a temporary, world-writable place",
    ja: "誰でも書き込める一時ディレクトリにある",
  },
  "hunt.signal.hiddenPath": { en: "in a hidden (dot) directory", ja: "隠し (ドット) ディレクトリにある" },
  "hunt.signal.minerWords": {
    en: "names a miner or mining pool",
    ja: "マイナーやマイニングプールの名前を含む",
  },
  "hunt.signal.defenseEvasion": {
    en: "turns off protection or hides traces",
    ja: "防御を止める・痕跡を消す",
  },
  "hunt.signal.killCompetitors": { en: "kills competing miners", ja: "競合するマイナーを停止させる" },
  "hunt.signal.poolDomain": {
    en: "mining pool on a public pool list",
    ja: "公開プールリストにあるマイニングプール",
  },
  "hunt.signal.iocDomain": { en: "domain on a malware IOC list", ja: "マルウェア IOC リストにあるドメイン" },
  "hunt.signal.iocAddress": { en: "address on an IOC list", ja: "IOC リストにあるアドレス" },
  "hunt.signal.minerConfig": {
    en: "miner configuration with pools",
    ja: "プール設定を持つマイナー設定ファイル",
  },
  "hunt.signal.poolConnection": {
    en: "connected to the pool named on its command line",
    ja: "コマンドラインで指定したプールに接続中",
  },
  "hunt.signal.minerPort": {
    en: "connection to a common mining port",
    ja: "マイニングでよく使われるポートへの接続",
  },
  "hunt.signal.memfdExe": {
    en: "runs from memory (memfd), no file on disk",
    ja: "メモリ上 (memfd) から実行され、ディスクにファイルがない",
  },
  "hunt.signal.deletedExe": {
    en: "its executable was deleted after start",
    ja: "起動後に実行ファイルが削除されている",
  },
  "hunt.signal.tempExe": {
    en: "executable in a temporary directory",
    ja: "実行ファイルが一時ディレクトリにある",
  },
  "hunt.signal.hiddenExe": {
    en: "executable in a hidden directory",
    ja: "実行ファイルが隠しディレクトリにある",
  },
  "hunt.signal.family": { en: "indicator of a known malware family", ja: "既知のマルウェアファミリーの痕跡" },
  "hunt.signal.iocHash": { en: "SHA-256 on an IOC list", ja: "SHA-256 が IOC リストに一致" },
  "hunt.signal.highCpu": { en: "sustained CPU use (cores)", ja: "継続的な CPU 使用 (コア数)" },
  "hunt.signal.masquerade": {
    en: "name of a kernel thread or system daemon on another executable",
    ja: "カーネルスレッドやシステムデーモンの名前を別の実行ファイルが名乗っている",
  },
  "hunt.signal.webShellChild": {
    en: "shell or downloader run by the web server user",
    ja: "Web サーバーのユーザーが動かすシェルやダウンローダー",
  },
  "hunt.signal.webChild": {
    en: "long-running program of the web server user",
    ja: "Web サーバーのユーザーが長時間動かしているプログラム",
  },
  "hunt.signal.unitExecTemp": {
    en: "the unit's program is in a temporary or hidden place",
    ja: "ユニットが起動するプログラムが一時・隠しディレクトリにある",
  },
  "hunt.signal.processPreload": {
    en: "started with LD_PRELOAD of a library outside the system directories",
    ja: "システムのディレクトリ外のライブラリを LD_PRELOAD して起動されている",
  },
  "hunt.signal.everyMinute": { en: "runs every minute", ja: "毎分実行" },
  "hunt.signal.preloadEntry": {
    en: "library preloaded into every program",
    ja: "すべてのプログラムに事前ロードされるライブラリ",
  },
  "hunt.ev.samePids": {
    en: "{count} processes run this same executable",
    ja: "同じ実行ファイルで動いているプロセス {count} 個",
  },
  "hunt.signal.preloadOutsideLibDirs": {
    en: "the library lives outside every system library directory",
    ja: "ライブラリがシステムのライブラリディレクトリの外にある",
  },
  "hunt.signal.preloadUnowned": {
    en: "no installed package owns the library",
    ja: "どのインストール済みパッケージもこのライブラリを所有していない",
  },
  "hunt.signal.preloadMissing": {
    en: "the library does not exist (the entry does nothing now)",
    ja: "ライブラリが存在しない (この設定はいま何もしていない)",
  },
  "hunt.signal.preloadNotElf": {
    en: "the file is not a shared library (not ELF)",
    ja: "ファイルが共有ライブラリではない (ELF ではない)",
  },
  "hunt.signal.preloadWithOtherSigns": {
    en: "the host also shows hidden processes or miner files",
    ja: "このホストには隠しプロセスやマイナーのファイルもある",
  },
  "hunt.signal.preloadPackaged": {
    en: "installed by a package in a system library directory",
    ja: "パッケージがシステムのライブラリディレクトリにインストールしたもの",
  },
  "hunt.signal.preloadActive": {
    en: "mapped into mamori's own process",
    ja: "mamori 自身のプロセスにもロードされている",
  },
  "hunt.signal.iocSshKey": { en: "SSH key on an IOC list", ja: "IOC リストにある SSH 鍵" },
  "hunt.signal.forcedCommand": { en: "forced command", ja: "強制コマンド (command=)" },
  "hunt.signal.recentKey": { en: "added recently", ja: "最近追加された" },
  "hunt.signal.elf": { en: "Linux executable (ELF)", ja: "Linux の実行ファイル (ELF)" },
  "hunt.signal.minerStrings": { en: "contains miner strings", ja: "マイナー特有の文字列を含む" },
  "hunt.signal.running": { en: "running now", ja: "現在実行中" },

  "hunt.ev.commandLine": { en: "command line", ja: "コマンドライン" },
  "hunt.ev.executable": { en: "executable", ja: "実行ファイル" },
  "hunt.ev.deleted": { en: "(deleted)", ja: "(削除済み)" },
  "hunt.ev.user": { en: "user", ja: "ユーザー" },
  "hunt.ev.started": { en: "started", ja: "開始時刻" },
  "hunt.ev.parent": { en: "parent", ja: "親プロセス" },
  "hunt.ev.connection": { en: "connection", ja: "接続" },
  "hunt.ev.allowEntry": { en: "allowlist entry", ja: "許可リストの項目" },

  "hunt.miner.title": {
    en: "Cryptominer running: {name} (pid {pid})",
    ja: "暗号通貨マイナーが動いています: {name} (pid {pid})",
  },
  "hunt.miner.detail": {
    en: "Several independent signs of a cryptominer point at this process (user {user}, executable {exe}).",
    ja: "このプロセス (ユーザー {user}、実行ファイル {exe}) には暗号通貨マイナーの兆候が複数、独立に見つかりました。",
  },
  "hunt.cost.detail": {
    en: "It has used {cpuSeconds} CPU-seconds since it started: about {kWh} kWh, {price} {currency}; at its average rate about {monthlyPrice} {currency} a month (assuming {watts} W per busy core and {pricePerKwh} {currency}/kWh; change with --watts-per-core and --price-per-kwh).",
    ja: "起動以来 {cpuSeconds} CPU 秒を消費しました: 約 {kWh} kWh、{price} {currency}。平均の速さで動き続けると月に約 {monthlyPrice} {currency} です (CPU 1 コアあたり {watts} W、1 kWh あたり {pricePerKwh} {currency} と仮定。--watts-per-core と --price-per-kwh で変更できます)。",
  },
  "hunt.miner.fix": {
    en: "Save the evidence (copy /proc/{pid}/exe, note the command line and connections), stop the process, then remove its persistence (cron, systemd, preload, SSH keys) and find how it got in before restarting services.",
    ja: "証拠を保存し (/proc/{pid}/exe をコピーし、コマンドラインと接続を記録)、プロセスを停止してから、永続化 (cron、systemd、preload、SSH 鍵) を取り除き、侵入経路を確認してからサービスを再開してください。",
  },
  "hunt.masquerade.title": {
    en: "Process disguised as a system process: {name} (pid {pid})",
    ja: "システムプロセスに偽装したプロセス: {name} (pid {pid})",
  },
  "hunt.masquerade.detail": {
    en: "Its name is that of a kernel thread or a system daemon, but it runs {exe}. Real kernel threads have no executable, and system daemons live in system directories.",
    ja: "カーネルスレッドやシステムデーモンの名前ですが、実際には {exe} を実行しています。本物のカーネルスレッドには実行ファイルがなく、システムデーモンはシステムのディレクトリにあります。",
  },
  "hunt.process.fix": {
    en: "Check the executable and its origin (ls -l /proc/{pid}/exe, sha256sum), save a copy, then stop it and look for what started it.",
    ja: "実行ファイルとその出どころを確認し (ls -l /proc/{pid}/exe、sha256sum)、コピーを保存してから停止し、何が起動したのかを調べてください。",
  },
  "hunt.webchild.title": {
    en: "Web server user runs {name} (pid {pid}, user {user})",
    ja: "Web サーバーのユーザーが {name} を実行しています (pid {pid}、ユーザー {user})",
  },
  "hunt.webchild.detail": {
    en: "The web server account should only run the web server. A shell, downloader or long-running program under it is how a web shell or an exploited application acts.",
    ja: "Web サーバーのアカウントは Web サーバーだけを動かすはずです。その下で動くシェル・ダウンローダー・長時間動くプログラムは、Web シェルや攻撃されたアプリケーションの典型的な動きです。",
  },
  "hunt.webchild.fix": {
    en: "Look at the process tree (ps -o pid,ppid,etime,args --ppid $(cat /proc/{pid}/stat | cut -d' ' -f4)), the access log around its start time, and files recently written under the document root.",
    ja: "プロセスツリー (ps -o pid,ppid,etime,args --ppid $(cat /proc/{pid}/stat | cut -d' ' -f4))、起動時刻前後のアクセスログ、ドキュメントルート以下で最近書き込まれたファイルを確認してください。",
  },
  "hunt.suspicious.title": {
    en: "Suspicious process: {name} (pid {pid})",
    ja: "不審なプロセス: {name} (pid {pid})",
  },
  "hunt.suspicious.detail": {
    en: "Signs seen (none conclusive alone); the more there are, the higher the severity.",
    ja: "見つかった兆候です (単独では決め手になりません)。兆候が多いほど深刻度が上がります。",
  },
  "hunt.net.title": {
    en: "Mining connection: {name} (pid {pid}) to {remote}",
    ja: "マイニング通信: {name} (pid {pid}) から {remote}",
  },
  "hunt.net.iocTitle": {
    en: "Connection to a known malicious address: {name} (pid {pid}) to {remote}",
    ja: "既知の悪性アドレスへの接続: {name} (pid {pid}) から {remote}",
  },
  "hunt.signal.rawIpDownload": {
    en: "downloads from a bare IP address",
    ja: "IP アドレス直指定でダウンロード",
  },
  "hunt.net.detail": { en: "Signs: {reasons}.", ja: "兆候: {reasons}。" },
  "hunt.net.fix": {
    en: "Block {remote} at the firewall after saving evidence, and stop the process that holds the connection.",
    ja: "証拠を保存したうえで {remote} をファイアウォールで遮断し、接続しているプロセスを停止してください。",
  },
  "hunt.persist.cron.title": {
    en: "Suspicious cron entry: {path}:{line}",
    ja: "不審な cron 設定: {path}:{line}",
  },
  "hunt.persist.systemd.title": {
    en: "Suspicious systemd unit: {path}:{line}",
    ja: "不審な systemd ユニット: {path}:{line}",
  },
  "hunt.persist.rc.title": {
    en: "Suspicious start-up script: {path}:{line}",
    ja: "不審な起動スクリプト: {path}:{line}",
  },
  "hunt.persist.profile.title": {
    en: "Suspicious shell profile line: {path}:{line}",
    ja: "不審なシェル設定: {path}:{line}",
  },
  "hunt.persist.preload.title": {
    en: "Library preloaded into every program: {path}:{line}",
    ja: "全プログラムに事前ロードされるライブラリ: {path}:{line}",
  },
  "hunt.persist.detail": {
    en: "This line starts something again and again; the signs below are why it looks like an intruder's.",
    ja: "この行は何かを繰り返し起動します。侵入者のものと見られる理由は以下の兆候です。",
  },
  "hunt.persist.fix": {
    en: "Save a copy of {path}, then remove the line, and stop and delete what it starts. Check when the file changed against your logs.",
    ja: "{path} のコピーを保存してから該当行を削除し、起動されるものを停止・削除してください。ファイルの変更時刻をログと照らし合わせてください。",
  },
  "hunt.sshkey.title": { en: "SSH key to check: {path}:{line}", ja: "確認が必要な SSH 鍵: {path}:{line}" },
  "hunt.sshkey.detail": { en: "Key {fingerprint} ({comment}).", ja: "鍵 {fingerprint} ({comment})。" },
  "hunt.sshkey.fix": {
    en: "Make sure you know whose key this is; remove it from {path} if nobody does.",
    ja: "この鍵の持ち主を確認し、誰のものでもなければ {path} から削除してください。",
  },
  "hunt.file.title": { en: "Suspicious executable: {path}", ja: "不審な実行ファイル: {path}" },
  "hunt.file.detail": {
    en: "An executable ({size} byte(s), mode {mode}) where programs do not belong: attackers leave their tools in temporary and hidden directories. The signs are under Evidence.",
    ja: "プログラムを置く場所ではないところに実行ファイル ({size} バイト、モード {mode}) があります。攻撃者は一時ディレクトリや隠しディレクトリに道具を置きます。兆候は「証拠」にあります。",
  },
  "hunt.file.fix": {
    en: "Do not run it. Save a copy for analysis (or check its hash on VirusTotal), then delete {path} and find what wrote it.",
    ja: "実行しないでください。解析用にコピーを保存し (または VirusTotal でハッシュを確認し)、{path} を削除して、書き込んだものを探してください。",
  },
  "hunt.hidden.title": {
    en: "Hidden process: pid {pid} ({name})",
    ja: "隠されたプロセス: pid {pid} ({name})",
  },
  "hunt.hidden.detail": {
    en: "/proc/PID answers directly but is missing from the /proc listing: something (usually a preloaded library or a rootkit) hides it from ps and top.",
    ja: "/proc/PID は直接参照できるのに /proc の一覧に現れません。何か (多くは事前ロードされたライブラリやルートキット) が ps や top から隠しています。",
  },
  "hunt.hidden.fix": {
    en: "Check /etc/ld.so.preload and loaded kernel modules; inspect the process from a trusted boot medium if possible.",
    ja: "/etc/ld.so.preload と読み込まれたカーネルモジュールを確認してください。可能なら信頼できる起動メディアから調べてください。",
  },
  "hunt.procmount.title": {
    en: "Something is mounted over {mount}",
    ja: "{mount} の上に何かがマウントされています",
  },
  "hunt.procmount.detail": {
    en: "Mounting over /proc/PID hides that process from ps and similar tools.",
    ja: "/proc/PID の上にマウントすると、そのプロセスは ps などから見えなくなります。",
  },
  "hunt.procmount.fix": {
    en: "Unmount {mount} and look at the process it hid.",
    ja: "{mount} をアンマウントし、隠されていたプロセスを調べてください。",
  },
  "hunt.ldpreload.title": {
    en: "LD_PRELOAD is set for mamori: {path}",
    ja: "mamori に LD_PRELOAD が設定されています: {path}",
  },
  "hunt.maps.title": {
    en: "Unexpected library inside mamori's own process: {path}",
    ja: "mamori 自身のプロセスに想定外のライブラリ: {path}",
  },
  "hunt.ldpreload.detail": {
    en: "A preloaded library can hide files, processes and connections from every program, including this check.",
    ja: "事前ロードされたライブラリは、この診断を含むすべてのプログラムからファイル・プロセス・通信を隠せます。",
  },
  "hunt.ldpreload.fix": {
    en: "Find where it is set (shell profiles, /etc/environment, service units) and whether you installed it.",
    ja: "どこで設定されているか (シェル設定、/etc/environment、サービスのユニット) と、自分で入れたものかを確認してください。",
  },
  "hunt.cpu.title": {
    en: "CPU use that no visible process accounts for ({cores} cores)",
    ja: "どのプロセスにも属さない CPU 使用 ({cores} コア)",
  },
  "hunt.cpu.detail": {
    en: "Over {seconds} s the kernel counted {busy} busy cores, the visible processes {accounted}. Short-lived processes explain some of this; a hidden process explains it too.",
    ja: "{seconds} 秒間でカーネルが数えた使用コアは {busy}、見えているプロセスの合計は {accounted} でした。短命なプロセスで説明できることもありますが、隠されたプロセスでも説明できます。",
  },
  "hunt.cpu.fix": {
    en: "Run again when the server is quiet; if it persists, check /etc/ld.so.preload and kernel modules.",
    ja: "サーバーが落ち着いているときに再実行し、続くようなら /etc/ld.so.preload とカーネルモジュールを確認してください。",
  },
  "hunt.allow.expired.title": {
    en: "Allowlist entry expired on {expires}: {what}",
    ja: "許可リストの項目が {expires} に期限切れ: {what}",
  },
  "hunt.allow.expired.detail": {
    en: "It no longer suppresses findings (its reason was: {reason}).",
    ja: "この項目はもう検出結果を抑制しません (理由: {reason})。",
  },
  "hunt.allow.expired.fix": {
    en: "Review the entry: renew its expiry date if it is still accepted, or remove it.",
    ja: "項目を見直し、まだ許可するなら期限を延ばし、不要なら削除してください。",
  },
  "hunt.allow.title": {
    en: "{count} finding(s) suppressed by the allowlist",
    ja: "許可リストにより {count} 件の検出結果を抑制",
  },
  "hunt.allow.detail": {
    en: "Accepted by the operator, with the reasons given.",
    ja: "運用者が理由を付けて許可したものです。",
  },
  "hunt.notLive.cpu-sample": {
    en: "CPU sampling needs the live system (--root is not /)",
    ja: "CPU の計測には稼働中のシステムが必要です (--root が / ではありません)",
  },
  "hunt.notLive.hidden-pids": {
    en: "hidden-process probing needs the live system (--root is not /)",
    ja: "隠しプロセスの探索には稼働中のシステムが必要です (--root が / ではありません)",
  },
  "hunt.notLive.self-maps": {
    en: "mamori's own memory map describes only the live system (--root is not /)",
    ja: "mamori 自身のメモリマップは稼働中のシステムにしか当てはまりません (--root が / ではありません)",
  },
  "hunt.diag.vanished": {
    en: "{count} process(es) ended while being read",
    ja: "{count} 個のプロセスが読み取り中に終了しました",
  },
  "hunt.diag.noProc": {
    en: "no process found under /proc of the scanned root (an image without a recorded /proc)",
    ja: "診断したルートの /proc にプロセスがありません (/proc を記録していないイメージ)",
  },
  "hunt.diag.exeHidden": {
    en: "{count} process(es): executable, working directory and sockets not readable (run as root to see them)",
    ja: "{count} 個のプロセス: 実行ファイル・作業ディレクトリ・ソケットを読めません (root で実行すると見えます)",
  },
  "hunt.diag.exeHiddenRoot": {
    en: "{count} process(es): executable, working directory and sockets not readable even as root (a process of another container or namespace, or a kernel rule such as Yama or an LSM policy)",
    ja: "{count} 個のプロセス: root でも実行ファイル・作業ディレクトリ・ソケットを読めません (別のコンテナや名前空間のプロセス、または Yama や LSM ポリシーなどのカーネルの制限)",
  },
  "hunt.diag.bounds": {
    en: "file scan stopped at its bounds ({entries} entr(y|ies), depth {depth}); {seen} entr(y|ies) examined",
    ja: "ファイル探索が上限 ({entries} 項目、深さ {depth}) で止まりました。調べた項目は {seen} です",
  },
  "hunt.diag.tooLarge": {
    en: "larger than {max} byte(s), or past the {total}-byte total: not hashed",
    ja: "{max} バイトを超えるか、合計 {total} バイトの上限を超えたため、ハッシュを計算していません",
  },
  "hunt.diag.tooMany": {
    en: "more than {max} lines, keys or homes: the rest (from {file} on) was not read",
    ja: "行・鍵・ホームディレクトリが {max} 件を超えたため、{file} 以降は読み取っていません",
  },
  "hunt.diag.partial": {
    en: "only the first {max} byte(s) of {size} were read",
    ja: "{size} バイトのうち先頭 {max} バイトだけを読みました",
  },
  "hunt.allowlist.bad": { en: "allowlist {path}: {message}", ja: "許可リスト {path}: {message}" },
  "hunt.iocs.updated": {
    en: "{name}: {entries} entr(y|ies) from {source} ({skipped} line(s) skipped) -> {file}",
    ja: "{name}: {source} から {entries} 件 (読み飛ばし {skipped} 行) -> {file}",
  },
  "hunt.iocs.failed": {
    en: "{source}: could not update: {reason}",
    ja: "{source}: 更新できませんでした: {reason}",
  },
  "hunt.iocs.refused": {
    en: "the IOC data {path} is not used: {why}. As root, mamori reads IOC lists only from directories and files that root alone can change (chown root and chmod go-w them and their parents)",
    ja: "IOC データ {path} は使いません: {why}。root で動くとき、mamori は root だけが変更できるディレクトリとファイルからしか IOC リストを読みません (それらと親ディレクトリを chown root し、chmod go-w してください)",
  },
  "hunt.iocs.fromRefused": {
    en: "{source} is not read: {why}. As root, mamori reads a list only from a file that root alone can change, in a directory that root alone can change (as `db update --from` does)",
    ja: "{source} は読みません: {why}。root で動くとき、mamori は root だけが変更できるディレクトリにある、root だけが変更できるファイルしか読みません (`db update --from` と同じです)",
  },
  "hunt.iocs.statusLine": {
    en: "{name}: {entries} entr(y|ies), updated {updated} ({age} day(s) ago), from {source}",
    ja: "{name}: {entries} 件、更新日 {updated} ({age} 日前)、取得元 {source}",
  },
  "hunt.iocs.none": { en: "No IOC lists found in {dirs}.", ja: "{dirs} に IOC リストがありません。" },
  "hunt.iocs.needSource": {
    en: "give at least one --from URL or FILE (maltrail trail files or plain lists of domains, IPs, hashes)",
    ja: "--from で URL かファイルを 1 つ以上指定してください (maltrail 形式、またはドメイン・IP・ハッシュの一覧)",
  },
} satisfies Messages;
