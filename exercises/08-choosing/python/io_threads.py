"""I/O-bound work: requests to a local server that answers after a delay.

The Python counterpart of `cargo run -p choosing --bin io_scaling --release`.
A thread waiting on a socket releases the GIL, so threads help here.
"""
import socket
import socketserver
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor


# ANCHOR: server
class SlowHandler(socketserver.StreamRequestHandler):
    delay = 0.1

    def handle(self):
        request = self.rfile.readline().decode().rstrip("\n")
        time.sleep(self.delay)  # the server is slow; the client only waits
        self.wfile.write(f"reply to {request}\n".encode())
# ANCHOR_END: server


# ANCHOR: fetch
def fetch(address, request):
    with socket.create_connection(address) as conn:
        conn.sendall(f"{request}\n".encode())
        conn.shutdown(socket.SHUT_WR)
        return conn.makefile().read().rstrip("\n")
# ANCHOR_END: fetch


# ANCHOR: pool
def fetch_on_threads(address, requests):
    """Fetches every request at once, one thread per request, in order."""
    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(lambda r: fetch(address, r), requests))
# ANCHOR_END: pool


def report(how, answers, started):
    took = time.perf_counter() - started
    print(f"{how}: {len(answers)} answers in {took * 1e3:6.1f} ms")


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 8
    SlowHandler.delay = (int(sys.argv[2]) if len(sys.argv) > 2 else 100) / 1000
    socketserver.ThreadingTCPServer.daemon_threads = True
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), SlowHandler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        address = server.server_address
        requests = [f"request {i}" for i in range(count)]
        print(f"{count} requests, the server answers each after {SlowHandler.delay * 1e3:.0f} ms")

        started = time.perf_counter()
        report("one after the other", [fetch(address, r) for r in requests], started)

        started = time.perf_counter()
        answers = fetch_on_threads(address, requests)
        report("one thread each    ", answers, started)
        server.shutdown()
