"""Ctrl-C stops a long computation: SIGINT to a process running a long expand raises
KeyboardInterrupt at once, and the engine itself stops (the cancel flag of its budget): no
thread keeps computing afterwards."""

import signal
import subprocess
import sys
import time

# Several minutes in the number layer (README: slow nested constants at a non-zero point).
SCRIPT = r"""
import signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)  # a background job may inherit SIG_IGN
import taylorgate as tg
print("ready", flush=True)
try:
    tg.expand("sin(exp(x))*tanh(exp(x))", at="1/2", order=300)
except KeyboardInterrupt:
    # The process's CPU time over a second: near 0 once the engine has stopped.
    start = time.process_time()
    time.sleep(1.0)
    print("interrupted", round(time.process_time() - start, 3), flush=True)
    # The package still works after an interrupted call.
    print("after", tg.expand("exp(x)", order=2).coefficients[2], flush=True)
    sys.exit(3)
print("finished", flush=True)
"""


def test_ctrl_c_stops_a_long_expand():
    p = subprocess.Popen(
        [sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert p.stdout.readline().strip() == "ready"
        time.sleep(1.5)
        assert p.poll() is None, "the computation was not long enough to interrupt"
        sent = time.monotonic()
        p.send_signal(signal.SIGINT)
        out, err = p.communicate(timeout=10)
        assert time.monotonic() - sent < 5
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
    assert p.returncode == 3, (out, err)
    words = dict(line.split(" ", 1) for line in out.splitlines() if " " in line)
    assert float(words["interrupted"]) < 0.3, f"the engine kept computing: {out}"
    assert words["after"] == "1/2"


def test_a_timeout_is_a_budget_error():
    import taylorgate as tg

    tg.configure(timeout=0.5)
    try:
        try:
            tg.expand("sin(exp(x))*tanh(exp(x))", at="1/2", order=300)
        except tg.BudgetError as e:
            assert e.kind == "interrupted" and "timeout" in str(e)
        else:
            raise AssertionError("no BudgetError")
    finally:
        tg.configure()
