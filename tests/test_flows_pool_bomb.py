"""A compressed PDF bomb: a few hundred kilobytes that inflate to more memory than a worker may
use. It fails alone, with the limit named, and the worker goes on."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
from builders import pdf_of_objects

from flows.pool import ExtractionPool, LimitExceeded
from workspace.service import extract_brochure

INFLATED_MB = 768


def write_pdf_bomb(path: Path, inflated_mb: int = INFLATED_MB) -> Path:
    """Write a one-page PDF whose content stream inflates to `inflated_mb` MB of spaces."""
    packer = zlib.compressobj(9)
    chunk = b" " * (1024 * 1024)
    stream = packer.compress(b"BT /F1 12 Tf 20 100 Td (Bomb) Tj ET")
    stream += b"".join(packer.compress(chunk) for _ in range(inflated_mb)) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    path.write_bytes(pdf_of_objects(objects))
    return path


@pytest.mark.slow
def test_pool_a_pdf_bomb_fails_alone_under_the_memory_limit(
    tmp_path: Path, sample_path: Path
) -> None:
    bomb = write_pdf_bomb(tmp_path / "bomb.pdf")
    assert bomb.stat().st_size < 2 * 1024 * 1024  # small on disk: the size limit cannot see it

    with ExtractionPool(1, memory_mb=512, seconds=120) as pool:
        with pytest.raises(LimitExceeded, match=r"bomb.pdf: needed more memory than 512 MB"):
            pool.run(str(bomb), extract_brochure, bomb)
        extraction = pool.run(str(sample_path), extract_brochure, sample_path)

    assert len(extraction.projects) == 18
