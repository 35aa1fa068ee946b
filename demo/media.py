"""Generates the demo's media file, so no binary is committed."""

from __future__ import annotations

import math
import struct
import wave
from pathlib import Path


def ensure_media(folder: Path) -> None:
    """Write ``tone.wav`` (three seconds of a soft tone) unless it is already there.

    A browser seeks in it with Range requests, which is what the demo shows off.
    """
    target = folder / "tone.wav"
    if target.exists():
        return
    folder.mkdir(parents=True, exist_ok=True)
    rate = 8000
    frames = b"".join(
        struct.pack("<h", int(3000 * math.sin(2 * math.pi * 440 * i / rate)))
        for i in range(rate * 3)
    )
    tmp = target.with_suffix(".tmp")
    with wave.open(str(tmp), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(frames)
    tmp.replace(target)
