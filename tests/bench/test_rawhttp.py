"""The bench's lean HTTP client: keep-alive, Content-Length bodies, reconnect after close."""

from __future__ import annotations

import asyncio
import json

import pytest

from bench.rawhttp import Connection, encode_post


def test_encoded_request_carries_the_json_body_and_headers() -> None:
    raw = encode_post("127.0.0.1:9", "/v1/classify", {"text": "Привет"}, {"X-API-Key": "k"})
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    assert lines[0] == "POST /v1/classify HTTP/1.1"
    assert f"Content-Length: {len(body)}" in lines and "X-API-Key: k" in lines
    assert json.loads(body) == {"text": "Привет"}


async def _serve(replies: list[bytes], seen: list[bytes]) -> asyncio.Server:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while replies:
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length")))
            seen.append(await reader.readexactly(length))
            reply = replies.pop(0)
            writer.write(reply)
            await writer.drain()
            if b"Connection: close" in reply:
                break
        writer.close()

    return await asyncio.start_server(handle, "127.0.0.1", 0)


def _reply(status: int, body: bytes, extra: str = "") -> bytes:
    return (f"HTTP/1.1 {status} X\r\nContent-Length: {len(body)}\r\n{extra}\r\n").encode() + body


def test_replies_are_read_by_length_and_closed_connections_reopen() -> None:
    async def main() -> list[tuple[int, bytes]]:
        seen: list[bytes] = []
        replies = [_reply(200, b'{"a": 1}'), _reply(429, b"slow", "Connection: close\r\n"),
                   _reply(200, b"")]
        server = await _serve(replies, seen)
        port = server.sockets[0].getsockname()[1]
        conn = Connection(f"http://127.0.0.1:{port}")
        out = []
        for n in range(3):
            r = await conn.send(encode_post(f"127.0.0.1:{port}", "/x", {"n": n}, {}))
            out.append((r.status, r.body))
        await conn.close()
        server.close()
        assert [json.loads(b) for b in seen] == [{"n": 0}, {"n": 1}, {"n": 2}]
        return out

    assert asyncio.run(main()) == [(200, b'{"a": 1}'), (429, b"slow"), (200, b"")]


def test_chunked_replies_are_refused() -> None:
    async def main() -> None:
        server = await _serve([b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"],
                              [])
        port = server.sockets[0].getsockname()[1]
        conn = Connection(f"http://127.0.0.1:{port}")
        try:
            with pytest.raises(ValueError):
                await conn.send(encode_post("h", "/x", {}, {}))
        finally:
            await conn.close()
            server.close()

    asyncio.run(main())
