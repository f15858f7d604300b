import type { Messages } from "../types.ts";

/** Agentless audits: bundles from the shell collector, and audits over SSH (issue 16). */
export const remote = {
  "remote.hostMayHide": {
    en: "These facts were collected by mamori's shell collector ({source}) and judged here. If that host is compromised, a rootkit there can hide processes, files and sockets from the collector, as it hides them from any tool running on it: a clean result does not prove the host clean.",
    ja: "この結果は mamori のシェル収集スクリプトが集めた情報 ({source}) をこちらで判定したものです。そのホストが侵害されている場合、ルートキットはプロセス・ファイル・ソケットを収集スクリプトからも (そのホスト上で動くどのツールからも) 隠せます。問題なしの結果はホストが安全である証明にはなりません。",
  },
  "remote.collectorStopped": {
    en: "The collector stopped early ({status}): what it had not reached yet is missing from these facts.",
    ja: "収集スクリプトが途中で止まりました ({status})。まだ読んでいなかった部分はこの結果に含まれていません。",
  },
  "remote.refusedEntries": {
    en: "The bundle had {count} refused entr(y|ies), not judged (first: {path}, {reason}).",
    ja: "バンドル中の {count} 件のエントリを拒否し、判定に使っていません (最初の 1 件: {path}、{reason})。",
  },
  "remote.unreadEntries": {
    en: "The collector could not read {count} paths (first: {path}, {reason}); run it as root (--sudo) to read them.",
    ja: "収集スクリプトが {count} 個のパスを読めませんでした (最初の 1 件: {path}、{reason})。root で実行すると (--sudo) 読めます。",
  },
  "remote.bundleRefused": {
    en: "The bundle {file} was refused ({reason}, line {line}); nothing from it was judged.",
    ja: "バンドル {file} を拒否しました ({reason}、{line} 行目)。その内容は何も判定していません。",
  },
  "remote.bundleUnreadable": {
    en: "The bundle {file} cannot be read: {reason}",
    ja: "バンドル {file} を読めません: {reason}",
  },
  "remote.targetWithRoot": {
    en: "--bundle and an ssh:// target each name the machine to audit: give only one of them, and not --root.",
    ja: "--bundle と ssh:// の対象はどちらも検査するマシンを指定します。どれか 1 つだけを指定し、--root とは併用しないでください。",
  },
  "remote.badTarget": {
    en: "Not an SSH target: {target} (expected ssh://[user@]host[:port]).",
    ja: "SSH の対象として不正です: {target} (ssh://[ユーザー@]ホスト[:ポート] の形式で指定してください)。",
  },
  "remote.ssh.refused": {
    en: "{target}: the connection was refused or the host could not be reached ({detail}).",
    ja: "{target}: 接続が拒否されたか、ホストに到達できませんでした ({detail})。",
  },
  "remote.ssh.hostKeyChanged": {
    en: "{target}: the host key differs from the one in known_hosts. This may be an attack (or a reinstalled host): nothing was run. Check the key out of band, then fix known_hosts.",
    ja: "{target}: ホスト鍵が known_hosts の記録と異なります。攻撃の可能性があります (またはホストの再インストール)。何も実行していません。別経路で鍵を確認してから known_hosts を修正してください。",
  },
  "remote.ssh.hostKeyUnknown": {
    en: "{target}: the host key is not in known_hosts: nothing was run. Add it after checking its fingerprint, or pass --accept-new-host-key to trust it on first use.",
    ja: "{target}: ホスト鍵が known_hosts にありません。何も実行していません。フィンガープリントを確認して追加するか、初回の鍵を信頼する場合は --accept-new-host-key を指定してください。",
  },
  "remote.ssh.permissionDenied": {
    en: "{target}: permission denied (no usable key or agent identity for this user; mamori never asks for a password).",
    ja: "{target}: 認証に失敗しました (このユーザーで使える鍵やエージェントの鍵がありません。mamori はパスワードを尋ねません)。",
  },
  "remote.ssh.sudoPassword": {
    en: "{target}: sudo needs a password; mamori runs sudo -n only. Allow the collector without a password, or log in as root.",
    ja: "{target}: sudo がパスワードを要求しました。mamori は sudo -n だけを使います。パスワードなしで実行できるよう設定するか、root でログインしてください。",
  },
  "remote.ssh.timeout": {
    en: "{target}: no complete answer within {seconds} s; the connection was closed.",
    ja: "{target}: {seconds} 秒以内に完全な応答がなかったため接続を閉じました。",
  },
  "remote.ssh.tooLarge": {
    en: "{target}: the collector sent more than {max} byte(s); the connection was closed.",
    ja: "{target}: 収集スクリプトの出力が {max} バイトを超えたため接続を閉じました。",
  },
  "remote.ssh.collectorFailed": {
    en: "{target}: the collector failed (exit {code}): {detail}",
    ja: "{target}: 収集スクリプトが失敗しました (終了コード {code}): {detail}",
  },
  "remote.ssh.noClient": {
    en: "The OpenSSH client /usr/bin/ssh is missing; install openssh-client.",
    ja: "OpenSSH クライアント /usr/bin/ssh がありません。openssh-client をインストールしてください。",
  },
  "remote.hosts.line": {
    en: "[{n}/{total}] {target}: {result} ({seconds} s)",
    ja: "[{n}/{total}] {target}: {result} ({seconds} 秒)",
  },
  "remote.hosts.badLine": {
    en: "hosts file line {line}: not an ssh://[user@]host[:port] target: {text}",
    ja: "ホスト一覧の {line} 行目が ssh://[user@]host[:port] の形ではありません: {text}",
  },
  "remote.hosts.tooMany": {
    en: "the hosts file names more than {max} host(s)",
    ja: "ホスト一覧のホストが {max} 台を超えています",
  },
  "remote.hosts.empty": {
    en: "the hosts file names no host (one ssh://[user@]host[:port] a line)",
    ja: "ホスト一覧にホストがありません (1 行に ssh://[user@]host[:port] を 1 つ)",
  },
  "remote.hosts.unreadable": {
    en: "cannot read the hosts file {file}: {reason}",
    ja: "ホスト一覧 {file} を読めません: {reason}",
  },
  "remote.hosts.badParallel": {
    en: "--parallel takes a whole number from 1 to {max}",
    ja: "--parallel には 1 から {max} までの整数を指定してください",
  },
  "remote.hosts.failed": {
    en: "not audited: {error}",
    ja: "診断できませんでした: {error}",
  },
  "remote.hosts.summary": {
    en: "{count} host(s):",
    ja: "{count} 台のホスト:",
  },
  "remote.hosts.row": {
    en: "{verdict}, worst {severity}, {findings} finding(s), {incidents} incident(s)",
    ja: "{verdict}、最大深刻度 {severity}、検出 {findings} 件、インシデント {incidents} 件",
  },
  "remote.hosts.verdict.act-now": { en: "act now", ja: "今すぐ対応" },
  "remote.hosts.verdict.at-risk": { en: "at risk", ja: "要注意" },
  "remote.hosts.verdict.incomplete": { en: "not fully checked", ja: "確認しきれていません" },
  "remote.hosts.verdict.safe": { en: "safe", ja: "問題なし" },
} satisfies Messages;
