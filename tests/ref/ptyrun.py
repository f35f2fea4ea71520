"""ptyrun.py — run a command with its stdin and/or stdout on a pseudo-terminal,
for the tests of what tools do when a person runs them at a terminal.

usage: ptyrun.py [-i] [-o] command [arg ...]

  -i  stdin is the terminal; once the command has said something on stderr (or
      after 2 s), Ctrl-D is typed, as a person would, to end the input
  -o  stdout is the terminal (what the command writes there is discarded)

Without -i stdin is /dev/null; without -o stdout is copied to ours.  The
command's stderr is copied to ours as it was; the exit status is the command's
(1 more than 128 + signal when it was killed, 124 when it did not end in 20 s).
"""
import os
import pty
import select
import subprocess
import sys
import time


def main():
    args = sys.argv[1:]
    tty_in = tty_out = False
    while args and args[0] in ("-i", "-o"):
        tty_in |= args[0] == "-i"
        tty_out |= args[0] == "-o"
        args = args[1:]
    if not args:
        sys.stderr.write(__doc__)
        return 2
    master, slave = pty.openpty()
    p = subprocess.Popen(args,
                         stdin=slave if tty_in else subprocess.DEVNULL,
                         stdout=slave if tty_out else subprocess.PIPE,
                         stderr=subprocess.PIPE, close_fds=True)
    os.close(slave)
    err, out = bytearray(), bytearray()
    fds = {p.stderr.fileno(): err, master: None}
    if not tty_out:
        fds[p.stdout.fileno()] = out
    start = time.monotonic()
    typed = not tty_in
    while time.monotonic() - start < 20:
        if not typed and (err or time.monotonic() - start > 2):
            time.sleep(0.2)  # the reader is waiting in read(2) by now
            os.write(master, b"\x04")
            typed = True
        r, _, _ = select.select(list(fds), [], [], 0.1)
        for fd in r:
            try:
                data = os.read(fd, 65536)
            except OSError:  # the pty's other end is closed
                data = b""
            if not data:
                del fds[fd]
            elif fds[fd] is not None:
                fds[fd].extend(data)
        if p.poll() is not None and p.stderr.fileno() not in fds and \
                (tty_out or p.stdout.fileno() not in fds):
            break
    else:
        p.kill()
        p.wait()
        sys.stderr.buffer.write(bytes(err))
        return 124
    sys.stdout.buffer.write(bytes(out))
    sys.stderr.buffer.write(bytes(err))
    return p.returncode if p.returncode >= 0 else 128 - p.returncode


if __name__ == "__main__":
    sys.exit(main())
