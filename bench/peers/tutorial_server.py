# SPDX-License-Identifier: MIT
# The tutorial's echo server (as in Python's socket HOWTO): accept one peer, recv(1024), sendall,
# until the peer closes. Only the port comes from the command line, and SO_REUSEADDR is set so
# that back-to-back benchmark runs can bind.
import socket
import sys

HOST = "127.0.0.1"
PORT = int(sys.argv[1])

with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((HOST, PORT))
    s.listen()
    conn, addr = s.accept()
    with conn:
        while True:
            data = conn.recv(1024)
            if not data:
                break
            conn.sendall(data)
