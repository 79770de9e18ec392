"""PaVE header parsing (64- and 68-byte headers), reassembly across any TCP split, chunks, resync, decoding."""

import numpy as np
import pytest

from drone_ssl_bridge.ardrone2.protocol.pave import FrameType, PaveReassembler, encode_frame, parse_header
from drone_ssl_bridge.errors import PaveParseError


def test_header_fields_round_trip_and_header_size_is_honoured():
    for size in (64, 68):
        raw = encode_frame(b"\x00\x00\x00\x01\x67abc", 7, FrameType.IDR, 640, 360, 1234, header_size=size)
        header = parse_header(raw)
        assert (header.header_size, header.payload_size, header.frame_number) == (size, 8, 7)
        assert (header.encoded_width, header.encoded_height, header.timestamp_ms) == (640, 360, 1234)
        assert header.frame_type == FrameType.IDR and header.codec == 4
        assert raw[size:] == b"\x00\x00\x00\x01\x67abc"


def test_bad_headers_raise_the_typed_error():
    with pytest.raises(PaveParseError):
        parse_header(b"PaVE" + bytes(10))
    with pytest.raises(PaveParseError):
        parse_header(b"XXXX" + bytes(60))


def test_reassembly_across_every_split_point_with_garbage_between_frames():
    frames = [
        encode_frame(bytes([i]) * (50 + i), i, FrameType.P, 64, 48, header_size=64 + 4 * (i % 2)) for i in range(3)
    ]
    stream = b"junk" + frames[0] + frames[1] + b"\x00PaV" + frames[2]
    for split in range(1, len(stream)):
        r = PaveReassembler()
        out = r.feed(stream[:split]) + r.feed(stream[split:])
        assert [f.header.frame_number for f in out] == [0, 1, 2]
        assert [f.payload for f in out] == [bytes([i]) * (50 + i) for i in range(3)]


def test_chunked_frames_are_joined_and_incomplete_ones_dropped():
    parts = [encode_frame(p, 5, FrameType.I, 64, 48, chunk=(3, i)) for i, p in enumerate((b"aa", b"bb", b"cc"))]
    r = PaveReassembler()
    (frame,) = r.feed(b"".join(parts))
    assert frame.payload == b"aabbcc" and frame.header.payload_size == 6 and frame.is_keyframe
    assert r.feed(parts[0] + parts[2]) == []


def test_advertisement_headers_carry_no_payload():
    advert = bytearray(encode_frame(b"", 1, FrameType.P, 64, 48))
    advert[31] = 1
    real = encode_frame(b"xyz", 2, FrameType.P, 64, 48)
    assert [f.payload for f in PaveReassembler().feed(bytes(advert) + real)] == [b"xyz"]


def test_h264_payloads_decode_through_pyav():
    av = pytest.importorskip("av")
    from drone_ssl_bridge.ardrone2.video import H264Decoder

    encoder = av.CodecContext.create("libx264", "w")
    encoder.width, encoder.height, encoder.pix_fmt = 64, 48, "yuv420p"
    encoder.options = {"tune": "zerolatency"}
    stream = b""
    for i in range(5):
        image = np.full((48, 64, 3), 40 * i, np.uint8)
        for packet in encoder.encode(av.VideoFrame.from_ndarray(image, format="rgb24")):
            kind = FrameType.IDR if packet.is_keyframe else FrameType.P
            stream += encode_frame(bytes(packet), i, kind, 64, 48)
    for packet in encoder.encode(None):
        stream += encode_frame(bytes(packet), 9, FrameType.P, 64, 48)
    decoder = H264Decoder()
    images = [img for f in PaveReassembler().feed(stream) for img in decoder.decode(f)]
    images += decoder.decode_bytes(b"")  # flush
    assert images and images[0].shape == (48, 64) and images[0].dtype == np.uint8
