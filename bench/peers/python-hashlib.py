#!/usr/bin/env python3
# What a FreePBX user would write in Python to check an installation's files against the modules'
# manifests: a peer pbxsig is measured against (bench "installation" and "scaling" suites).
#
# NO SIGNATURE CHECK: module.sig's signed text is read as it stands (clear-signed armor removed), its
# signature is never verified. So this does less than FreePBX, pbxsig and the gpgv peer: a forged
# manifest passes. It only shows how fast plain hashing of the listed files is in Python.
#
# Otherwise the same job as gpgv-sha256sum.sh: settings from ROOT/etc/amportal.conf (else FreePBX's
# defaults); every module directory under <webroot>/admin/modules (names starting with "_" or "."
# skipped); each [hashes] entry ("path = hex", split at the first " = ") mapped where FreePBX installed
# it (framework's amp_conf/htdocs/ -> AMPWEBROOT, amp_conf/bin/ -> AMPBIN, amp_conf/sbin/ -> AMPSBIN,
# amp_conf/agi-bin/ -> ASTAGIDIR, amp_conf/sounds/ -> ASTVARLIBDIR/sounds; amp_conf/astetc/,
# amp_conf/moh/ and upgrades/ not checked; everything else in the module's directory), hashed with
# hashlib, one file after another.
#
# Usage: python-hashlib.py ROOT
# Exit 0 when every listed file matches; 1 when any is altered or missing (each such file and its
# module named on stderr); 2 on a usage error. Stdout: one summary line. Python 3.11 stdlib only.

import hashlib
import os
import sys

DEFAULTS = {
    "AMPWEBROOT": "/var/www/html",
    "AMPBIN": "/var/lib/asterisk/bin",
    "AMPSBIN": "/usr/sbin",
    "ASTAGIDIR": "/var/lib/asterisk/agi-bin",
    "ASTVARLIBDIR": "/var/lib/asterisk",
}
SKIPPED = ("amp_conf/astetc/", "amp_conf/moh/", "upgrades/")


def settings(root):
    """amportal.conf's KEY=VALUE lines (comments, optional quotes), else FreePBX's defaults."""
    values = {}
    try:
        with open(root + "/etc/amportal.conf", encoding="utf-8", errors="surrogateescape") as conf:
            for line in conf:
                if line.lstrip(" \t").startswith(("#", ";")) or "=" not in line:
                    continue
                key, value = line.rstrip("\n").split("=", 1)
                key, value = key.strip(" \t\r"), value.strip(" \t\r")
                if len(value) >= 2 and value[0] in "\"'" and value[-1] == value[0]:
                    value = value[1:-1]
                values[key] = value
    except OSError:
        pass
    # Without a trailing slash ("/" becomes "", and root + webroot + "/admin" still reads right).
    return {key: (values.get(key) or default).rstrip("/") for key, default in DEFAULTS.items()}


def signed_text(sig_path):
    """The clear-signed text of module.sig: armor headers dropped, dash-escapes undone."""
    with open(sig_path, encoding="utf-8", errors="surrogateescape") as sig:
        lines = sig.read().split("\n")
    out, state = [], "before"
    for line in lines:
        line = line.rstrip("\r")
        if state == "before":
            if line == "-----BEGIN PGP SIGNED MESSAGE-----":
                state = "headers"
        elif state == "headers":
            if line == "":
                state = "text"
        elif line.startswith("-----BEGIN PGP SIGNATURE-----"):
            break
        else:
            out.append(line[2:] if line.startswith("- ") else line)
    return out


def listed(text):
    """(path, hex) of each entry of the [hashes] section."""
    section = None
    for line in text:
        stripped = line.strip(" \t")
        if stripped.startswith(";"):
            continue
        if stripped.startswith("[") and stripped.endswith("]") and "]" not in stripped[1:-1]:
            section = stripped[1:-1]
            continue
        if section != "hashes" or " = " not in line:
            continue
        path, digest = line.split(" = ", 1)
        yield path.strip(" \t"), digest.strip(" \t")


def destination(root, conf, module_dir, framework, path):
    """Where FreePBX installed `path`; None for framework entries it never checks."""
    if framework:
        for prefix, base in (
            ("amp_conf/htdocs/", conf["AMPWEBROOT"]),
            ("amp_conf/bin/", conf["AMPBIN"]),
            ("amp_conf/sbin/", conf["AMPSBIN"]),
            ("amp_conf/agi-bin/", conf["ASTAGIDIR"]),
            ("amp_conf/sounds/", conf["ASTVARLIBDIR"] + "/sounds"),
        ):
            if path.startswith(prefix):
                return root + base + "/" + path[len(prefix):]
        if path.startswith(SKIPPED):
            return None
    return module_dir + "/" + path


def file_sha256(path):
    with open(path, "rb") as f:
        if hasattr(hashlib, "file_digest"):
            return hashlib.file_digest(f, "sha256").hexdigest()
        digest = hashlib.sha256()
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
        return digest.hexdigest()


def main(argv):
    if len(argv) != 2 or not os.path.isdir(argv[1]):
        print(f"usage: {argv[0]} ROOT", file=sys.stderr)
        return 2
    root = argv[1].rstrip("/")
    conf = settings(root)
    modules_dir = root + conf["AMPWEBROOT"] + "/admin/modules"
    try:
        names = sorted(
            e.name for e in os.scandir(modules_dir) if e.is_dir() and not e.name.startswith(("_", "."))
        )
    except OSError:
        names = []
    if not names:
        print(f"no modules in {modules_dir}", file=sys.stderr)
        return 1

    failed = False
    files = 0
    for name in names:
        module_dir = modules_dir + "/" + name
        try:
            text = signed_text(module_dir + "/module.sig")
        except FileNotFoundError:
            print(f"{name}: unsigned (no module.sig)", file=sys.stderr)
            failed = True
            continue
        bad = False
        for path, digest in listed(text):
            target = destination(root, conf, module_dir, name == "framework", path)
            if target is None:
                continue
            files += 1
            try:
                if file_sha256(target) != digest.lower():
                    print(f"{target}: FAILED", file=sys.stderr)
                    bad = True
            except OSError:
                print(f"{target}: FAILED open or read", file=sys.stderr)
                bad = True
        if bad:
            print(f"{name}: some listed file is missing or altered", file=sys.stderr)
            failed = True

    print(f"python-hashlib: {len(names)} modules, {files} files checked: {'FAILED' if failed else 'OK'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
