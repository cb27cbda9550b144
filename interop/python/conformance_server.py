"""conformance_server.py: the /socket.io/ part of conformance.md on
python-socketio's asyncio server (aiohttp), for the Go client's interop
tests (client/interop_test.go).

Listens on 127.0.0.1:$PORT (0 or unset: any free port). Once listening it
prints "listening <port>" and, if $PORT_FILE is set, writes the port there.
"""
import asyncio
import os

import socketio
from aiohttp import web
from socketio import packet

NAMESPACES = ('/', '/custom')


class Server(socketio.AsyncServer):
    """Refuses unknown namespaces as conformance.md (and Node) do, with
    {"message": "Invalid namespace"}; python-socketio 5.7 sends the string
    "Unable to connect" instead."""

    async def _handle_connect(self, eio_sid, namespace, data):
        if (namespace or '/') not in NAMESPACES:
            await self._send_packet(eio_sid, self.packet_class(
                packet.CONNECT_ERROR, data={'message': 'Invalid namespace'},
                namespace=namespace))
            return
        return await super()._handle_connect(eio_sid, namespace, data)


# always_connect sends the CONNECT reply before the connect handler runs, so
# that "auth" follows it.
sio = Server(async_mode='aiohttp', ping_interval=0.3, ping_timeout=0.2,
             max_http_buffer_size=1000000, cors_allowed_origins='*',
             always_connect=True)


@sio.event
async def connect(sid, environ, auth):
    await sio.emit('auth', auth if auth is not None else {}, to=sid)


@sio.on('message')
async def message(sid, *args):
    await sio.emit('message-back', tuple(args), to=sid)


@sio.on('message-with-ack')
async def message_with_ack(sid, *args):
    return tuple(args)


@sio.on('connect', namespace='/custom')
async def connect_custom(sid, environ, auth):
    await sio.emit('auth', auth if auth is not None else {}, to=sid,
                   namespace='/custom')


async def main():
    app = web.Application()
    sio.attach(app)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, '127.0.0.1', int(os.environ.get('PORT') or 0))
    await site.start()
    port = site._server.sockets[0].getsockname()[1]
    if os.environ.get('PORT_FILE'):
        with open(os.environ['PORT_FILE'], 'w') as f:
            f.write(str(port))
    print('listening', port, flush=True)
    await asyncio.Event().wait()


if __name__ == '__main__':
    asyncio.run(main())
