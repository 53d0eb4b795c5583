"""Ctrl-C stops a long computation: SIGINT to a process running a long expand raises
KeyboardInterrupt at once."""

import signal
import subprocess
import sys
import time

# Several minutes in the number layer (README: slow nested constants at a non-zero point).
SCRIPT = r"""
import signal, sys
signal.signal(signal.SIGINT, signal.default_int_handler)  # a background job may inherit SIG_IGN
import taylorgate as tg
print("ready", flush=True)
try:
    tg.expand("sin(exp(x))*tanh(exp(x))", at="1/2", order=300)
except KeyboardInterrupt:
    print("interrupted", flush=True)
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
    assert "interrupted" in out
