"""The front camera over TCP: PaVE-framed H.264 from a loopback server, decoded into mono frames (right None)."""

import socket
import threading

import numpy as np
import pytest

from drone_ssl_bridge.ardrone2.front_camera import FrontCamera
from drone_ssl_bridge.ardrone2.protocol.pave import FrameType, encode_frame

av = pytest.importorskip("av")


def h264_stream(n=6, w=64, h=48):
    encoder = av.CodecContext.create("libx264", "w")
    encoder.width, encoder.height, encoder.pix_fmt = w, h, "yuv420p"
    encoder.options = {"tune": "zerolatency"}
    out = b""
    for i in range(n):
        image = np.full((h, w, 3), 30 * i, np.uint8)
        for packet in encoder.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
            kind = FrameType.IDR if packet.is_keyframe else FrameType.P
            out += encode_frame(bytes(packet), i, kind, w, h, header_size=68)
    return out


def test_frames_arrive_decoded_and_resized():
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    stream = h264_stream()

    def serve():
        conn, _ = server.accept()
        with conn:
            for start in range(0, len(stream), 700):  # arbitrary TCP segments
                conn.sendall(stream[start : start + 700])
            threading.Event().wait(1.0)

    threading.Thread(target=serve, daemon=True).start()
    camera = FrontCamera("127.0.0.1", server.getsockname()[1], output_size=(32, 24))
    camera.open()
    try:
        frame = camera.read()
    finally:
        camera.close()
        server.close()
    assert frame.right is None and frame.left.shape == (24, 32) and frame.left.dtype == np.uint8
