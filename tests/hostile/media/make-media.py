#!/usr/bin/env python3
"""Writes the hostile media corpus (tests/hostile/media/files/): images and
videos that are broken or hostile, each small. test-hostile-media loads
every one as the app would and expects what EXPECTED says. FIFOs, devices
and links cannot be checked in: the test makes those itself.

    python3 tests/hostile/media/make-media.py

Needs ImageMagick's `convert` and `ffmpeg` (build-aux/deps.sh); the files
are checked in, so the tests need neither.
"""
import os
import struct
import subprocess
import tempfile
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "files")


def write(name, data):
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, name), "wb") as fh:
        fh.write(data.encode() if isinstance(data, str) else data)


def chunk(kind, payload):
    return (struct.pack(">I", len(payload)) + kind + payload +
            struct.pack(">I", zlib.crc32(kind + payload) & 0xffffffff))


def png(width, height, idat, extra=b"", color_type=2):
    ihdr = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + extra +
            chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def tool(args, ext):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "out." + ext)
        subprocess.run(args + [path], check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        with open(path, "rb") as fh:
            return fh.read()


def main():
    grad = ["convert", "-size", "160x120", "gradient:red-blue"]
    good_png = tool(grad, "png")
    good_jpeg = tool(grad + ["-quality", "85"], "jpg")
    good_webp = tool(grad, "webp")

    # Controls: what must still load
    write("good.png", good_png)
    write("good.jpg", good_jpeg)
    write("jpeg-named.png", good_jpeg)                    # wrong extension
    write("png-named.webp", good_png)

    # Nothing, or not an image
    write("zero-bytes.png", b"")
    write("html-error-page.png", "<!DOCTYPE html><html><body>502 Bad Gateway</body></html>\n")
    write("text.jpg", "just some text\n" * 10)
    write("gif.gif", tool(grad, "gif"))
    write("svg-billion-laughs.svg",
          '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
          + "".join('<!ENTITY %s "%s">' % (chr(98 + i), ("&%s;" % chr(97 + i)) * 10) for i in range(8))
          + ']><svg xmlns="http://www.w3.org/2000/svg"><text>&i;</text></svg>\n')

    # Bombs: headers that claim more than is sane
    write("png-bomb-30000x30000.png", png(30000, 30000, zlib.compress(b"\0" * 65536, 9)))
    write("png-bomb-1x100000.png", png(1, 100000, zlib.compress(b"\0" * 4096, 9)))
    jpeg = bytearray(good_jpeg)
    sof = jpeg.find(b"\xff\xc0")
    jpeg[sof + 5:sof + 9] = struct.pack(">HH", 65000, 65000)
    write("jpeg-bomb-65000x65000.jpg", bytes(jpeg))
    write("webp-bomb-16383x16383.webp",
          b"RIFF" + struct.pack("<I", 30) + b"WEBPVP8X" + struct.pack("<I", 10) +
          b"\0\0\0\0" + (16382).to_bytes(3, "little") + (16382).to_bytes(3, "little") + b"VP8L")
    # A zTXt chunk that inflates to 64 MiB
    ztxt = chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"A" * (64 << 20), 9))
    write("png-metadata-bomb.png", png(16, 16, zlib.compress(b"\0" * (16 * 49), 9), ztxt))
    # 1 MiB of EXIF-looking metadata in many APP segments
    app = b"".join(b"\xff\xe1" + struct.pack(">H", 65000) + b"Exif\0\0" + b"\0" * 64992 for _ in range(4))
    write("jpeg-huge-metadata.jpg", good_jpeg[:2] + app + good_jpeg[2:])

    # Cut short, or lying about what follows
    write("png-truncated-half.png", good_png[: len(good_png) // 2])
    write("png-truncated-idat.png", png(1000, 800, zlib.compress(b"\0" + b"\x80" * 3000)))
    write("png-bad-crc.png", good_png[:29] + b"\0\0\0\0" + good_png[33:])
    write("png-signature-only.png", good_png[:8])
    write("jpeg-truncated-half.jpg", good_jpeg[: len(good_jpeg) // 2])
    write("jpeg-soi-only.jpg", b"\xff\xd8")
    write("webp-truncated.webp", good_webp[: len(good_webp) // 2])
    write("bmp-header-only.bmp", b"BM" + struct.pack("<IHHI", 54, 0, 0, 54) +
          struct.pack("<IiiHHIIiiII", 40, 400, 300, 1, 24, 0, 0, 0, 0, 0, 0))

    # Videos (what a server sends back)
    clip = tool(["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
                 "testsrc=size=64x48:rate=8:duration=2", "-c:v", "libx264", "-pix_fmt",
                 "yuv420p", "-movflags", "+faststart"], "mp4")
    write("good.mp4", clip)
    write("zero-bytes.mp4", b"")
    write("html-error-page.mp4", "<html><body><h1>403 Forbidden</h1>Request has expired</body></html>\n")
    write("png-named.mp4", good_png)
    write("mp4-truncated-half.mp4", clip[: len(clip) // 2])
    write("mp4-ftyp-only.mp4", clip[:32])
    big = bytearray(clip)
    big[32 + 0:32 + 4] = struct.pack(">I", 0x7fffffff)   # the box after ftyp claims 2 GiB
    write("mp4-box-size-lies.mp4", bytes(big))
    write("mp4-random-bytes.mp4", bytes((i * 7919 + 13) % 251 for i in range(4096)))


if __name__ == "__main__":
    main()
