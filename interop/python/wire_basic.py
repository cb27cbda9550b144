"""wire_basic.py: python-socketio's sync Client on the transport named by
TRANSPORT ("polling" or "websocket") exercises auth, events, acks both
ways and binary both ways against the Go test app; with SERIALIZER=msgpack
it uses python-socketio's msgpack serializer.

Prints one JSON line per observation, {"step": name, "data": value}, with
bytes shown as {"$bin": "<hex>"}, the same lines as js/wire_basic.js.
"""

import json
import os
import sys
import threading
import time

import socketio

URL = os.environ["SERVER_URL"]
TRANSPORT = os.environ.get("TRANSPORT", "polling")
TIMEOUT = 5


def show(v):
    if isinstance(v, (bytes, bytearray)):
        return {"$bin": bytes(v).hex()}
    if isinstance(v, (list, tuple)):
        return [show(x) for x in v]
    if isinstance(v, dict):
        return {k: show(x) for k, x in v.items()}
    return v


def out(step, data):
    line = json.dumps({"step": step, "data": show(data)}, separators=(",", ":"), ensure_ascii=False)
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


class Waiter:
    """Collects the args of the next occurrence of an event or ack."""

    def __init__(self):
        self.done = threading.Event()
        self.args = None

    def __call__(self, *args):
        self.args = list(args)
        self.done.set()

    def wait(self, what):
        if not self.done.wait(TIMEOUT):
            raise TimeoutError("timeout waiting for " + what)
        return self.args


def ack(sio, event, *args):
    w = Waiter()
    sio.emit(event, data=tuple(args) if args else None, callback=w)
    return w.wait("ack of " + event)


def main():
    sio = socketio.Client(reconnection=False, serializer=os.environ.get("SERIALIZER", "default"))
    waiters = {name: Waiter() for name in ("auth", "message-back", "answer-was")}

    def on(name):
        def handler(*args):
            w = waiters[name]
            waiters[name] = Waiter()
            w(*args)
        sio.on(name, handler)

    for name in list(waiters):
        on(name)

    @sio.on("question")
    def question(n, b, obj):
        out("question", [n, b, obj])
        return ("answer", n + 1, bytes([9, 8, 7]), {"b": bytes([6])})

    auth = waiters["auth"]
    sio.connect(URL, transports=[TRANSPORT], wait_timeout=TIMEOUT,
                auth={"token": "abc", "n": 1, "nested": {"z": 1, "a": [True]}})
    out("connected", {"id": bool(sio.get_sid("/"))})
    out("auth", auth.wait("auth")[0])

    def roundtrip(step, *args):
        w = waiters["message-back"]
        sio.emit("message", data=tuple(args))
        return w.wait(step)

    out("message-back", roundtrip("message-back", 1, "2", {"3": [False]}))
    out("ack", ack(sio, "message-with-ack", 1, "2", {"3": [False]}))
    out("ack-empty", ack(sio, "message-with-ack"))

    big = "é€😀" + "x" * 200000
    back = roundtrip("big", big)[0]
    out("big", {"same": back == big, "bytes": len(back.encode())})

    out("binary", roundtrip("binary", bytes([1, 2, 3]),
                            {"a": bytes([4, 5]), "list": [bytes([6]), {"deep": bytes([7])}]}, "text"))
    out("binary-ack", ack(sio, "message-with-ack", {"file": bytes([0, 255])}, [b"hi", 2]))

    w = waiters["answer-was"]
    sio.emit("ask", 41)
    out("answer-was", w.wait("answer-was")[0])

    who = ack(sio, "whoami")[0]
    out("whoami", {"engine": who["engine"] == sio.eio.sid, "id": who["id"] == sio.get_sid("/"), "nsp": who["nsp"]})
    out("transport", sio.transport())
    sio.disconnect()


if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # reported to the Go test as an error step
        out("error", repr(e))
        os._exit(1)
    time.sleep(0.2)
    os._exit(0)
