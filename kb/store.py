"""Open the Chroma client: embedded (one process) with telemetry off."""

from __future__ import annotations

from pathlib import Path

__all__ = ["open_chroma"]


def open_chroma(path: Path):
    """A persistent, embedded Chroma client in ``path`` (created if missing)."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(
        path=str(path), settings=ChromaSettings(anonymized_telemetry=False)
    )
