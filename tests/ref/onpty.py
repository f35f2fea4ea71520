#!/usr/bin/python3
"""onpty.py OUT CMD... — run CMD with its stderr on a pseudo-terminal (80 columns),
stdin from /dev/null and stdout into the file OUT; copy what the terminal received
to our stdout (the terminal turns each newline into CR LF).  Exits with CMD's
status.  For the progress tests: a tool sees a terminal on stderr only."""
import fcntl, os, pty, struct, subprocess, sys, termios

out = open(sys.argv[1], "wb")
m, s = pty.openpty()
fcntl.ioctl(s, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
p = subprocess.Popen(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=out, stderr=s)
os.close(s)
got = b""
while True:
    try:
        b = os.read(m, 65536)
    except OSError:  # EIO: the last writer closed the terminal
        break
    if not b:
        break
    got += b
sys.stdout.buffer.write(got)
sys.exit(p.wait())
