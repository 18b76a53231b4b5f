#!/usr/bin/python3
# tests/clients/hint.py PORT TEXT: types TEXT into an interactive redis-cli (on a pseudo
# terminal) and prints the hint redis-cli shows after it, i.e. what redis-cli built from the
# server's COMMAND DOCS. Answers the terminal's cursor-position query so linenoise runs.
import os, pty, re, select, sys, time

port, typed = sys.argv[1], sys.argv[2]
pid, fd = pty.fork()
if pid == 0:
    os.environ["TERM"] = "xterm"
    os.execvp("redis-cli", ["redis-cli", "-p", port])

out = b""

def pump(seconds):
    global out
    end = time.time() + seconds
    while time.time() < end:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if not ready:
            continue
        try:
            data = os.read(fd, 4096)
        except OSError:
            return
        out += data
        if b"\x1b[6n" in data:
            os.write(fd, b"\x1b[1;200R")

pump(1.0)
out = b""
for ch in typed:
    os.write(fd, ch.encode())
    pump(0.1)
pump(0.5)
os.kill(pid, 9)
os.waitpid(pid, 0)
text = re.sub(rb"\x1b\[[0-9;]*[A-Za-z]", b"", out).decode("latin1")
lines = [l for l in re.split(r"[\r\n]+", text) if "> " in l]
print(lines[-1].split("> ", 1)[1].strip() if lines else "")
