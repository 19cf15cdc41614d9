"""Run a command in a pseudo-terminal for end-to-end tests of interactive commands.

Usage: python3 run_in_pty.py COLUMNS ROWS -- COMMAND [ARGS...]
Writes the child's pid as the first line on stderr, relays this process's stdin to the terminal
and the terminal's output to stdout, and exits when the child does.
"""
import fcntl, os, pty, select, struct, sys, termios

cols, rows = int(sys.argv[1]), int(sys.argv[2])
cmd = sys.argv[4:]
pid, fd = pty.fork()
if pid == 0:
    os.execvp(cmd[0], cmd)
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
sys.stderr.write(f"{pid}\n")
sys.stderr.flush()
stdin_open = True
while True:
    fds = [fd] + ([0] if stdin_open else [])
    try:
        ready, _, _ = select.select(fds, [], [], 0.05)
    except InterruptedError:
        continue
    if fd in ready:
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        os.write(1, data)
    if 0 in ready:
        data = os.read(0, 1024)
        if not data:
            stdin_open = False
        else:
            os.write(fd, data)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else 0)
