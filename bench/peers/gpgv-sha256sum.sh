#!/usr/bin/env bash
# FreePBX's own way of checking module signatures, done with standard tools: the peer pbxsig is
# measured against (bench "installation" and "scaling" suites). Per module, as FreePBX 17's
# BMO/GPG.class.php verifyModule() does:
#   1. gpgv checks module.sig against KEYRING and writes out the signed text;
#   2. awk takes that text's [hashes] section ("path = hex", split at the first " = ", paths may hold
#      spaces) and maps each path where FreePBX installed it (BMO/Installer.class.php getDestination():
#      framework's amp_conf/htdocs/ -> AMPWEBROOT, amp_conf/bin/ -> AMPBIN, amp_conf/sbin/ -> AMPSBIN,
#      amp_conf/agi-bin/ -> ASTAGIDIR, amp_conf/sounds/ -> ASTVARLIBDIR/sounds; amp_conf/astetc/,
#      amp_conf/moh/ and upgrades/ not checked; everything else in <webroot>/admin/modules/<name>/);
#   3. sha256sum -c hashes every listed file, one after another.
# By default the modules go one after another, as FreePBX does. With --jobs N, xargs -P N runs N
# modules at once: what a user with a shell and more than one core would do next. Each of those runs
# is this script again in its internal --module mode, so both variants share one check_module.
#
# Usage: gpgv-sha256sum.sh [--jobs N] ROOT KEYRING
#   --jobs N check N modules at once (xargs -P N); default 1, in this shell, no xargs
#   ROOT     the installation's filesystem root (/ or a snapshot); settings from ROOT/etc/amportal.conf,
#            else FreePBX's defaults
#   KEYRING  binary OpenPGP keyring (gpg --dearmor, or gpg --export) holding the keys to accept
# Exit 0 when every module's signature is good and every listed file matches; 1 when anything failed
# (what failed goes to stderr: "FILE: FAILED" lines from sha256sum, then "MODULE: ..."); 2 on a usage
# error. Stdout: one summary line.
#
# Less than FreePBX and pbxsig, by the nature of gpgv: every key in KEYRING is accepted as a signer
# (no check that an anchor certified it, no revocation or expiry), and expiresafter and local
# signatures are not handled. Paths are not confined to ROOT (absolute links resolve on this host).

set -u
# Byte-wise text handling, and no locale lookups in awk or sha256sum.
export LC_ALL=C

# The [hashes] section of the signed text as sha256sum -c lines ("hex  /abs/path"); the number of
# lines goes to $COUNTFILE. Settings come through the environment (exported below).
HASHES_TO_CHECKLIST='
  function strip(s) { gsub(/^[ \t]+|[ \t]+$/, "", s); return s }
  # Doubles each backslash (a loop: gsub replacement escaping differs between awks).
  function escaped(s,   out, i, c) {
    out = ""
    for (i = 1; i <= length(s); i++) { c = substr(s, i, 1); out = out (c == "\\" ? "\\\\" : c) }
    return out
  }
  function under(base, rest) { return ENVIRON["ROOT"] base "/" rest }
  function destination(p) {
    if (ENVIRON["FRAMEWORK"] == "1") {
      if (index(p, "amp_conf/htdocs/") == 1) return under(ENVIRON["WEBROOT"], substr(p, 17))
      if (index(p, "amp_conf/bin/") == 1) return under(ENVIRON["AMPBIN"], substr(p, 14))
      if (index(p, "amp_conf/sbin/") == 1) return under(ENVIRON["AMPSBIN"], substr(p, 15))
      if (index(p, "amp_conf/agi-bin/") == 1) return under(ENVIRON["AGIDIR"], substr(p, 18))
      if (index(p, "amp_conf/sounds/") == 1) return under(ENVIRON["VARLIBDIR"] "/sounds", substr(p, 17))
      if (index(p, "amp_conf/astetc/") == 1 || index(p, "amp_conf/moh/") == 1 || index(p, "upgrades/") == 1) return ""
    }
    return ENVIRON["MODULEDIR"] "/" p
  }
  { sub(/\r$/, "") }
  /^[ \t]*;/ { next }
  /^[ \t]*\[[^]]*\][ \t]*$/ { section = strip($0); section = substr(section, 2, length(section) - 2); next }
  section != "hashes" { next }
  {
    i = index($0, " = "); if (i == 0) next
    path = strip(substr($0, 1, i - 1)); hash = strip(substr($0, i + 3))
    dest = destination(path); if (dest == "") next
    # sha256sum -c: a leading backslash means the name has \\ escapes.
    if (index(dest, "\\") > 0) { dest = escaped(dest); printf "\\" }
    print hash "  " dest
    n++
  }
  END { print n + 0 > ENVIRON["COUNTFILE"] }
'

# Checks the module in directory $1 with the settings in the environment (ROOT, KEYRING, WEBROOT,
# AMPBIN, AMPSBIN, AGIDIR, VARLIBDIR) and temporary files in $tmp. Sets module_files (entries checked)
# and module_ok (1 or 0); what failed goes to stderr.
check_module() {
  local dir=$1 name=${1##*/} framework count
  module_files=0
  module_ok=1
  if [ ! -f "$dir/module.sig" ]; then
    echo "$name: unsigned (no module.sig)" >&2
    module_ok=0
    return
  fi
  if ! gpgv --keyring "$KEYRING" --output - "$dir/module.sig" >"$tmp/signed" 2>"$tmp/gpgv.err"; then
    echo "$name: module.sig check failed:" >&2
    sed 's/^/  /' "$tmp/gpgv.err" >&2
    module_ok=0
    return
  fi
  [ "$name" = framework ] && framework=1 || framework=0
  MODULEDIR=$dir FRAMEWORK=$framework COUNTFILE="$tmp/count" awk "$HASHES_TO_CHECKLIST" "$tmp/signed" >"$tmp/list"
  read -r count <"$tmp/count"
  module_files=$count
  # sha256sum reads an empty list as an error; a manifest with nothing to check passes, as in FreePBX.
  # It prints "FILE: FAILED" on stdout: to stderr with the rest of what failed.
  if [ "$count" -gt 0 ] && ! sha256sum --check --quiet --strict "$tmp/list" >&2; then
    echo "$name: some listed file is missing or altered" >&2
    module_ok=0
  fi
}

# Internal: one module for the --jobs run (xargs starts this), settings already in the environment.
# Stdout: "module FILES ok|failed".
if [ $# -eq 2 ] && [ "$1" = --module ]; then
  tmp=$(mktemp -d) || exit 2
  trap 'rm -rf "$tmp"' EXIT
  check_module "${2%/}"
  echo "module $module_files $([ "$module_ok" -eq 1 ] && echo ok || echo failed)"
  exit $((1 - module_ok))
fi

jobs=1
if [ $# -ge 1 ] && [ "$1" = --jobs ]; then
  jobs=${2:-}
  shift 2 2>/dev/null || set --
fi
case $jobs in '' | *[!0-9]* | 0) set -- ;; esac
if [ $# -ne 2 ] || [ ! -d "$1" ] || [ ! -f "$2" ]; then
  echo "usage: $0 [--jobs N] ROOT KEYRING" >&2
  exit 2
fi
root=${1%/}
keyring=$2
# gpgv looks for a keyring named without a slash in its home directory, not here.
case $keyring in */*) ;; *) keyring=./$keyring ;; esac

tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT

# FreePBX's directory settings: amportal.conf's KEY=VALUE lines (comments, optional quotes), else defaults.
conf="$root/etc/amportal.conf"
[ -r "$conf" ] || conf=/dev/null
{
  IFS= read -r webroot
  IFS= read -r ampbin
  IFS= read -r ampsbin
  IFS= read -r agidir
  IFS= read -r varlibdir
} < <(awk '
  /^[ \t]*[#;]/ { next }
  {
    i = index($0, "="); if (i == 0) next
    k = substr($0, 1, i - 1); v = substr($0, i + 1)
    gsub(/^[ \t]+|[ \t\r]+$/, "", k); gsub(/^[ \t]+|[ \t\r]+$/, "", v)
    q = substr(v, 1, 1)
    if (length(v) >= 2 && (q == "\"" || q == "\047") && substr(v, length(v)) == q) v = substr(v, 2, length(v) - 2)
    value[k] = v
  }
  END { print value["AMPWEBROOT"]; print value["AMPBIN"]; print value["AMPSBIN"]; print value["ASTAGIDIR"]; print value["ASTVARLIBDIR"] }
' "$conf")
webroot=${webroot:-/var/www/html}
ampbin=${ampbin:-/var/lib/asterisk/bin}
ampsbin=${ampsbin:-/usr/sbin}
agidir=${agidir:-/var/lib/asterisk/agi-bin}
varlibdir=${varlibdir:-/var/lib/asterisk}
# Without a trailing slash ("/" becomes "", and "$root$webroot/admin" still reads right).
webroot=${webroot%/} ampbin=${ampbin%/} ampsbin=${ampsbin%/} agidir=${agidir%/} varlibdir=${varlibdir%/}
# For check_module and awk, here and in the --module runs. Values go through the environment: awk -v
# would eat backslashes.
export ROOT=$root KEYRING=$keyring WEBROOT=$webroot AMPBIN=$ampbin AMPSBIN=$ampsbin AGIDIR=$agidir VARLIBDIR=$varlibdir

dirs=()
for dir in "$root$webroot/admin/modules"/*/; do
  dir=${dir%/}
  # FreePBX keeps caches such as _cache beside the modules (the glob already skips dot names).
  case ${dir##*/} in _*) continue ;; esac
  dirs+=("$dir")
done
modules=${#dirs[@]}
if [ "$modules" -eq 0 ]; then
  echo "no modules in $root$webroot/admin/modules" >&2
  exit 1
fi

failed=0
files=0
if [ "$jobs" -eq 1 ]; then
  for dir in "${dirs[@]}"; do
    check_module "$dir"
    files=$((files + module_files))
    [ "$module_ok" -eq 1 ] || failed=1
  done
  label=gpgv+sha256sum
else
  # One --module run per module, N at once; each prints one short line (written whole, so lines of
  # parallel runs do not mix). xargs exits 123 when some run exited 1: that is a failed module.
  printf '%s\0' "${dirs[@]}" | xargs -0 -n 1 -P "$jobs" bash "$0" --module >"$tmp/results"
  status=$?
  if [ "$status" -ne 0 ] && [ "$status" -ne 123 ]; then
    echo "xargs failed (exit $status)" >&2
    failed=1
  fi
  done_modules=0
  while read -r _ count outcome; do
    done_modules=$((done_modules + 1))
    files=$((files + count))
    [ "$outcome" = ok ] || failed=1
  done <"$tmp/results"
  if [ "$done_modules" -ne "$modules" ]; then
    echo "only $done_modules of $modules modules reported a result" >&2
    failed=1
  fi
  label="gpgv+sha256sum (xargs -P $jobs)"
fi

echo "$label: $modules modules, $files files checked: $([ "$failed" -eq 0 ] && echo OK || echo FAILED)"
exit "$failed"
