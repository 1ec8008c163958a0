#!/usr/bin/env python3
"""The hostile input campaign of scripts/fuzz.sh: mutated inputs of four kinds, each run through
the release binary under a deadline, with its exit status, wall time and peak memory recorded.

Kinds (what is run):
  manifest  `evbus topics validate -f FILE` on mutations of the repo's topics.yaml (and, for one
            in ten, `topics plan -f FILE` against the broker)
  jsonl     `evbus produce TOPIC --input FILE --dry-run --skip-invalid`, with and without schema
            validation, on files of hostile JSON lines
  jq        `evbus tail TOPIC --from beginning --exit --filter PROG` over hostile records on the
            broker, and `evbus dlq replay DLQ --dry-run --filter PROG` for one in five
  dlq       `evbus dlq inspect` (json, table, --records) and `dlq replay --dry-run` over topics of
            hostile dead letters (written by the `fuzz::dead_letter_corpus_to_a_broker` helper),
            and `tail -o pretty` over the same records
  signals, concurrent, churn, retention, oversized, config, scale
            the second campaign's classes (issue 26): see scripts/fuzz_hostile.py

Every run must: end by itself within its deadline (else a hang: SIGINT, then SIGKILL), end with
a documented exit code (0, 1, 2, 3, 4, 5; after the campaign's own SIGINT, 0 or 130), never die of
a signal or print a Rust panic, stay under the memory bound, and print no raw ESC, C1 or bidi
control on stderr (nor on stdout in table/pretty modes, which are meant for a terminal).

A "leak" check runs the same command on 1x and 10x the input and compares peak memory.

Deterministic: every input comes from random.Random(seed); inputs that fail are kept in
$FUZZ_DIR/failures/ with the command line.
"""

import argparse
import json
import os
import pty
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import tty
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fuzz_hostile import HostileKinds  # noqa: E402

HOSTILE = ["signals", "concurrent", "churn", "retention", "oversized", "config", "scale"]

DOCUMENTED = {0, 1, 2, 3, 4, 5, 6}
# Raw bytes that must not reach a terminal: C0 controls but \t \n, DEL, C1 (as UTF-8), bidi.
def vm_hwm_kib(pid):
    """The process's peak resident memory so far (VmHWM), 0 once it has exited."""
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


RAW_CONTROL = re.compile(
    rb"[\x00-\x08\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xd8\x9c|\xe2\x80[\x8e\x8f\xaa-\xae]|\xe2\x81[\xa6-\xa9]"
)


class Result:
    __slots__ = ("kind", "label", "code", "signal", "secs", "rss_kib", "hang", "interrupted", "problems", "err", "sent_signal")

    def __init__(self, kind, label):
        self.kind, self.label = kind, label
        self.code = self.signal = None
        self.secs = 0.0
        self.rss_kib = 0
        self.hang = self.interrupted = False
        self.problems = []
        self.err = b""
        self.sent_signal = None


class Campaign(HostileKinds):
    def __init__(self, args):
        self.a = args
        self.evbus = args.evbus
        self.dir = args.dir
        self.results = []
        self.lock = threading.Lock()
        self.failures = 0
        os.makedirs(os.path.join(self.dir, "inputs"), exist_ok=True)
        os.makedirs(os.path.join(self.dir, "failures"), exist_ok=True)
        # Commands run here: no topics.yaml or evbus.yaml of the repository is picked up.
        self.work = os.path.join(self.dir, "work")
        os.makedirs(self.work, exist_ok=True)
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("EVBUS_", "KAFKA_"))}
        self.env["XDG_CONFIG_HOME"] = "/nonexistent-evbus-fuzz"
        self.env["NO_COLOR"] = "1"

    # ---- running one input -------------------------------------------------------------------

    def run(self, kind, label, argv, deadline, stdin_path=None, terminal_stdout=False, allow_interrupt=False,
            keep=None, tty_stdout=False, codes=None, signal_after=None, stdout_to=None, env=None):
        """Runs evbus with argv; returns a Result. `keep`: files to save when it fails.
        `codes`: the exit codes allowed (default DOCUMENTED); `signal_after`: (signal, seconds) to
        send once; `stdout_to`: "full" (/dev/full), "closed" (a pipe whose reader is gone) or
        "slow" (a pipe nobody reads for 3 s) or an Event (a pipe nobody reads until it is set); `env`: variables added to the campaign's.
        `terminal_stdout`: stdout must hold no raw control byte (formats that escape even when
        piped); `tty_stdout`: stdout is a terminal (a raw-mode pseudo-terminal, so evbus takes its
        terminal path) and must hold no raw control byte either."""
        r = Result(kind, label)
        tag = f"{kind}-{threading.get_ident()}"
        out_p = os.path.join(self.dir, f"{tag}.out")
        err_p = os.path.join(self.dir, f"{tag}.err")
        with open(out_p, "wb") as out, open(err_p, "wb") as err:
            stdin = open(stdin_path, "rb") if stdin_path else subprocess.DEVNULL
            reader = None
            stdout = out
            pipe_w = None
            if stdout_to == "full":
                stdout = open("/dev/full", "wb")
            elif stdout_to == "closed" or stdout_to == "slow" or isinstance(stdout_to, threading.Event):
                pipe_r, pipe_w = os.pipe()
                stdout = pipe_w
                if stdout_to == "closed":
                    os.close(pipe_r)
                else:
                    def drain(fd=pipe_r):
                        if isinstance(stdout_to, threading.Event):
                            stdout_to.wait(120)
                        else:
                            time.sleep(3)
                        with os.fdopen(fd, "rb") as f:
                            for chunk in iter(lambda: f.read(65536), b""):
                                out.write(chunk)

                    reader = threading.Thread(target=drain)
                    reader.start()
            if tty_stdout:
                master, slave = pty.openpty()
                tty.setraw(slave)  # no \n -> \r\n: the bytes evbus wrote, as written
                stdout = slave

                def copy():
                    while True:
                        try:
                            chunk = os.read(master, 65536)
                        except OSError:  # EIO once the last writer closed the terminal
                            break
                        if not chunk:
                            break
                        out.write(chunk)
                    os.close(master)

                reader = threading.Thread(target=copy)
                reader.start()
            start = time.monotonic()
            p = subprocess.Popen([self.evbus] + argv, stdin=stdin, stdout=stdout, stderr=err, cwd=self.work,
                                 env=dict(self.env, **(env or {})))
            if tty_stdout:
                os.close(slave)
            if pipe_w is not None:
                os.close(pipe_w)
            elif stdout_to == "full":
                stdout.close()
            if stdin_path:
                stdin.close()
            status, rusage, sent_int, sent_sig = None, None, False, None
            # Peak memory from the kernel's high-water mark of the process's own memory: the
            # wait4 rusage also counts the forked image of this (Python) process, which grows
            # with the inputs it holds.
            hwm_kib = 0
            while True:
                hwm_kib = max(hwm_kib, vm_hwm_kib(p.pid))
                pid, st, ru = os.wait4(p.pid, os.WNOHANG)
                if pid:
                    status, rusage = st, ru
                    break
                now = time.monotonic() - start
                if signal_after and now > signal_after[1]:
                    os.kill(p.pid, signal_after[0])
                    sent_sig, signal_after = signal_after[0], None
                if not sent_int and now > deadline:
                    os.kill(p.pid, signal.SIGINT)
                    sent_int = True
                elif sent_int and now > deadline + 5:
                    os.kill(p.pid, signal.SIGKILL)
                    pid, status, rusage = os.wait4(p.pid, 0)
                    r.hang = True
                    break
                time.sleep(0.005)
            p.returncode = 0  # reaped by wait4
            r.secs = time.monotonic() - start
            if reader:
                reader.join(10)
        r.rss_kib = hwm_kib or rusage.ru_maxrss
        r.sent_signal = sent_sig
        if os.WIFSIGNALED(status):
            r.signal = os.WTERMSIG(status)
        else:
            r.code = os.WEXITSTATUS(status)
        with open(err_p, "rb") as f:
            err = f.read()
        r.err = err[-65536:]
        if r.hang:
            r.problems.append(f"hang: still running {deadline + 5:.0f} s after start, even after SIGINT")
        elif sent_int:
            r.interrupted = True
            # Ctrl-C: 130 (interrupted), or 0 where it is the command's normal way to stop (tail).
            if r.code not in (0, 130) and not (codes and r.code in codes):
                r.problems.append(f"after SIGINT at the deadline: exit {r.code} signal {r.signal}, expected 0 or 130")
            elif not allow_interrupt:
                r.problems.append(f"hang: needed SIGINT after {deadline:.0f} s (exit 130 then)")
        elif r.signal is not None and r.signal == sent_sig:
            pass  # the signal the campaign sent, with its default action (SIGTERM where not handled)
        elif r.signal is not None:
            r.problems.append(f"crash: killed by signal {r.signal} ({signal.Signals(r.signal).name})")
        elif r.code not in (codes or DOCUMENTED):
            r.problems.append(f"exit {r.code} is not a documented exit code")
        if b"panicked at" in err or b"RUST_BACKTRACE" in err:
            r.problems.append("panic message on stderr")
        if r.rss_kib > self.a.max_rss_mib * 1024:
            r.problems.append(f"peak memory {r.rss_kib // 1024} MiB over {self.a.max_rss_mib} MiB")
        m = RAW_CONTROL.search(err)
        if m:
            r.problems.append(f"raw control byte(s) {m.group()!r} on stderr")
        if terminal_stdout or tty_stdout:
            with open(out_p, "rb") as f:
                m = RAW_CONTROL.search(f.read())
            if m:
                where = "a terminal" if tty_stdout else "terminal format"
                r.problems.append(f"raw control byte(s) {m.group()!r} on stdout ({where})")
        with self.lock:
            self.results.append(r)
            if r.problems:
                self.failures += 1
                n = self.failures
                d = os.path.join(self.dir, "failures", f"{n:04d}-{kind}")
                os.makedirs(d, exist_ok=True)
                with open(os.path.join(d, "command.json"), "w") as f:
                    json.dump({"argv": [self.evbus] + argv, "label": label, "problems": r.problems,
                               "code": r.code, "signal": r.signal, "secs": r.secs, "rss_kib": r.rss_kib}, f,
                              indent=1)
                shutil.copy(err_p, os.path.join(d, "stderr"))
                for k in keep or []:
                    if os.path.exists(k):
                        shutil.copy(k, d)
                print(f"fuzz: FAIL {kind} {label}: {'; '.join(r.problems)} (kept in {d})", file=sys.stderr)
        return r

    def budgeted(self, kind, count, budget_s, make):
        """Runs make(i) for i in 0..count on `jobs` threads, stopping when budget_s has passed."""
        start = time.monotonic()
        stop = threading.Event()

        def one(i):
            if stop.is_set() or time.monotonic() - start > budget_s:
                stop.set()
                return
            make(i)

        with ThreadPoolExecutor(self.a.jobs) as ex:
            list(ex.map(one, range(count)))
        done = sum(1 for r in self.results if r.kind == kind)
        print(f"fuzz: {kind}: {done} runs in {time.monotonic() - start:.0f} s", file=sys.stderr)

    def path(self, name):
        return os.path.join(self.dir, "inputs", name)

    # ---- manifests ---------------------------------------------------------------------------

    def manifest_inputs(self, rng):
        if not hasattr(self, "base"):
            self.base = open(self.a.manifest, "rb").read()
        base = self.base
        lines = base.split(b"\n")
        evil_names = [b"auth\x1b[31m.user.red", b"auth\xc2\x9b2J.user.csi", b"auth\xe2\x80\xae.user.rlo",
                      b"\x00", b"\x07bell", b"a" * 300, b".", b"..", b"__consumer_offsets", b"\xff\xfe",
                      b"auth.user.\xe2\x81\xa6x", b"'quoted'", b"\"\\e[2J\"", b"\"\\x1b]0;title\\x07\""]
        numbers = [b"1e400", b"-1", b"0", b"99999999999999999999999999", b"0x7fffffff", b"2147483648", b"-0",
                   b".inf", b"-.inf", b".nan", b"1_000", b"0o777", b"1e-400", b"9" * 5000, b"~", b"[]", b"{}",
                   b"true", b"\"3\"", b"3.5", b"1d", b"7z", b"9999999999999999999ms", b"-7d"]

        def mutate(data):
            data = bytearray(data)
            for _ in range(rng.randint(1, 8)):
                op = rng.randrange(6)
                i = rng.randrange(len(data) + 1)
                if op == 0 and data:
                    data[min(i, len(data) - 1)] = rng.randrange(256)
                elif op == 1:
                    data[i:i] = bytes([rng.randrange(256)])
                elif op == 2:
                    del data[i:i + rng.randint(1, 40)]
                elif op == 3:
                    data[i:i] = rng.choice([b"\n", b"\t", b": ", b"- ", b"[", b"{", b"}", b"]", b"&a ", b"*a",
                                            b"<<: *a\n", b"!!binary ", b"!custom ", b"%YAML 1.1\n", b"---\n",
                                            b"...\n", b"'", b"\"", b"#", b"\r", b"\xef\xbb\xbf", b"?", b"|",
                                            b">-\n", b"\x1b", b"\xc2\x85"])
                elif op == 4:
                    j = rng.randrange(len(data) + 1)
                    data[i:i] = data[j:j + rng.randint(1, 200)] * rng.randint(1, 50)
                else:
                    data = data[:i]
            return bytes(data)

        def line_swap(key, values):
            out = []
            for ln in lines:
                if re.match(rb"\s*-?\s*" + key + rb":", ln) and rng.random() < 0.5:
                    pre = ln.split(key + b":")[0]
                    out.append(pre + key + b": " + rng.choice(values))
                else:
                    out.append(ln)
            return b"\n".join(out)

        def deep(n, opener, closer):
            return b"version: 1\ntopics: " + opener * n + closer * n + b"\n"

        gens = [
            lambda: mutate(base),
            lambda: mutate(base),
            lambda: mutate(base),
            lambda: line_swap(b"name", evil_names),
            lambda: line_swap(rng.choice([b"partitions", b"replication_factor", b"retention.ms", b"max_lag",
                                          b"version"]), numbers),
            lambda: line_swap(b"partitions", numbers) + b"\n" + mutate(b"\n".join(lines[:20])),
            lambda: deep(rng.choice([100, 1000, 10000, 100000]), b"[", b"]"),
            lambda: deep(rng.choice([100, 1000, 10000, 100000]), b"{a: ", b"}"),
            lambda: b"version: 1\ntopics:\n" + b"".join(b"  " * k + b"- \n" for k in range(rng.choice([50, 500, 3000]))),
            lambda: b"a: &a [" + b",".join([b"x"] * 10) + b"]\n" + b"".join(
                b"%c: &%c [" % (98 + k, 98 + k) + b",".join([b"*%c" % (97 + k)] * 10) + b"]\n" for k in range(9))
                + b"version: 1\ntopics: *j\n",  # billion laughs
            lambda: b"---\n".join([base] * rng.randint(2, 5)),
            lambda: base + b"\n---\n" + mutate(base),
            lambda: base.replace(b"\n", rng.choice([b"\r\n", b"\r", b"\n\x00", b"\n\x1b[2J"])),
            lambda: b"\xef\xbb\xbf" + base,
            lambda: bytes(rng.randrange(256) for _ in range(rng.randint(0, 4000))),
            lambda: b"version: 1\ntopics:\n" + b"".join(
                b"  - name: auth.user.t%d\n    partitions: %d\n" % (k, rng.randint(1, 100))
                for k in range(rng.choice([1000, 10000]))),
            lambda: b"version: 1\ntopics:\n  - name: " + rng.choice(evil_names) + b"\n    partitions: 1\n"
                + b"    description: \"" + rng.choice(evil_names) + b"\"\n    config: {\"" + rng.choice(evil_names)
                + b"\": 1}\ngroups:\n  - name: \"\\e[31mgroup\\u202e\"\n    topics: [\"\\x1b[2J\"]\n",
            lambda: b"version: 1\ntopics:\n  - name: a.b.c\n    description: " + b"x" * rng.choice([10**5, 10**6]) + b"\n",
            lambda: b"version: 1\ntopics:\n  - name: a.b.c\n    description: \"" + b"\\u" * 1000 + b"\"\n",
        ]
        return gens

    def campaign_manifest(self, budget):
        def one(i):
            # Each input from its own generator: the same input for the same seed and index,
            # generated only when it runs (the campaign's own memory stays small: a child's
            # peak RSS starts from its parent's at fork).
            rng = random.Random(f"{self.a.seed}-manifest-{i}")
            gens = self.manifest_inputs(rng)
            data = gens[i % len(gens)]()
            p = self.path(f"manifest-{threading.get_ident()}.yaml")
            with open(p, "wb") as f:
                f.write(data)
            del data
            self.run("manifest", f"#{i}", ["topics", "validate", "-f", p], self.a.deadline, keep=[p])
            if i % 10 == 0 and self.a.broker:
                self.run("manifest", f"#{i} plan", ["-b", self.a.broker, "--timeout", "5s", "topics", "plan",
                                                    "-f", p, "-o", "table"], self.a.deadline, keep=[p],
                         terminal_stdout=True)

        self.budgeted("manifest", self.a.inputs, budget, one)

    # ---- JSON lines --------------------------------------------------------------------------

    def json_lines(self, rng):
        def envelope():
            return {"id": f"e{rng.randrange(10**6)}", "eventType": "auth.user.registered",
                    "timestamp": "2024-05-01T00:00:00Z", "producer": "fuzz",
                    "payload": {"userId": f"u{rng.randrange(100)}", "email": "a@b.c", "role": "doctor"}}

        def mutate(b):
            b = bytearray(b)
            for _ in range(rng.randint(1, 5)):
                i = rng.randrange(len(b) + 1)
                op = rng.randrange(4)
                if op == 0 and b:
                    b[min(i, len(b) - 1)] = rng.randrange(256)
                elif op == 1:
                    b[i:i] = rng.choice([b"\x00", b"\x1b[2J", b"\xc2\x9b", b"\xe2\x80\xae", b"\xff", b"\\ud800",
                                         b"\\u0000", b"\"", b"{", b"[", b",", b"\r", b"\xef\xbb\xbf", b"1e400",
                                         b"\n"])
                elif op == 2:
                    del b[i:i + rng.randint(1, 20)]
                else:
                    b = b[:i]
            return bytes(b)

        gens = [
            lambda: json.dumps(envelope()).encode(),
            lambda: mutate(json.dumps(envelope()).encode()),
            lambda: mutate(json.dumps(envelope()).encode()),
            lambda: b"[" * rng.choice([100, 129, 1000, 100000]) + b"]" * rng.choice([0, 100, 100000]),
            lambda: b"{\"id\":" + b"{\"a\":" * rng.choice([127, 128, 129, 5000]) + b"1" + b"}" * 5000 + b"}",
            lambda: b"{\"id\":" + rng.choice([b"1e400", b"-1e400", b"9" * 10000, b"-0", b"1e-400",
                                               b"18446744073709551616", b"0.1e999999999"]) + b",\"n\":1}",
            lambda: b"{\"id\":\"" + rng.choice([b"\\ud800", b"\\udc00\\ud800", b"\\u0000", b"\\u001b[2J",
                                                 b"\xff\xfe", b"\xe2\x80\xae", b"\x1b]0;t\x07"]) + b"\"}",
            lambda: b"{\"id\":1,\"id\":2,\"id\":\"\x1b[31m\"}",
            lambda: b"{\"id\":\"" + b"x" * rng.choice([10**4, 10**6, 5 * 10**6]) + b"\"}",
            lambda: b"{\"\x1b[2J\xe2\x80\xae\":1,\"payload\":{\"userId\":\"\xc2\x9b31m\"}}",
            lambda: rng.choice([b"", b" ", b"\t", b"\r", b"null", b"1", b"\"s\"", b"[]", b"{}", b"true", b"\x00",
                                b"\xef\xbb\xbf{}", b"{} {}", b"{}{}", b"// c", b"#", b"NaN", b"Infinity"]),
            lambda: bytes(rng.randrange(256) for _ in range(rng.randint(0, 300))).replace(b"\n", b""),
            lambda: json.dumps({"id": "e", "payload": {"userId": ["x"] * rng.choice([1, 10**5])}}).encode(),
        ]
        return gens

    def campaign_jsonl(self, budget):
        schema = os.path.join(self.a.schemas, "auth.user.registered.json")
        self.jsonl_lines = 0

        def one(i):
            rng = random.Random(f"{self.a.seed}-jsonl-{i}")
            gens = self.json_lines(rng)
            n = rng.choice([1, 1, 2, 5, 20, 100])
            lines = [gens[i % len(gens)]()] + [rng.choice(gens)() for _ in range(n - 1)]
            sep = rng.choice([b"\n", b"\n", b"\r\n"])
            p = self.path(f"lines-{threading.get_ident()}.jsonl")
            with open(p, "wb") as f:
                f.write(sep.join(lines) + rng.choice([b"", sep]))
            del lines
            mode = i % 4
            argv = ["produce", "auth.user.registered", "--input", p if mode != 3 else "-", "--dry-run",
                    "--schemas", self.a.schemas]
            if mode == 0:
                argv += ["--no-validate", "--skip-invalid", "--key", "id"]
            elif mode == 1:
                argv += ["--schema", schema, "--skip-invalid", "--key", "payload.userId"]
            elif mode == 2:
                argv += ["--schema", schema]  # all-or-nothing
            else:
                argv += ["--no-validate", "--skip-invalid", "--key-literal", "k"]
            self.run("jsonl", f"#{i} mode {mode}", argv, self.a.deadline, stdin_path=p if mode == 3 else None,
                     keep=[p])
            with self.lock:
                self.jsonl_lines += n

        self.budgeted("jsonl", self.a.inputs, budget, one)

    # ---- jq programs -------------------------------------------------------------------------

    TOKENS = [".", "..", ".a", ".b", ".[0]", ".[]", ".[-1]", ".[1:]", ".a?", "[", "]", "{", "}", "(", ")", "|",
              ",", "+", "-", "*", "/", "%", "==", "!=", "<", ">=", "//", "=", "|=", "?", ":", ";", "and", "or",
              "not", "if", "then", "elif", "else", "end", "reduce", "foreach", "as", "$x", "$__meta", "$__loc__",
              "def f:", "f", "try", "catch", "label $out |", "break $out", "\"s\"", "\"\\(", "\"\\ud800\"", "\"",
              "\\", "@base64", "@base64d", "tojson", "fromjson", "tostring", "tonumber", "length", "keys",
              "select(.)", "map(.)", "to_entries", "test(\"a\")", "test(\"(\")", "split(\",\")", "error",
              "halt", "halt_error", "empty", "null", "true", "false", "0", "1", "1e400", "-1e400",
              "nan", "infinite", "1000000000000000000", "100000000000000000000000", "# c\n", " ", "\n", "é", "\u202e", "\x1b",
              "input", "env", "$ENV", "paths", "add", "min", "sort_by(.)", "group_by(.)", "tostream",
              "ltrimstr(\"a\")", "implode", "explode", "@sh", "@csv", "sub(\"a\";\"b\")", "getpath([\"a\"])",
              "splits(\"\")", "ascii", "$__meta.headers", "$__meta.key", ".payload.role", "\"doctor\""]

    SEEDS = [".payload.role == \"doctor\"", "select(.a > 1) | .b", "$__meta.key == \"u-1\" and (.x // 0) > 3",
             "if .a then .b elif .c then .d else empty end", "reduce .[] as $x (0; . + $x)",
             "def f($n): if $n > 0 then f($n - 1) else . end; f(3)", "try error(\"x\") catch . == \"x\"",
             "\"\\(.a) and \\(.b)\" | test(\"a\")", ".headers[\"x-id\"]? // $__meta.headers.eventType",
             "{a: .b, (.c): 1} | to_entries | map(.key) | join(\",\")", "@base64 | @base64d | fromjson? // false",
             ".. | numbers", "[paths] | length > 3", "tojson | fromjson | tojson | length",
             "$__meta.headers | to_entries | map(.value) | join(\"\")"]

    def programs(self, rng):
        depth = 2048

        def mutate(s):
            s = list(s)
            for _ in range(rng.randint(1, 5)):
                i = rng.randrange(len(s) + 1)
                op = rng.randrange(3)
                if op == 0:
                    del s[i:i + rng.randint(1, 6)]
                elif op == 1:
                    s[i:i] = list(rng.choice(self.TOKENS))
                else:
                    s[i:i] = s[i:i + rng.randint(1, 10)] * rng.randint(2, 200)
            return "".join(s)

        def deep():
            n = rng.choice([depth // 2, depth - 1, depth, depth + 1, 4 * depth, 20000])
            return rng.choice([
                "(" * n + "." + ")" * n, "[" * n + "1" + "]" * n, "1+" * n + "1", ".a" * n,
                "if 1 then " * (n // 4) + "1" + " end" * (n // 4), "\"\\(" * (n // 2) + "." + ")\"" * (n // 2),
                "{a:" * n + "1" + "}" * n, "-" * n + "1", "[" * n, "def f: " * (n // 2) + "." + "; f" * (n // 2),
                ".a | " * (n // 3) + ".", "try " * n + "." + " catch ." * n,
            ])

        # Programs that never end or recurse forever without allocating: interrupted at the
        # deadline, they must exit 130.
        loops = ["def f: f; f", "until(false; .)", "last(range(1e18))", "def f: [f]; f", "def f: f + f; f",
                 "reduce range(1e18) as $i (0; 0)", "label $out | repeat(.) | empty", "def f: {a: f}; f",
                 "first(repeat(1) | select(. == 2))"]
        # Programs that build values without bound or ask for one too large to hold: each record
        # ends at the evaluation's memory bound (--filter-memory) or at the bound on `*`, and the
        # run exits 0 within the peak memory allowed.
        bombs = ["[repeat(1)]", "\"x\" * 1000000000000000000", "1000000000000000000 * \"xy\"",
                 "reduce range(64) as $i (\"x\"; . + .)", "[range(1e12) | [.]]",
                 "3 | " + " | ".join(["(. * .)"] * 30), "{a: \"x\"} | .a *= 100000000000000000000000",
                 "(.payload.role // \"x\") * 1000000000000000000", "[limit(1e12; repeat(\"abc\"))] | length",
                 "[range(1e12) | tostring] | add"]
        gens = [
            lambda: "".join(rng.choice(self.TOKENS) for _ in range(rng.randint(1, 60))),
            lambda: mutate(rng.choice(self.SEEDS)),
            lambda: mutate(rng.choice(self.SEEDS)),
            lambda: rng.choice(self.SEEDS),
            deep,
            lambda: "\"" + "a" * rng.choice([1000, 60000, 70000]) + "\"",
            lambda: rng.choice(["1" * 60000, "1e" + "9" * 1000, "[" + ",".join(["1e308"] * 5000) + "]",
                                "\"\\u" + "0" * 4 + "\"" * 1000, " " * 65536, " " * 65537]),
            lambda: "".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randint(1, 200))),
        ]
        return gens, loops, bombs

    def campaign_jq(self, budget):
        _, loops, bombs = self.programs(random.Random(0))

        def program(i):
            if i < len(loops):
                return loops[i], True
            if i < len(loops) + len(bombs):
                return bombs[i - len(loops)], False
            rng = random.Random(f"{self.a.seed}-jq-{i}")
            gens = self.programs(rng)[0]
            return gens[i % len(gens)]().replace("\x00", ""), False

        def one(i):
            prog, loop = program(i)
            # One argument may be at most 128 KiB (MAX_ARG_STRLEN); evbus refuses programs over
            # 64 KiB anyway, and a program cut at 100 KB is still over that limit.
            while len(prog.encode()) > 100_000:
                prog = prog[: len(prog) * 9 // 10]
            rng = random.Random(i)
            p = self.path(f"filter-{threading.get_ident()}.jq")
            with open(p, "w") as f:
                f.write(prog)
            deadline = 5 if loop else self.a.deadline
            # A bomb fills the bound on each of the topic's ~700 records: a smaller bound, more time.
            bomb = len(loops) <= i < len(loops) + len(bombs)
            memory = "16MiB" if bomb else "256MiB"
            deadline = max(deadline, 90) if bomb else deadline
            if i % 5 == 4:
                argv = ["-b", self.a.broker, "--timeout", "5s", "dlq", "replay", self.a.dlq_topics[0], "--dry-run",
                        "--from-start", "--filter", prog, "--filter-memory", memory, "-o", "json"]
            else:
                argv = ["-b", self.a.broker, "--timeout", "5s", "tail", self.a.records_topic, "--from", "beginning",
                        "--exit", "--filter", prog, "--filter-memory", memory, "-o", rng.choice(["json", "pretty"])]
            self.run("jq", f"#{i}{' (never ends)' if loop else ''}", argv, deadline, allow_interrupt=loop,
                     terminal_stdout="pretty" in argv, keep=[p])

        self.budgeted("jq", self.a.inputs, budget, one)

    # ---- dead letters ------------------------------------------------------------------------

    def campaign_dlq(self, budget):
        start = time.monotonic()
        runs = []
        tty_runs = []
        for t in self.a.dlq_topics:
            b = ["-b", self.a.broker, "--timeout", "10s"]
            runs += [
                (b + ["dlq", "inspect", t, "-o", "json"], False),
                (b + ["dlq", "inspect", t, "-o", "table"], True),
                (b + ["dlq", "inspect", t, "--records", "--limit", "100000", "-o", "table"], True),
                (b + ["dlq", "inspect", t, "--records", "--limit", "100000", "-o", "json"], False),
                (b + ["dlq", "replay", t, "--dry-run", "--from-start", "-o", "json"], False),
                (b + ["dlq", "replay", t, "--dry-run", "--from-start", "--skip-unknown", "-o", "table"], True),
                (b + ["dlq", "replay", t, "--dry-run", "--from-start", "--skip-unknown", "--same-partition",
                      "--error", ".*", "-o", "json"], False),
                (b + ["tail", t, "--from", "beginning", "--exit", "-o", "pretty", "--full"], True),
            ]
            # Piped, a template and JSON are byte-exact by design (README, tail); on a terminal
            # every untrusted byte must be escaped.
            tty_runs += [
                b + ["tail", t, "--from", "beginning", "--exit", "--template", "%k %h %s\\n"],
                b + ["tail", t, "--from", "beginning", "--exit", "-o", "json"],
                b + ["tail", t, "--from", "beginning", "--exit", "-o", "raw"],
                b + ["dlq", "inspect", t, "--records", "--limit", "100000", "-o", "json"],
            ]

        def one(i):
            if i < len(runs):
                argv, term = runs[i]
                self.run("dlq", " ".join(argv[4:6]) + " " + argv[-1], argv, max(self.a.deadline, 60),
                         terminal_stdout=term)
            else:
                argv = tty_runs[i - len(runs)]
                self.run("dlq", " ".join(argv[4:6]) + " " + argv[-1] + " (on a terminal)", argv,
                         max(self.a.deadline, 60), tty_stdout=True)

        self.budgeted("dlq", len(runs) + len(tty_runs), budget, one)

    # ---- leaks -------------------------------------------------------------------------------

    def campaign_leak(self):
        """Peak memory for 1x and 10x the same hostile input, per streaming command."""
        rng = random.Random(self.a.seed + 3)
        gens = self.json_lines(rng)
        small = [g() for g in gens for _ in range(20) if len(g()) < 20000][:2000]
        out = []
        for scale in (1, 10):
            p = self.path(f"leak-{scale}.jsonl")
            with open(p, "wb") as f:
                for _ in range(scale):
                    f.write(b"\n".join(small) + b"\n")
            size = os.path.getsize(p)
            r = self.run("leak", f"jsonl x{scale}", ["produce", "auth.user.registered", "--input", p, "--dry-run",
                                                     "--no-validate", "--skip-invalid", "--key", "id",
                                                     "--schemas", self.a.schemas], 120)
            out.append(("produce --dry-run --skip-invalid", scale, len(small) * scale, size, r.rss_kib))
        if self.a.broker:
            for scale, topic in ((1, self.a.dlq_topics[0]), (len(self.a.dlq_topics), None)):
                # One DLQ topic, then all of them through --pattern (tail) / several topics (inspect).
                argv = ["-b", self.a.broker, "--timeout", "10s", "tail"]
                argv += [topic] if topic else self.a.dlq_topics
                argv += ["--from", "beginning", "--exit", "--filter", "tojson | length > 0", "-o", "json"]
                r = self.run("leak", f"tail --filter x{scale}", argv, 120)
                out.append(("tail --filter over dead letters", scale, self.a.dlq_records * scale, 0, r.rss_kib))
        self.leaks = out
        problems = []
        for k in range(0, len(out), 2):
            a, b = out[k], out[k + 1]
            # Streaming: 10x the input may cost the input's growth (page cache of a mapped file)
            # plus a little, not 10x the memory.
            allowed = a[4] * 1.5 + (b[3] - a[3]) / 1024 + 32 * 1024
            if b[4] > allowed:
                problems.append(f"{a[0]}: {a[4] // 1024} MiB for x{a[1]}, {b[4] // 1024} MiB for x{b[1]}")
        return problems

    # ---- report ------------------------------------------------------------------------------

    def summary(self, leak_problems, extra):
        kinds = {}
        for r in self.results:
            k = kinds.setdefault(r.kind, {"runs": 0, "max_s": 0.0, "max_rss": 0, "crashes": 0, "hangs": 0,
                                          "interrupted": 0, "other": 0, "codes": {}})
            k["runs"] += 1
            k["max_s"] = max(k["max_s"], r.secs)
            k["max_rss"] = max(k["max_rss"], r.rss_kib)
            k["codes"][r.code] = k["codes"].get(r.code, 0) + 1
            if (r.signal is not None and not r.hang and r.signal != r.sent_signal) or any(
                    "panic" in p for p in r.problems):
                k["crashes"] += 1
            if r.hang or any(p.startswith("hang") for p in r.problems):
                k["hangs"] += 1
            if r.interrupted:
                k["interrupted"] += 1
            if any(not (p.startswith("hang") or p.startswith("crash") or "panic" in p) for p in r.problems):
                k["other"] += 1
        lines = ["| kind | inputs | runs | exit codes | max time | max RSS | crashes | hangs | other failures |",
                 "|---|---|---|---|---|---|---|---|---|"]
        for kind, k in kinds.items():
            codes = ", ".join(f"{c}: {n}" for c, n in sorted(k["codes"].items(), key=lambda x: (x[0] is None, x[0])))
            lines.append(f"| {kind} | {extra.get(kind, k['runs'])} | {k['runs']} | {codes} | {k['max_s']:.2f} s | "
                         f"{k['max_rss'] / 1024:.0f} MiB | {k['crashes']} | {k['hangs']} | {k['other']} |")
        table = "\n".join(lines)
        leak = ["| command | scale | inputs | peak RSS |", "|---|---|---|---|"]
        for name, scale, n, _size, rss in getattr(self, "leaks", []):
            leak.append(f"| {name} | x{scale} | {n} | {rss / 1024:.0f} MiB |")
        return table, "\n".join(leak), leak_problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--evbus", required=True)
    ap.add_argument("--dir", required=True)
    ap.add_argument("--manifest", required=True)
    ap.add_argument("--schemas", required=True)
    ap.add_argument("--broker", default="")
    ap.add_argument("--records-topic", default="")
    ap.add_argument("--dlq-topics", default="")
    ap.add_argument("--dlq-records", type=int, default=0, help="records per DLQ topic (for the report)")
    ap.add_argument("--dlq-headers", type=int, default=0, help="headers written in all (for the report)")
    ap.add_argument("--kinds", default="manifest,jsonl,jq,dlq,leak")
    ap.add_argument("--inputs", type=int, default=3000, help="inputs per kind (at most)")
    ap.add_argument("--budget", type=float, default=240, help="seconds for the whole campaign")
    ap.add_argument("--deadline", type=float, default=20, help="seconds one run may take")
    ap.add_argument("--max-rss-mib", type=int, default=512)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kafka-libs", default="", help="Apache Kafka's jars (the retention kind's DeleteRecords)")
    a = ap.parse_args()
    a.dlq_topics = [t for t in a.dlq_topics.split(",") if t]
    kinds = a.kinds.split(",")
    c = Campaign(a)
    # The budget is shared: manifests and JSON lines are cheap, jq runs cost a broker round trip.
    share = {"manifest": 0.2, "jsonl": 0.25, "jq": 0.35, "dlq": 0.2}
    extra = {}
    for kind in ("manifest", "jsonl", "jq", "dlq"):
        if kind not in kinds or (kind in ("jq", "dlq") and not a.broker):
            continue
        getattr(c, f"campaign_{kind}")(a.budget * share[kind] / sum(share[k] for k in kinds if k in share))
    n_jsonl = sum(1 for r in c.results if r.kind == "jsonl")
    if n_jsonl:
        extra["jsonl"] = f"{n_jsonl} files, {c.jsonl_lines} lines"
    if "dlq" in kinds and a.broker:
        extra["dlq"] = f"{a.dlq_records * len(a.dlq_topics)} records, {a.dlq_headers} headers"
    # The second campaign's classes: a few runs each, in the budget's last share.
    hostile = [k for k in HOSTILE if k in kinds]
    for kind in hostile:
        getattr(c, f"campaign_{kind}")(a.budget * 0.3 / len(hostile))
    leak_problems = c.campaign_leak() if "leak" in kinds else []
    table, leak, leak_problems = c.summary(leak_problems, extra)
    print(table)
    print()
    print(leak)
    for p in leak_problems:
        print(f"LEAK? {p}")
    failed = c.failures + len(leak_problems)
    print(f"\n{len(c.results)} runs, {failed} failing (inputs and stderr kept in {a.dir}/failures)")
    with open(os.path.join(a.dir, "summary.md"), "w") as f:
        f.write(table + "\n\n" + leak + "\n")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
