"""The second hostile campaign's classes (issue 26) as kinds of scripts/fuzz.py: what a hostile
user or cluster does to a run rather than to its input bytes.

Kinds (each run goes through Campaign.run: a deadline, a documented exit code, no panic, no
signal death, memory under the bound):
  signals     SIGINT, SIGTERM and SIGPIPE at random moments of produce, tail, lag --watch and
              dlq replay --dry-run; stdout on /dev/full and on a closed pipe
  concurrent  two `dlq replay` runs with one group at once: every dead letter lands once
  churn       partitions and topics added under a following `tail --pattern`: nothing lost
  retention   DeleteRecords under `tail --exit`: a reported gap (exit 1), or exit 0 with
              --allow-gaps
  oversized   records over the client's 1 MB limit: a refusal with the fix named, stored with it
  config      hostile config, manifest and input files: /dev/zero, /dev/urandom, FIFOs nothing
              writes to, symlink loops, directories, huge files
  scale       scale cliffs: bootstrap lists of thousands of entries, --timeout at and past its
              edges

The broker kinds need --broker; `retention` needs --kafka-libs (Kafka's DeleteRecords tool).
"""

import json
import os
import random
import signal
import subprocess
import time

# 6: applied but the output could not be written; 130/143 after the campaign's own signals.
HOSTILE_CODES = {0, 1, 2, 3, 4, 5, 6, 130, 143}


class HostileKinds:
    """Mixed into scripts/fuzz.py's Campaign (uses self.run, self.a, self.dir, self.env)."""

    def _b(self):
        return ["-b", self.a.broker, "--timeout", "10s"]

    def _evbus(self, argv, stdin=None, timeout=120):
        """A helper run (setup, checks), not a fuzz input: its output, or None when it failed."""
        p = subprocess.run([self.evbus] + argv, input=stdin, capture_output=True, cwd=self.work, env=self.env,
                           timeout=timeout)
        return p.stdout if p.returncode == 0 else None

    def _topic(self, base, partitions=1, config=None):
        name = f"fuzz.{base}.{random.Random().randrange(1 << 30):x}"
        cfg = "".join(f"\n      {k}: \"{v}\"" for k, v in (config or {}).items())
        manifest = os.path.join(self.dir, "inputs", name + ".yaml")
        with open(manifest, "w") as f:
            f.write(f"version: 1\ntopics:\n  - name: {name}\n    naming: false\n    partitions: {partitions}\n"
                    + (f"    config:{cfg}\n" if cfg else ""))
        if self._evbus(self._b() + ["topics", "apply", "-f", manifest, "--yes", "-o", "json"]) is None:
            raise RuntimeError(f"cannot create topic {name}")
        return name

    def _produce(self, topic, lines, settings=()):
        data = "".join(json.dumps(v) + "\n" for v in lines).encode()
        xs = [a for kv in settings for a in ("-X", kv)]
        return self._evbus(self._b() + xs + ["produce", topic, "--input", "-", "--no-validate", "-o", "json"],
                           stdin=data)

    def _count(self, topic):
        out = self._evbus(self._b() + ["tail", topic, "--from", "beginning", "--exit", "-o", "json"])
        return None if out is None else len(out.splitlines())

    def _fail(self, kind, label, problem):
        with self.lock:
            self.failures += 1
        print(f"fuzz: FAIL {kind} {label}: {problem}", flush=True)

    # ---- signals and closed or full output ---------------------------------------------------

    def campaign_signals(self, budget):
        rng = random.Random(self.a.seed + 26)
        runs = []
        if self.a.broker:
            t = self._topic("signals", 3)
            self._produce(t, [{"i": i} for i in range(2000)])
            b = self._b()
            runs += [
                b + ["produce", t, "-n", "20000", "--no-validate", "--rate", "2000/s", "-o", "json"],
                b + ["tail", t, "--from", "beginning", "-o", "json"],
                b + ["tail", t, "--from", "beginning", "--exit", "--filter", ".i > 10", "-o", "json"],
                b + ["lag", "--watch", "--interval", "200ms", "-o", "json"],
            ]
            if self.a.dlq_topics:
                runs.append(b + ["dlq", "replay", self.a.dlq_topics[0], "--dry-run", "--from-start", "-o", "json"])
        runs += [["topics", "validate", "-f", self.a.manifest, "-o", "json"], ["--help"], ["--version"]]

        def one(i):
            argv = runs[i % len(runs)]
            how = rng.choice(["SIGINT", "SIGTERM", "SIGPIPE", "full", "closed"])
            label = f"{' '.join(argv[4:6] if argv[:1] == ['-b'] else argv[:2])} {how}"
            # A follow that a signal does not stop (SIGPIPE is ignored) ends at this deadline.
            deadline = min(self.a.deadline, 5)
            if how in ("full", "closed"):
                self.run("signals", label, argv, deadline, allow_interrupt=True, codes=HOSTILE_CODES,
                         stdout_to=how)
            else:
                self.run("signals", label, argv, deadline, allow_interrupt=True, codes=HOSTILE_CODES,
                         signal_after=(getattr(signal, how), rng.uniform(0.05, 2.0)))

        self.budgeted("signals", min(self.a.inputs, 4 * len(runs)), budget, one)

    # ---- concurrent runs ---------------------------------------------------------------------

    def campaign_concurrent(self, budget):
        if not self.a.broker:
            return
        start = time.monotonic()
        trials = 0
        while trials < max(1, min(self.a.inputs, 5)) and time.monotonic() - start < budget:
            trials += 1
            dlq, sink = self._topic("concurrent.dlq", 2), self._topic("concurrent.sink", 1)
            n = 500
            self._produce(dlq, [{"originalTopic": sink, "error": "E", "originalMessage": {"i": i}} for i in range(n)])
            group = f"fuzz-concurrent-{trials}"
            argv = self._b() + ["dlq", "replay", dlq, "-g", group, "--allow-undeclared", "--yes", "-o", "json"]
            codes = []
            threads = [__import__("threading").Thread(
                target=lambda: codes.append(self.run("concurrent", f"replay x2 #{trials}", argv, self.a.deadline,
                                                     codes=HOSTILE_CODES).code)) for _ in range(2)]
            for th in threads:
                th.start()
            for th in threads:
                th.join()
            # A run the other refused leaves the rest to a third; then every record is there once.
            self.run("concurrent", f"replay after #{trials}", argv, self.a.deadline)
            stored = self._count(sink)
            if stored != n:
                self._fail("concurrent", f"#{trials}", f"{stored} records stored for {n} dead letters (exits {codes})")
        print(f"fuzz: concurrent: {trials} trials in {time.monotonic() - start:.0f} s", flush=True)

    # ---- topics and partitions changing under a command ----------------------------------------

    def campaign_churn(self, budget):
        if not self.a.broker:
            return
        base = f"fuzz.churn{random.Random().randrange(1 << 30):x}"
        t = f"{base}.a"
        manifest = os.path.join(self.dir, "inputs", base + ".yaml")

        def apply(topics):
            with open(manifest, "w") as f:
                f.write("version: 1\ntopics:\n" + "".join(
                    f"  - name: {name}\n    naming: false\n    partitions: {p}\n" for name, p in topics))
            self._evbus(self._b() + ["topics", "apply", "-f", manifest, "--yes", "-o", "json"])

        apply([(t, 1)])
        out = os.path.join(self.dir, "churn.out")
        with open(out, "wb") as f:
            p = subprocess.Popen([self.evbus] + self._b() + ["tail", "--pattern", base.replace(".", "\\.") + r"\..*",
                                                              "--from", "beginning", "-o", "json"],
                                 stdout=f, stderr=subprocess.DEVNULL, cwd=self.work, env=self.env)
        time.sleep(2)
        apply([(t, 4), (f"{base}.b", 2)])
        time.sleep(1)
        sent = 0
        for name in (t, f"{base}.b"):
            if self._produce(name, [{"i": i} for i in range(60)]) is not None:
                sent += 60
        deadline = time.monotonic() + min(budget, 60)
        got = 0
        while time.monotonic() < deadline:
            with open(out, "rb") as f:
                got = len(f.read().splitlines())
            if got >= sent:
                break
            time.sleep(0.5)
        p.send_signal(signal.SIGINT)
        try:
            code = p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()
            code = "hang"
        if got != sent or code not in (0, 130):
            self._fail("churn", "tail --pattern", f"{got} of {sent} records printed, exit {code}")
        print(f"fuzz: churn: {got} of {sent} records followed across new partitions and topics", flush=True)

    # ---- retention overtaking a reader ---------------------------------------------------------

    def campaign_retention(self, budget):
        if not (self.a.broker and self.a.kafka_libs):
            return
        t = self._topic("retention", 1)
        pad = "x" * 2000
        # One record per batch: a fetch of the reader's 1 KiB gets one record, not the topic.
        self._produce(t, [{"i": i, "pad": pad} for i in range(400)], ["batch.num.messages=1", "linger.ms=0"])
        argv = self._b() + ["-X", "queued.max.messages.kbytes=1", "-X", "queued.min.messages=1", "-X",
                            "max.partition.fetch.bytes=1024", "tail", t, "--from", "beginning", "--exit", "-o",
                            "json"]
        offsets = os.path.join(self.dir, "inputs", t + ".offsets.json")
        with open(offsets, "w") as f:
            json.dump({"version": 1, "partitions": [{"topic": t, "partition": 0, "offset": 300}]}, f)

        deleted = __import__("threading").Event()

        def delete():
            time.sleep(0.5)
            subprocess.run(["java", "-Xmx256m", "-cp", os.path.join(self.a.kafka_libs, "*"),
                            "org.apache.kafka.tools.DeleteRecordsCommand", "--bootstrap-server", self.a.broker,
                            "--offset-json-file", offsets], capture_output=True, timeout=60)
            deleted.set()

        th = __import__("threading").Thread(target=delete)
        th.start()
        # Nobody reads stdout until the records are gone: the reader stays behind meanwhile.
        r = self.run("retention", "tail --exit under DeleteRecords", argv, max(self.a.deadline, 60),
                     stdout_to=deleted)
        th.join()
        err = r.err.decode("utf-8", "replace")
        if r.code == 0 and "gap in" not in err:
            self._fail("retention", "tail --exit", "exit 0 with no gap reported")
        elif r.code == 1 and "gap in" not in err:
            self._fail("retention", "tail --exit", "exit 1 without a gap report: " + err[-300:])

    # ---- oversized records ---------------------------------------------------------------------

    def campaign_oversized(self, budget):
        if not self.a.broker:
            return
        t = self._topic("oversized", 1, {"max.message.bytes": "5000000"})
        big = os.path.join(self.dir, "inputs", "oversized.jsonl")
        with open(big, "w") as f:
            f.write(json.dumps({"blob": "x" * 2_000_000}) + "\n")
        r = self.run("oversized", "produce 2 MB record", self._b() + ["produce", t, "--input", big, "--no-validate",
                                                                      "-o", "json"], self.a.deadline,
                     codes=HOSTILE_CODES)
        err = r.err.decode("utf-8", "replace")
        if r.code == 0 or "message.max.bytes" not in err:
            self._fail("oversized", "produce 2 MB", f"exit {r.code} and no hint naming message.max.bytes")
        r = self.run("oversized", "produce 2 MB record, raised", self._b() + [
            "-X", "message.max.bytes=5000000", "produce", t, "--input", big, "--no-validate", "-o", "json"],
            self.a.deadline)
        if r.code != 0:
            self._fail("oversized", "produce 2 MB with -X message.max.bytes", f"exit {r.code}")

    # ---- hostile config files and values -------------------------------------------------------

    def campaign_config(self, budget):
        d = os.path.join(self.dir, "inputs", "config")
        os.makedirs(d, exist_ok=True)
        fifo = os.path.join(d, "fifo")
        if not os.path.exists(fifo):
            os.mkfifo(fifo)
        loop = os.path.join(d, "loop")
        if not os.path.lexists(loop):
            os.symlink(loop, loop)
        huge = os.path.join(d, "huge.yaml")
        with open(huge, "wb") as f:
            f.truncate(64 << 20)  # sparse: 64 MiB of NULs, over the 16 MiB file limit
        paths = ["/dev/zero", "/dev/urandom", fifo, loop, d, huge, "/proc/self/mem", "/nonexistent/x"]
        cases = []
        for p in paths:
            cases.append((f"EVBUS_CONFIG={os.path.basename(p)}", ["config", "list"], {"EVBUS_CONFIG": p}))
            cases.append((f"-f {os.path.basename(p)}", ["topics", "validate", "-f", p], {}))
            cases.append((f"--input {os.path.basename(p)}", ["produce", "t", "--input", p, "--no-validate",
                                                            "--dry-run"], {}))
            cases.append((f"--schema {os.path.basename(p)}", ["produce", "t", "--schema", p, "-n", "1", "--dry-run"],
                          {}))
        # A few inputs (--inputs) still sample every path and command.
        random.Random(self.a.seed).shuffle(cases)

        def one(i):
            label, argv, env = cases[i % len(cases)]
            # A FIFO nothing writes to is refused after 10 s: the deadline leaves room for it.
            self.run("config", label, argv, max(self.a.deadline, 20), env=env)

        self.budgeted("config", min(len(cases), self.a.inputs), budget, one)

    # ---- scale cliffs --------------------------------------------------------------------------

    def campaign_scale(self, budget):
        broker = self.a.broker or "127.0.0.1:1"
        cases = []
        # 7,000 entries is about as many as one argument holds (128 KiB).
        for n in (101, 4000, 7000):
            hosts = ",".join(f"10.{k >> 16 & 255}.{k >> 8 & 255}.{k & 255}:9092" for k in range(n - 1))
            cases.append((f"bootstrap list of {n}", ["-b", hosts + "," + broker, "--timeout", "3s", "topics", "list"]))
        timeouts = ["0", "0s", "1ms", "1s", "2h", "18446744073709551615s", "-1s", "1e3s"]
        if self.a.broker:
            # Accepted and long: a live broker answers at once (an unreachable one would take them).
            timeouts += ["299s", "5m", "5m1s", "1h"]
        for t in timeouts:
            cases.append((f"--timeout {t}", ["-b", broker, "--timeout", t, "topics", "list", "-o", "json"]))

        random.Random(self.a.seed).shuffle(cases)

        def one(i):
            label, argv = cases[i % len(cases)]
            # Every run ends by itself: a usage error, the --timeout, or the live broker's answer.
            self.run("scale", label, argv, max(self.a.deadline, 30))

        self.budgeted("scale", min(len(cases), self.a.inputs), budget, one)
