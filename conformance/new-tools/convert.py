#!/usr/bin/env python3
"""Turns the `testing`/`testcmd` calls of Toybox's tests/TOOL.test and BusyBox's testsuite/TOOL.tests into case files
for ../../../shared/conformance/unix-tools/run.py: one program with argv, stdin bytes and an `input` file, the suite's
expected stdout and (for "CMD; echo $?") exit status. Cases that need a shell (pipes, redirections other than
2>/dev/null and 2>&1, variables that are not plain assignments of the file, functions, globs, several commands) are
listed under "dropped" with the reason. Only test data is read; no upstream code is used.

    python3 convert.py --toybox DIR --busybox DIR --out . TOOL...
"""
import argparse, json, os, re, subprocess

TOYBOX = ("https://github.com/landley/toybox", "0BSD")
BUSYBOX = ("https://github.com/mirror/busybox", "GPL-2.0")


class Word:
    def __init__(self):
        self.text, self.expands, self.glob, self.quoted = "", False, False, False


def split_words(line, variables=None):
    """Bash words of a line: quotes, escapes, $VAR from `variables`; operators (| ; & < > ( )) as words of their own."""
    words, w, i, n = [], None, 0, len(line)
    def cur():
        nonlocal w
        if w is None:
            w = Word()
        return w
    def end():
        nonlocal w
        if w is not None:
            words.append(w)
            w = None
    def dollar(i, in_quotes):
        m = re.match(r"\$(\{(\w+)\}|(\w+)|\?)", line[i:])
        name = m and (m.group(2) or m.group(3) or ("?" if m.group(0) == "$?" else None))
        if m and variables is not None and name in variables:
            cur().text += variables[name]
            return i + len(m.group(0))
        cur().expands = True
        cur().text += "$"
        return i + 1
    while i < n:
        c = line[i]
        if c in " \t\n":
            end(); i += 1
        elif c == "'":
            j = line.index("'", i + 1)
            cur().text += line[i + 1:j]; cur().quoted = True; i = j + 1
        elif c == '"':
            cur().quoted = True
            i += 1
            while line[i] != '"':
                if line[i] == "\\" and line[i + 1] in '$`"\\\n':
                    cur().text += line[i + 1]; i += 2
                elif line[i] == "$":
                    i = dollar(i, True)
                elif line[i] == "`":
                    cur().expands = True; cur().text += "`"; i += 1
                else:
                    cur().text += line[i]; i += 1
            i += 1
        elif c == "\\":
            cur().text += line[i + 1] if i + 1 < n else "\\"; i += 2
        elif c == "$":
            i = dollar(i, False)
        elif c == "`":
            cur().expands = True; cur().text += c; i += 1
        elif c in "|;&<>()":
            end()
            m = re.match(r"(\d?>>?&?\d?|<|\|\||&&|;;|\||;|&|\(|\))", line[i:])
            op = Word(); op.text = m.group(0); op.operator = True
            words.append(op); i += len(m.group(0))
        elif c.isdigit() and w is None and re.match(r"\d>", line[i:]):
            m = re.match(r"\d>>?&?\d?", line[i:])
            op = Word(); op.text = m.group(0); op.operator = True
            words.append(op); i += len(m.group(0))
        else:
            if c in "*?[" :
                cur().glob = True
            cur().text += c; i += 1
    end()
    return words


def echo_e(s):
    """The bytes of `echo -ne s` in bash."""
    out, i = bytearray(), 0
    b = s.encode("utf-8")
    simple = {ord("a"): 7, ord("b"): 8, ord("e"): 27, ord("E"): 27, ord("f"): 12, ord("n"): 10, ord("r"): 13, ord("t"): 9, ord("v"): 11, ord("\\"): 92}
    while i < len(b):
        if b[i] != 92 or i + 1 == len(b):
            out.append(b[i]); i += 1; continue
        c = b[i + 1]
        if c in simple:
            out.append(simple[c]); i += 2
        elif c == ord("c"):
            break
        elif c == ord("0"):
            j, v = i + 2, 0
            while j < len(b) and j < i + 5 and 48 <= b[j] <= 55:
                v = v * 8 + b[j] - 48; j += 1
            out.append(v & 255); i = j
        elif c == ord("x") and i + 2 < len(b) and chr(b[i + 2]) in "0123456789abcdefABCDEF":
            j, v = i + 2, 0
            while j < len(b) and j < i + 4 and chr(b[j]) in "0123456789abcdefABCDEF":
                v = v * 16 + int(chr(b[j]), 16); j += 1
            out.append(v); i = j
        else:
            out += b[i:i + 2]; i += 2
    return bytes(out)


def enc(bs):
    try:
        return bs.decode("utf-8")
    except UnicodeDecodeError:
        import base64
        return {"b64": base64.b64encode(bs).decode()}


DIR = {"type": "dir"}


def setup_tree(line, variables):
    """A top-level `mkdir [-p] DIR...` or `ln -s TARGET NAME`: [(name, DIR or {"type": "symlink", ...})]; else None."""
    try:
        words = split_words(line, variables)
    except (ValueError, IndexError, AttributeError):
        return None
    if any(w.expands or w.glob or getattr(w, "operator", False) for w in words):
        return None
    texts = [w.text for w in words]
    if len(texts) >= 2 and texts[0] == "mkdir" and all(t == "-p" or not t.startswith("-") for t in texts[1:]):
        made = []
        for t in texts[1:]:
            if t == "-p":
                continue
            parts = t.strip("/").split("/")
            made += [("/".join(parts[:k]), DIR) for k in range(1, len(parts) + 1)]
        return made
    if len(texts) == 4 and texts[:2] == ["ln", "-s"]:
        return [(texts[3], {"type": "symlink", "target": texts[2]})]
    return None


def setup_file(line, variables):
    """A top-level `echo [-e|-n|-ne] TEXT... > FILE` or `touch FILE` (name, bytes), or `rm [-f] FILE` (name, None); else None."""
    try:
        words = split_words(line, variables)
    except (ValueError, IndexError, AttributeError):
        return None
    # "TZ=utc touch ...": the assignment only changes the command's environment.
    while words and re.fullmatch(r"\w+=\S*", words[0].text) and not words[0].quoted:
        words = words[1:]
    texts = [w.text for w in words]
    if len(texts) >= 2 and texts[0] == "touch" and not any(w.expands or getattr(w, "operator", False) for w in words):
        names, skip = [], False
        for t in texts[1:]:
            if skip:
                skip = False
            elif t.startswith("-"):
                skip = t[-1] in "tdr"
            else:
                names.append(t)
        return (names[0], b"") if len(names) == 1 else None
    if len(texts) >= 2 and texts[0] == "rm" and all(not getattr(w, "operator", False) and not w.expands for w in words):
        names = [t for t in texts[1:] if not t.startswith("-")]
        return (names[0], None) if len(names) == 1 else None
    if len(texts) < 3 or texts[0] != "echo" or texts[-2] != ">" or any(w.expands for w in words):
        return None
    body = texts[1:-2]
    flags = ""
    while body and re.fullmatch(r"-[neE]+", body[0]):
        flags += body.pop(0)[1:]
    if any(getattr(w, "operator", False) for w in words[1:-2]):
        return None
    text = " ".join(body)
    data = echo_e(text) if "e" in flags else text.encode()
    return texts[-1], data + (b"" if "n" in flags else b"\n")


def calls(text, tool):
    """(line, function, args) of each testing/testcmd call, with the file's plain assignments known at that point."""
    variables = {"C": tool, "CMDNAME": tool}
    files = {}
    branch = None
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        start = i
        line = lines[i]
        # Backslash-newline is removed, inside quotes or out, as bash removes it.
        while line.endswith("\\") and i + 1 < len(lines):
            i += 1
            line = line[:-1] + lines[i]
        i += 1
        # A quoted string may run over several lines (not in a comment, whose apostrophes quote nothing).
        for _ in range(0 if line.lstrip().startswith("#") else 200):
            if line.endswith("\\") and i < len(lines):
                line = line[:-1] + lines[i]
                i += 1
                continue
            try:
                split_words(line, None)
                break
            except (ValueError, IndexError, AttributeError):
                if i >= len(lines):
                    break
                line += "\n" + lines[i]
                i += 1
        stripped = line.strip()
        tree = setup_tree(line, variables)
        if tree is not None:
            files.update(tree)
            continue
        # "rm [-rf] A B...": each name, and with -r all under it.
        rm = stripped.split()
        if len(rm) > 2 and rm[0] == "rm" and re.fullmatch(r"[\w./ -]+", stripped):
            flags = "".join(w[1:] for w in rm[1:] if w.startswith("-"))
            for gone in [w for w in rm[1:] if not w.startswith("-")]:
                for name in [n for n in files if n == gone or ("r" in flags and n.startswith(gone.rstrip("/") + "/"))]:
                    files.pop(name)
            continue
        setup = setup_file(line, variables)
        if setup is not None:
            name, data = setup
            if data is None:
                files.pop(name, None)
            else:
                files[name] = data
            continue
        m = re.match(r"^(?:;;\s*)?([\w-]+)\)\s*$", stripped) or re.match(r"^case .* in\s*$", stripped)
        if m and m.groups():
            branch = m.group(1)
            continue
        for assign in re.finditer(r"(?:^|;;\s*|\s)(\w+)=(\S+)", stripped if re.match(r"^(;;\s*)?\w+=\S+$", stripped) else ""):
            if branch is None or branch == tool:
                variables[assign.group(1)] = "".join(x.text for x in split_words(assign.group(2), variables))
        m = re.match(r"^\s*((?:toyonly|optional\s+\S+|skipnot\s+.*?)\s+)?(testing|testcmd)\s", line)
        if not m or stripped.startswith("#"):
            continue
        words = None
        # A quoted argument may run over several lines.
        for _ in range(200):
            try:
                words = split_words(line[m.end(0):], variables)
                break
            except (ValueError, IndexError, AttributeError):
                if i >= len(lines):
                    break
                line += "\n" + lines[i]
                i += 1
        if words is None:
            yield start + 1, m.group(2), None, "cannot read the call", line, dict(files)
            continue
        if any(w.expands for w in words):
            yield start + 1, m.group(2), [w.text for w in words], "an argument needs a shell variable or command substitution", line, dict(files)
            continue
        yield start + 1, m.group(2), [w.text for w in words], None, line, dict(files)


def convert(suite, path, text, tool, commit):
    cases, dropped = [], []
    index = 0
    for line, function, args, problem, original_line, made in calls(text, tool):
        index += 1
        ident = f"{suite}/{tool}#{index:03d}"
        base = {"id": ident, "suite": suite, "file": path, "index": index, "line": line, "tool": tool}
        if args is None or len(args) < 5:
            dropped.append({**base, "name": None, "reason": problem or "not five arguments", "original": {"call": original_line.strip()}})
            continue
        name, command, result, infile, stdin = args[:5]
        original = {"command": command, "result": result, "input": infile, "stdin": stdin}
        if function == "testcmd":
            command = f"{tool} {command}"
            name = name or command
        base.update(name=name)
        if problem:
            dropped.append({**base, "reason": problem, "original": original}); continue
        words = split_words(command, {"C": tool})
        status, merge = None, False
        # "CMD; echo $?" (the suites' way of checking a status) and harmless stderr redirections.
        texts = [w.text for w in words]
        if len(texts) >= 3 and texts[-3:] == [";", "echo", "$?"] or texts[-2:] == ["echo", "$?"] and texts[-3:-2] == [";"]:
            words = words[:-3]
            status = "echo"
        # "CMD && echo X" and "CMD || echo X": the suite tells the status by the word X.
        texts = [w.text for w in words]
        if len(texts) >= 4 and texts[-3] in ("&&", "||") and texts[-2] == "echo" and status is None \
                and not any(getattr(w, "operator", False) and w.text not in ("2>", "2>&1") for w in words[:-3]):
            said = (texts[-1] + "\n").encode()
            full = echo_e(result)
            printed = full.endswith(said)
            status = 0 if printed == (texts[-3] == "&&") else "nonzero"
            result_bytes = full[:-len(said)] if printed else full
            words = words[:-3]
        else:
            result_bytes = None
        keep = []
        bad = None
        for w in words:
            op = getattr(w, "operator", False)
            if op and w.text in ("2>", ) :
                bad = "redirection"
            if op and w.text == "2>&1":
                merge = True; continue
            if op:
                bad = bad or f"needs a shell: {w.text}"
            keep.append(w)
        # 2> /dev/null: stderr is not judged anyway.
        cleaned = []
        skip = False
        for k, w in enumerate(words):
            if skip:
                skip = False; continue
            if getattr(w, "operator", False) and w.text == "2>" and k + 1 < len(words) and words[k + 1].text == "/dev/null":
                skip = True; continue
            cleaned.append(w)
        if bad == "redirection" and all(not getattr(w, "operator", False) or w.text == "2>&1" for w in cleaned):
            bad = None
        words = [w for w in cleaned if not (getattr(w, "operator", False) and w.text == "2>&1")]
        if bad:
            dropped.append({**base, "reason": bad, "original": original}); continue
        if any(w.expands for w in words):
            dropped.append({**base, "reason": "needs a shell variable or command substitution", "original": original}); continue
        if any(w.glob and not w.quoted for w in words):
            dropped.append({**base, "reason": "needs a shell glob", "original": original}); continue
        argv = [w.text for w in words]
        # BusyBox's suite runs its applets as "busybox TOOL".
        if len(argv) > 1 and argv[0] == "busybox":
            argv = argv[1:]
        if not argv or argv[0] != tool:
            dropped.append({**base, "reason": f"runs {argv[0] if argv else 'nothing'}, not {tool}", "original": original}); continue
        expected = echo_e(result) if result_bytes is None else result_bytes
        if status == "echo":
            body, _, last = expected.rstrip(b"\n").rpartition(b"\n")
            if not last.isdigit():
                dropped.append({**base, "reason": "echo $? without a status line", "original": original}); continue
            status = int(last)
            expected = body + b"\n" if body or expected.count(b"\n") > 1 else b""
        files = [{"path": name, "type": "file", "mode": "0644", "data": enc(data)} if isinstance(data, bytes)
                 else {"path": name, "type": "dir", "mode": "0755"} if data == DIR
                 else {"path": name, "type": "symlink", "mode": "0777", "target": data["target"]}
                 for name, data in sorted(made.items()) if name != "input"]
        if infile or suite == "busybox":
            files.append({"path": "input", "type": "file", "mode": "0644", "data": enc(echo_e(infile))})
        case = {**base, "argv": argv, "stdin": enc(echo_e(stdin)), "files": files, "stdout": enc(expected), "status": status, "original": original}
        if merge:
            case["merge_stderr"] = True
        cases.append(case)
    return cases, dropped


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--toybox", required=True, help="git directory of landley/toybox")
    ap.add_argument("--busybox", required=True, help="git directory of mirror/busybox")
    ap.add_argument("--out", default=".")
    ap.add_argument("tools", nargs="+")
    a = ap.parse_args()
    def show(repo, path):
        try:
            return subprocess.run(["git", "--git-dir", repo, "show", f"HEAD:{path}"], check=True, capture_output=True, text=True).stdout
        except subprocess.CalledProcessError:
            return None
    def head(repo):
        return subprocess.run(["git", "--git-dir", repo, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    commits = {"toybox": head(a.toybox), "busybox": head(a.busybox)}
    for tool in a.tools:
        cases, dropped, sources = [], [], {}
        for suite, repo, path in (("toybox", a.toybox, f"tests/{tool}.test"), ("busybox", a.busybox, f"testsuite/{tool}.tests")):
            text = show(repo, path)
            # Toybox's sha256sum.test is a symbolic link: its text names the file it shares.
            if text is not None and re.fullmatch(r"[\w.]+\.test", text.strip()):
                path = f"tests/{text.strip()}"
                text = show(repo, path)
            if text is None:
                continue
            c, d = convert(suite, path, text, tool, commits[suite])
            cases += c; dropped += d
            url, lic = TOYBOX if suite == "toybox" else BUSYBOX
            sources[suite] = {"repository": url, "commit": commits[suite], "files": path, "license": lic}
        doc = {"about": f"Cases for ssi's {tool} from the Toybox and BusyBox test suites (see README.md); converted by convert.py.",
               "sources": sources, "cases": cases, "dropped": dropped}
        with open(os.path.join(a.out, f"{tool}.json"), "w") as f:
            json.dump(doc, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(f"{tool}: {len(cases)} cases, {len(dropped)} dropped")


if __name__ == "__main__":
    main()
