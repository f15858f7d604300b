# mamori remote collector: a POSIX shell script (BusyBox ash, dash, bash) that reads, never writes,
# and prints to standard output one bundle of what mamori's checks read on this machine.
#
#   ssh host sh -s < collector.sh > host.bundle            (then: mamori audit --bundle host.bundle)
#   sh collector.sh --root /mnt/image > image.bundle       (an image or a test root)
#
# Options: --root DIR (read DIR as "/"), --max-total-mb N (default 256), --log-mb N (last N MB of each
# log, default 8), --max-seconds N (default 300), --max-entries N
# (records walked, default 200000), --no-gzip.
#
# Framing (see src/remote/bundle-read.ts): every line is one record. Paths and link targets are hex, file
# contents are `od -An -v -tx1` lines (only spaces and hex digits), so no byte of a file, name or link can
# make a line that starts a record: what a file's owner writes cannot forge another entry.
#   MAMORI-BUNDLE 1                           first line
#   H <key> <hex value>                       header (root, live, started, uname, id)
#   D <hexpath> <meta>                        a directory
#   F <hexpath> <meta> <offset>               a file; its bytes follow as od lines, then a line "E"
#   L <hexpath> <hextarget>                   a symbolic link, recorded, never followed by mamori
#   X <hexpath> <reason> [<meta>]             could not be read (reason), or read only in part
#   Z <status> <bytes> <seconds>              last line: ok, time-limit or size-limit
# <meta> is "mode uid gid size mtime ctime" from stat (octal mode), or "- - - - - -" without stat.
# The whole stream goes through gzip when gzip exists.
#
# Nothing here writes a file, runs a program found on the scanned system, or evaluates anything it read.

mamori_collect() {
  R=""
  TOTAL_MB=256
  LOG_MB=8
  MAX_SECONDS=300
  MAX_ENTRIES=200000
  ZIP=1
  while [ $# -gt 0 ]; do
    case $1 in
    --root) R=$2; shift 2 ;;
    --max-total-mb) TOTAL_MB=$2; shift 2 ;;
    --log-mb) LOG_MB=$2; shift 2 ;;
    --max-seconds) MAX_SECONDS=$2; shift 2 ;;
    --max-entries) MAX_ENTRIES=$2; shift 2 ;;
    --no-gzip) ZIP=0; shift ;;
    *) shift ;;
    esac
  done
  case $TOTAL_MB$LOG_MB$MAX_SECONDS$MAX_ENTRIES in *[!0-9]*) echo "mamori collector: numbers only" >&2; return 2 ;; esac
  R=${R%/}
  [ "$R" = "" ] || [ -d "$R" ] || { echo "mamori collector: no such root" >&2; return 2; }
  if [ "$ZIP" = 1 ] && command -v gzip >/dev/null 2>&1; then
    mc_main | gzip -c
  else
    mc_main
  fi
}

# --- helpers -----------------------------------------------------------------------------------------

# A name as one token in MC_N: "=" and the name itself when it holds only these characters, hex
# otherwise (set, not printed: a command substitution would cost a fork for every name).
mc_name() {
  case $1 in
  "" | *[!A-Za-z0-9._/+@:,=-]*) MC_N=$(printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n') ;;
  *) MC_N="=$1" ;;
  esac
}

mc_meta() {
  MC_META=$(stat -c '%a %u %g %s %Y %Z' "$1" 2>/dev/null) || MC_META=""
  case $MC_META in *[!0-9\ ]* | "") MC_META="- - - - - -" ;; esac
}

mc_time() {
  [ "$MC_STOP" = "" ] || return 1
  MC_NOW=$(date +%s)
  if [ $((MC_NOW - MC_START)) -ge "$MAX_SECONDS" ]; then
    MC_STOP=time-limit
    return 1
  fi
  return 0
}

mc_x() {
  mc_name "$1"
  printf 'X %s %s\n' "$MC_N" "$2"
}

mc_dir() {
  mc_meta "$R$1"
  mc_name "$1"
  printf 'D %s %s\n' "$MC_N" "$MC_META"
}

mc_link() {
  if MC_T=$(readlink "$R$1" 2>/dev/null); then
    mc_name "$1"
    mc_n1=$MC_N
    mc_name "$MC_T"
    printf 'L %s %s\n' "$mc_n1" "$MC_N"
  else
    mc_x "$1" EACCES
  fi
}

# mc_file GUEST HOST KIND: KIND conf|bin|tmp (whole file up to its bound, else only listed),
# log (the last LOG_MB), proc (up to 64 KiB, not counted against the total: /proc files report no size).
mc_file() {
  mc_g=$1 mc_h=$2 mc_k=$3
  if [ ! -r "$mc_h" ]; then mc_x "$mc_g" EACCES; return; fi
  if [ "$mc_k" = proc ]; then
    mc_name "$mc_g"
    printf 'F %s - - - - - - 0\n' "$MC_N"
    od -An -v -tx1 -N 65536 "$mc_h" 2>/dev/null
    printf 'E\n'
    return
  fi
  mc_meta "$mc_h"
  mc_size=${MC_META#* * * }
  mc_size=${mc_size%% *}
  case $mc_k in
  conf) mc_max=4194304 ;;
  bin) mc_max=67108864 ;;
  tmp) mc_max=33554432 ;;
  log) mc_max=$((LOG_MB * 1048576)) ;;
  *) mc_max=65536 ;;
  esac
  mc_off=0
  [ "$mc_size" = - ] && mc_size=$mc_max
  if [ "$mc_k" = tmp ]; then
    # mamori looks only at ELF or executable files there: of the others, the first four bytes say enough.
    case ${MC_META%% *} in *[1357] | *[1357]? | *[1357]??) ;;
    *)
      mc_head=$(od -An -v -tx1 -N 4 "$mc_h" 2>/dev/null)
      case $mc_head in *"7f 45 4c 46"*) ;; *)
        mc_name "$mc_g"
        printf 'F %s %s 0\n' "$MC_N" "$MC_META"
        [ -z "$mc_head" ] || printf '%s\n' "$mc_head"
        printf 'E\n'
        return
        ;;
      esac
      ;;
    esac
  fi
  if [ "$mc_size" -gt "$mc_max" ]; then
    if [ "$mc_k" = log ]; then
      mc_off=$((mc_size - mc_max))
      mc_size=$mc_max
    else
      mc_name "$mc_g"
      printf 'X %s too-large %s\n' "$MC_N" "$MC_META"
      return
    fi
  fi
  if [ $((MC_BYTES + mc_size)) -gt "$MC_TOTAL" ]; then
    mc_name "$mc_g"
    printf 'X %s size-limit %s\n' "$MC_N" "$MC_META"
    return
  fi
  MC_BYTES=$((MC_BYTES + mc_size))
  mc_name "$mc_g"
  printf 'F %s %s %s\n' "$MC_N" "$MC_META" "$mc_off"
  if [ "$mc_off" -gt 0 ]; then
    tail -c "$mc_size" "$mc_h" 2>/dev/null | od -An -v -tx1
  else
    od -An -v -tx1 -N "$mc_size" "$mc_h" 2>/dev/null
  fi
  printf 'E\n'
}

# mc_canon GUEST: the guest path with every directory link resolved inside the root (the last component
# is left as is); each link passed is recorded. Sets MC_CANON; fails on a loop.
mc_canon() {
  mc_rest=${1#/} mc_done="" mc_hops=0
  while [ -n "$mc_rest" ]; do
    mc_part=${mc_rest%%/*}
    if [ "$mc_part" = "$mc_rest" ]; then mc_rest=""; else mc_rest=${mc_rest#*/}; fi
    case $mc_part in
    "" | .) continue ;;
    ..) mc_done=${mc_done%/*}; continue ;;
    esac
    if [ -n "$mc_rest" ] && [ -L "$R$mc_done/$mc_part" ]; then
      mc_hops=$((mc_hops + 1))
      [ "$mc_hops" -le 16 ] || return 1
      mc_link "$mc_done/$mc_part"
      mc_t=$(readlink "$R$mc_done/$mc_part") || return 1
      case $mc_t in
      /*) mc_done="" mc_rest="${mc_t#/}/$mc_rest" ;;
      *) mc_rest="$mc_t/$mc_rest" ;;
      esac
    else
      mc_done="$mc_done/$mc_part"
    fi
  done
  MC_CANON=${mc_done:-/}
}

# mc_walk GUEST DEPTH KIND [follow]: records GUEST (link, directory tree to DEPTH, file); links are
# recorded and, with "follow", what they point at is captured too (bounded by MC_FOLLOWS).
mc_walk() {
  local g d k f h c
  g=$1 d=$2 k=$3 f=${4:-}
  [ "$MC_STOP" = "" ] || return 0
  # Every record counts, links and FIFOs too: a user's 500,000 links would otherwise pass the reader's
  # bound and lose the whole bundle. The clock is read every 256 (one directory can hold 200,000 names).
  MC_ENTRIES=$((MC_ENTRIES - 1))
  if [ "$MC_ENTRIES" -le 0 ]; then MC_STOP=size-limit; return 0; fi
  if [ $((MC_ENTRIES % 256)) -eq 0 ]; then mc_time || return 0; fi
  h="$R$g"
  if [ -L "$h" ]; then
    mc_link "$g"
    if [ "$f" = follow ] && [ "$MC_FOLLOWS" -gt 0 ]; then
      MC_FOLLOWS=$((MC_FOLLOWS - 1))
      c=$(readlink "$h") || return 0
      case $c in /*) ;; *) c="${g%/*}/$c" ;; esac
      mc_capture "$c" "$d" "$k" follow
    fi
  elif [ -d "$h" ]; then
    mc_dir "$g"
    if [ "$d" -le 0 ]; then return 0; fi
    mc_time || return 0
    for c in "$h"/* "$h"/.[!.]* "$h"/..?*; do
      [ -e "$c" ] || [ -L "$c" ] || continue
      mc_walk "${g%/}/${c##*/}" $((d - 1)) "$k" "$f"
    done
  elif [ -f "$h" ]; then
    mc_file "$g" "$h" "$k"
  elif [ -e "$h" ]; then
    mc_meta "$h"
    mc_name "$g"
    printf 'X %s not-regular %s\n' "$MC_N" "$MC_META"
  fi
}

# mc_capture GUEST DEPTH KIND [follow]: mc_walk on the canonical path, each tree once. The list of trees
# walked is a string searched whole each time: past MC_DEDUP of them (thousands of homes, a user's
# thousands of dotfiles) a tree reached twice is recorded twice instead (the reader refuses the second
# as "duplicate"), so that the search cannot grow quadratic and eat the time budget.
mc_capture() {
  mc_canon "$1" || { mc_x "$1" ELOOP; return 0; }
  if [ "$MC_DEDUP" -gt 0 ]; then
    case $MC_WALKED in *"|$MC_CANON|"*) return 0 ;; esac
    MC_WALKED="$MC_WALKED|$MC_CANON|"
    MC_DEDUP=$((MC_DEDUP - 1))
  fi
  mc_walk "$MC_CANON" "$2" "$3" "${4:-}"
}

# mc_glob PATTERN DEPTH KIND [follow]: each match of a guest glob (expanded by the shell, never evaluated).
mc_glob() {
  local p
  for p in $R$1; do
    [ -e "$p" ] || [ -L "$p" ] || continue
    mc_capture "${p#"$R"}" "$2" "$3" "${4:-}"
  done
}

# --- what mamori reads ---------------------------------------------------------------------------------

mc_apache() {
  local p line kw a1 w sr dir
  for p in /usr/sbin/apache2 /usr/sbin/httpd /usr/local/apache2/bin/httpd /usr/local/apache/bin/httpd \
    /usr/local/sbin/httpd /usr/local/bin/httpd; do
    mc_capture "$p" 0 bin follow
  done
  for p in '/opt/*/bin/httpd' '/opt/*/bin/apache2' '/opt/*/sbin/httpd' '/opt/rh/*/root/usr/sbin/httpd' \
    '/usr/local/*/bin/httpd' '/usr/local/*/bin/apache2'; do
    mc_glob "$p" 0 bin follow
  done
  MC_CONFS="/etc/apache2 /etc/httpd /usr/local/apache2/conf /usr/local/apache/conf"
  for p in '/usr/local/*/conf' '/opt/*/conf' '/opt/rh/*/root/etc/httpd'; do
    for dir in $R$p; do [ -d "$dir" ] && MC_CONFS="$MC_CONFS ${dir#"$R"}"; done
  done
  for p in $MC_CONFS; do mc_capture "$p" 8 conf follow; done
  # Includes outside those trees, ServerRoot and the logs the configuration names.
  MC_LOGDIRS="/var/log/apache2 /var/log/httpd /usr/local/apache2/logs /usr/local/apache/logs"
  for p in $MC_CONFS; do
    [ -d "$R$p" ] || continue
    sr=$p
    set -f
    while read -r kw a1 line; do
      case $kw in
      [Ss]erver[Rr]oot) case $a1 in /*) sr=$a1; MC_LOGDIRS="$MC_LOGDIRS $a1/logs" ;; esac ;;
      [Ii]nclude*) case $a1 in /*) set +f; mc_glob "$a1" 4 conf follow; set -f ;; esac ;;
      export) case $a1 in APACHE_LOG_DIR=/*) a1=${a1#*=}; MC_LOGDIRS="$MC_LOGDIRS ${a1%%\$*}" ;; esac ;;
      *)
        for w in $a1 $line; do
          w=${w#|}
          w=${w#\$}
          case $w in
          /*) MC_LOGDIRS="$MC_LOGDIRS ${w%/*}" ;;
          logs/*) MC_LOGDIRS="$MC_LOGDIRS $sr/logs" ;;
          esac
          break
        done
        ;;
      esac
    done <<EOF
$(grep -rhiE '^[[:space:]]*(Include|IncludeOptional|ServerRoot|CustomLog|ErrorLog|TransferLog|GlobalLog|export[[:space:]]+APACHE_LOG_DIR)[[:space:]=]' "$R$p" 2>/dev/null | head -n 2000 | tr -d '"')
EOF
    set +f
  done
  for p in $MC_LOGDIRS; do
    case $p in *'${'* | *'%'*) continue ;; esac
    mc_capture "$p" 1 log
  done
}

mc_system() {
  local p h
  for p in /etc/os-release /usr/lib/os-release /etc/hostname /etc/machine-id /var/lib/dbus/machine-id \
    /etc/passwd /etc/group /etc/ld.so.preload /etc/environment /etc/profile /etc/bash.bashrc /etc/bashrc \
    /etc/crontab /etc/anacrontab /etc/rc.local /etc/rc.d/rc.local /etc/default/ufw /etc/nftables.conf \
    /etc/sysconfig/iptables /etc/sysconfig/ip6tables; do
    mc_capture "$p" 0 conf follow
  done
  for p in /etc/profile.d /etc/cron.d /etc/cron.hourly /etc/cron.daily /etc/cron.weekly /etc/cron.monthly \
    /var/spool/cron /etc/init.d /etc/ufw /etc/iptables; do
    mc_capture "$p" 3 conf
  done
  for p in /etc/systemd/system /etc/systemd/user /run/systemd/system /usr/local/lib/systemd/system \
    /lib/systemd/system /usr/lib/systemd/system /usr/lib/systemd/user; do
    mc_capture "$p" 3 conf
  done
  # Package databases.
  mc_capture /var/lib/dpkg/status 0 bin
  mc_glob '/var/lib/dpkg/info/*.list' 0 conf
  mc_capture /lib/apk/db/installed 0 bin
  for p in /var/lib/rpm /usr/lib/sysimage/rpm; do
    mc_glob "$p/Packages" 0 bin
    mc_glob "$p/Packages.db" 0 bin
    mc_glob "$p/rpmdb.sqlite" 0 bin
  done
  # Homes: keys, shell start files, user units; the scanned root's homes, not this machine's.
  for p in "$R"/root "$R"/home/*; do
    p=${p#"$R"}
    mc_glob "$p/.ssh/authorized_keys" 0 conf
    mc_glob "$p/.ssh/authorized_keys2" 0 conf
    mc_glob "$p/.bashrc" 0 conf
    mc_glob "$p/.profile" 0 conf
    mc_glob "$p/.bash_profile" 0 conf
    mc_glob "$p/.config/systemd/user" 3 conf
  done
  # Temporary places, and hidden entries where droppers hide.
  for p in /tmp /var/tmp /dev/shm /run/shm; do mc_capture "$p" 6 tmp; done
  for p in "$R"/root "$R"/home/* "$R"/etc "$R"/usr/bin "$R"/usr/sbin "$R"/usr/lib "$R"/usr/local \
    "$R"/var/lib "$R"/lib "$R"/opt "$R"/bin "$R"/sbin; do
    for h in "$p"/.[!.]* "$p"/..?*; do
      [ -e "$h" ] || [ -L "$h" ] || continue
      [ -L "$h" ] && { mc_link "${h#"$R"}"; continue; }
      # A home's start files are captured above already.
      case $p in "$R"/root | "$R"/home/*) case ${h##*/} in .bashrc | .profile | .bash_profile) continue ;; esac ;; esac
      # The ordinary dot-directories of homes and tools, as mamori skips them (src/collect/hunt/files.ts).
      if [ -d "$h" ]; then
        case ${h##*/} in
        .cache | .npm | .local | .vscode-server | .vscode | .config | .git | .ssh | .gnupg | .mozilla | .rustup | \
          .cargo | .nvm | .pyenv | .rbenv | .pki | .java | .m2 | .gradle | .docker | .kube | .ansible | .bundle | \
          .gem | .yarn | .deno | .bun | .sdkman | .conda | .vim | .emacs.d | .oh-my-zsh | .node-gyp | .pnpm-store | \
          .terraform.d | .aws | .azure | .dotnet | .nuget | .ipython | .jupyter | .keras | .npm-global | .cpan | \
          .cpanm | .composer | .wp-cli | .subversion | .dbus | .build-id | .lock | .pwd.lock | .updated | \
          .etckeeper | .placeholder) continue ;;
        esac
      fi
      mc_capture "${h#"$R"}" 3 tmp
    done
  done
}

mc_proc() {
  local pd pid f t fd
  [ -d "$R/proc" ] || return 0
  for f in stat uptime loadavg net/tcp net/tcp6 net/udp net/udp6 sys/kernel/pid_max self/mountinfo \
    1/mountinfo; do
    [ -r "$R/proc/$f" ] && mc_file "/proc/$f" "$R/proc/$f" proc
  done
  for pd in "$R"/proc/[0-9]*; do
    pid=${pd##*/}
    case $pid in *[!0-9]*) continue ;; esac
    [ -d "$pd" ] || continue
    MC_PROCS=$((MC_PROCS - 1))
    [ "$MC_PROCS" -gt 0 ] || { MC_STOP=size-limit; return 0; }
    case $pid in *0) mc_time || return 0 ;; esac
    mc_name "/proc/$pid"
    printf 'D %s - - - - - -\n' "$MC_N"
    for f in stat status cmdline comm cgroup; do
      [ -r "$pd/$f" ] && mc_file "/proc/$pid/$f" "$pd/$f" proc
    done
    # Only LD_PRELOAD of the environment: the rest may hold secrets mamori does not need.
    if [ -r "$pd/environ" ]; then
      mc_name "/proc/$pid/environ"
      printf 'F %s - - - - - - 0\n' "$MC_N"
      head -c 65536 "$pd/environ" 2>/dev/null | tr '\0\n' '\n\0' | grep '^LD_PRELOAD=' | tr '\0\n' '\n\0' |
        od -An -v -tx1
      printf 'E\n'
    fi
    for f in exe cwd; do
      [ -L "$pd/$f" ] && mc_link "/proc/$pid/$f"
    done
    if [ -d "$pd/fd" ] && [ -r "$pd/fd" ]; then
      mc_name "/proc/$pid/fd"
      printf 'D %s - - - - - -\n' "$MC_N"
      # One listing per process; each socket line it shows is confirmed by readlink (a file name with a
      # newline could fake a line of ls, not a link).
      ls -l "$pd/fd" 2>/dev/null | while read -r t; do
        case $t in *" -> socket:["*"]") ;; *) continue ;; esac
        fd=${t% -> *}
        fd=${fd##* }
        case $fd in "" | *[!0-9]*) continue ;; esac
        t=$(readlink "$pd/fd/$fd" 2>/dev/null) || continue
        case $t in socket:\[*) printf 'L =/proc/%s/fd/%s %s\n' "$pid" "$fd" "$(printf '%s' "$t" | od -An -v -tx1 | tr -d ' \n')" ;; esac
      done
    fi
    # Executables outside the package directories (hashed by mamori) and Apache's (its version), read
    # through /proc so a deleted one is read too, recorded where the link points.
    t=$(readlink "$pd/exe" 2>/dev/null) || continue
    f=no
    case $t in
    /usr/local/*) f=yes ;;
    /usr/* | /bin/* | /sbin/* | /lib/* | /lib64/* | /nix/store/* | /snap/*) ;;
    /*) f=yes ;;
    esac
    case ${t##*/} in apache2 | httpd | apache2\ \(deleted\) | httpd\ \(deleted\)) f=yes ;; esac
    if [ "$f" = yes ]; then
      case $MC_EXES in *"|$t|"*) ;; *)
        MC_EXES="$MC_EXES|$t|"
        if [ -r "$pd/exe" ]; then mc_file "$t" "$pd/exe" bin; fi
        ;;
      esac
      if [ -r "$pd/cwd/config.json" ] && [ -f "$pd/cwd/config.json" ]; then
        t=$(readlink "$pd/cwd" 2>/dev/null) && mc_file "${t%/}/config.json" "$pd/cwd/config.json" conf
      fi
    fi
  done
}

mc_main() {
  MC_START=$(date +%s)
  MC_STOP=""
  MC_BYTES=0
  MC_TOTAL=$((TOTAL_MB * 1048576))
  MC_ENTRIES=$MAX_ENTRIES
  MC_PROCS=20000
  MC_FOLLOWS=500
  MC_WALKED="|"
  MC_DEDUP=4000
  MC_EXES="|"
  echo "MAMORI-BUNDLE 1"
  mc_name "${R:-/}"
  printf 'H root %s\n' "$MC_N"
  if [ "$R" = "" ]; then echo "H live 31"; else echo "H live 30"; fi
  mc_name "$MC_START"
  printf 'H started %s\n' "$MC_N"
  mc_name "$(uname -srm 2>/dev/null)"
  printf 'H uname %s\n' "$MC_N"
  mc_name "$(id 2>/dev/null)"
  printf 'H id %s\n' "$MC_N"
  mc_proc
  mc_system
  mc_apache
  MC_NOW=$(date +%s)
  echo "Z ${MC_STOP:-ok} $MC_BYTES $((MC_NOW - MC_START))"
}

mamori_collect "$@" </dev/null
