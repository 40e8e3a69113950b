#!/usr/bin/env python3
"""lamina vs PyTorch on the reference workloads, interleaved round by round.

    python3 bench/run.py --lamina-bin build-bench/bench/lamina_train_bench \
        [--python venv/bin/python] [--precision fp32|bf16|fp16] [--quick] [--out FILE.md]

Builds nothing. Starts long-lived benchmark processes that step on command (the --serve mode of
lamina_train_bench and bench/pytorch_workloads.py):
  lamina     OMP_NUM_THREADS=1 and OMP_NUM_THREADS=2
  PyTorch    one process per thread setting (--torch-configs; default set_num_threads(1),
             set_num_threads(2), and set_num_threads(2) with OMP_WAIT_POLICY=PASSIVE)
and then, for every workload and mode, runs R rounds in which each process times one round of
about --round-ms (the order rotates each round), so that machine noise hits all of them alike.

The table: lamina samples/s (median, min, max over rounds), PyTorch's likewise, and the ratio of
the medians. At 1 thread PyTorch is set_num_threads(1). At 2 threads PyTorch's figure is its best
two-core setting (highest median among all configs, 1-thread included, since on this machine a
plain set_num_threads(2) can be slower than 1 thread); the winning setting is named.

--precision bf16|fp16 runs both sides under autocast (mixed precision; fp16 with loss scaling)
and adds lamina in fp32 at each thread count to the same rounds: the table then also gives
lamina's mixed/fp32 speed ratio.

Shared machines are noisy: before each round the driver waits (bounded by --idle-wait) until the
CPUs are free of other processes, and it records the CPU time other processes took during each
round ("other load", in cores); a round with more than --max-other-load is re-run (up to
--retries times, within --retry-budget seconds) and the table counts the noisy rounds it kept.
Raw JSON lines of every round go next to the markdown file (.jsonl).

Python 3 standard library only; the PyTorch side runs under --python (default:
$LAMINA_TORCH_PYTHON, else python3).
"""
import argparse
import datetime
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent

# name -> (torch.set_num_threads argument or "keep", extra environment)
TORCH_CONFIGS = {
    "t1": ("1", {}),
    "t2": ("2", {}),
    "t2-passive": ("2", {"OMP_WAIT_POLICY": "PASSIVE"}),
    "t2-env": ("keep", {"OMP_NUM_THREADS": "2", "MKL_NUM_THREADS": "2"}),
    "t2-mkl1": ("keep", {"OMP_NUM_THREADS": "2", "MKL_NUM_THREADS": "1"}),
}


def describe_config(name):
    arg, env = TORCH_CONFIGS[name]
    s = f"set_num_threads({arg})" if arg != "keep" else "no set_num_threads"
    if env:
        s += " + " + " ".join(f"{k}={v}" for k, v in env.items())
    return s


# ---- /proc based load accounting ----------------------------------------------------------

HZ = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def cpu_busy_jiffies():
    """Busy jiffies of all CPUs (user nice system irq softirq steal), or None."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return v[0] + v[1] + v[2] + v[5] + v[6] + (v[7] if len(v) > 7 else 0)
    except OSError:
        return None


def proc_jiffies(pid):
    """utime + stime of a process and its threads, or 0."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            rest = f.read().rsplit(")", 1)[1].split()
        return int(rest[11]) + int(rest[12])
    except (OSError, IndexError, ValueError):
        return 0


def foreign_load(seconds):
    """CPU cores used by everything (this driver is asleep) over `seconds`."""
    b0 = cpu_busy_jiffies()
    time.sleep(seconds)
    b1 = cpu_busy_jiffies()
    return None if b0 is None else (b1 - b0) / HZ / seconds


class IdleWaiter:
    def __init__(self, threshold, per_round_max, total_max):
        self.threshold, self.per_round_max, self.left = threshold, per_round_max, total_max
        self.waited = 0.0

    def wait(self):
        t0 = time.monotonic()
        while self.left > 0 and time.monotonic() - t0 < self.per_round_max:
            load = foreign_load(0.1)
            if load is None or load < self.threshold:
                break
        w = time.monotonic() - t0
        self.left -= w
        self.waited += w


# ---- worker processes ---------------------------------------------------------------------

class Worker:
    def __init__(self, key, impl, label, argv, env):
        self.key, self.impl, self.label = key, impl, label
        full_env = dict(os.environ)
        for k in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OMP_WAIT_POLICY"):
            full_env.pop(k, None)
        full_env.update(env)
        self.p = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=full_env,
                                  text=True, bufsize=1)
        self.hello = self.read()

    def read(self):
        line = self.p.stdout.readline()
        if not line:
            raise RuntimeError(f"{self.label}: process ended (exit code {self.p.wait()})")
        d = json.loads(line)
        if d.get("event") == "error":
            raise RuntimeError(f"{self.label}: {d.get('message')}")
        return d

    def ask(self, cmd):
        self.p.stdin.write(cmd + "\n")
        self.p.stdin.flush()
        return self.read()

    def close(self):
        try:
            self.p.stdin.write("quit\n")
            self.p.stdin.close()
            self.p.wait(timeout=10)
        except Exception:
            self.p.kill()


# ---- machine info -------------------------------------------------------------------------

def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def lamina_commit():
    try:
        rev = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"],
                             capture_output=True, text=True, timeout=10).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True, timeout=10).stdout.strip()
        return rev + ("+dirty" if dirty else "") if rev else "unknown"
    except Exception:
        return "unknown"


def default_out(lamina_bin):
    """<build dir>/docs/benchmarks/latest.md, the build dir being the binary's nearest ancestor
    holding CMakeCache.txt."""
    p = Path(lamina_bin).resolve().parent
    for d in [p, *p.parents]:
        if (d / "CMakeCache.txt").exists():
            return d / "docs" / "benchmarks" / "latest.md"
    return p / "docs" / "benchmarks" / "latest.md"


# ---- main ---------------------------------------------------------------------------------

def fmt(x):
    return f"{x:,.0f}"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    default_bin = REPO / "build-bench" / "bench" / "lamina_train_bench"
    ap.add_argument("--lamina-bin", default=str(default_bin) if default_bin.exists() else None,
                    required=not default_bin.exists(), help="path to lamina_train_bench")
    ap.add_argument("--python", default=os.environ.get("LAMINA_TORCH_PYTHON", "python3"),
                    help="python with torch (default: $LAMINA_TORCH_PYTHON or python3)")
    ap.add_argument("--workloads", default=None, help="comma list (default: all that both sides have)")
    ap.add_argument("--modes", default="train,infer", help="train,infer (default both)")
    ap.add_argument("--threads", default="1,2", help="lamina thread counts (default 1,2)")
    ap.add_argument("--torch-configs", default="t1,t2,t2-passive",
                    help="PyTorch thread settings to try, from: " + ", ".join(
                        f"{k} = {describe_config(k)}" for k in TORCH_CONFIGS))
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--round-ms", type=float, default=400)
    ap.add_argument("--warmup-ms", type=float, default=300)
    ap.add_argument("--idle-wait", type=float, default=2.0,
                    help="max seconds to wait for idle CPUs before a round (0: off)")
    ap.add_argument("--idle-wait-total", type=float, default=30.0, help="cap on all idle waits (s)")
    ap.add_argument("--idle-threshold", type=float, default=0.15, help="'idle' = other load below this many cores")
    ap.add_argument("--max-other-load", type=float, default=0.25,
                    help="a round during which other processes used more cores than this is noisy and re-run")
    ap.add_argument("--retries", type=int, default=2, help="re-runs of a noisy round (the last one is kept)")
    ap.add_argument("--retry-budget", type=float, default=30.0, help="cap on time spent re-running rounds (s)")
    ap.add_argument("--max-round-factor", type=float, default=3.0,
                    help="a round stops early after this many times --round-ms (contended machine)")
    ap.add_argument("--lamina-env", action="append", default=[], metavar="KEY=VALUE",
                    help="extra environment for the lamina processes, e.g. OMP_WAIT_POLICY=PASSIVE (repeatable)")
    ap.add_argument("--precision", choices=["fp32", "bf16", "fp16"], default="fp32",
                    help="autocast precision of both sides (fp32: none); mixed adds lamina fp32 for its ratio")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--quick", action="store_true", help="~30 s smoke run (3 short rounds, train only)")
    ap.add_argument("--out", default=None, help="markdown output (default <build>/docs/benchmarks/latest.md)")
    a = ap.parse_args()
    if a.quick:
        a.rounds, a.round_ms, a.warmup_ms, a.modes = 3, 150, 100, "train"
        a.idle_wait, a.idle_wait_total = min(a.idle_wait, 0.5), min(a.idle_wait_total, 5.0)
        a.retry_budget = min(a.retry_budget, 3.0)
    lamina_bin = str(Path(a.lamina_bin).resolve())
    out_md = Path(a.out) if a.out else default_out(lamina_bin)
    modes = a.modes.split(",")
    threads = [int(t) for t in a.threads.split(",")]
    tconfigs = a.torch_configs.split(",")
    for c in tconfigs:
        if c not in TORCH_CONFIGS:
            sys.exit(f"unknown torch config {c}; known: {', '.join(TORCH_CONFIGS)}")
    if 1 in threads and "t1" not in tconfigs:
        tconfigs.insert(0, "t1")
    lamina_env = dict(kv.split("=", 1) for kv in a.lamina_env)
    started = datetime.datetime.now().astimezone()
    t_start = time.monotonic()
    log = []

    def record(d):
        log.append(d)

    workers = []
    try:
        mixed = a.precision != "fp32"
        for t in threads:
            workers.append(Worker(f"lamina{t}", "lamina", f"lamina OMP_NUM_THREADS={t} {a.precision}",
                                  [lamina_bin, "--serve", "--seed", str(a.seed), "--precision", a.precision],
                                  {**lamina_env, "OMP_NUM_THREADS": str(t)}))
            if mixed:
                workers.append(Worker(f"lamina{t}-fp32", "lamina", f"lamina OMP_NUM_THREADS={t} fp32",
                                      [lamina_bin, "--serve", "--seed", str(a.seed)],
                                      {**lamina_env, "OMP_NUM_THREADS": str(t)}))
        for c in tconfigs:
            arg, env = TORCH_CONFIGS[c]
            workers.append(Worker(f"torch-{c}", "pytorch", f"PyTorch {describe_config(c)} {a.precision}",
                                  [a.python, str(HERE / "pytorch_workloads.py"), "--serve", "--threads", arg,
                                   "--seed", str(a.seed), "--precision", a.precision], env))
        for w in workers:
            record(w.hello)
        lam_ids = workers[0].hello["workloads"]
        torch_ids = next(w for w in workers if w.impl == "pytorch").hello["workloads"]
        ids = a.workloads.split(",") if a.workloads else [i for i in lam_ids if i in torch_ids]
        torch_version = next(w for w in workers if w.impl == "pytorch").hello["version"]
        print(f"# lamina {workers[0].hello['version']} vs PyTorch {torch_version}; workloads {','.join(ids)}; "
              f"modes {','.join(modes)}; {a.rounds} rounds of ~{a.round_ms:.0f} ms", file=sys.stderr)

        waiter = IdleWaiter(a.idle_threshold, a.idle_wait, a.idle_wait_total)
        retry_left, retried = [a.retry_budget], [0]
        # results[(wid, mode, worker key)] = list of (samples/s, other load)
        results, meta = {}, {}
        for wid in ids:
            for mode in modes:
                steps = {}
                for w in workers:
                    d = w.ask(f"prepare {wid} {mode} {a.warmup_ms:g} {a.round_ms:g}")
                    record(d)
                    steps[w.key] = d["steps"]
                    meta[(wid, mode)] = (d["name"], d["batch"])
                for k in range(a.rounds):
                    order = workers[k % len(workers):] + workers[:k % len(workers)]
                    for w in order:
                        for attempt in range(a.retries + 1):
                            if a.idle_wait > 0:
                                waiter.wait()
                            b0, p0, t0 = cpu_busy_jiffies(), proc_jiffies(w.p.pid), time.monotonic()
                            d = w.ask(f"round {wid} {mode} {steps[w.key]} {k} {a.max_round_factor * a.round_ms:g}")
                            b1, p1, t1 = cpu_busy_jiffies(), proc_jiffies(w.p.pid), time.monotonic()
                            other = None if b0 is None else max(0.0, ((b1 - b0) - (p1 - p0)) / HZ / (t1 - t0))
                            d.update(other_load=other, worker=w.key, attempt=attempt)
                            record(d)
                            noisy = other is not None and other > a.max_other_load
                            if not noisy or attempt == a.retries or retry_left[0] <= 0:
                                break
                            retry_left[0] -= t1 - t0
                            retried[0] += 1
                        results.setdefault((wid, mode, w.key), []).append((d["samples_per_s"], other))
                    print(f"  {wid} {mode} round {k + 1}/{a.rounds} " + " ".join(
                        f"{w.key}={results[(wid, mode, w.key)][-1][0]:,.0f}" for w in workers), file=sys.stderr)
    finally:
        for w in workers:
            w.close()

    def stats(key):
        v = [s for s, _ in results[key]]
        return statistics.median(v), min(v), max(v)

    def other_max(keys):
        o = [x for key in keys for _, x in results[key] if x is not None]
        return max(o) if o else float("nan")

    def noisy_rounds(keys):
        return sum(1 for key in keys for _, x in results[key] if x is not None and x > a.max_other_load)

    rows = []
    for wid in ids:
        for mode in modes:
            name, batch = meta[(wid, mode)]
            for t in threads:
                lk = (wid, mode, f"lamina{t}")
                if t == 1:
                    cands = ["t1"]
                else:
                    cands = tconfigs  # PyTorch's best two-core setting, 1 thread included
                best = max(cands, key=lambda c: stats((wid, mode, f"torch-{c}"))[0])
                tk = (wid, mode, f"torch-{best}")
                lm, tm = stats(lk), stats(tk)
                fp32 = stats((wid, mode, f"lamina{t}-fp32")) if mixed else None
                rows.append(dict(wid=wid, name=name, mode=mode, batch=batch, threads=t, lamina=lm, torch=tm,
                                 ratio=lm[0] / tm[0], best=describe_config(best), fp32=fp32,
                                 all={describe_config(c): stats((wid, mode, f"torch-{c}"))[0] for c in cands},
                                 other=other_max([lk, tk]), noisy=noisy_rounds([lk, tk]),
                                 kept=len(results[lk]) + len(results[tk])))

    all_other = [x for v in results.values() for _, x in v if x is not None]
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

    def shown(arg):
        """A path as a reader of the report can use it: relative to the repository, else its name."""
        if not os.path.isabs(arg) or not os.path.exists(arg):
            return arg
        rel = os.path.relpath(arg, repo)
        return os.path.basename(arg) if rel.startswith("..") else rel

    lines = []
    lines.append("# lamina vs PyTorch: training-step throughput" + (f", {a.precision} autocast" if mixed else ""))
    lines.append("")
    lines.append(f"- date: {started.isoformat(timespec='seconds')}")
    lines.append(f"- machine: {cpu_model()}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}")
    lines.append(f"- lamina: {workers[0].hello['version']} (git {lamina_commit()}), binary `{shown(str(lamina_bin))}`"
                 + (", env " + " ".join(a.lamina_env) if a.lamina_env else ""))
    lines.append(f"- PyTorch: {torch_version} (python `{shown(a.python)}`)")
    lines.append(f"- command: `{' '.join(shlex.quote(shown(x)) for x in sys.argv)}`")
    lines.append(f"- method: {a.rounds} interleaved rounds of ~{a.round_ms:g} ms per implementation and setting "
                 f"(order rotating), after ~{a.warmup_ms:g} ms warm-up; one fixed random batch (seed {a.seed}); "
                 "train = forward + loss + backward + optimizer step, infer = forward only (eval, no grad)"
                 + (f"; both sides under {a.precision} autocast (lamina: Model::autocast, PyTorch: torch.autocast"
                    + (", fp16 with a GradScaler on both" if a.precision == "fp16" else "")
                    + "), lamina fp32 timed in the same rounds" if mixed else ""))
    if all_other:
        lines.append(f"- other load during rounds (CPU cores used by other processes): median "
                     f"{statistics.median(all_other):.2f}, max {max(all_other):.2f}; idle waits took "
                     f"{waiter.waited:.1f} s; {retried[0]} noisy rounds (other load > {a.max_other_load:g}) re-run; "
                     f"total run {time.monotonic() - t_start:.0f} s")
    lines.append("")
    extra_head = " lamina fp32 samples/s median | lamina mixed/fp32 |" if mixed else ""
    lines.append("| workload | mode | batch | threads | lamina samples/s median (min-max) | "
                 "PyTorch samples/s median (min-max) | lamina/PyTorch (median) | PyTorch setting |" + extra_head +
                 " other load max (noisy rounds kept) |")
    lines.append("|---|---|---|---|---|---|---|---|---|" + ("---|---|" if mixed else ""))
    for r in rows:
        lm, tm = r["lamina"], r["torch"]
        extra = f" {fmt(r['fp32'][0])} | {lm[0] / r['fp32'][0]:.2f}x |" if mixed else ""
        lines.append(f"| {r['wid']} {r['name']} | {r['mode']} | {r['batch']} | {r['threads']} | "
                     f"{fmt(lm[0])} ({fmt(lm[1])}-{fmt(lm[2])}) | {fmt(tm[0])} ({fmt(tm[1])}-{fmt(tm[2])}) | "
                     f"**{r['ratio']:.2f}x** | {r['best']} |{extra} {r['other']:.2f} ({r['noisy']}/{r['kept']}) |")
    lines.append("")
    lines.append("PyTorch medians of every two-core setting tried:")
    lines.append("")
    for r in rows:
        if r["threads"] != 1:
            lines.append(f"- {r['wid']} {r['mode']}: " + "; ".join(f"{k}: {fmt(v)}" for k, v in r["all"].items()))
    text = "\n".join(lines) + "\n"
    print(text)
    out_md.parent.mkdir(parents=True, exist_ok=True)
    out_md.write_text(text)
    jsonl = out_md.with_suffix(".jsonl")
    jsonl.write_text("".join(json.dumps(d, separators=(",", ":")) + "\n" for d in log))
    print(f"wrote {out_md} and {jsonl}", file=sys.stderr)


if __name__ == "__main__":
    main()
